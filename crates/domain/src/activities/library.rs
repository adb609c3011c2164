//! The resource library (工会资源库): its folders, which files it takes (by content, never by
//! name), the title rule, and the search index: text is split into overlapping two-character
//! tokens for Chinese (bigrams) and lowercase words for Latin letters and numbers, so that a
//! two-character word such as 工会 is found the same way on SQLite and PostgreSQL.

use std::collections::BTreeSet;

/// The largest file the library takes (20 MiB): a scanned law or a training deck fits, a video
/// does not.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most text kept for search per document (in bytes of normalised text).
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// The most distinct tokens indexed per document.
pub const MAX_TOKENS_PER_DOC: usize = 100_000;
/// The longest search query (characters).
pub const MAX_QUERY_CHARS: usize = 100;
/// The most tokens a query looks up in the index; the substring check covers the rest.
pub const MAX_QUERY_TOKENS: usize = 8;
/// The longest Latin word indexed (longer runs are cut).
const MAX_WORD_CHARS: usize = 32;

/// A folder of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// 法律法规: 工会法, 教师法, 劳动合同法.
    Laws,
    /// 学校制度.
    Rules,
    /// 表格下载.
    Forms,
    /// 培训资料.
    Training,
}

impl Folder {
    pub const ALL: [Folder; 4] = [Folder::Laws, Folder::Rules, Folder::Forms, Folder::Training];

    /// The code stored in the database and sent in forms.
    pub fn code(self) -> &'static str {
        match self {
            Folder::Laws => "laws",
            Folder::Rules => "rules",
            Folder::Forms => "forms",
            Folder::Training => "training",
        }
    }

    pub fn parse(code: &str) -> Option<Folder> {
        Folder::ALL.into_iter().find(|f| f.code() == code.trim())
    }

    /// Fluent message id of its name.
    pub fn key(self) -> &'static str {
        match self {
            Folder::Laws => "library-folder-laws",
            Folder::Rules => "library-folder-rules",
            Folder::Forms => "library-folder-forms",
            Folder::Training => "library-folder-training",
        }
    }
}

/// A kind of file the library takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Docx,
    Xlsx,
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [FileKind::Pdf, FileKind::Docx, FileKind::Xlsx, FileKind::Text];

    /// The Content-Type it is stored and served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn from_content_type(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.content_type() == s)
    }

    /// Whether its text is searched (a spreadsheet is found by its title only).
    pub fn has_text(self) -> bool {
        !matches!(self, FileKind::Xlsx)
    }

    /// A short label for lists ("PDF", "Word").
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Docx => "Word",
            FileKind::Xlsx => "Excel",
            FileKind::Text => "TXT",
        }
    }
}

/// Why a file, a title or a query is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryError {
    Empty,
    /// Over [`MAX_FILE_BYTES`].
    TooLarge,
    /// Not a PDF, Word (.docx), Excel (.xlsx) or plain-text file by its content.
    Type,
    /// The title is empty, too long or holds control characters.
    Title,
    /// A query word of one character (a two-character word is the shortest found).
    QueryTooShort,
    QueryTooLong,
}

impl LibraryError {
    /// Fluent message id.
    pub fn key(self) -> &'static str {
        match self {
            LibraryError::Empty => "library-err-empty",
            LibraryError::TooLarge => "library-err-size",
            LibraryError::Type => "library-err-type",
            LibraryError::Title => "library-err-title",
            LibraryError::QueryTooShort => "library-err-query-short",
            LibraryError::QueryTooLong => "library-err-query-long",
        }
    }

    /// A stable code for the API.
    pub fn code(self) -> &'static str {
        match self {
            LibraryError::Empty => "file_empty",
            LibraryError::TooLarge => "file_too_large",
            LibraryError::Type => "file_type",
            LibraryError::Title => "title",
            LibraryError::QueryTooShort => "query_too_short",
            LibraryError::QueryTooLong => "query_too_long",
        }
    }
}

/// The kind of an uploaded file named `name`, decided by its content: the signature of a PDF, a
/// Word or an Excel file (a zip container, told apart by its parts or, for writers that order
/// the parts differently, by the name), or text without binary bytes
/// (UTF-8 or GB18030). An executable renamed `.pdf` is refused.
pub fn file_kind(name: &str, bytes: &[u8]) -> Result<FileKind, LibraryError> {
    if bytes.is_empty() {
        return Err(LibraryError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LibraryError::TooLarge);
    }
    let lower = name.trim().to_lowercase();
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("application/pdf") => Ok(FileKind::Pdf),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document") => Ok(FileKind::Docx),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") => Ok(FileKind::Xlsx),
        Some("application/zip") if lower.ends_with(".docx") => Ok(FileKind::Docx),
        Some("application/zip") if lower.ends_with(".xlsx") => Ok(FileKind::Xlsx),
        Some(_) => Err(LibraryError::Type),
        None if looks_like_text(bytes) => Ok(FileKind::Text),
        None => Err(LibraryError::Type),
    }
}

