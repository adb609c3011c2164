//! The ballot tally engine: resolutions (票决), elections (选举) and evaluations (民主评议).
//!
//! Everything here follows `ballots.md` exactly and is pure: [`parse_bulletin`] reads and
//! validates a published bulletin, [`tally`] counts it, and [`tally_json`] does both and yields
//! the result JSON, which is what `jiaogong tally BULLETIN.json` prints. The tally uses exact
//! integer and rational arithmetic only (no floats), never panics, and does not depend on the
//! order of the ballots.
//!
//! Decisions where the specification leaves room are documented in the module docs of the files
//! they concern: write-ins and runoffs in `election.rs`, withholding and `by_group` in
//! `evaluation.rs`, strictness of parsing in `bulletin.rs` and `validate.rs`, fractions in
//! `fraction.rs`, the 1-based ballot numbers of messages in `error.rs`.

mod attachment;
mod bulletin;
mod closing;
mod election;
mod error;
mod evaluation;
mod exact;
mod fast;
mod fraction;
mod keys;
pub mod limits;
mod names;
mod officials;
pub mod paper;
mod presets;
mod published;
mod purpose;
mod resolution;
mod status;
mod stored;
mod validate;

#[cfg(test)]
mod tests;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub use attachment::{
    attachment_kind, attachment_name, AttachmentError, AttachmentKind, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES,
};
pub use bulletin::{
    normalize_name, Ballot, Base, Bulletin, Choice, Grade, Group, Name, Poll, PollKind, Rules, BULLETIN_FORMAT,
};
pub use closing::{is_due, parse_closing_time, ClosingTimeError};
pub use election::{approvals, ElectionResult, Runoff, RunoffReason, TallyEntry};
pub use error::{BulletinError, BulletinErrorKind};
pub use evaluation::{EvaluationResult, GroupTally, SubjectDetail, SubjectResult};
pub use fast::bulletin_from_stored;
pub use fraction::{Fraction, FractionError};
pub use officials::officials_standing;
pub use presets::{chosen_rules, RuleChoiceError, BASE_CHOICES, QUORUM_CHOICES, THRESHOLD_CHOICES};
pub use published::PublishedBallots;
pub use purpose::PollPurpose;
pub use resolution::ResolutionResult;
pub use status::{PollStatus, UnknownCode};
pub use stored::{write_bulletin_end, write_bulletin_start, write_stored_ballots, StoredCount};
pub use validate::parse_bulletin;

/// The result of a tally; serialises with `"kind"` first, then the fields of ballots.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TallyResult {
    Resolution(ResolutionResult),
    Election(ElectionResult),
    Evaluation(EvaluationResult),
}

/// Why a whole vote is void. A void result still reports its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// More ballots returned than issued.
    ReturnedExceedsIssued,
    /// `present < quorum × electorate`.
    NoQuorum,
}

/// Counts the bulletin. Never panics; a bulletin that was not validated is counted leniently
/// (unknown names are ignored), so call [`Bulletin::validate`] first for built bulletins.
pub fn tally(b: &Bulletin) -> TallyResult {
    tally_counted(&b.poll, b.ballots.iter().map(|ballot| (ballot, 1)))
}

/// Tallies ballots given as (ballot, how many identical ballots it stands for): the same result
/// as [`tally`] on the bulletin holding each ballot that many times (a stored poll's ballots are
/// counted once per distinct content, see [`StoredCount`]).
pub fn tally_counted<'a>(poll: &Poll, ballots: impl Iterator<Item = (&'a Ballot, u64)>) -> TallyResult {
    match poll.kind {
        PollKind::Resolution => TallyResult::Resolution(resolution::tally(poll, ballots)),
        PollKind::Election => TallyResult::Election(election::tally(poll, ballots)),
        PollKind::Evaluation => TallyResult::Evaluation(evaluation::tally(poll, ballots)),
    }
}

/// Parses, validates and tallies a bulletin, giving the result as a JSON value.
///
/// Note: `serde_json::Value` objects sort their keys; [`tally_json_pretty`] keeps the field order
/// of ballots.md for printing.
pub fn tally_json(json: &str) -> Result<serde_json::Value, BulletinError> {
    serde_json::to_value(PublishedBallots::read(json)?.tally()).map_err(serialization_error)
}

/// Like [`tally_json`], printed as indented JSON in the field order of ballots.md.
pub fn tally_json_pretty(json: &str) -> Result<String, BulletinError> {
    serde_json::to_string_pretty(&PublishedBallots::read(json)?.tally()).map_err(serialization_error)
}

fn serialization_error(e: serde_json::Error) -> BulletinError {
    BulletinError {
        ballot_index: None,
        kind: BulletinErrorKind::Malformed { path: "result".into(), detail: e.to_string() },
    }
}

/// Ballots returned and the void reason, common to every kind: returned > issued voids first,
/// then a failed quorum.
fn void_reason(poll: &Poll, returned: u64) -> Option<VoidReason> {
    if returned > poll.ballots_issued {
        return Some(VoidReason::ReturnedExceedsIssued);
    }
    match poll.rules.quorum {
        Some(q) if !q.reached_by(poll.present, poll.electorate) => Some(VoidReason::NoQuorum),
        _ => None,
    }
}

/// A count that cannot overflow in practice (`usize` → `u64`).
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A JSON object whose keys keep the order of the poll (grades, groups), unlike a `BTreeMap`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> OrderedMap<V> {
    /// The value for `key`, if present.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}
