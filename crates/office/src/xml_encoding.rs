//! XML parts declared in another encoding than UTF-8 (`<?xml version="1.0" encoding="GBK"?>`,
//! as some Chinese tools write them). Excel reads them; calamine does not (it reads every part
//! as UTF-8 and calls the file damaged), so such parts are transcoded to UTF-8, with their
//! declaration changed to say so, in a copy of the package before calamine sees it.

use std::io::{Cursor, Read, Write};

use encoding_rs::Encoding;

use crate::error::OfficeError;
use crate::zip_guard::{short, Archive};

/// How many bytes of a part's start are looked at for its XML declaration.
pub(crate) const HEAD_BYTES: usize = 256;

/// The encoding an XML part declares, when it is not UTF-8 (nor UTF-16, which has a byte order
/// mark that the XML parser already honours). `head` is the start of the part.
pub(crate) fn declared(head: &[u8]) -> Option<&'static Encoding> {
    let (label, _) = declaration_label(head)?;
    let enc = Encoding::for_label(label)?;
    if enc == encoding_rs::UTF_8 || enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return None;
    }
    Some(enc)
}

/// The label of `encoding="…"` in the declaration at the start of `head`, and its byte range.
fn declaration_label(head: &[u8]) -> Option<(&[u8], std::ops::Range<usize>)> {
    let head = &head[..head.len().min(HEAD_BYTES)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = &head[..end];
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let mut i = at + 8;
    while i < decl.len() && matches!(decl[i], b' ' | b'\t' | b'\r' | b'\n' | b'=') {
        i += 1;
    }
    let quote = *decl.get(i)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let start = i + 1;
    let len = decl.get(start..)?.iter().position(|&c| c == quote)?;
    Some((&decl[start..start + len], start..start + len))
}

/// A copy of the package with the parts at `indices` (entry index, declared encoding) decoded
/// and rewritten as UTF-8, every other entry copied as it is.
pub(crate) fn transcoded(zip: &mut Archive<'_>, parts: &[(usize, &'static Encoding)]) -> Result<Vec<u8>, OfficeError> {
    let err = |e: &dyn std::fmt::Display| OfficeError::Corrupt(short(&format!("zip: {e}")));
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        match parts.iter().find(|(n, _)| *n == i) {
            None => {
                let entry = zip.by_index_raw(i).map_err(|e| err(&e))?;
                out.raw_copy_file(entry).map_err(|e| err(&e))?;
            }
            Some((_, enc)) => {
                let mut entry = zip.by_index(i).map_err(|e| err(&e))?;
                let name = entry.name().to_string();
                let mut raw = Vec::new();
                entry.read_to_end(&mut raw).map_err(|e| err(&e))?;
                let (text, _) = enc.decode_without_bom_handling(&raw);
                let mut utf8 = text.into_owned().into_bytes();
                if let Some((_, range)) = declaration_label(&utf8) {
                    utf8.splice(range, b"UTF-8".iter().copied());
                }
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored)
                    .large_file(utf8.len() as u64 >= u64::from(u32::MAX));
                out.start_file(name, options).map_err(|e| err(&e))?;
                out.write_all(&utf8).map_err(|e| err(&e))?;
            }
        }
    }
    Ok(out.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_encodings_other_than_utf8_are_found() {
        assert_eq!(declared(b"<?xml version=\"1.0\" encoding=\"GBK\"?><a/>"), Some(encoding_rs::GBK));
        assert_eq!(declared(b"<?xml version='1.0' encoding = 'gb2312' ?>"), Some(encoding_rs::GBK));
        assert_eq!(declared(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), None);
        assert_eq!(declared(b"<?xml version=\"1.0\"?><a encoding=\"GBK\"/>"), None);
        assert_eq!(declared(b"<a/>"), None);
        assert_eq!(declared(b"<?xml encoding=\"GBK"), None);
        assert_eq!(declared(b"<?xml encoding=\"no-such\"?>"), None);
    }
}
