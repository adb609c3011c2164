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

use std::collections::BTreeMap;
use std::io::Read;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;

use crate::error::OfficeError;
use crate::xlsx_read::{CellSink, CellValue, Limits, Sheet};
use crate::zip_guard::Archive;

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

/// An XML reader set up as calamine sets up its own.
fn reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(xml);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// The path of the first worksheet (the first visible one, else the first) and whether the
/// workbook counts dates from 1904, as calamine reads `workbook.xml` and its relationships.
fn first_sheet(workbook: &[u8], rels: &[u8]) -> Option<(String, bool)> {
    let mut relationships: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    let mut xml = reader(rels);
    loop {
        match xml.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"Relationship" => {
                let mut id = Vec::new();
                let mut target = String::new();
                for a in e.attributes() {
                    match a.ok()? {
                        Attribute { key: QName(b"Id"), value: v } => id.extend_from_slice(&v),
                        Attribute { key: QName(b"Target"), value: v } => {
                            target = xml.decoder().decode(&v).ok()?.into_owned()
                        }
                        _ => (),
                    }
                }
                relationships.insert(id, target);
            }
            Event::End(ref e) if e.local_name().as_ref() == b"Relationships" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    // (name, path, worksheet, visible) in workbook order.
    let mut sheets: Vec<(String, String, bool, bool)> = Vec::new();
    let mut is_1904 = false;
    let mut xml = reader(workbook);
    loop {
        match xml.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"sheet" => {
                let (mut name, mut path, mut visible) = (String::new(), String::new(), true);
                for a in e.attributes() {
                    let a = a.ok()?;
                    match a.key {
                        QName(b"name") => name = a.decode_and_unescape_value(xml.decoder()).ok()?.to_string(),
                        QName(b"state") => {
                            visible = match a.decode_and_unescape_value(xml.decoder()).ok()?.as_ref() {
                                "visible" => true,
                                "hidden" | "veryHidden" => false,
                                _ => return None,
                            }
                        }
                        QName(b"r:id") | QName(b"relationships:id") => {
                            let r = relationships.get(&*a.value)?;
                            path = if let Some(rest) = r.strip_prefix('/').filter(|_| r.starts_with("/xl/")) {
                                rest.to_string()
                            } else if r.starts_with("xl/") {
                                r.to_string()
                            } else {
                                format!("xl/{r}")
                            };
                        }
                        _ => (),
                    }
                }
                let worksheet = match path.split('/').nth(1) {
                    Some("worksheets") => true,
                    Some("chartsheets" | "dialogsheets") => false,
                    _ => return None,
                };
                sheets.push((name, path, worksheet, visible));
            }
            Event::Start(ref e) if e.name().as_ref() == b"workbookPr" => {
                is_1904 = match e.try_get_attribute("date1904").ok()? {
                    Some(c) => ["1", "true"].contains(&c.decode_and_unescape_value(xml.decoder()).ok()?.as_ref()),
                    None => false,
                };
            }
            Event::Eof => break,
            _ => (),
        }
    }
    let chosen = sheets.iter().find(|s| s.2 && s.3).or_else(|| sheets.iter().find(|s| s.2))?;
    // calamine opens the first sheet of that name.
    let path = sheets.iter().find(|s| s.0 == chosen.0)?.1.clone();
    Some((path, is_1904))
}

