//! The fast path of [`crate::xlsx_read::read_first_sheet`] for the common shape of a workbook,
//! as Excel, WPS and the usual libraries write it.
//!
//! It gives exactly the cells calamine gives for the same file, with less work: only the
//! entries it reads are inflated, each no further than its declared size (more is a zip bomb),
//! and the worksheet's cells are scanned directly from its bytes. The workbook, relationships,
//! shared strings and styles are read the way calamine reads them (same parser and settings).
//!
//! Whatever it does not handle makes it step aside (`Ok(None)`), and calamine reads the file:
//! names found only in another letter case, an entry over [`MAX_PART_BYTES`],
//! prefixed or unusual elements, comments, rich inline strings, `_xHHHH_` escapes, entities or
//! carriage returns in values, cells or rows without a reference, errors and ISO dates. The
//! test `fast_path_equals_calamine` holds the two readers to the same result.

use std::io::Read;

use crate::error::OfficeError;
use crate::xlsx_read::{CellSink, CellValue, Limits, Sheet};
use crate::zip_guard::Archive;

mod parts;
use parts::{first_sheet, shared_strings, styles};

/// An entry larger than this is left to calamine (which streams it) rather than held in memory.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// Days between the 1904 and the 1900 date systems.
const EPOCH_1904_OFFSET: f64 = 1462.0;

/// A number format as calamine classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Other,
    DateTime,
    TimeDelta,
}

/// Reads the first worksheet, or `Ok(None)` when calamine must read the file.
pub(crate) fn read(zip: &mut Archive<'_>, limits: &Limits) -> Result<Option<Sheet>, OfficeError> {
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let Some(rels) = entry(zip, &names, "xl/_rels/workbook.xml.rels")? else { return Ok(None) };
    let Some(workbook) = entry(zip, &names, "xl/workbook.xml")? else { return Ok(None) };
    let Some((path, is_1904)) = first_sheet(&workbook, &rels) else { return Ok(None) };
    let strings = match entry(zip, &names, "xl/sharedStrings.xml")? {
        Some(xml) => match shared_strings(&xml) {
            Some(s) => s,
            None => return Ok(None),
        },
        None if absent(&names, "xl/sharedStrings.xml") => Vec::new(),
        None => return Ok(None),
    };
    let formats = match entry(zip, &names, "xl/styles.xml")? {
        Some(xml) => match styles(&xml) {
            Some(f) => f,
            None => return Ok(None),
        },
        None if absent(&names, "xl/styles.xml") => Vec::new(),
        None => return Ok(None),
    };
    let Some(xml) = entry(zip, &names, &path)? else { return Ok(None) };
    scan(&xml, &strings, &formats, is_1904, limits)
}

/// Whether no entry answers to `path` in any letter case (calamine's lookup ignores case).
fn absent(names: &[String], path: &str) -> bool {
    !names.iter().any(|n| path.eq_ignore_ascii_case(&n.replace('\\', "/")))
}

