//! Where a poll is in its life: 草稿 (draft: being prepared, no ballot yet), 进行中 (open:
//! ballots are cast), 已结束 (closed: counted, the bulletin published). A poll moves forward
//! only: draft → open → closed.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::PollKind;
pub use crate::platform::code::UnknownCode;

/// The stage of a poll (also of an evaluation and a selection round, which are polls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PollStatus {
    Draft,
    Open,
    Closed,
}

impl PollStatus {
    pub const ALL: [PollStatus; 3] = [PollStatus::Draft, PollStatus::Open, PollStatus::Closed];

    /// The code stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            PollStatus::Draft => "draft",
            PollStatus::Open => "open",
            PollStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<PollStatus> {
        PollStatus::ALL.into_iter().find(|s| s.as_str() == code)
    }

    pub fn is_draft(self) -> bool {
        self == PollStatus::Draft
    }

    pub fn is_open(self) -> bool {
        self == PollStatus::Open
    }

    pub fn is_closed(self) -> bool {
        self == PollStatus::Closed
    }

    /// The stage a poll may move to from this one: draft → open → closed, never back.
    pub fn next(self) -> Option<PollStatus> {
        match self {
            PollStatus::Draft => Some(PollStatus::Open),
            PollStatus::Open => Some(PollStatus::Closed),
            PollStatus::Closed => None,
        }
    }
}

impl AsRef<str> for PollStatus {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<&str> for PollStatus {
    fn eq(&self, code: &&str) -> bool {
        self.as_str() == *code
    }
}

impl fmt::Display for PollStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for PollStatus {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        PollStatus::parse(&code).ok_or(UnknownCode(code))
    }
}

impl TryFrom<String> for PollKind {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Self, Self::Error> {
        [PollKind::Resolution, PollKind::Election, PollKind::Evaluation]
            .into_iter()
            .find(|k| k.as_str() == code)
            .ok_or(UnknownCode(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_moves_forward_only_from_draft_to_open_to_closed() {
        assert_eq!(PollStatus::Draft.next(), Some(PollStatus::Open));
        assert_eq!(PollStatus::Open.next(), Some(PollStatus::Closed));
        assert_eq!(PollStatus::Closed.next(), None);
    }

    #[test]
    fn stored_codes_read_back_and_unknown_codes_are_refused() {
        for s in PollStatus::ALL {
            assert_eq!(PollStatus::try_from(s.as_str().to_string()), Ok(s));
        }
        assert_eq!(PollKind::try_from("evaluation".to_string()), Ok(PollKind::Evaluation));
        assert_eq!(PollStatus::try_from("Open".to_string()), Err(UnknownCode("Open".into())));
        assert!(PollKind::try_from(String::new()).is_err());
    }
}
