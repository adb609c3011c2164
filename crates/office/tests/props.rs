//! Property tests: no input makes the reader panic.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

mod common;

use std::sync::OnceLock;

use jiaogong_office::xlsx_read::{read_first_sheet, Limits};
use jiaogong_office::xlsx_write::neutralize;
use proptest::prelude::*;

fn sample() -> &'static [u8] {
    static SAMPLE: OnceLock<Vec<u8>> = OnceLock::new();
    SAMPLE.get_or_init(common::sample_xlsx)
}

fn sample_entries() -> &'static [(String, Vec<u8>)] {
    static ENTRIES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    ENTRIES.get_or_init(|| common::unzip(sample()))
}

fn small_limits() -> Limits {
    Limits { max_rows: 1000, ..Limits::default() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_first_sheet(&bytes, &small_limits());
    }

    #[test]
    fn arbitrary_bytes_after_zip_magic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut data = b"PK\x03\x04".to_vec();
        data.extend(bytes);
        let _ = read_first_sheet(&data, &small_limits());
    }

    #[test]
    fn truncated_valid_file(cut in 0usize..100_000) {
        let s = sample();
        let _ = read_first_sheet(&s[..cut.min(s.len())], &small_limits());
    }

    #[test]
    fn mutated_valid_file(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let mut data = sample().to_vec();
        for (at, byte) in edits {
            let i = at.index(data.len());
            data[i] = byte;
        }
        let _ = read_first_sheet(&data, &small_limits());
    }

    /// Mutations inside the XML parts, re-zipped with correct checksums, so they reach the
    /// spreadsheet parser instead of failing the zip checks.
    #[test]
    fn mutated_xml_parts(
        entry in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let entries = sample_entries();
        let target = entry.index(entries.len());
        let parts: Vec<(String, Vec<u8>)> = entries
            .iter()
            .enumerate()
            .map(|(i, (n, d))| {
                if i != target || d.is_empty() {
                    return (n.clone(), d.clone());
                }
                let mut d = d.clone();
                for (at, byte, op) in &edits {
                    let i = at.index(d.len().max(1)).min(d.len().saturating_sub(1));
                    // Bytes that matter to XML are more interesting than random ones.
                    let b = b"<>/=\"' 0123456789-.:Ar#&;"[usize::from(*byte) % 25];
                    match op {
                        0 => d[i] = b,
                        1 => d.insert(i, b),
                        _ => { d.remove(i); if d.is_empty() { d.push(b); } }
                    }
                }
                if let Some(c) = cut {
                    let len = c.index(d.len());
                    d.truncate(len);
                }
                (n.clone(), d)
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
        let _ = read_first_sheet(&common::make_zip(&refs), &small_limits());
    }

    #[test]
    fn neutralized_text_never_starts_a_formula(s in "\\PC{0,12}") {
        let out = neutralize(&s);
        if let Some(c) = out.chars().next() {
            if matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r') {
                prop_assert!(out.parse::<f64>().is_ok(), "{out:?}");
            }
        }
    }
}