/// The bytes of the entry calamine would open for `path`, inflated no further than its declared
/// size. `Ok(None)`: absent, found under another spelling, over [`MAX_PART_BYTES`], or unreadable.
fn entry(zip: &mut Archive<'_>, names: &[String], path: &str) -> Result<Option<Vec<u8>>, OfficeError> {
    // calamine opens the first name equal to `path` ignoring case and backslashes.
    match names.iter().find(|n| path.eq_ignore_ascii_case(&n.replace('\\', "/"))) {
        Some(n) if n == path => {}
        _ => return Ok(None),
    }
    let Ok(file) = zip.by_name(path) else { return Ok(None) };
    let size = file.size();
    if size > MAX_PART_BYTES {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if file.take(size.saturating_add(1)).read_to_end(&mut out).is_err() {
        return Ok(None);
    }
    if out.len() as u64 > size {
        return Err(OfficeError::ZipBomb);
    }
    Ok(Some(out))
}
/// A cursor over the worksheet's bytes.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, s: &[u8]) -> bool {
        if self.b[self.i..].starts_with(s) {
            self.i += s.len();
            true
        } else {
            false
        }
    }

    /// `<name` followed by a space, `>` or `/`.
    fn open(&mut self, name: &[u8]) -> bool {
        let rest = &self.b[self.i..];
        if rest.len() > name.len() + 1
            && rest[0] == b'<'
            && &rest[1..=name.len()] == name
            && matches!(rest[name.len() + 1], b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
        {
            self.i += name.len() + 1;
            true
        } else {
            false
        }
    }

    /// The attributes of the tag just opened, up to `>` (false) or `/>` (true); `None` on
    /// anything unusual (an entity in a value among others).
    fn attributes(&mut self, mut each: impl FnMut(&'a [u8], &'a [u8])) -> Option<bool> {
        loop {
            self.skip_ws();
            if self.eat(b"/>") {
                return Some(true);
            }
            if self.eat(b">") {
                return Some(false);
            }
            let start = self.i;
            let eq = start + memchr::memchr(b'=', &self.b[start..])?;
            let name = &self.b[start..eq];
            if name.is_empty() || name.iter().any(|c| !(c.is_ascii_alphanumeric() || *c == b':' || *c == b'_')) {
                return None;
            }
            let quote = *self.b.get(eq + 1)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let vstart = eq + 2;
            let vend = vstart + memchr::memchr(quote, self.b.get(vstart..)?)?;
            let value = &self.b[vstart..vend];
            if value.contains(&b'&') || value.contains(&b'<') {
                return None;
            }
            each(name, value);
            self.i = vend + 1;
        }
    }
}

/// A cell or row reference (`B12`) as 0-based (row, column); `None` unless it is plain
/// upper-case letters then digits.
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let letters = r.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &r[letters..];
    if !(1..=3).contains(&letters) || !(1..=7).contains(&digits.len()) || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = r[..letters].iter().fold(0u32, |acc, c| acc * 26 + u32::from(c - b'A') + 1);
    let row = digits.iter().fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'));
    Some((row.checked_sub(1)?, col - 1))
}

fn row_ref(r: &[u8]) -> bool {
    (1..=7).contains(&r.len()) && r.iter().all(u8::is_ascii_digit) && r.iter().any(|&c| c != b'0')
}

/// A small decimal index (a style or a shared string).
fn index(v: &[u8]) -> Option<usize> {
    if !(1..=9).contains(&v.len()) || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0usize, |acc, c| acc * 10 + usize::from(c - b'0')))
}

