//! Tracking a resolution (决议) until it is implemented (落实情况, congress.md "A session").
//!
//! Only a resolution that passed is tracked. Its status moves by dated entries: 未启动 → 落实中 →
//! 已落实; an entry may also stay at the same status to add a note. Once 已落实, tracking is over
//! and further entries are refused; a status never moves backwards.

/// Where the implementation of a resolution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResolutionStatus {
    NotStarted,
    InProgress,
    Done,
}

crate::stored_code!(ResolutionStatus, as_str, parse, serialize);

impl ResolutionStatus {
    pub const ALL: [ResolutionStatus; 3] =
        [ResolutionStatus::NotStarted, ResolutionStatus::InProgress, ResolutionStatus::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionStatus::NotStarted => "not_started",
            ResolutionStatus::InProgress => "in_progress",
            ResolutionStatus::Done => "done",
        }
    }

    /// The translation key of the status's name.
    pub fn key(self) -> &'static str {
        match self {
            ResolutionStatus::NotStarted => "resolution-status-not-started",
            ResolutionStatus::InProgress => "resolution-status-in-progress",
            ResolutionStatus::Done => "resolution-status-done",
        }
    }

    pub fn parse(s: &str) -> Option<ResolutionStatus> {
        ResolutionStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Why a tracking entry is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingError {
    /// The vote did not pass (or is not closed): there is nothing to implement.
    NotPassed,
    /// Already 已落实.
    AlreadyDone,
    /// The status would move backwards.
    Backwards,
}

impl TrackingError {
    /// The translation key of the message.
    pub fn key(self) -> &'static str {
        match self {
            TrackingError::NotPassed => "resolution-err-not-passed",
            TrackingError::AlreadyDone => "resolution-err-done",
            TrackingError::Backwards => "resolution-err-backwards",
        }
    }
}

/// Whether a new entry with status `next` may be recorded after `latest` (None: no entry yet).
pub fn may_record(passed: bool, latest: Option<ResolutionStatus>, next: ResolutionStatus) -> Result<(), TrackingError> {
    if !passed {
        return Err(TrackingError::NotPassed);
    }
    match latest {
        Some(ResolutionStatus::Done) => Err(TrackingError::AlreadyDone),
        Some(l) if next < l => Err(TrackingError::Backwards),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::ResolutionStatus::*;
    use super::*;

    #[test]
    fn only_a_passed_resolution_is_tracked() {
        assert_eq!(may_record(false, None, InProgress), Err(TrackingError::NotPassed));
        assert_eq!(may_record(true, None, InProgress), Ok(()));
    }

    #[test]
    fn tracking_ends_once_implemented() {
        assert_eq!(may_record(true, Some(Done), Done), Err(TrackingError::AlreadyDone));
        assert_eq!(may_record(true, Some(InProgress), Done), Ok(()));
    }

    #[test]
    fn status_never_moves_backwards_but_may_repeat_with_a_new_note() {
        assert_eq!(may_record(true, Some(InProgress), NotStarted), Err(TrackingError::Backwards));
        assert_eq!(may_record(true, Some(InProgress), InProgress), Ok(()));
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in ResolutionStatus::ALL {
            assert_eq!(ResolutionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ResolutionStatus::parse("finished"), None);
    }
}
