//! The scanner against calamine, on workbooks written by rust_xlsxwriter.

use super::*;
use crate::xlsx_read::read_with_calamine;
use crate::zip_guard::open_checked;
use proptest::prelude::*;
use rust_xlsxwriter::{Format as XFormat, Formula, Workbook};

/// Both readers on the same bytes: the fast path's sheet (if it reads the file) and calamine's.
fn both(bytes: &[u8]) -> (Option<Sheet>, Result<Sheet, OfficeError>) {
    let limits = Limits::default();
    let mut zip = open_checked(bytes, &limits).unwrap();
    let fast = read(&mut zip, &limits).unwrap();
    let mut zip = open_checked(bytes, &limits).unwrap();
    (fast, read_with_calamine(bytes, &mut zip, &limits))
}

#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Date(f64, u8),
    Bool(bool),
    Formula(String),
    Blank,
    Rich(String, String),
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        "[ a-zA-Z0-9张三李四王五教工会，。０-９Ａ-Ｚ&<>\"'\\n\\t_x]{0,12}".prop_map(Cell::Text),
        prop_oneof![(-1e12f64..1e12f64), (0i64..100_000).prop_map(|i| i as f64)].prop_map(Cell::Number),
        ((1.0f64..60000.0), 0u8..5).prop_map(|(n, f)| Cell::Date(n, f)),
        any::<bool>().prop_map(Cell::Bool),
        "[0-9a-z ]{0,6}".prop_map(Cell::Formula),
        Just(Cell::Blank),
        ("[a-z张]{1,4}", "[a-z三]{1,4}").prop_map(|(a, b)| Cell::Rich(a, b)),
    ]
}

fn workbook(rows: &[Vec<Option<Cell>>], hidden_first: bool, inline: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    if hidden_first {
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "hidden").unwrap();
        ws.set_hidden(true);
    }
    let ws = if inline { wb.add_worksheet_with_constant_memory().unwrap() } else { wb.add_worksheet() };
    // The active sheet cannot be hidden: this one is active, so the first one is hidden.
    ws.set_active(true);
    let formats = [
        XFormat::new().set_num_format("yyyy-mm-dd"),
        XFormat::new().set_num_format_index(14),
        XFormat::new().set_num_format("yyyy\"年\"m\"月\"d\"日\""),
        XFormat::new().set_num_format("[h]:mm:ss"),
        XFormat::new().set_num_format("0.00"),
    ];
    let bold = XFormat::new().set_bold();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                None => {}
                Some(Cell::Text(s)) => {
                    ws.write_string(r, c, s).unwrap();
                }
                Some(Cell::Number(n)) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                Some(Cell::Date(n, f)) => {
                    ws.write_number_with_format(r, c, *n, &formats[usize::from(*f)]).unwrap();
                }
                Some(Cell::Bool(b)) => {
                    ws.write_boolean(r, c, *b).unwrap();
                }
                Some(Cell::Formula(res)) => {
                    ws.write_formula(r, c, Formula::new("=A1&\"x\"").set_result(res.as_str())).unwrap();
                }
                Some(Cell::Blank) => {
                    ws.write_blank(r, c, &formats[0]).unwrap();
                }
                Some(Cell::Rich(a, b)) => {
                    ws.write_rich_string(r, c, &[(&bold, a.as_str()), (&XFormat::default(), b.as_str())]).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn fast_path_reads_the_common_shape_as_calamine_does() {
    let rows = vec![
        vec![Some(Cell::Text("姓名".into())), Some(Cell::Text("工号".into())), Some(Cell::Text("出生日期".into()))],
        vec![Some(Cell::Text(" 张三 & <李四>\n".into())), Some(Cell::Number(1001.0)), Some(Cell::Date(22647.0, 0))],
        vec![Some(Cell::Text("王五".into())), Some(Cell::Number(-3.25)), Some(Cell::Date(44075.5, 1))],
        vec![Some(Cell::Bool(true)), Some(Cell::Formula("7".into())), Some(Cell::Date(0.75, 3))],
        vec![None, Some(Cell::Blank), Some(Cell::Date(30000.0, 2)), Some(Cell::Rich("张".into(), "三".into()))],
    ];
    for (hidden, inline) in [(false, false), (true, false), (false, true)] {
        let (fast, calamine) = both(&workbook(&rows, hidden, inline));
        let calamine = calamine.unwrap();
        if inline {
            // Inline rich text and entities are left to calamine.
            assert!(fast.is_none());
            continue;
        }
        let fast = fast.expect("the fast path reads a plain workbook");
        assert_eq!(fast, calamine);
        assert_eq!(fast.rows.len(), 5);
        assert_eq!(fast.rows[1].cells[0], CellValue::Text(" 张三 & <李四>\n".into()));
        assert_eq!(fast.rows[1].cells[2], CellValue::DateSerial(22647.0));
        assert_eq!(fast.rows[3].cells[2], CellValue::Number(0.75));
    }
}

#[test]
fn fast_path_reads_plain_inline_strings() {
    let rows = vec![
        vec![Some(Cell::Text("姓名".into())), Some(Cell::Text(" 工号 ".into()))],
        vec![Some(Cell::Text("张三".into())), Some(Cell::Number(7.0))],
    ];
    let (fast, calamine) = both(&workbook(&rows, false, true));
    let fast = fast.expect("plain inline strings are read by the fast path");
    assert_eq!(fast, calamine.unwrap());
    assert_eq!(fast.rows[0].cells[1], CellValue::Text(" 工号 ".into()));
}

#[test]
fn fast_path_steps_aside_for_escapes_it_does_not_decode() {
    let rows = vec![vec![Some(Cell::Text("a_x000D_b".into()))]];
    let (fast, calamine) = both(&workbook(&rows, false, false));
    assert!(fast.is_none());
    assert!(calamine.is_ok());
}

#[test]
fn cell_references_read_as_calamine_reads_them() {
    assert_eq!(cell_ref(b"A1"), Some((0, 0)));
    assert_eq!(cell_ref(b"Z10"), Some((9, 25)));
    assert_eq!(cell_ref(b"AA2"), Some((1, 26)));
    assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
    assert_eq!(cell_ref(b"A0"), None);
    assert_eq!(cell_ref(b"a1"), None);
    assert_eq!(cell_ref(b"1A"), None);
    assert_eq!(cell_ref(b""), None);
    assert_eq!(cell_ref(b"AAAA1"), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn fast_path_equals_calamine(
        rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(cell()), 0..7), 0..12),
        hidden in any::<bool>(),
        inline in any::<bool>(),
    ) {
        let (fast, calamine) = both(&workbook(&rows, hidden, inline));
        let escaped = rows.iter().flatten().any(|c| matches!(c, Some(Cell::Text(t)) if t.contains("_x00")));
        // Shared strings (rich text included) are the fast path's; it must not step aside.
        prop_assert!(fast.is_some() || inline || escaped);
        if let Some(fast) = fast {
            prop_assert_eq!(fast, calamine.unwrap());
        }
    }
}
