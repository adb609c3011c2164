//! Safe reading of uploaded .xlsx files.
//!
//! The bytes are checked before a spreadsheet parser sees them: size, zip magic and the zip
//! central directory (declared sizes and compression ratio), then an actual, bounded
//! decompression of every entry (so that an entry lying about its size is caught too). calamine
//! then streams the worksheet cell by cell, and reading stops as soon as a limit is exceeded.
//! calamine is the only reader: a hand-written scanner that once sat in front of it disagreed
//! with it on real files (issue 12, finding 5; `tests/real_corpus.rs` holds our reading to
//! calamine's on a corpus of public libraries' test files).
//! Malformed input always yields an [`OfficeError`], never a panic.

use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};

use crate::error::OfficeError;
use crate::zip_guard::{check_real, open_checked, short};

/// Limits applied to an uploaded workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted upload, in bytes (default 50 MiB).
    pub max_file_bytes: u64,
    /// Largest accepted total of the zip entries' uncompressed sizes (default 400 MiB).
    pub max_uncompressed_bytes: u64,
    /// Largest accepted ratio of uncompressed to compressed bytes (default 200).
    pub max_ratio: u64,
    /// Largest accepted number of non-blank rows, header and title rows included (default 100,000).
    pub max_rows: usize,
    /// Largest accepted number of columns holding a value (default 200).
    pub max_cols: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_uncompressed_bytes: 400 * 1024 * 1024,
            max_ratio: 200,
            max_rows: 100_000,
            max_cols: 200,
        }
    }
}

/// Blank rows (styled but empty) are skipped, but at most this many times `max_rows` rows are
/// parsed in total, so a sheet of millions of empty rows is rejected early.
const BLANK_ROW_FACTOR: usize = 10;

/// One cell value as read from the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// No value.
    Empty,
    /// Text, exactly as stored (not trimmed).
    Text(String),
    /// A number (integers are numbers too).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A date or date-time, as an Excel serial number in the 1900 date system.
    DateSerial(f64),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl CellValue {
    /// The cell as text for the domain parsers.
    ///
    /// Integral numbers have no fractional part (`13800138000`, not `13800138000.0`); a
    /// [`CellValue::DateSerial`] gives the serial number of its day (`44075`) so the domain date
    /// parser can handle it: a date cell with a time of day (`44075.5`, 2020-09-01 12:00) is that
    /// date; text is returned as it is.
    pub fn to_text(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => number_text(*n),
            CellValue::DateSerial(n) => number_text(n.floor()),
            CellValue::Bool(true) => "TRUE".to_string(),
            CellValue::Bool(false) => "FALSE".to_string(),
            CellValue::Error(e) => e.clone(),
        }
    }

    /// True for [`CellValue::Empty`] and for text made only of whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// Formats a number the way a person would type it: no `.0` on integral values, no exponent.
fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        // Exact: |n| < 2^53, so the cast loses nothing.
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A worksheet of a workbook, without its blank rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The non-blank rows, in sheet order.
    pub rows: Vec<SheetRow>,
    /// The merged ranges of the sheet (Excel shows the value of the top-left cell over the
    /// whole range; the other cells hold nothing).
    pub merged: Vec<MergedRange>,
}

/// A merged range: 1-based row numbers as Excel shows them, 0-based columns, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedRange {
    pub first_row: u32,
    pub last_row: u32,
    pub first_col: u32,
    pub last_col: u32,
}

/// One non-blank row.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// The spreadsheet's own 1-based row number (what the user sees at the left of Excel).
    pub number: u32,
    /// The cells from column A on; trailing empty cells are left out.
    pub cells: Vec<CellValue>,
}

impl SheetRow {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(CellValue::is_blank)
    }
}

/// The worksheet that holds a header row, found by [`read_sheet_with_header`].
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderSheet {
    pub sheet: Sheet,
    /// Index into `sheet.rows` of the header row.
    pub header_idx: usize,
    /// The worksheet's name, as its tab shows it.
    pub name: String,
}

