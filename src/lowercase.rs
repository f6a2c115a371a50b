//! Full Unicode lowercase: exactly the standard library's `str::to_lowercase`
//! (Final_Sigma included), from tables that `build.rs` reads off this
//! toolchain's own std.
//!
//! std's version costs about 20 KB of .wasm (a 12 KB table of pairs, and the
//! string-slicing panics and `Debug` formatting its sigma rule links in);
//! these tables take about 3 KB. The tests compare every char, and a capital
//! sigma next to every char, with std's answer.

use crate::prelude::*;

include!(concat!(env!("OUT_DIR"), "/lowercase_tables.rs"));

/// `text.to_lowercase()`, exactly.
pub(crate) fn to_lowercase(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == 'Σ' {
            out.push(if final_sigma(text, i) { 'ς' } else { 'σ' });
        } else {
            push_lowercase(&mut out, c);
        }
    }
    out
}

/// Appends `c.to_lowercase()`.
fn push_lowercase(out: &mut String, c: char) {
    let cp = c as u32;
    // The last run starting at or before `c`.
    let at = RUNS.partition_point(|&key| key >> 11 <= cp);
    let run = at
        .checked_sub(1)
        .and_then(|i| Some((*RUNS.get(i)?, *DELTAS.get(i)?)));
    if let Some((key, delta)) = run {
        let (first, count, stride) = (key >> 11, (key >> 1 & 0x3ff) + 1, (key & 1) + 1);
        let offset = cp - first;
        if offset % stride == 0 && offset / stride < count {
            let low = (cp as u16).wrapping_add(delta);
            if let Some(lower) = char::from_u32(cp & !0xffff | u32::from(low)) {
                out.push(lower);
                return;
            }
        }
    }
    match MULTI.iter().find(|(from, _)| *from == c) {
        Some((_, lower)) => out.push_str(lower),
        None => out.push(c),
    }
}

/// Whether the capital sigma at byte `i` ends a word, as std decides it: a
/// cased char before it and none after it, skipping case-ignorable chars.
fn final_sigma(text: &str, i: usize) -> bool {
    let before = text.get(..i).unwrap_or_default();
    let after = text.get(i + 'Σ'.len_utf8()..).unwrap_or_default();
    cased_next(before.chars().rev()) && !cased_next(after.chars())
}

/// Whether the first char that is not case-ignorable is cased.
fn cased_next(chars: impl Iterator<Item = char>) -> bool {
    chars
        .map(class)
        .find(|&class| class != IGNORABLE)
        .is_some_and(|class| class == CASED)
}

/// The Final_Sigma class of a char (`OTHER`, `CASED` or `IGNORABLE`).
fn class(c: char) -> u8 {
    let cp = c as u32;
    let at = CLASS_INDEX.partition_point(|&(key, _)| key >> 2 <= cp);
    let Some(&(key, offset)) = at.checked_sub(1).and_then(|i| CLASS_INDEX.get(i)) else {
        return OTHER;
    };
    let (mut start, mut class) = (key >> 2, (key & 3) as u8);
    let mut bytes = CLASS_STEPS.iter().skip(offset as usize);
    for _ in 1..CLASS_INDEX_EVERY {
        let mut step = 0u32;
        let mut shift = 0;
        loop {
            let Some(&byte) = bytes.next() else {
                return class;
            };
            step |= u32::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        start += step >> 2;
        if start > cp {
            break;
        }
        class = (step & 3) as u8;
    }
    class
}

#[cfg(test)]
mod tests {
    use super::to_lowercase;

    fn chars() -> impl Iterator<Item = char> {
        (0..=0x10FFFFu32).filter_map(char::from_u32)
    }

    #[test]
    fn every_char_lowercases_as_std_does() {
        let mut text = String::new();
        for c in chars() {
            text.clear();
            text.push(c);
            assert_eq!(to_lowercase(&text), text.to_lowercase(), "{c:?}");
        }
    }

    #[test]
    fn a_capital_sigma_next_to_every_char_lowercases_as_std_does() {
        let mut text = String::new();
        for c in chars() {
            for pattern in ["_Σ", "A_Σ", "AΣ_", "AΣ_a"] {
                text.clear();
                text.extend(pattern.chars().map(|p| if p == '_' { c } else { p }));
                assert_eq!(to_lowercase(&text), text.to_lowercase(), "{text:?}");
            }
        }
    }

    #[test]
    fn words() {
        for text in [
            "ΟΔΟΣ ΟΔΟΣ.",
            "Σ",
            "ΑΣ'Σ",
            "İSTANBUL",
            "ÄNNE@Example.COM",
            "ẞ ß",
            "ǅ",
            "",
        ] {
            assert_eq!(to_lowercase(text), text.to_lowercase(), "{text:?}");
        }
    }
}