/// Scans `<sheetData>`; `Ok(None)` on anything it does not handle.
fn scan(
    xml: &[u8],
    strings: &[String],
    formats: &[Format],
    is_1904: bool,
    limits: &Limits,
) -> Result<Option<Sheet>, OfficeError> {
    let Some(start) = memchr::memmem::find(xml, b"<sheetData") else { return Ok(None) };
    let head = &xml[..start];
    // A comment, a CDATA section or a processing instruction could hide the text searched for.
    if memchr::memmem::find(head, b"<!").is_some() || memchr::memmem::find_iter(head, b"<?").count() > 1 {
        return Ok(None);
    }
    if let Some(d) = memchr::memmem::find(head, b"<dimension") {
        // calamine refuses a dimension it cannot read; let it say so.
        let mut c = Cursor { b: head, i: d };
        let mut ok = None;
        if c.open(b"dimension") {
            let _ = c.attributes(|name, value| {
                if name == b"ref" {
                    ok = Some(value.split(|&b| b == b':').all(|p| cell_ref(p).is_some()));
                }
            });
        }
        if ok != Some(true) {
            return Ok(None);
        }
    }
    let mut c = Cursor { b: xml, i: start };
    if !c.open(b"sheetData") {
        return Ok(None);
    }
    let mut sink = CellSink::new(limits);
    match c.attributes(|_, _| ()) {
        Some(true) => return sink.finish().map(Some),
        Some(false) => {}
        None => return Ok(None),
    }
    loop {
        c.skip_ws();
        if c.eat(b"</sheetData>") {
            return sink.finish().map(Some);
        }
        if !c.open(b"row") {
            return Ok(None);
        }
        let mut numbered = false;
        let Some(empty) = c.attributes(|name, value| {
            if name == b"r" {
                numbered = row_ref(value);
            }
        }) else {
            return Ok(None);
        };
        if !numbered {
            return Ok(None);
        }
        if empty {
            continue;
        }
        loop {
            c.skip_ws();
            if c.eat(b"</row>") {
                break;
            }
            if !c.open(b"c") {
                return Ok(None);
            }
            let (mut r, mut s, mut t) = (None, None, None);
            let Some(empty) = c.attributes(|name, value| match name {
                b"r" => r = Some(value),
                b"s" => s = Some(value),
                b"t" => t = Some(value),
                _ => (),
            }) else {
                return Ok(None);
            };
            let Some((row, col)) = r.and_then(cell_ref) else { return Ok(None) };
            let format = match s {
                Some(s) => match index(s) {
                    Some(i) => formats.get(i).copied(),
                    None => return Ok(None),
                },
                None => Some(Format::Other),
            };
            let mut value = CellValue::Empty;
            if !empty {
                loop {
                    c.skip_ws();
                    if c.eat(b"</c>") {
                        break;
                    }
                    if c.eat(b"<v>") {
                        let Some(len) = memchr::memchr(b'<', &c.b[c.i..]) else { return Ok(None) };
                        let text = &c.b[c.i..c.i + len];
                        c.i += len;
                        if !c.eat(b"</v>") || text.contains(&b'&') || text.contains(&b'\r') {
                            return Ok(None);
                        }
                        let Ok(text) = std::str::from_utf8(text) else { return Ok(None) };
                        match cell_value(text, t, format, strings, is_1904) {
                            Some(v) => value = v,
                            None => return Ok(None),
                        }
                    } else if c.eat(b"<is>") {
                        // An inline string holding one plain `<t>`.
                        if !(c.eat(b"<t>") || c.eat(b"<t xml:space=\"preserve\">")) {
                            return Ok(None);
                        }
                        let Some(len) = memchr::memchr(b'<', &c.b[c.i..]) else { return Ok(None) };
                        let text = &c.b[c.i..c.i + len];
                        c.i += len;
                        if !c.eat(b"</t></is>") || text.contains(&b'&') || text.contains(&b'\r') {
                            return Ok(None);
                        }
                        let Ok(text) = std::str::from_utf8(text) else { return Ok(None) };
                        if text.contains("_x00") {
                            return Ok(None);
                        }
                        value = CellValue::Text(text.to_string());
                    } else if c.open(b"f") {
                        let Some(empty) = c.attributes(|_, _| ()) else { return Ok(None) };
                        if !empty {
                            let Some(end) = memchr::memmem::find(&c.b[c.i..], b"</f>") else { return Ok(None) };
                            if c.b[c.i..c.i + end].contains(&b'<') {
                                return Ok(None);
                            }
                            c.i += end + 4;
                        }
                        value = CellValue::Empty;
                    } else {
                        return Ok(None);
                    }
                }
            }
            sink.push(row, col, value)?;
        }
    }
}

/// The value of `<v>text</v>` in a cell of type `t`, as calamine gives it after
/// [`crate::xlsx_read`]'s conversion; `None` for what is left to calamine.
fn cell_value(
    text: &str,
    t: Option<&[u8]>,
    format: Option<Format>,
    strings: &[String],
    is_1904: bool,
) -> Option<CellValue> {
    let number = |n: f64| match format {
        Some(Format::DateTime) => CellValue::DateSerial(if is_1904 { n + EPOCH_1904_OFFSET } else { n }),
        _ => CellValue::Number(n),
    };
    Some(match t {
        Some(b"s") => CellValue::Text(strings.get(index(text.as_bytes())?)?.clone()),
        Some(b"b") => CellValue::Bool(text != "0"),
        Some(b"str") => CellValue::Text(text.to_string()),
        Some(b"n") if text.is_empty() => CellValue::Empty,
        Some(b"n") => number(text.parse().ok()?),
        None => match text.parse::<f64>() {
            Ok(n) => number(n),
            Err(_) => CellValue::Text(text.to_string()),
        },
        Some(_) => return None,
    })
}

#[cfg(test)]
mod tests;
