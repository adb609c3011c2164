//! Regression corpus of bad (and odd) files in `tests/corpus/`.
//!
//! A file named `KEY__description.ext` must give the error whose Fluent id is `office-KEY`
//! (`ok__...` must read); any other file only has to not panic. Missing generated files are
//! written by [`ensure_corpus`], so new hand-made files can simply be dropped in the folder.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

mod common;

use std::path::{Path, PathBuf};

use jiaogong_office::xlsx_read::{read_first_sheet, Limits};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}

fn generated() -> Vec<(&'static str, Vec<u8>)> {
    let sample = common::sample_xlsx();
    let half = sample[..sample.len() / 2].to_vec();
    let replace = |name: &str, content: &'static [u8]| common::rewrite_entry(&sample, name, move |_| content.to_vec());
    let truncate_sheet =
        common::rewrite_entry(&sample, "xl/worksheets/sheet1.xml", |old| old[..old.len() / 2].to_vec());
    let zeros = vec![0u8; 5 * 1024 * 1024];
    let lying = common::forge_uncompressed_size(common::make_zip(&[("xl/sharedStrings.xml", &vec![b'a'; 8192])]), 64);
    vec![
        ("not-xlsx__empty.xlsx", Vec::new()),
        ("not-xlsx__csv.xlsx", "姓名,工号\n张三,T001\n".as_bytes().to_vec()),
        ("not-xlsx__pdf.xlsx", b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec()),
        ("not-xlsx__ole2-xls.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0\0\0\0\0".to_vec()),
        ("not-xlsx__end-of-central-dir-only.xlsx", b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec()),
        ("corrupt__truncated-half.xlsx", half),
        ("corrupt__magic-only.xlsx", b"PK\x03\x04".to_vec()),
        ("corrupt__zip-without-workbook.xlsx", common::make_zip(&[("readme.txt", b"hello")])),
        ("corrupt__workbook-garbage.xlsx", replace("xl/workbook.xml", b"<<<not xml")),
        ("corrupt__styles-garbage.xlsx", replace("xl/styles.xml", b"<styleSheet><numFmts><x")),
        ("corrupt__sheet-truncated.xlsx", truncate_sheet),
        ("no-sheet__empty-sheets.xlsx", no_sheets(&sample)),
        ("zip-bomb__ratio-1000.xlsx", common::make_zip(&[("xl/worksheets/sheet1.xml", &zeros)])),
        (
            "zip-bomb__declared-4gb.xlsx",
            common::forge_uncompressed_size(common::make_zip(&[("a.xml", b"<a/>")]), 0xFFFF_FFF0),
        ),
        ("zip-bomb__understated-size.xlsx", lying),
        ("corrupt__shared-string-index.xlsx", bad_shared_string(&sample)),
        ("ok__sample.xlsx", sample.clone()),
    ]
}

fn no_sheets(sample: &[u8]) -> Vec<u8> {
    common::rewrite_entry(sample, "xl/workbook.xml", |old| {
        let s = String::from_utf8_lossy(old);
        match (s.find("<sheets>"), s.find("</sheets>")) {
            (Some(a), Some(b)) => format!("{}<sheets/>{}", &s[..a], &s[b + 9..]).into_bytes(),
            _ => old.to_vec(),
        }
    })
}

/// A cell pointing past the end of the shared strings (calamine 0.31 panics on it).
fn bad_shared_string(sample: &[u8]) -> Vec<u8> {
    common::rewrite_entry(sample, "xl/worksheets/sheet1.xml", |old| {
        String::from_utf8_lossy(old).replacen("t=\"s\"><v>0</v>", "t=\"s\"><v>999</v>", 1).into_bytes()
    })
}

/// Writes the generated corpus files that are not there yet.
fn ensure_corpus() {
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in generated() {
        let path = dir.join(name);
        if !path.exists() {
            std::fs::write(path, bytes).unwrap();
        }
    }
}

#[test]
fn every_corpus_file_is_handled() {
    ensure_corpus();
    let limits = Limits::default();
    let mut count = 0;
    let mut entries: Vec<_> =
        std::fs::read_dir(corpus_dir()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let result = read_first_sheet(&bytes, &limits);
        match name.split_once("__").map(|(k, _)| k) {
            Some("ok") => assert!(result.is_ok(), "{name}: {result:?}"),
            Some(key) => {
                let got = result.as_ref().map_err(|e| e.key());
                assert_eq!(got.err(), Some(format!("office-{key}").as_str()), "{name}: {result:?}");
            }
            None => {}
        }
        count += 1;
    }
    assert!(count >= 17, "corpus has {count} files");
}
