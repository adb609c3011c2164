//! Reading and writing .xlsx: round trips, limits, layouts found in schools' sheets.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jiaogong_office::error::OfficeError;
use jiaogong_office::xlsx_read::{find_header_row, read_first_sheet, CellValue, Limits, Sheet};
use jiaogong_office::xlsx_write::{neutralize, write_error_report, write_tables, OutCell, Table};

fn read(bytes: &[u8]) -> Sheet {
    read_first_sheet(bytes, &Limits::default()).unwrap()
}

fn texts(sheet: &Sheet, row: usize) -> Vec<String> {
    sheet.rows[row].cells.iter().map(CellValue::to_text).collect()
}

#[test]
fn write_tables_round_trip() {
    let table = Table {
        sheet_name: "会员名册".into(),
        headers: vec!["姓名".into(), "金额".into(), "日期".into(), "数".into(), "备注".into()],
        rows: vec![
            vec![
                OutCell::Text("张三".into()),
                OutCell::Money(12345),
                OutCell::Date(NaiveDate::from_ymd_opt(2020, 9, 1).unwrap()),
                OutCell::Int(13800138000),
                OutCell::Text("=1+1".into()),
            ],
            vec![
                OutCell::Text("李四 Li".into()),
                OutCell::Money(-50),
                OutCell::Empty,
                OutCell::Number(2.5),
                OutCell::Text("-12.5".into()),
            ],
        ],
        col_widths: vec![],
    };
    let bytes = write_tables(&[table]).unwrap();
    let sheet = read(&bytes);
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(texts(&sheet, 0), ["姓名", "金额", "日期", "数", "备注"]);
    let r1 = &sheet.rows[1];
    assert_eq!(r1.number, 2);
    assert_eq!(r1.cells[0], CellValue::Text("张三".into()));
    assert_eq!(r1.cells[1], CellValue::Number(123.45));
    assert_eq!(r1.cells[2], CellValue::DateSerial(44075.0));
    assert_eq!(r1.cells[2].to_text(), "44075");
    assert_eq!(r1.cells[3].to_text(), "13800138000");
    assert_eq!(r1.cells[4].to_text(), "'=1+1");
    let r2 = &sheet.rows[2];
    assert_eq!(r2.cells[1], CellValue::Number(-0.5));
    assert_eq!(r2.cells[2], CellValue::Empty);
    assert_eq!(r2.cells[3].to_text(), "2.5");
    assert_eq!(r2.cells[4].to_text(), "-12.5");
    // Header styling, freeze and filter are in the sheet XML.
    let xml = common::sheet1_xml(&bytes);
    assert!(xml.contains("<autoFilter"), "{xml}");
    assert!(xml.contains("state=\"frozen\""));
}

#[test]
fn several_tables_and_awkward_names() {
    let t = |name: &str| Table {
        sheet_name: name.into(),
        headers: vec!["a".into()],
        rows: vec![vec![OutCell::Text("x".into())]],
        col_widths: vec![10.0],
    };
    let bytes =
        write_tables(&[t("汇总[2024]/上:半年*?"), t("汇总[2024]/上:半年*?"), t(""), t(&"长".repeat(40))]).unwrap();
    assert_eq!(read(&bytes).rows.len(), 2);
    assert!(write_tables(&[]).is_ok());
}

#[test]
fn neutralize_rules() {
    for (input, out) in [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("1e5", "1e5"),
        ("-inf", "'-inf"),
        ("-1-1", "'-1-1"),
        ("张三", "张三"),
        ("", ""),
        ("a=b", "a=b"),
    ] {
        assert_eq!(neutralize(input), out, "{input:?}");
    }
}

#[test]
fn not_a_zip_is_not_xlsx() {
    let limits = Limits::default();
    for bytes in [&b""[..], b"name,id\n1,2\n", b"%PDF-1.4\n", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"] {
        assert_eq!(read_first_sheet(bytes, &limits), Err(OfficeError::NotXlsx));
    }
}

#[test]
fn too_large_file() {
    let limits = Limits { max_file_bytes: 10, ..Limits::default() };
    assert_eq!(read_first_sheet(&common::sample_xlsx(), &limits), Err(OfficeError::TooLarge { limit_bytes: 10 }));
}

#[test]
fn high_ratio_is_zip_bomb() {
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let bomb = common::make_zip(&[("xl/worksheets/sheet1.xml", &zeros)]);
    assert!(bomb.len() < 200 * 1024);
    assert_eq!(read_first_sheet(&bomb, &Limits::default()), Err(OfficeError::ZipBomb));
}

#[test]
fn huge_declared_size_is_zip_bomb() {
    let zip = common::make_zip(&[("xl/workbook.xml", b"<workbook/>")]);
    let forged = common::forge_uncompressed_size(zip, 0xFFFF_FFF0);
    assert_eq!(read_first_sheet(&forged, &Limits::default()), Err(OfficeError::ZipBomb));
}

#[test]
fn understated_size_is_zip_bomb() {
    let content = vec![b' '; 4096];
    let zip = common::make_zip(&[("xl/workbook.xml", &content)]);
    let forged = common::forge_uncompressed_size(zip, 100);
    let result = read_first_sheet(&forged, &Limits::default());
    assert!(matches!(result, Err(OfficeError::ZipBomb | OfficeError::Corrupt(_))), "{result:?}");
}

