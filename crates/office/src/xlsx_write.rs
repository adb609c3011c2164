//! Writing .xlsx exports and import error reports.
//!
//! Every exported text cell is neutralised against formula injection; the header row is bold,
//! filled, frozen and filtered. Sheets are written in rust_xlsxwriter's constant-memory mode
//! (rows streamed to a temporary file) when a writable temporary directory exists, so large
//! exports stay cheap; otherwise the normal in-memory mode is used.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::Datelike;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::error::OfficeError;
use crate::xlsx_read::{CellValue, Sheet};

/// Excel's limits.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;
const MAX_SHEET_NAME_CHARS: usize = 31;

const DATE_FORMAT: &str = "yyyy-mm-dd";
const MONEY_FORMAT: &str = "¥#,##0.00";
const HEADER_FILL: u32 = 0xD9E1F2;
const ERROR_FILL: u32 = 0xFFC7CE;

/// Neutralises formula injection: text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading apostrophe, unless it is a plain number such as `-12.5`.
pub fn neutralize(s: &str) -> Cow<'_, str> {
    let risky = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    if !risky || is_plain_number(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{s}"))
    }
}

/// A signed decimal number, optionally with an exponent: nothing a spreadsheet would evaluate.
fn is_plain_number(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// One sheet of an export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The sheet's name (cleaned up and shortened to Excel's rules when needed).
    pub sheet_name: String,
    /// The column headers.
    pub headers: Vec<String>,
    /// The data rows.
    pub rows: Vec<Vec<OutCell>>,
    /// Column widths in Excel character units; may be empty (widths are then estimated).
    pub col_widths: Vec<f64>,
}

/// One exported cell.
#[derive(Debug, Clone, PartialEq)]
pub enum OutCell {
    /// Text; neutralised against formula injection.
    Text(String),
    /// A number.
    Number(f64),
    /// An integer (exact up to 2^53; use text for identifiers).
    Int(i64),
    /// A date, written as a real Excel date formatted `yyyy-mm-dd`.
    Date(chrono::NaiveDate),
    /// An amount in fen, written in yuan with the format `¥#,##0.00`.
    Money(i64),
    /// Nothing.
    Empty,
}

fn write_err(e: XlsxError) -> OfficeError {
    OfficeError::Write(e.to_string())
}

/// Adds a worksheet, streamed to a temporary file when the workbook has a temporary directory.
fn add_sheet(workbook: &mut Workbook, streaming: bool) -> Result<&mut Worksheet, OfficeError> {
    if streaming {
        workbook.add_worksheet_with_constant_memory().map_err(write_err)
    } else {
        Ok(workbook.add_worksheet())
    }
}

/// A new workbook, and whether constant-memory sheets can be used with it.
fn new_workbook() -> (Workbook, bool) {
    let mut workbook = Workbook::new();
    let streaming = workbook.set_tempdir(std::env::temp_dir()).is_ok();
    (workbook, streaming)
}

/// Text shortened to what a cell can hold.
fn cell_text(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_CELL_CHARS || s.chars().count() <= MAX_CELL_CHARS {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().take(MAX_CELL_CHARS).collect())
    }
}

/// A sheet name Excel accepts, unique (case-insensitively) among `used`.
fn sheet_name(wanted: &str, used: &mut Vec<String>) -> String {
    let cleaned: String =
        wanted.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let mut base: String = cleaned.chars().take(MAX_SHEET_NAME_CHARS).collect();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("Sheet{}", used.len() + 1);
    }
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        let suffix = format!("({n})");
        let keep = MAX_SHEET_NAME_CHARS.saturating_sub(suffix.chars().count());
        name = base.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    used.push(name.clone());
    name
}

/// Estimated display width of a text in Excel character units (CJK characters count double).
fn display_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 }).sum()
}

