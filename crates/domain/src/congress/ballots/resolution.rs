//! Tally of a resolution (票决): yes / no / abstain, passed when `yes > threshold × B`.
//!
//! A spoiled ballot is invalid; a non-spoiled ballot without a choice is an abstention.

use serde::Serialize;

use super::bulletin::{Ballot, Choice, Poll};
use super::{void_reason, VoidReason};

/// `{"kind": "resolution", "void_reason": null, "returned": 50, "valid": 49, "invalid": 1,
/// "yes": 40, "no": 6, "abstain": 3, "base": 62, "passed": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionResult {
    pub void_reason: Option<VoidReason>,
    pub returned: u64,
    pub valid: u64,
    pub invalid: u64,
    pub yes: u64,
    pub no: u64,
    pub abstain: u64,
    /// `B`, the number the threshold applies to.
    pub base: u64,
    /// Not void and `yes > threshold × base`.
    pub passed: bool,
}

/// Counts `ballots`, each standing for `n` identical ballots.
pub(crate) fn tally<'a>(poll: &Poll, ballots: impl Iterator<Item = (&'a Ballot, u64)>) -> ResolutionResult {
    let (mut yes, mut no, mut abstain, mut invalid) = (0u64, 0u64, 0u64, 0u64);
    for (ballot, n) in ballots {
        let column = match (ballot.spoiled, ballot.choice) {
            (true, _) => &mut invalid,
            (false, Some(Choice::Yes)) => &mut yes,
            (false, Some(Choice::No)) => &mut no,
            (false, Some(Choice::Abstain) | None) => &mut abstain,
        };
        *column = column.saturating_add(n);
    }
    let valid = yes.saturating_add(no).saturating_add(abstain);
    let returned = valid.saturating_add(invalid);
    let void_reason = void_reason(poll, returned);
    let base = poll.base_value(valid);
    let passed = void_reason.is_none() && poll.threshold().exceeded_by(yes, base);
    ResolutionResult { void_reason, returned, valid, invalid, yes, no, abstain, base, passed }
}
