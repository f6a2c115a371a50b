//! Message text without `core::fmt`: a message is a few pieces and perhaps
//! a number, and the formatting machinery would cost the .wasm more than
//! every message together. Each error type writes its message with
//! [`Message::write_to`]; its `Display` writes the same text.

use crate::prelude::*;

/// Appends `n` in decimal (recursing on the leading digits: at most 20
/// deep, and no digit buffer to index).
#[inline(never)]
pub(crate) fn push_u64(out: &mut String, n: u64) {
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends `n` in decimal, with a `-` when negative.
pub(crate) fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// `n` in decimal.
pub(crate) fn u64_text(n: u64) -> String {
    let mut s = String::new();
    push_u64(&mut s, n);
    s
}

/// Appends every piece (out of line: one copy of the loop).
#[inline(never)]
pub(crate) fn push_all(out: &mut String, pieces: &[&str]) {
    for p in pieces {
        out.push_str(p);
    }
}

/// The pieces joined (`[..].concat()` without `alloc`'s generic join).
pub(crate) fn concat(pieces: &[&str]) -> String {
    let mut out = String::new();
    push_all(&mut out, pieces);
    out
}

/// An error's message, written without `core::fmt`.
pub(crate) trait Message {
    /// Appends the message.
    fn write_to(&self, out: &mut String);

    /// The message.
    fn message(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }
}

/// `impl Display` as the type's [`Message`].
macro_rules! display_message {
    ($($t:ty),* $(,)?) => {$(
        impl core::fmt::Display for $t {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&crate::text::Message::message(self))
            }
        }
    )*};
}
pub(crate) use display_message;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_decimal() {
        for n in [0, 7, 10, 99, 1_000_000, 9_007_199_254_740_991, u64::MAX] {
            assert_eq!(u64_text(n), n.to_string());
        }
        for n in [0, -1, 42, -9_007_199_254_740_991, i64::MIN, i64::MAX] {
            let mut s = String::new();
            push_i64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
