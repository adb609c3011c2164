//! Tally of a resolution (票决): yes / no / abstain, passed when `yes > threshold × B`.
//!
//! A spoiled ballot is invalid; a non-spoiled ballot without a choice is an abstention.

use serde::Serialize;

use super::bulletin::{Bulletin, Choice};
use super::{count, void_reason, VoidReason};

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

pub(crate) fn tally(b: &Bulletin) -> ResolutionResult {
    let (mut yes, mut no, mut abstain, mut invalid) = (0u64, 0u64, 0u64, 0u64);
    for ballot in &b.ballots {
        match (ballot.spoiled, ballot.choice) {
            (true, _) => invalid += 1,
            (false, Some(Choice::Yes)) => yes += 1,
            (false, Some(Choice::No)) => no += 1,
            (false, Some(Choice::Abstain) | None) => abstain += 1,
        }
    }
    let returned = count(b.ballots.len());
    let valid = yes + no + abstain;
    let void_reason = void_reason(&b.poll, returned);
    let base = b.poll.base_value(valid);
    let passed = void_reason.is_none() && b.poll.threshold().exceeded_by(yes, base);
    ResolutionResult { void_reason, returned, valid, invalid, yes, no, abstain, base, passed }
}
