//! Writes the tables of `src/lowercase.rs` from this toolchain's own
//! `char::to_lowercase` and `str::to_lowercase`, so that the crate's
//! lowercase is the standard library's exactly (the same Unicode version,
//! Final_Sigma included) in a fraction of the bytes std's tables and code
//! take in the .wasm. Build scripts run on the host with the std of the same
//! compiler that builds the crate, so the tables cannot drift from it.

use std::fmt::Write;
use std::{env, fs, path::Path};

/// How a char counts for Final_Sigma: what `str::to_lowercase` looks at on
/// each side of a capital sigma (skip case-ignorable chars, then ask whether
/// the next one is cased).
const OTHER: u8 = 0;
const CASED: u8 = 1;
const IGNORABLE: u8 = 2;

/// Boundaries between two entries of the class index.
const CLASS_INDEX_EVERY: usize = 32;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let chars = || (0..=0x10FFFFu32).filter_map(char::from_u32);
    let mut out = String::new();

    // Single-char mappings as runs: every `stride`-th char from `first`, `count`
    // of them, each lowercasing to itself + `delta`.
    let mut runs: Vec<(u32, u32, u32, i64)> = Vec::new();
    let mut multi = Vec::new();
    for c in chars() {
        let lower: Vec<char> = c.to_lowercase().collect();
        if lower == [c] {
            continue;
        }
        if lower.len() > 1 {
            multi.push((c, lower.into_iter().collect::<String>()));
            continue;
        }
        let (cp, delta) = (c as u32, i64::from(lower[0] as u32) - i64::from(c as u32));
        if let Some(run) = runs.last_mut() {
            let (first, count, stride, d) = *run;
            // A run's second char sets its stride (1 or 2).
            let stride = if count == 1 { cp - first } else { stride };
            if d == delta && stride <= 2 && cp == first + count * stride {
                *run = (first, count + 1, stride, d);
                continue;
            }
        }
        runs.push((cp, 1, 1, delta));
    }
    writeln!(
        out,
        "/// Runs of single-char lowercase mappings, by first char: `first << 11 | (count - 1) << 1 | (stride - 1)`."
    )
    .unwrap();
    writeln!(out, "static RUNS: [u32; {}] = [", runs.len()).unwrap();
    for &(first, count, stride, _) in &runs {
        assert!((1..=1024).contains(&count) && (1..=2).contains(&stride));
        let key = first << 11 | (count - 1) << 1 | (stride - 1);
        writeln!(out, "    {key},").unwrap();
    }
    writeln!(out, "];").unwrap();
    // Every single-char mapping stays in its char's 64K plane, so a delta
    // fits in 16 bits, added modulo 2^16 to the low half (half the bytes of
    // an i32 per run, in an array of its own: no padding).
    writeln!(
        out,
        "/// Each run's delta, added modulo 2^16 to the low 16 bits of a char in it."
    )
    .unwrap();
    writeln!(out, "static DELTAS: [u16; {}] = [", runs.len()).unwrap();
    for &(first, count, stride, delta) in &runs {
        for cp in (0..count).map(|k| first + k * stride) {
            let lower = (i64::from(cp) + delta) as u32;
            assert_eq!(
                lower >> 16,
                cp >> 16,
                "U+{cp:04X} lowercases out of its plane"
            );
        }
        writeln!(out, "    {},", delta.rem_euclid(1 << 16)).unwrap();
    }
    writeln!(out, "];").unwrap();
    writeln!(
        out,
        "/// Chars whose lowercase is several chars.\nstatic MULTI: [(char, &str); {}] = [",
        multi.len()
    )
    .unwrap();
    for (c, lower) in multi {
        writeln!(out, "    ({c:?}, {lower:?}),").unwrap();
    }
    writeln!(out, "];").unwrap();

    // Final_Sigma classes, read off `str::to_lowercase` itself: a capital sigma
    // right after `c` is final when `c` is cased (and not case-ignorable);
    // after "A" + `c` when `c` is cased or case-ignorable.
    let final_sigma = |s: &str| s.to_lowercase().ends_with('ς');
    let mut bounds: Vec<(u32, u8)> = Vec::new();
    for c in chars() {
        let class = if final_sigma(&format!("{c}Σ")) {
            CASED
        } else if final_sigma(&format!("A{c}Σ")) {
            IGNORABLE
        } else {
            OTHER
        };
        if bounds.last().is_none_or(|b| b.1 != class) {
            bounds.push((c as u32, class));
        }
    }
    // A stream of LEB128 steps, `(distance from the previous boundary) << 2 |
    // class`, and an index of every CLASS_INDEX_EVERY-th boundary:
    // `char << 2 | class` and the offset of the step after it.
    let mut steps: Vec<u8> = Vec::new();
    let mut index: Vec<(u32, u32)> = Vec::new();
    for (i, &(cp, class)) in bounds.iter().enumerate() {
        if i > 0 {
            let mut v = (cp - bounds[i - 1].0) << 2 | u32::from(class);
            loop {
                let byte = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    steps.push(byte);
                    break;
                }
                steps.push(byte | 0x80);
            }
        }
        if i % CLASS_INDEX_EVERY == 0 {
            index.push((cp << 2 | u32::from(class), steps.len() as u32));
        }
    }
    writeln!(
        out,
        "/// Final_Sigma class boundaries: LEB128 `(distance from the previous one) << 2 | class`."
    )
    .unwrap();
    writeln!(
        out,
        "static CLASS_STEPS: [u8; {}] = {steps:?};",
        steps.len()
    )
    .unwrap();
    writeln!(
        out,
        "/// Every {CLASS_INDEX_EVERY}th boundary: `char << 2 | class`, and the offset of the step after it."
    )
    .unwrap();
    writeln!(
        out,
        "static CLASS_INDEX: [(u32, u32); {}] = {index:?};",
        index.len()
    )
    .unwrap();
    writeln!(out, "/// Steps between two entries of `CLASS_INDEX`.\nconst CLASS_INDEX_EVERY: usize = {CLASS_INDEX_EVERY};").unwrap();
    writeln!(out, "const OTHER: u8 = {OTHER};\nconst CASED: u8 = {CASED};\nconst IGNORABLE: u8 = {IGNORABLE};").unwrap();

    let path = Path::new(&env::var("OUT_DIR").unwrap()).join("lowercase_tables.rs");
    fs::write(path, out).unwrap();
}
