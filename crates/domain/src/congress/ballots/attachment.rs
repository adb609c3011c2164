//! Files attached to a poll (the draft rules voted on, a candidate list): which ones are taken.
//!
//! The type is decided by the content, never by the name or the browser's claim: a PDF starts
//! with `%PDF-`, a PNG and a JPEG with their signatures, and a Word or Excel file is a zip
//! container whose name says `.docx` / `.xlsx`. Anything else, an empty file and a file over
//! [`MAX_ATTACHMENT_BYTES`] are refused.

/// The largest attachment taken (5 MiB): a scanned draft fits, a video does not.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// At most this many attachments per poll.
pub const MAX_ATTACHMENTS: usize = 10;

/// A kind of file a poll may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
}

impl AttachmentKind {
    /// The Content-Type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            AttachmentKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The kind stored with a file, from its Content-Type.
    pub fn from_content_type(s: &str) -> Option<AttachmentKind> {
        [AttachmentKind::Pdf, AttachmentKind::Png, AttachmentKind::Jpeg, AttachmentKind::Docx, AttachmentKind::Xlsx]
            .into_iter()
            .find(|k| k.content_type() == s)
    }
}

/// Why an attachment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentError {
    Empty,
    TooLarge,
    /// Not a PDF, PNG, JPEG, Word or Excel file by its content.
    Type,
}

impl AttachmentError {
    /// Fluent message id.
    pub fn key(self) -> &'static str {
        match self {
            AttachmentError::Empty => "poll-attachment-err-empty",
            AttachmentError::TooLarge => "poll-attachment-err-size",
            AttachmentError::Type => "poll-attachment-err-type",
        }
    }
}

/// The kind of an uploaded file named `name`, checked by its content.
pub fn attachment_kind(name: &str, bytes: &[u8]) -> Result<AttachmentKind, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    let lower = name.trim().to_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Ok(AttachmentKind::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(AttachmentKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(AttachmentKind::Jpeg)
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Ok(AttachmentKind::Docx)
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".xlsx") {
        Ok(AttachmentKind::Xlsx)
    } else {
        Err(AttachmentError::Type)
    }
}

/// A file name safe to store and to send back in a Content-Disposition header: the last path
/// part, without control, quote or bidi characters, at most 100 characters; empty becomes
/// "附件".
pub fn attachment_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !crate::platform::text::is_forbidden_in_line(*c) && !matches!(c, '"' | ';'))
        .take(100)
        .collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() {
        "附件".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_type_is_read_from_the_content_not_the_name() {
        assert_eq!(attachment_kind("方案.pdf", b"%PDF-1.7 ..."), Ok(AttachmentKind::Pdf));
        assert_eq!(attachment_kind("x.jpg", b"\x89PNG\r\n\x1a\n...."), Ok(AttachmentKind::Png));
        assert_eq!(attachment_kind("scan", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok(AttachmentKind::Jpeg));
        // An HTML page named .pdf is not a PDF.
        assert_eq!(attachment_kind("方案.pdf", b"<html><script>"), Err(AttachmentError::Type));
        // A zip is a Word or Excel file only when named so; any other zip is refused.
        assert_eq!(attachment_kind("方案.DOCX", b"PK\x03\x04...."), Ok(AttachmentKind::Docx));
        assert_eq!(attachment_kind("名单.xlsx", b"PK\x03\x04...."), Ok(AttachmentKind::Xlsx));
        assert_eq!(attachment_kind("archive.zip", b"PK\x03\x04...."), Err(AttachmentError::Type));
    }

    #[test]
    fn attachment_must_not_be_empty_or_over_five_megabytes() {
        assert_eq!(attachment_kind("a.pdf", b""), Err(AttachmentError::Empty));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        assert_eq!(attachment_kind("a.pdf", &big), Err(AttachmentError::TooLarge));
        big.truncate(MAX_ATTACHMENT_BYTES);
        assert_eq!(attachment_kind("a.pdf", &big), Ok(AttachmentKind::Pdf));
    }

    #[test]
    fn attachment_name_is_the_last_path_part_without_quotes_or_control_characters() {
        assert_eq!(attachment_name("C:\\Users\\x\\方案.pdf"), "方案.pdf");
        assert_eq!(attachment_name("a\"; filename=evil\r\n.pdf"), "a filename=evil.pdf");
        assert_eq!(attachment_name("\u{202E}fdp.exe"), "fdp.exe");
        assert_eq!(attachment_name("  "), "附件");
        assert_eq!(AttachmentKind::from_content_type(AttachmentKind::Docx.content_type()), Some(AttachmentKind::Docx));
    }
}