/// Reads the first worksheet of an .xlsx file (the first visible one), checking it against
/// `limits` first.
pub fn read_first_sheet(bytes: &[u8], limits: &Limits) -> Result<Sheet, OfficeError> {
    with_workbook(bytes, limits, |wb| {
        let name = worksheet_names(wb.workbook).into_iter().next().ok_or(OfficeError::NoSheet)?;
        read_cells(wb, &name, limits)
    })
}

/// Reads the first worksheet, in tab order, that has a header row (see [`find_header_row`]):
/// a workbook may carry an instructions sheet before its data. Visible worksheets are tried
/// first, hidden ones only when no visible one is left. [`OfficeError::NoHeader`] names the
/// sheets looked at when none has one.
pub fn read_sheet_with_header(
    bytes: &[u8],
    limits: &Limits,
    is_header: impl Fn(&str) -> bool,
    min_matches: usize,
) -> Result<HeaderSheet, OfficeError> {
    with_workbook(bytes, limits, |wb| {
        let names = worksheet_names(wb.workbook);
        if names.is_empty() {
            return Err(OfficeError::NoSheet);
        }
        for name in &names {
            let sheet = read_cells(wb, name, limits)?;
            if let Some(header_idx) = find_header_row(&sheet, &is_header, min_matches) {
                return Ok(HeaderSheet { sheet, header_idx, name: name.clone() });
            }
        }
        Err(OfficeError::NoHeader { sheets: names })
    })
}

type Workbook<'b> = Xlsx<Cursor<std::borrow::Cow<'b, [u8]>>>;

/// An opened workbook, and whether any of its worksheets may have merged ranges.
struct Opened<'w, 'b> {
    workbook: &'w mut Workbook<'b>,
    merges: bool,
}

/// Checks the container, then opens the workbook for `read`, under `catch_unwind`.
fn with_workbook<T>(
    bytes: &[u8],
    limits: &Limits,
    read: impl FnOnce(&mut Opened<'_, '_>) -> Result<T, OfficeError>,
) -> Result<T, OfficeError> {
    if bytes.len() as u64 <= limits.max_file_bytes && is_encrypted_package(bytes) {
        return Err(OfficeError::Password);
    }
    let mut zip = open_checked(bytes, limits)?;
    // Defence in depth: the parsers must not take the server down on some input nobody thought
    // of. The container checks bound the work they can do.
    // The archive is dropped unused after a panic, so no broken state is observed.
    let run = std::panic::AssertUnwindSafe(move || {
        let seen = check_real(&mut zip, limits)?;
        let package: std::borrow::Cow<'_, [u8]> = if seen.declared.is_empty() {
            std::borrow::Cow::Borrowed(bytes)
        } else {
            std::borrow::Cow::Owned(crate::xml_encoding::transcoded(&mut zip, &seen.declared)?)
        };
        let mut workbook: Workbook<'_> = Xlsx::new(Cursor::new(package)).map_err(corrupt)?;
        read(&mut Opened { workbook: &mut workbook, merges: seen.merges })
    });
    match std::panic::catch_unwind(run) {
        Ok(result) => result,
        Err(_) => Err(OfficeError::Corrupt("unreadable workbook".to_string())),
    }
}

/// An Office file encrypted with a password: a compound (OLE/CFB) file holding an
/// `EncryptedPackage` stream (the zip inside is encrypted), as Excel saves a workbook with
/// "Encrypt with password". A plain .xls is a compound file too, without that stream.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if !bytes.starts_with(CFB_MAGIC) {
        return false;
    }
    // The directory entry's name, in UTF-16LE.
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

fn corrupt(e: XlsxError) -> OfficeError {
    match e {
        XlsxError::Password => OfficeError::Password,
        other => OfficeError::Corrupt(short(&other.to_string())),
    }
}

