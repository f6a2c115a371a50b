//! Message text without `core::fmt`: messages are a few pieces and a
//! number, and the formatting machinery would cost the .wasm more than
//! every message together. `Display` impls write what these build.

/// Appends `n` in decimal.
///
/// ```ignore
/// let mut s = String::from("id ");
/// push_u64(&mut s, 42);
/// assert_eq!(s, "id 42");
/// ```
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

/// `n` in decimal.
pub(crate) fn u64_text(n: u64) -> String {
    let mut s = String::new();
    push_u64(&mut s, n);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_decimal() {
        for n in [0, 7, 10, 99, 1_000_000, 9_007_199_254_740_991, u64::MAX] {
            assert_eq!(u64_text(n), n.to_string());
        }
    }
}