#[test]
fn too_many_rows_full_size() {
    let bytes = common::numbers_xlsx(100_001, 1);
    assert_eq!(read_first_sheet(&bytes, &Limits::default()), Err(OfficeError::TooManyRows { limit: 100_000 }));
}

#[test]
fn row_limit_is_inclusive() {
    let bytes = common::numbers_xlsx(50, 2);
    let at = Limits { max_rows: 50, ..Limits::default() };
    assert_eq!(read_first_sheet(&bytes, &at).unwrap().rows.len(), 50);
    let below = Limits { max_rows: 49, ..Limits::default() };
    assert_eq!(read_first_sheet(&bytes, &below), Err(OfficeError::TooManyRows { limit: 49 }));
}

#[test]
fn too_many_columns() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_string(0, 250, "far away").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(read_first_sheet(&bytes, &Limits::default()), Err(OfficeError::TooManyColumns { limit: 200 }));
}

#[test]
fn title_row_merged_cells_formulas_and_dates() {
    let sheet = read(&common::sample_xlsx());
    // Row 2 of the sheet is blank and skipped; numbering stays the sheet's own.
    let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 3, 4, 5]);
    // Merged title: value in the top-left cell only.
    assert_eq!(sheet.rows[0].cells[0].to_text(), "某某学校教职工名册");
    assert!(sheet.rows[0].cells.iter().skip(1).all(CellValue::is_blank));
    let headers = ["姓名", "工号", "入职日期", "手机号"];
    let header = find_header_row(&sheet, |t| headers.contains(&t), 2);
    assert_eq!(header, Some(1));
    assert_eq!(find_header_row(&sheet, |t| t == "不存在", 1), None);
    assert_eq!(sheet.rows[2].cells[2], CellValue::DateSerial(44075.0));
    assert_eq!(sheet.rows[2].cells[3].to_text(), "13800138000");
    // Formulas give their cached values.
    assert_eq!(sheet.rows[3].cells[1].to_text(), "T002");
    assert_eq!(sheet.rows[3].cells[3].to_text(), "3");
}

#[test]
fn no_sheet() {
    let bytes = common::rewrite_entry(&common::sample_xlsx(), "xl/workbook.xml", |old| {
        let s = String::from_utf8_lossy(old);
        let start = s.find("<sheets>").unwrap();
        let end = s.find("</sheets>").unwrap() + "</sheets>".len();
        format!("{}<sheets/>{}", &s[..start], &s[end..]).into_bytes()
    });
    assert_eq!(read_first_sheet(&bytes, &Limits::default()), Err(OfficeError::NoSheet));
}

#[test]
fn rows_out_of_order_are_sorted() {
    let bytes = common::rewrite_entry(&common::sample_xlsx(), "xl/worksheets/sheet1.xml", |old| {
        let s = String::from_utf8_lossy(old);
        let a = s.find("<row r=\"4\"").unwrap();
        let b = s.find("<row r=\"5\"").unwrap();
        let c = s.find("</sheetData>").unwrap();
        format!("{}{}{}{}", &s[..a], &s[b..c], &s[a..b], &s[c..]).into_bytes()
    });
    let sheet = read(&bytes);
    let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 3, 4, 5]);
}

#[test]
fn error_report_round_trip() {
    let sheet = read(&common::sample_xlsx());
    let mut errors = BTreeMap::new();
    errors.insert(5u32, "工号重复；手机号格式不正确".to_string());
    let bytes = write_error_report(&sheet, 1, &errors, "错误原因").unwrap();
    let back = read(&bytes);
    let numbers: Vec<u32> = back.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 3, 4, 5]);
    assert_eq!(texts(&back, 1), ["姓名", "工号", "入职日期", "手机号", "错误原因"]);
    assert_eq!(back.rows[2].cells.len(), 4, "good rows have an empty reason");
    assert_eq!(back.rows[2].cells[2], CellValue::DateSerial(44075.0));
    assert_eq!(back.rows[2].cells[3].to_text(), "13800138000");
    assert_eq!(back.rows[3].cells[4].to_text(), "工号重复；手机号格式不正确");
    assert_eq!(back.rows[3].cells[1].to_text(), "T002");
    // The data columns are unchanged, so the fixed file imports the same way.
    for (a, b) in sheet.rows.iter().zip(&back.rows).skip(2) {
        assert_eq!(a.cells[..4], b.cells[..4]);
    }
}

#[test]
fn to_text_numbers() {
    assert_eq!(CellValue::Number(44075.0).to_text(), "44075");
    assert_eq!(CellValue::Number(-3.0).to_text(), "-3");
    assert_eq!(CellValue::Number(0.1).to_text(), "0.1");
    assert_eq!(CellValue::Number(1e20).to_text(), "100000000000000000000");
    // A date cell with a time of day is that date (issue 12, finding 6).
    assert_eq!(CellValue::DateSerial(44075.5).to_text(), "44075");
    assert_eq!(CellValue::DateSerial(44075.999).to_text(), "44075");
    assert_eq!(CellValue::Text(" a ".into()).to_text(), " a ");
    assert_eq!(CellValue::Bool(true).to_text(), "TRUE");
    assert_eq!(CellValue::Empty.to_text(), "");
}
