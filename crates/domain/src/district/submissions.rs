//! 上报: what a district asks its schools to submit, by when, and whether a submission is late.
//! A submission after the deadline is accepted and flagged late (the district decides what to
//! make of it; refusing would leave the district without the document).

use chrono::NaiveDate;
use serde::Serialize;

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The year-end summary (工作总结): the school attaches its generated .docx.
    Summary,
    /// The staff-home self-assessment (建家自评): the school attaches its generated score sheet.
    Assessment,
    /// A statistics form (统计报表): an uploaded file.
    Statistics,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Summary, Kind::Assessment, Kind::Statistics, Kind::Other];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Summary => "summary",
            Kind::Assessment => "assessment",
            Kind::Statistics => "statistics",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn key(self) -> String {
        format!("submit-kind-{}", self.code())
    }
}

impl TryFrom<String> for Kind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Kind::parse(&s).ok_or(s)
    }
}

/// A refused submission request, with its Fluent id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("kind")]
    Kind,
    #[error("title")]
    Title,
    #[error("instructions")]
    Instructions,
    #[error("deadline")]
    Deadline,
    #[error("note")]
    Note,
    #[error("nothing submitted")]
    Empty,
}

impl SubmitError {
    pub fn key(self) -> &'static str {
        match self {
            SubmitError::Kind => "submit-err-kind",
            SubmitError::Title => "submit-err-title",
            SubmitError::Instructions => "submit-err-instructions",
            SubmitError::Deadline => "submit-err-deadline",
            SubmitError::Note => "submit-err-note",
            SubmitError::Empty => "submit-err-empty",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            SubmitError::Kind => "invalid_kind",
            SubmitError::Title => "invalid_title",
            SubmitError::Instructions => "invalid_instructions",
            SubmitError::Deadline => "invalid_deadline",
            SubmitError::Note => "invalid_note",
            SubmitError::Empty => "empty_submission",
        }
    }
}

/// A checked request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmission {
    pub kind: Kind,
    pub title: String,
    pub instructions: String,
    pub deadline: NaiveDate,
}

/// Checks a request: a known kind, a title of 1..=100 characters, instructions up to 2000
/// characters, a deadline `YYYY-MM-DD` not before `today`.
pub fn validate(
    kind: &str,
    title: &str,
    instructions: &str,
    deadline: &str,
    today: NaiveDate,
) -> Result<NewSubmission, SubmitError> {
    let kind = Kind::parse(kind.trim()).ok_or(SubmitError::Kind)?;
    let title = crate::platform::text::line(title, 100).map_err(|_| SubmitError::Title)?;
    let instructions = instructions.trim();
    if instructions.chars().count() > 2000
        || instructions.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(SubmitError::Instructions);
    }
    let deadline = NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d").map_err(|_| SubmitError::Deadline)?;
    if deadline < today {
        return Err(SubmitError::Deadline);
    }
    Ok(NewSubmission { kind, title, instructions: instructions.to_string(), deadline })
}

/// A note with a submission: up to 500 characters.
pub fn note(raw: &str) -> Result<String, SubmitError> {
    let n = raw.trim();
    if n.chars().count() > 500 || n.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(SubmitError::Note);
    }
    Ok(n.to_string())
}

/// A submission on `day` is late when it comes after the deadline day.
pub fn is_late(deadline: NaiveDate, day: NaiveDate) -> bool {
    day > deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_submission_on_the_deadline_is_on_time_and_the_day_after_is_late() {
        assert!(!is_late(d("2026-12-31"), d("2026-12-31")));
        assert!(is_late(d("2026-12-31"), d("2027-01-01")));
    }

    #[test]
    fn a_request_needs_a_known_kind_a_title_and_a_deadline_not_in_the_past() {
        let ok = validate("summary", "2026年度工作总结", "请上传", "2026-12-31", d("2026-12-01")).unwrap();
        assert_eq!((ok.kind, ok.deadline), (Kind::Summary, d("2026-12-31")));
        assert_eq!(validate("x", "t", "", "2026-12-31", d("2026-12-01")), Err(SubmitError::Kind));
        assert_eq!(validate("other", " ", "", "2026-12-31", d("2026-12-01")), Err(SubmitError::Title));
        assert_eq!(validate("other", "t", "", "31/12/2026", d("2026-12-01")), Err(SubmitError::Deadline));
        assert_eq!(validate("other", "t", "", "2026-11-30", d("2026-12-01")), Err(SubmitError::Deadline));
    }

    #[test]
    fn a_note_longer_than_500_characters_is_refused() {
        assert_eq!(note(" 已报 "), Ok("已报".into()));
        assert_eq!(note(&"字".repeat(501)), Err(SubmitError::Note));
    }
}
