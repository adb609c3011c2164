//! Text of a library document for search: plain text (UTF-8, or GB18030 as Windows Notepad in
//! China saves it), Word .docx (the zip's `word/document.xml`, read with quick-xml) and PDF
//! (pdf-extract). Every reader is bounded: a .docx whose entries declare or inflate to more than
//! [`MAX_UNCOMPRESSED_BYTES`] is a zip bomb and refused before its XML is parsed, the text kept is
//! capped at [`MAX_TEXT_BYTES`], and a panic inside a parser becomes [`ExtractError::Damaged`].
//! The caller runs these on a blocking thread with a timeout (a PDF can make its parser loop).

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The most bytes all entries of a .docx may inflate to (declared and real).
pub const MAX_UNCOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// The most text returned (bytes); the rest of a very long document is not indexed.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// Why no text could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The archive inflates past the limit, or an entry lies about its size.
    #[error("文件解压后过大（可能是压缩炸弹），已拒绝")]
    ZipBomb,
    /// Not a Word document: no `word/document.xml`.
    #[error("文件不是 Word .docx 文档")]
    NotDocx,
    /// The parser failed or panicked.
    #[error("文件已损坏，无法读取其中的文字")]
    Damaged,
}

/// Which reader to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSource {
    Plain,
    Docx,
    Pdf,
}

/// The text of a document (capped at [`MAX_TEXT_BYTES`]); never panics.
pub fn extract_text(source: TextSource, bytes: &[u8]) -> Result<String, ExtractError> {
    let read = || match source {
        TextSource::Plain => Ok(plain_text(bytes)),
        TextSource::Docx => docx_text(bytes),
        TextSource::Pdf => pdf_text(bytes),
    };
    match catch_unwind(AssertUnwindSafe(read)) {
        Ok(r) => r.map(cap),
        Err(_) => Err(ExtractError::Damaged),
    }
}

fn cap(mut s: String) -> String {
    if s.len() > MAX_TEXT_BYTES {
        let mut cut = MAX_TEXT_BYTES;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// UTF-8 (a byte-order mark dropped); otherwise GB18030, which every GBK file also is.
fn plain_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// The paragraphs of `word/document.xml`, after checking what every entry declares and then
/// inflating the document part no further than it declared.
fn docx_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ExtractError::Damaged)?;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| ExtractError::Damaged)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNCOMPRESSED_BYTES {
        return Err(ExtractError::ZipBomb);
    }
    let entry = match zip.by_name("word/document.xml") {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Err(ExtractError::NotDocx),
        Err(_) => return Err(ExtractError::Damaged),
    };
    let size = entry.size();
    let mut xml = Vec::with_capacity(usize::try_from(size.min(MAX_UNCOMPRESSED_BYTES)).unwrap_or(0));
    entry.take(size.saturating_add(1)).read_to_end(&mut xml).map_err(|_| ExtractError::Damaged)?;
    if xml.len() as u64 > size {
        return Err(ExtractError::ZipBomb);
    }
    let xml = String::from_utf8(xml).map_err(|_| ExtractError::Damaged)?;
    document_xml_text(&xml)
}

/// The text runs (`w:t`) of WordprocessingML, a line per paragraph, tabs and breaks as space.
fn document_xml_text(xml: &str) -> Result<String, ExtractError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        match reader.read_event().map_err(|_| ExtractError::Damaged)? {
            Event::Start(e) if e.local_name().as_ref() == "t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => out.push('\n'),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" | "br" | "cr" => out.push(' '),
                "p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(&t),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    out.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(out)
}

fn pdf_text(bytes: &[u8]) -> Result<String, ExtractError> {
    pdf_extract::extract_text_from_mem(bytes).map_err(|_| ExtractError::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docx_with(text: &str) -> Vec<u8> {
        crate::docx::write_docx("标题", &[crate::docx::Block::Paragraph(text.to_string())]).unwrap()
    }

    #[test]
    fn docx_text_is_read_from_the_document_part() {
        let t = extract_text(TextSource::Docx, &docx_with("工会会员享有福利 & 权利")).unwrap();
        assert!(t.contains("工会会员享有福利 & 权利"), "{t}");
    }

    #[test]
    fn a_docx_declaring_more_than_the_limit_is_a_zip_bomb() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        w.start_file("word/document.xml", opts).unwrap();
        let zeros = vec![b' '; 1024 * 1024];
        for _ in 0..(MAX_UNCOMPRESSED_BYTES / (1024 * 1024) + 1) {
            w.write_all(&zeros).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "compressed to {}", bytes.len());
        assert_eq!(extract_text(TextSource::Docx, &bytes), Err(ExtractError::ZipBomb));
    }

    #[test]
    fn a_zip_without_a_document_part_is_not_a_docx_and_garbage_is_damaged() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("a.txt", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"x").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(extract_text(TextSource::Docx, &bytes), Err(ExtractError::NotDocx));
        assert_eq!(extract_text(TextSource::Docx, b"PK\x03\x04garbage"), Err(ExtractError::Damaged));
        assert_eq!(extract_text(TextSource::Pdf, b"%PDF-1.7 garbage"), Err(ExtractError::Damaged));
    }

    #[test]
    fn plain_text_is_utf8_or_gb18030() {
        assert_eq!(extract_text(TextSource::Plain, "\u{FEFF}工会".as_bytes()).unwrap(), "工会");
        let (gbk, _, _) = encoding_rs::GBK.encode("教职工福利");
        assert_eq!(extract_text(TextSource::Plain, &gbk).unwrap(), "教职工福利");
    }
}
