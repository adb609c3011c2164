//! The small parts of a workbook read as calamine reads them: relationships, `workbook.xml`,
//! shared strings and styles (same parser, same settings, same quirks). `None` everywhere means
//! "left to calamine".

use std::collections::BTreeMap;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;

use super::Format;

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
pub(super) fn first_sheet(workbook: &[u8], rels: &[u8]) -> Option<(String, bool)> {
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
pub(super) fn shared_strings(xml: &[u8]) -> Option<Vec<String>> {
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
pub(super) fn styles(xml: &[u8]) -> Option<Vec<Format>> {
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
