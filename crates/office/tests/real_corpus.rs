//! Our reading of real workbooks against calamine's, cell by cell (issue 12, finding 5), and the
//! hand-made cases of finding 5 read as Excel shows them.
//!
//! `tests/corpus/real/` holds files from public libraries' test suites (see its README);
//! `tests/corpus/crafted/` the small files written by `make_crafted.py`.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, SheetType, SheetVisible, Xlsx};
use jiaogong_office::xlsx_read::{read_first_sheet, CellValue, Limits, Sheet};
use jiaogong_office::OfficeError;

fn corpus(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus").join(sub)
}

/// Every `.xlsx` under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|x| x == "xlsx") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The non-blank cells of a sheet as our reader gives them, by (1-based row, 0-based column).
fn ours(sheet: &Sheet) -> BTreeMap<(u32, u32), CellValue> {
    let mut m = BTreeMap::new();
    for row in &sheet.rows {
        for (c, v) in row.cells.iter().enumerate() {
            if !v.is_blank() {
                m.insert((row.number, c as u32), v.clone());
            }
        }
    }
    m
}

/// The non-blank cells of the first visible worksheet as calamine reads them with its own
/// whole-sheet API (not the cell stream our reader uses), or calamine's error.
fn calamine_cells(bytes: &[u8]) -> Result<BTreeMap<(u32, u32), CellValue>, String> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let offset = if wb.has_1904_epoch() { 1462.0 } else { 0.0 };
    let sheets = wb.sheets_metadata().to_vec();
    let name = sheets
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .or_else(|| sheets.iter().find(|s| s.typ == SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .ok_or("no worksheet")?;
    let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut m = BTreeMap::new();
    for (r, c, d) in range.used_cells() {
        let v = match d {
            Data::Empty => continue,
            Data::String(s) => CellValue::Text(s.clone()),
            Data::Float(f) => CellValue::Number(*f),
            Data::Int(i) => CellValue::Number(*i as f64),
            Data::Bool(b) => CellValue::Bool(*b),
            Data::DateTime(dt) if dt.is_duration() => CellValue::Number(dt.as_f64()),
            Data::DateTime(dt) => CellValue::DateSerial(dt.as_f64() + offset),
            Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Text(s.clone()),
            Data::Error(e) => CellValue::Error(e.to_string()),
        };
        if !v.is_blank() {
            m.insert((r0 + r as u32 + 1, c0 + c as u32), v);
        }
    }
    Ok(m)
}

/// ISO dates are the one place our reader converts further (to a serial number); compare them
/// through the text calamine gave.
fn same(a: &CellValue, b: &CellValue) -> bool {
    match (a, b) {
        (CellValue::DateSerial(_), CellValue::Text(s)) if s.contains('-') => true,
        _ => a == b,
    }
}

#[test]
fn our_reader_reads_every_real_corpus_file_as_calamine_does() {
    let limits = Limits::default();
    let all = files(&corpus("real"));
    assert!(all.len() >= 100, "the corpus is there: {}", all.len());
    let (mut compared, mut cells, mut refused) = (0, 0, Vec::new());
    let mut disagreements = Vec::new();
    for path in &all {
        let name = path.strip_prefix(corpus("real")).unwrap().display().to_string();
        let bytes = std::fs::read(path).unwrap();
        match (read_first_sheet(&bytes, &limits), calamine_cells(&bytes)) {
            (Ok(sheet), Ok(theirs)) => {
                let ours = ours(&sheet);
                let keys: std::collections::BTreeSet<_> = ours.keys().chain(theirs.keys()).collect();
                for k in keys {
                    match (ours.get(k), theirs.get(k)) {
                        (Some(a), Some(b)) if same(a, b) => cells += 1,
                        (a, b) => disagreements.push(format!("{name} {k:?}: ours {a:?}, calamine {b:?}")),
                    }
                }
                compared += 1;
            }
            // Refused by both (an encrypted workbook, a file without a worksheet).
            (Err(_), Err(_)) => refused.push(name),
            (Err(OfficeError::NoSheet), Ok(t)) if t.is_empty() => refused.push(name),
            (a, b) => disagreements.push(format!("{name}: ours {:?}, calamine {:?}", a.map(|_| ()), b.map(|_| ()))),
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    assert!(compared >= 100 && cells >= 1000, "compared {compared} files, {cells} cells; refused {refused:?}");
}

/// The department (C2) of a crafted roster, read through the import's reader.
fn department(file: &str) -> CellValue {
    let bytes = std::fs::read(corpus("crafted").join(file)).unwrap();
    let sheet = read_first_sheet(&bytes, &Limits::default()).unwrap();
    let header: Vec<String> = sheet.rows[0].cells.iter().map(CellValue::to_text).collect();
    assert_eq!(header, ["姓名", "工号", "部门"], "{file}");
    let row = &sheet.rows[1];
    assert_eq!(row.number, 2, "{file}");
    assert_eq!(row.cells[0].to_text(), "张三", "{file}");
    assert_eq!(row.cells[1].to_text(), "T001", "{file}");
    row.cells.get(2).cloned().unwrap_or(CellValue::Empty)
}

#[test]
fn an_empty_shared_string_value_reads_as_an_empty_cell() {
    // calamine 0.31 (and the scanner that copied it) gave string 0: the header 姓名.
    assert!(department("empty-shared-string-value.xlsx").is_blank());
}

#[test]
fn an_empty_si_keeps_every_later_shared_string_in_place() {
    assert_eq!(department("empty-si.xlsx"), CellValue::Text("教务处".into()));
}

#[test]
fn rich_text_after_a_plain_run_is_read_whole() {
    assert_eq!(department("rich-text-after-plain.xlsx"), CellValue::Text("教务处".into()));
}

#[test]
fn cdata_in_an_inline_string_is_read() {
    assert_eq!(department("inline-cdata.xlsx"), CellValue::Text("研发&测试<一>".into()));
}

#[test]
fn a_workbook_of_inline_strings_only_is_read() {
    assert_eq!(department("inline-strings-only.xlsx"), CellValue::Text("教务处".into()));
}

#[test]
fn a_namespace_prefixed_workbook_is_read() {
    assert_eq!(department("namespace-prefix-x.xlsx"), CellValue::Text("教务处".into()));
}

#[test]
fn a_gbk_declared_sheet_is_read() {
    assert_eq!(department("gbk-declared-sheet.xlsx"), CellValue::Text("教务处".into()));
}