/// The worksheets in tab order, visible ones first.
fn worksheet_names<RS: Read + Seek>(workbook: &Xlsx<RS>) -> Vec<String> {
    let sheets = workbook.sheets_metadata();
    let of = |visible: bool| {
        sheets
            .iter()
            .filter(move |s| s.typ == SheetType::WorkSheet && (s.visible == SheetVisible::Visible) == visible)
            .map(|s| s.name.clone())
    };
    of(true).chain(of(false)).collect()
}

fn read_cells(wb: &mut Opened<'_, '_>, name: &str, limits: &Limits) -> Result<Sheet, OfficeError> {
    let mut sheet = {
        let mut reader = wb.workbook.worksheet_cells_reader(name).map_err(corrupt)?;
        let mut sink = CellSink::new(limits);
        while let Some(cell) = reader.next_cell().map_err(corrupt)? {
            let (row, col) = cell.get_position();
            sink.push(row, col, convert(cell.get_value()))?;
        }
        sink.finish()?
    };
    if !wb.merges {
        return Ok(sheet);
    }
    sheet.merged = wb
        .workbook
        .merge_cells_by_sheet_name(name)
        .map_err(corrupt)?
        .into_iter()
        .map(|d| MergedRange {
            first_row: d.start.0.saturating_add(1),
            last_row: d.end.0.saturating_add(1),
            first_col: d.start.1,
            last_col: d.end.1,
        })
        .collect();
    Ok(sheet)
}

/// Collects the cells of a sheet, in the order the sheet stores them, into non-blank rows,
/// applying the limits as it goes.
struct CellSink<'l> {
    limits: &'l Limits,
    rows: Vec<SheetRow>,
    current: Option<SheetRow>,
    unsorted: bool,
    last_number: u32,
    seen_rows: usize,
    max_seen: usize,
}

impl<'l> CellSink<'l> {
    fn new(limits: &'l Limits) -> Self {
        CellSink {
            limits,
            rows: Vec::new(),
            current: None,
            unsorted: false,
            last_number: 0,
            seen_rows: 0,
            max_seen: limits.max_rows.saturating_mul(BLANK_ROW_FACTOR).max(1000),
        }
    }

