//! Helpers shared by the integration tests: building workbooks and zips, and patching them.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A small workbook with a title row, a header, text, numbers, a date, a merged range and a
/// formula with its cached value.
pub fn sample_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.merge_range(0, 0, 0, 3, "某某学校教职工名册", &Format::new()).unwrap();
    for (c, h) in ["姓名", "工号", "入职日期", "手机号"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "张三").unwrap();
    ws.write_string(3, 1, "T001").unwrap();
    let d = ExcelDateTime::from_ymd(2020, 9, 1).unwrap();
    ws.write_datetime_with_format(3, 2, d, &date).unwrap();
    ws.write_number(3, 3, 13800138000.0).unwrap();
    ws.write_string(4, 0, "李四").unwrap();
    ws.write_formula(4, 1, Formula::new("=\"T\"&\"002\"").set_result("T002")).unwrap();
    ws.write_formula(4, 3, Formula::new("=1+2").set_result("3")).unwrap();
    wb.save_to_buffer().unwrap()
}

/// A workbook with `rows` rows of `cols` numbers each.
pub fn numbers_xlsx(rows: u32, cols: u16) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    for r in 0..rows {
        for c in 0..cols {
            ws.write_number(r, c, f64::from(r) + f64::from(c)).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A zip with the given entries, deflated.
pub fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(false);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// All entries of a zip, decompressed, in order.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// The same zip with one entry's content replaced by `f(old)`.
pub fn rewrite_entry(bytes: &[u8], name: &str, f: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let entries: Vec<(String, Vec<u8>)> = unzip(bytes)
        .into_iter()
        .map(|(n, d)| {
            let d = if n == name { f(&d) } else { d };
            (n, d)
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    make_zip(&refs)
}

/// Overwrites the declared uncompressed size of every entry, in both the local headers and
/// the central directory, to forge a zip that lies about its content.
pub fn forge_uncompressed_size(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
    let le = size.to_le_bytes();
    let mut i = 0;
    while i + 30 <= bytes.len() {
        if bytes[i..].starts_with(b"PK\x03\x04") {
            bytes[i + 22..i + 26].copy_from_slice(&le);
            i += 30;
        } else if bytes[i..].starts_with(b"PK\x01\x02") && i + 46 <= bytes.len() {
            bytes[i + 24..i + 28].copy_from_slice(&le);
            i += 46;
        } else {
            i += 1;
        }
    }
    bytes
}

/// The bytes of `xl/worksheets/sheet1.xml` in a workbook.
pub fn sheet1_xml(bytes: &[u8]) -> String {
    let entry = unzip(bytes).into_iter().find(|(n, _)| n == "xl/worksheets/sheet1.xml").unwrap();
    String::from_utf8(entry.1).unwrap()
}
