//! How large a cast ballot may be, and the one size every stored ballot of a poll is padded to.
//!
//! The server refuses a ballot before checking it when it could not be a ballot a person
//! filled in: more write-ins than seats, a write-in name longer than [`MAX_NAME_CHARS`],
//! write-ins on a poll that takes none, or a request body over [`MAX_BALLOT_BODY`]. Within these
//! limits a ballot's compact JSON never exceeds [`content_cap`] of its poll, and the store pads
//! every sealed ballot of the poll to that size, so a stored row's length says nothing about
//! what it holds (ADR 007).

use super::bulletin::{Ballot, Poll, PollKind};

/// Longest request body of one ballot, in bytes.
pub const MAX_BALLOT_BODY: usize = 64 * 1024;

/// Longest write-in name, in characters (as typed, before trimming).
pub const MAX_NAME_CHARS: usize = 30;

/// Room for spellings of a listed name that differ from the poll's (spaces, full-width forms),
/// which the tally accepts after trimming and NFKC.
const SLACK: usize = 64;

/// Why a ballot was refused before its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SizeError {
    /// The poll does not take write-ins, and the ballot has some.
    WriteInsNotAllowed,
    /// More write-ins than seats.
    TooManyWriteIns { max: u64 },
    /// A write-in name is too long or holds a control character.
    BadName,
    /// The ballot's content is longer than any ballot of this poll can be.
    TooLarge { max: usize },
}

/// The longest compact JSON (`serde_json`, keys sorted) of a ballot's content (without tracker
/// and paper flag) that passes [`check_cast`] for `poll`, in bytes.
pub fn content_cap(poll: &Poll) -> usize {
    // A name as a JSON string: its UTF-8 bytes, quotes, and a backslash for `"` and `\`
    // (control characters are refused in write-ins; in the poll's own names they take six).
    let quoted = |s: &str| s.len() + 2 + s.chars().filter(|c| matches!(c, '"' | '\\')).count() + 5 * control(s);
    let longest = |names: &mut dyn Iterator<Item = &str>| names.map(quoted).max().unwrap_or(2);
    let body = match poll.kind {
        PollKind::Resolution => r#"{"choice":"abstain"}"#.len(),
        PollKind::Election => {
            // {"marks":{"name":"abstain",…},"write_ins":["…",…]}
            let marks: usize = poll.candidates.iter().map(|c| quoted(c) + r#":"abstain","#.len()).sum();
            let write_ins = if poll.allow_write_in {
                let seats = usize::try_from(poll.seats.unwrap_or(0)).unwrap_or(usize::MAX);
                r#","write_ins":[]"#.len() + seats.saturating_mul(MAX_NAME_CHARS * 4 + 3)
            } else {
                0
            };
            r#"{"marks":{}}"#.len() + marks + write_ins
        }
        PollKind::Evaluation => {
            // {"grades":{"subject":"grade",…},"group":"…"}
            let grade = longest(&mut poll.grades.iter().map(|g| g.name.as_str()));
            let grades: usize = poll.subjects.iter().map(|s| quoted(s) + 2 + grade).sum();
            let group = longest(&mut poll.groups.iter().map(|g| g.name.as_str()));
            r#"{"grades":{},"group":}"#.len() + grades + group
        }
    };
    body.saturating_add(SLACK)
}

fn control(s: &str) -> usize {
    s.chars().filter(|c| c.is_control()).count()
}

/// Checks the limits of a cast ballot of `poll` whose content, as the store keeps it, is
/// `content_len` bytes long.
pub fn check_cast(poll: &Poll, ballot: &Ballot, content_len: usize) -> Result<(), SizeError> {
    if let Some(write_ins) = &ballot.write_ins {
        if poll.kind == PollKind::Election && !poll.allow_write_in && !write_ins.is_empty() {
            return Err(SizeError::WriteInsNotAllowed);
        }
        let max = poll.seats.unwrap_or(0);
        if u64::try_from(write_ins.len()).unwrap_or(u64::MAX) > max {
            return Err(SizeError::TooManyWriteIns { max });
        }
        if write_ins.iter().any(|w| w.chars().count() > MAX_NAME_CHARS || control(w) > 0) {
            return Err(SizeError::BadName);
        }
    }
    let max = content_cap(poll);
    if content_len > max {
        return Err(SizeError::TooLarge { max });
    }
    Ok(())
}