    /// One cell at 0-based `row` and `col`.
    fn push(&mut self, row: u32, col: u32, value: CellValue) -> Result<(), OfficeError> {
        let number = row.saturating_add(1);
        if self.current.as_ref().is_none_or(|r| r.number != number) {
            if let Some(done) = self.current.take() {
                push_row(&mut self.rows, done, self.limits)?;
            }
            self.seen_rows += 1;
            if self.seen_rows > self.max_seen {
                return Err(OfficeError::TooManyRows { limit: self.limits.max_rows });
            }
            if number < self.last_number {
                self.unsorted = true;
            }
            self.last_number = number;
            self.current = Some(SheetRow { number, cells: Vec::new() });
        }
        if matches!(value, CellValue::Empty) {
            return Ok(());
        }
        let col = col as usize;
        if col >= self.limits.max_cols {
            if value.is_blank() {
                return Ok(());
            }
            return Err(OfficeError::TooManyColumns { limit: self.limits.max_cols });
        }
        if let Some(r) = self.current.as_mut() {
            if r.cells.len() <= col {
                r.cells.resize(col + 1, CellValue::Empty);
            }
            r.cells[col] = value;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Sheet, OfficeError> {
        if let Some(done) = self.current.take() {
            push_row(&mut self.rows, done, self.limits)?;
        }
        let rows = if self.unsorted { merge_unsorted(self.rows) } else { self.rows };
        Ok(Sheet { rows, merged: Vec::new() })
    }
}

fn push_row(rows: &mut Vec<SheetRow>, row: SheetRow, limits: &Limits) -> Result<(), OfficeError> {
    if row.is_blank() {
        return Ok(());
    }
    if rows.len() >= limits.max_rows {
        return Err(OfficeError::TooManyRows { limit: limits.max_rows });
    }
    rows.push(row);
    Ok(())
}

/// Rows stored out of order (never by Excel, possibly by other tools): sort them and merge the
/// pieces of a row that appeared more than once.
fn merge_unsorted(mut rows: Vec<SheetRow>) -> Vec<SheetRow> {
    rows.sort_by_key(|r| r.number);
    let mut merged: Vec<SheetRow> = Vec::with_capacity(rows.len());
    for row in rows {
        match merged.last_mut() {
            Some(prev) if prev.number == row.number => {
                for (i, v) in row.cells.into_iter().enumerate() {
                    if v.is_blank() {
                        continue;
                    }
                    if prev.cells.len() <= i {
                        prev.cells.resize(i + 1, CellValue::Empty);
                    }
                    prev.cells[i] = v;
                }
            }
            _ => merged.push(row),
        }
    }
    merged
}

/// Days between the 1904 and the 1900 date systems.
const EPOCH_1904_OFFSET: f64 = 1462.0;

fn convert(data: &DataRef<'_>) -> CellValue {
    match data {
        DataRef::Empty => CellValue::Empty,
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) => {
            let raw = dt.as_f64();
            if dt.is_duration() {
                return CellValue::Number(raw);
            }
            let as_1900 = calamine::ExcelDateTime::new(raw, calamine::ExcelDateTimeType::DateTime, false);
            if *dt == as_1900 {
                CellValue::DateSerial(raw)
            } else {
                CellValue::DateSerial(raw + EPOCH_1904_OFFSET)
            }
        }
        DataRef::DateTimeIso(s) => iso_to_serial(s).map_or_else(|| CellValue::Text(s.clone()), CellValue::DateSerial),
        DataRef::DurationIso(s) => CellValue::Text(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    }
}

/// Converts an ISO 8601 date or date-time to an Excel 1900 serial number.
fn iso_to_serial(s: &str) -> Option<f64> {
    use chrono::{NaiveDate, NaiveDateTime, Timelike};
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    let (date, secs) = if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        (d, 0)
    } else {
        let dt = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
        (dt.date(), dt.time().num_seconds_from_midnight())
    };
    let days = (date - base).num_days() as f64;
    Some(days + f64::from(secs) / 86_400.0)
}

/// Finds the header row: the index into `sheet.rows` of the first row, among the first ten,
/// having at least `min_matches` cells whose trimmed text satisfies `is_header`.
///
/// This lets a school's sheet carry a title row (or two) above the header.
pub fn find_header_row(sheet: &Sheet, is_header: impl Fn(&str) -> bool, min_matches: usize) -> Option<usize> {
    sheet.rows.iter().take(10).position(|row| {
        row.cells.iter().filter(|c| !c.is_blank() && is_header(c.to_text().trim())).count() >= min_matches
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook() -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "姓名").unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_panic_inside_the_parser_is_a_damaged_file_not_a_crash() {
        // Quiet: the test is about the mapping, not the default hook's output.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let got: Result<(), OfficeError> =
            with_workbook(&workbook(), &Limits::default(), |_| panic!("index out of bounds in a parser"));
        std::panic::set_hook(hook);
        let e = got.unwrap_err();
        assert_eq!(e.key(), "office-corrupt");
        assert!(matches!(e, OfficeError::Corrupt(_)));
    }

    #[test]
    fn an_encrypted_package_is_told_from_a_plain_xls() {
        let mut encrypted = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        encrypted.resize(512, 0);
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(is_encrypted_package(&encrypted));
        assert_eq!(read_first_sheet(&encrypted, &Limits::default()), Err(OfficeError::Password));
        let mut xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        xls.extend("Workbook".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(!is_encrypted_package(&xls));
        assert_eq!(read_first_sheet(&xls, &Limits::default()), Err(OfficeError::NotXlsx));
    }
}