fn estimate_widths(table: &Table, cols: usize) -> Vec<f64> {
    let mut widths: Vec<f64> =
        (0..cols).map(|c| table.headers.get(c).map_or(8.0, |h| display_width(h) + 4.0)).collect();
    for row in table.rows.iter().take(200) {
        for (c, cell) in row.iter().enumerate().take(cols) {
            let w = match cell {
                OutCell::Text(s) => display_width(s),
                OutCell::Date(_) => 10.0,
                OutCell::Money(_) => 14.0,
                OutCell::Number(_) | OutCell::Int(_) => 12.0,
                OutCell::Empty => 0.0,
            };
            if let Some(slot) = widths.get_mut(c) {
                *slot = slot.max(w + 2.0);
            }
        }
    }
    widths.into_iter().map(|w| w.clamp(8.0, 50.0)).collect()
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// Writes tables, one sheet each, and returns the .xlsx bytes.
pub fn write_tables(tables: &[Table]) -> Result<Vec<u8>, OfficeError> {
    let (mut workbook, streaming) = new_workbook();
    let header = Format::new().set_bold().set_background_color(Color::RGB(HEADER_FILL)).set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    let mut used_names = Vec::new();
    if tables.is_empty() {
        add_sheet(&mut workbook, streaming)?;
    }
    for table in tables {
        let cols = table.rows.iter().map(Vec::len).max().unwrap_or(0).max(table.headers.len());
        if table.rows.len() + 1 > MAX_SHEET_ROWS || cols > MAX_SHEET_COLS {
            return Err(OfficeError::Write("too many rows or columns".to_string()));
        }
        let name = sheet_name(&table.sheet_name, &mut used_names);
        let widths = if table.col_widths.is_empty() { estimate_widths(table, cols) } else { table.col_widths.clone() };
        let sheet = add_sheet(&mut workbook, streaming)?;
        sheet.set_name(name).map_err(write_err)?;
        for (c, w) in widths.iter().enumerate().take(cols) {
            if w.is_finite() && *w > 0.0 {
                sheet.set_column_width(c as u16, w.min(255.0)).map_err(write_err)?;
            }
        }
        for (c, h) in table.headers.iter().enumerate() {
            let text = neutralize(h);
            sheet.write_string_with_format(0, c as u16, cell_text(&text), &header).map_err(write_err)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    OutCell::Text(s) if !s.is_empty() => {
                        let text = neutralize(s);
                        sheet.write_string(r, c, cell_text(&text)).map_err(write_err)?;
                    }
                    OutCell::Number(n) if n.is_finite() => {
                        sheet.write_number(r, c, *n).map_err(write_err)?;
                    }
                    OutCell::Int(i) => {
                        sheet.write_number(r, c, *i as f64).map_err(write_err)?;
                    }
                    OutCell::Money(fen) => {
                        let yuan = *fen as f64 / 100.0;
                        sheet.write_number_with_format(r, c, yuan, &money).map_err(write_err)?;
                    }
                    OutCell::Date(d) => match excel_date(*d) {
                        Some(dt) => {
                            sheet.write_datetime_with_format(r, c, dt, &date).map_err(write_err)?;
                        }
                        None => {
                            let text = d.format("%Y-%m-%d").to_string();
                            sheet.write_string(r, c, text).map_err(write_err)?;
                        }
                    },
                    OutCell::Text(_) | OutCell::Number(_) | OutCell::Empty => {}
                }
            }
        }
        if !table.headers.is_empty() {
            sheet.set_freeze_panes(1, 0).map_err(write_err)?;
            let last_col = (table.headers.len().max(cols) - 1) as u16;
            sheet.autofilter(0, 0, table.rows.len() as u32, last_col).map_err(write_err)?;
        }
    }
    workbook.save_to_buffer().map_err(write_err)
}

/// Writes the uploaded sheet back with an extra last column holding the reasons a row was
/// rejected, so the user can fix the rows and import the same file again.
///
/// Every row keeps its own row number; the rows listed in `errors` are filled light red. Cell
/// values are written back as they were read (text as it is, numbers as numbers, dates as dates)
/// so that a re-import sees the same data; only the reason texts are neutralised.
pub fn write_error_report(
    original: &Sheet,
    header_row_index: usize,
    errors: &BTreeMap<u32, String>,
    error_header: &str,
) -> Result<Vec<u8>, OfficeError> {
    let (mut workbook, streaming) = new_workbook();
    let plain = Format::new();
    let date = Format::new().set_num_format(DATE_FORMAT);
    let red = Format::new().set_background_color(Color::RGB(ERROR_FILL));
    let red_date = red.clone().set_num_format(DATE_FORMAT);
    let header = Format::new().set_bold().set_background_color(Color::RGB(HEADER_FILL));
    let err_col = original.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    if err_col >= MAX_SHEET_COLS {
        return Err(OfficeError::Write("too many columns".to_string()));
    }
    let err_col = err_col as u16;
    let header_number = original.rows.get(header_row_index).map(|r| r.number);

    let sheet = add_sheet(&mut workbook, streaming)?;
    sheet.set_name("错误报告").map_err(write_err)?;
    for c in 0..err_col {
        sheet.set_column_width(c, 14).map_err(write_err)?;
    }
    sheet.set_column_width(err_col, 48).map_err(write_err)?;

    for row in &original.rows {
        let r = row.number.saturating_sub(1);
        if r as usize >= MAX_SHEET_ROWS {
            return Err(OfficeError::Write("row number out of range".to_string()));
        }
        let reason = errors.get(&row.number);
        let is_header = Some(row.number) == header_number;
        let (fmt, date_fmt) = match (is_header, reason.is_some()) {
            (true, _) => (&header, &header),
            (false, true) => (&red, &red_date),
            (false, false) => (&plain, &date),
        };
        for c in 0..err_col {
            let cell = row.cells.get(c as usize).unwrap_or(&CellValue::Empty);
            match cell {
                CellValue::Empty => {
                    if !std::ptr::eq(fmt, &plain) {
                        sheet.write_blank(r, c, fmt).map_err(write_err)?;
                    }
                }
                CellValue::Text(s) | CellValue::Error(s) => {
                    sheet.write_string_with_format(r, c, cell_text(s), fmt).map_err(write_err)?;
                }
                CellValue::Number(n) if n.is_finite() => {
                    sheet.write_number_with_format(r, c, *n, fmt).map_err(write_err)?;
                }
                CellValue::DateSerial(n) if n.is_finite() => {
                    sheet.write_number_with_format(r, c, *n, date_fmt).map_err(write_err)?;
                }
                CellValue::Bool(b) => {
                    sheet.write_boolean_with_format(r, c, *b, fmt).map_err(write_err)?;
                }
                CellValue::Number(_) | CellValue::DateSerial(_) => {}
            }
        }
        if is_header {
            let text = neutralize(error_header);
            sheet.write_string_with_format(r, err_col, cell_text(&text), &header).map_err(write_err)?;
        } else if let Some(reason) = reason {
            let text = neutralize(reason);
            sheet.write_string_with_format(r, err_col, cell_text(&text), &red).map_err(write_err)?;
        }
    }
    if let Some(n) = header_number {
        sheet.set_freeze_panes(n, 0).map_err(write_err)?;
    }
    workbook.save_to_buffer().map_err(write_err)
}