/// Text has no NUL and no control bytes other than tab, line feed, carriage return and form
/// feed in its first 8 KiB (UTF-8 and GB18030 both keep those bytes for text).
fn looks_like_text(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

/// A document title: 1 to 100 characters, no control characters.
pub fn title(raw: &str) -> Result<String, LibraryError> {
    crate::platform::text::line(raw, 100).map_err(|_| LibraryError::Title)
}

/// The title a file gets when none is given: its name without the extension.
pub fn title_from_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match last.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => last,
    };
    stem.chars()
        .filter(|c| !crate::platform::text::is_forbidden_in_line(*c))
        .take(100)
        .collect::<String>()
        .trim()
        .to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Other,
}

/// Chinese (and Japanese and Korean) characters: each is a syllable, so words are found by pairs.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{3040}'..='\u{30FF}' | '\u{AC00}'..='\u{D7AF}' | '\u{20000}'..='\u{2FA1F}')
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// Full-width Latin letters, digits and signs become their ASCII forms, letters lowercase.
fn fold(c: char) -> impl Iterator<Item = char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_lowercase()
}

/// The text as it is searched: full-width forms folded, lowercase, runs of white space made one
/// space, and white space between two Chinese characters removed (PDF text often spaces them,
/// and a line break may fall inside a word).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_BYTES));
    let mut pending_space = false;
    let mut last: Option<char> = None;
    for c in text.chars().flat_map(fold) {
        if c.is_whitespace() || c.is_control() {
            pending_space = last.is_some();
            continue;
        }
        if pending_space {
            let between_cjk = last.is_some_and(is_cjk) && is_cjk(c);
            if !between_cjk {
                out.push(' ');
            }
            pending_space = false;
        }
        if out.len() + c.len_utf8() > MAX_TEXT_BYTES {
            break;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

/// What is searched of a document: its title and its text, normalised, with a bar between them
/// so that the title's last character and the text's first make no pair that is in neither.
pub fn document_text(title: &str, text: &str) -> String {
    normalize(&format!("{title} | {text}"))
}

/// Calls `emit` with each token of normalised text: every two adjacent Chinese characters, and
/// every run of letters and digits as one lowercase word (cut at 32 characters). A lone Chinese
/// character yields no token: the shortest word found is two characters.
fn each_token(text: &str, mut emit: impl FnMut(&str)) {
    let mut word = String::new();
    let mut prev_cjk: Option<char> = None;
    let mut pair = String::with_capacity(8);
    let flush = |word: &mut String, emit: &mut dyn FnMut(&str)| {
        if !word.is_empty() {
            emit(word);
            word.clear();
        }
    };
    for c in text.chars() {
        match class(c) {
            Class::Cjk => {
                flush(&mut word, &mut emit);
                if let Some(p) = prev_cjk {
                    pair.clear();
                    pair.push(p);
                    pair.push(c);
                    emit(&pair);
                }
                prev_cjk = Some(c);
            }
            Class::Word => {
                prev_cjk = None;
                if word.chars().count() < MAX_WORD_CHARS {
                    word.extend(c.to_lowercase());
                }
            }
            Class::Other => {
                prev_cjk = None;
                flush(&mut word, &mut emit);
            }
        }
    }
    flush(&mut word, &mut emit);
}

/// The distinct tokens of a document's title and text (normalised first), at most
/// [`MAX_TOKENS_PER_DOC`].
pub fn index_tokens(text: &str) -> BTreeSet<String> {
    let text = normalize(text);
    let mut set = BTreeSet::new();
    each_token(&text, |t| {
        if set.len() < MAX_TOKENS_PER_DOC && !set.contains(t) {
            set.insert(t.to_string());
        }
    });
    set
}

/// A parsed search query: its words (split at white space), each normalised as the documents
/// are, and the tokens looked up in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Normalised words; a document must contain each of them as a substring.
    pub terms: Vec<String>,
    /// Distinct tokens of all words (at most [`MAX_QUERY_TOKENS`]); a candidate document holds
    /// all of them.
    pub tokens: Vec<String>,
}

impl Query {
    /// Parses what the user typed. Every word must be at least two characters long (one Chinese
    /// character alone would match nearly every document and has no token).
    pub fn parse(raw: &str) -> Result<Query, LibraryError> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(LibraryError::QueryTooLong);
        }
        let mut terms: Vec<String> = Vec::new();
        let mut tokens: Vec<String> = Vec::new();
        for word in raw.split(|c: char| c.is_whitespace() || c == '\u{3000}') {
            let term = normalize(word);
            if term.is_empty() {
                continue;
            }
            let mut own = Vec::new();
            each_token(&term, |t| own.push(t.to_string()));
            if term.chars().count() < 2 || own.is_empty() {
                return Err(LibraryError::QueryTooShort);
            }
            for t in own {
                if !tokens.contains(&t) && tokens.len() < MAX_QUERY_TOKENS {
                    tokens.push(t);
                }
            }
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        if terms.is_empty() {
            return Err(LibraryError::QueryTooShort);
        }
        Ok(Query { terms, tokens })
    }

    /// Whether normalised text contains every word (the check that removes the index's false
    /// hits: 工会 and 会法 are both in "工会 会法" but 工会法 is not).
    pub fn matches(&self, normalized_text: &str) -> bool {
        self.terms.iter().all(|t| normalized_text.contains(t.as_str()))
    }
}

#[cfg(test)]
#[path = "library_tests.rs"]
mod tests;