/// The shared strings as calamine reads them (`<si>` without any text is left out, as calamine
/// leaves it out).
fn shared_strings(xml: &[u8]) -> Option<Vec<String>> {
    let mut strings = Vec::new();
    let mut xml = reader(xml);
    loop {
        match xml.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"si" => {
                if let Some(s) = string_item(&mut xml)? {
                    strings.push(s);
                }
            }
            Event::End(ref e) if e.local_name().as_ref() == b"sst" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    Some(strings)
}

/// One `<si>`: plain text, or the runs of rich text without their phonetic guides. The outer
/// `None` means calamine must read the file.
fn string_item(xml: &mut Reader<&[u8]>) -> Option<Option<String>> {
    let mut rich: Option<String> = None;
    let mut phonetic = false;
    loop {
        match xml.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"r" => {
                rich.get_or_insert_with(String::new);
            }
            Event::Start(ref e) if e.local_name().as_ref() == b"rPh" => phonetic = true,
            Event::End(ref e) if e.name().as_ref() == b"si" => return Some(rich),
            Event::End(ref e) if e.local_name().as_ref() == b"rPh" => phonetic = false,
            Event::Start(ref e) if e.local_name().as_ref() == b"t" && !phonetic => {
                let mut value = String::new();
                loop {
                    match xml.read_event().ok()? {
                        Event::Text(t) => {
                            let text = t.xml10_content().ok()?;
                            // calamine turns `_x00HH_` into a character: left to calamine.
                            if text.contains("_x00") {
                                return None;
                            }
                            value.push_str(&text);
                        }
                        Event::GeneralRef(r) => {
                            let name = r.decode().ok()?;
                            match quick_xml::escape::resolve_xml_entity(&name) {
                                Some(s) => value.push_str(s),
                                None => value.push(r.resolve_char_ref().ok()??),
                            }
                        }
                        Event::End(ref end) if end.name() == e.name() => break,
                        Event::Eof => return None,
                        _ => (),
                    }
                }
                match rich.as_mut() {
                    Some(s) => s.push_str(&value),
                    None => {
                        xml.read_to_end(QName(b"si")).ok()?;
                        return Some(Some(value));
                    }
                }
            }
            Event::Eof => return None,
            _ => (),
        }
    }
}

/// The number format of each cell style (`cellXfs`), as calamine classifies them.
fn styles(xml: &[u8]) -> Option<Vec<Format>> {
    let mut custom: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    let mut formats = Vec::new();
    let mut xml = reader(xml);
    loop {
        match xml.read_event().ok()? {
            Event::Start(ref e) if e.local_name().as_ref() == b"numFmts" => loop {
                match xml.read_event().ok()? {
                    Event::Start(ref e) if e.local_name().as_ref() == b"numFmt" => {
                        let mut id = Vec::new();
                        let mut code = String::new();
                        for a in e.attributes() {
                            match a.ok()? {
                                Attribute { key: QName(b"numFmtId"), value: v } => id.extend_from_slice(&v),
                                Attribute { key: QName(b"formatCode"), value: v } => {
                                    code = xml.decoder().decode(&v).ok()?.into_owned()
                                }
                                _ => (),
                            }
                        }
                        if !code.is_empty() {
                            custom.insert(id, code);
                        }
                    }
                    Event::End(ref e) if e.local_name().as_ref() == b"numFmts" => break,
                    Event::Eof => return None,
                    _ => (),
                }
            },
            Event::Start(ref e) if e.local_name().as_ref() == b"cellXfs" => loop {
                match xml.read_event().ok()? {
                    Event::Start(ref e) if e.local_name().as_ref() == b"xf" => formats.push(
                        e.attributes().filter_map(|a| a.ok()).find(|a| a.key == QName(b"numFmtId")).map_or(
                            Format::Other,
                            |a| match custom.get(&*a.value) {
                                Some(code) => custom_format(code),
                                None => builtin_format(&a.value),
                            },
                        ),
                    ),
                    Event::End(ref e) if e.local_name().as_ref() == b"cellXfs" => break,
                    Event::Eof => return None,
                    _ => (),
                }
            },
            Event::End(ref e) if e.local_name().as_ref() == b"styleSheet" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    Some(formats)
}

/// calamine's classification of a built-in number format id.
fn builtin_format(id: &[u8]) -> Format {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47" => Format::DateTime,
        b"46" => Format::TimeDelta,
        _ => Format::Other,
    }
}

/// calamine's classification of a custom number format code (its first section decides).
fn custom_format(format: &str) -> Format {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return Format::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return Format::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Format::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => return Format::DateTime,
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Format::Other
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
mod tests {
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
        let ws = if inline { wb.add_worksheet_with_constant_memory() } else { wb.add_worksheet() };
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
}
