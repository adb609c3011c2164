//! Checks on an uploaded zip container before any spreadsheet parser sees it: size, magic,
//! declared sizes and ratio from the central directory, and a bounded real decompression of
//! every entry so that an entry lying about its size is caught as well.

use std::io::{Cursor, Read};

use crate::error::OfficeError;
use crate::xlsx_read::Limits;

/// The ratio check only applies once the content is at least this large, so that tiny but very
/// compressible files (an almost empty workbook) are not mistaken for bombs.
const RATIO_CHECK_MIN_BYTES: u64 = 1024 * 1024;

/// The zip archive of an upload, once its size, its magic and the declared sizes and ratio of its
/// entries (from the central directory) have passed.
pub(crate) type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Checks the size, the zip magic and the entries' declared sizes; opens the archive.
pub(crate) fn open_checked<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Archive<'a>, OfficeError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(OfficeError::TooLarge { limit_bytes: limits.max_file_bytes });
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(OfficeError::NotXlsx);
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OfficeError::Corrupt(short(&format!("zip: {e}"))))?;
    let mut declared_total: u64 = 0;
    let mut compressed_total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| OfficeError::Corrupt(short(&format!("zip: {e}"))))?;
        declared_total = declared_total.saturating_add(entry.size());
        compressed_total = compressed_total.saturating_add(entry.compressed_size());
    }
    check_totals(declared_total, compressed_total, limits)?;
    Ok(zip)
}

/// What [`check_real`] saw while inflating the entries.
pub(crate) struct Inflated {
    /// The XML parts that declare an encoding other than UTF-8 (entry index and encoding), to be
    /// transcoded before calamine reads them.
    pub(crate) declared: Vec<(usize, &'static encoding_rs::Encoding)>,
    /// Whether some worksheet mentions `mergeCell` (has merged ranges, or could): only then are
    /// a sheet's merged ranges read, which takes another pass over it.
    pub(crate) merges: bool,
}

/// Inflates every entry into a counter, never past what it declared: an entry lying about its
/// size is a bomb, and so are real sizes past the limits.
pub(crate) fn check_real(zip: &mut Archive<'_>, limits: &Limits) -> Result<Inflated, OfficeError> {
    let mut compressed_total: u64 = 0;
    let mut real_total: u64 = 0;
    let mut seen = Inflated { declared: Vec::new(), merges: false };
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| OfficeError::Corrupt(short(&format!("zip: {e}"))))?;
        let size = entry.size();
        let lower = entry.name().to_ascii_lowercase();
        let is_xml = lower.ends_with(".xml") || lower.ends_with(".rels");
        let is_sheet = is_xml && lower.starts_with("xl/worksheets/");
        compressed_total = compressed_total.saturating_add(entry.compressed_size());
        let mut limited = entry.take(size.saturating_add(1));
        let mut head = Vec::with_capacity(crate::xml_encoding::HEAD_BYTES);
        let io = |e: std::io::Error| OfficeError::Corrupt(short(&format!("zip: {e}")));
        let n_head = (&mut limited).take(crate::xml_encoding::HEAD_BYTES as u64).read_to_end(&mut head).map_err(io)?;
        let mut sink = Search::new(b"mergeCell", &head);
        let n = std::io::copy(&mut limited, &mut sink).map_err(io)? + n_head as u64;
        if n > size {
            return Err(OfficeError::ZipBomb);
        }
        real_total = real_total.saturating_add(n);
        if is_sheet && sink.found {
            seen.merges = true;
        }
        if is_xml {
            if let Some(enc) = crate::xml_encoding::declared(&head) {
                seen.declared.push((i, enc));
            }
        }
    }
    check_totals(real_total, compressed_total, limits)?;
    Ok(seen)
}

/// A sink that looks for a word in what is written to it, across the writes.
struct Search {
    finder: memchr::memmem::Finder<'static>,
    /// The last bytes written, shorter than the word.
    tail: Vec<u8>,
    found: bool,
}

impl Search {
    fn new(word: &'static [u8], start: &[u8]) -> Search {
        let mut s = Search { finder: memchr::memmem::Finder::new(word), tail: Vec::new(), found: false };
        s.see(start);
        s
    }

    fn see(&mut self, buf: &[u8]) {
        if self.found || buf.is_empty() {
            return;
        }
        let keep = self.finder.needle().len().saturating_sub(1);
        let mut joined = std::mem::take(&mut self.tail);
        joined.extend_from_slice(&buf[..buf.len().min(keep)]);
        self.found = self.finder.find(&joined).is_some() || self.finder.find(buf).is_some();
        let from = buf.len().saturating_sub(keep);
        self.tail =
            if buf.len() >= keep { buf[from..].to_vec() } else { joined[joined.len().saturating_sub(keep)..].to_vec() };
    }
}

impl std::io::Write for Search {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.see(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn check_totals(uncompressed: u64, compressed: u64, limits: &Limits) -> Result<(), OfficeError> {
    if uncompressed > limits.max_uncompressed_bytes {
        return Err(OfficeError::ZipBomb);
    }
    if uncompressed >= RATIO_CHECK_MIN_BYTES && uncompressed / compressed.max(1) > limits.max_ratio {
        return Err(OfficeError::ZipBomb);
    }
    Ok(())
}

/// Shortens a technical message to keep error texts readable.
pub(crate) fn short(msg: &str) -> String {
    const MAX: usize = 160;
    if msg.chars().count() <= MAX {
        msg.to_string()
    } else {
        let mut s: String = msg.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn search_finds_a_word_split_across_writes() {
        for split in 0..=20 {
            let text = b"<sheetData/><mergeCells><mergeCell ref=\"A1:A2\"/>";
            let at = split.min(text.len());
            let mut s = Search::new(b"mergeCell", b"<?xml?>");
            s.write_all(&text[..at]).unwrap();
            s.write_all(&text[at..]).unwrap();
            assert!(s.found, "split at {split}");
        }
        let mut s = Search::new(b"mergeCell", b"");
        for b in b"merge Cell mergeCel l" {
            s.write_all(&[*b]).unwrap();
        }
        assert!(!s.found);
        let mut s = Search::new(b"mergeCell", b"");
        for b in b"xxmergeCellxx" {
            s.write_all(&[*b]).unwrap();
        }
        assert!(s.found);
    }
}
