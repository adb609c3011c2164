//! Award selections (评先评优, congress.md): the stage machine, eligibility, the weighted voting
//! round with its top-N cut, the publicity period in working days and objections.
//!
//! The weighted round rule (docs/adr/010-evaluations-and-selections.md): a round has one or more
//! electorates, each voting in its own poll of kind `election` with weight `w_e`. A nominee's
//! score is `S = Σ_e w_e · yes_e / valid_e` over the electorates with at least one valid ballot
//! (each electorate counts by its approval rate, so a big electorate does not drown a small one
//! unless its weight says so). Scores are compared exactly: every `yes_e / valid_e` is brought to
//! the common denominator `L = lcm(valid_e)` and the integer numerators are compared. Nominees
//! are ranked by score, then by name; the first `top_n` advance. When nominees tie across the cut
//! (the `top_n`-th and the next have the same score), those strictly above advance and the tied
//! ones go to a runoff for the places left, as ballots.md does for elections (`runoff`, reason
//! `tie`): the round never drops one of equal standing by an arbitrary rule, and never lets them
//! all through past the quota. Voting cannot end while a runoff is due ([`next_round`],
//! [`check_transition`]); the runoff is a round of its own over the tied nominees only, with the
//! same electorates, and may itself end in a tie (another runoff). Publicity cannot start with more
//! approved nominees than the quota: the principal's review removes the excess, with a reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::platform::calendar::Calendar;

/// The stages of a selection, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Nomination,
    Voting,
    Review,
    Publicity,
    Final,
}

crate::stored_code!(Stage);

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Nomination, Stage::Voting, Stage::Review, Stage::Publicity, Stage::Final];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Nomination => "nomination",
            Stage::Voting => "voting",
            Stage::Review => "review",
            Stage::Publicity => "publicity",
            Stage::Final => "final",
        }
    }

    pub fn from_code(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Stage::Nomination => "sel-stage-nomination",
            Stage::Voting => "sel-stage-voting",
            Stage::Review => "sel-stage-review",
            Stage::Publicity => "sel-stage-publicity",
            Stage::Final => "sel-stage-final",
        }
    }

    /// The stage after this one.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Nomination => Some(Stage::Voting),
            Stage::Voting => Some(Stage::Review),
            Stage::Review => Some(Stage::Publicity),
            Stage::Publicity => Some(Stage::Final),
            Stage::Final => None,
        }
    }
}

/// What the stage machine needs to know to move on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageFacts {
    /// Nominees still in the running (not eliminated, not removed).
    pub remaining: u32,
    /// Voting rounds held and closed.
    pub closed_rounds: u32,
    /// A voting round still open.
    pub open_round: bool,
    /// Remaining nominees the review has not decided on.
    pub unreviewed: u32,
    /// Publicity period over (today after its last working day).
    pub publicity_over: bool,
    /// The publicity period's last working day, once it started.
    pub publicity_end: Option<NaiveDate>,
    /// Objections not yet resolved.
    pub open_objections: u32,
    /// A runoff the last closed round calls for (a tie at its cut), not yet held.
    pub pending_runoff: Option<RoundRunoff>,
    /// The selection's quota (名额); `None`: no quota rule.
    pub quota: Option<u32>,
}

/// Why something is refused; `key()` is the Fluent id, `args()` its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectionError {
    /// Moving from a stage to one that does not follow it.
    WrongStage,
    NoNominees,
    NoClosedRound,
    RoundOpen,
    Unreviewed(u32),
    NobodyApproved,
    PublicityRunning(NaiveDate),
    OpenObjections(u32),
    /// Years of service below the rule.
    TooFewYears {
        need: u32,
        have: u32,
    },
    /// No date of joining the school on record.
    NoJoinDate,
    /// Only active members can be nominated.
    NotActive,
    AlreadyNominated,
    /// top_n is 0 or no electorate / a weight outside 1–100.
    BadRound,
    /// A reason is required for removals and objection decisions.
    ReasonRequired,
    /// The counts would overflow exact arithmetic.
    TooLarge,
    /// A tie at the cut of the last round: a runoff among the tied must be held first.
    TieUnresolved {
        places: u64,
        among: Vec<String>,
    },
    /// More approved nominees than the quota.
    OverQuota {
        approved: u32,
        quota: u32,
    },
}

impl SelectionError {
    pub fn key(&self) -> &'static str {
        match self {
            SelectionError::WrongStage => "sel-err-wrong-stage",
            SelectionError::NoNominees => "sel-err-no-nominees",
            SelectionError::NoClosedRound => "sel-err-no-round",
            SelectionError::RoundOpen => "sel-err-round-open",
            SelectionError::Unreviewed(_) => "sel-err-unreviewed",
            SelectionError::NobodyApproved => "sel-err-nobody-approved",
            SelectionError::PublicityRunning(_) => "sel-err-publicity-running",
            SelectionError::OpenObjections(_) => "sel-err-open-objections",
            SelectionError::TooFewYears { .. } => "sel-err-too-few-years",
            SelectionError::NoJoinDate => "sel-err-no-join-date",
            SelectionError::NotActive => "sel-err-not-active",
            SelectionError::AlreadyNominated => "sel-err-already-nominated",
            SelectionError::BadRound => "sel-err-bad-round",
            SelectionError::ReasonRequired => "sel-err-reason",
            SelectionError::TooLarge => "sel-err-too-large",
            SelectionError::TieUnresolved { .. } => "sel-err-tie-unresolved",
            SelectionError::OverQuota { .. } => "sel-err-over-quota",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            SelectionError::Unreviewed(n) | SelectionError::OpenObjections(n) => vec![("count", n.to_string())],
            SelectionError::PublicityRunning(d) => vec![("date", crate::platform::dates::format_zh(*d))],
            SelectionError::TooFewYears { need, have } => vec![("need", need.to_string()), ("have", have.to_string())],
            SelectionError::TieUnresolved { places, among } => {
                vec![("places", places.to_string()), ("names", among.join("、"))]
            }
            SelectionError::OverQuota { approved, quota } => {
                vec![("approved", approved.to_string()), ("quota", quota.to_string())]
            }
            _ => Vec::new(),
        }
    }

    pub fn samples() -> Vec<SelectionError> {
        vec![
            SelectionError::WrongStage,
            SelectionError::NoNominees,
            SelectionError::NoClosedRound,
            SelectionError::RoundOpen,
            SelectionError::Unreviewed(1),
            SelectionError::NobodyApproved,
            SelectionError::PublicityRunning(NaiveDate::MIN),
            SelectionError::OpenObjections(1),
            SelectionError::TooFewYears { need: 1, have: 0 },
            SelectionError::NoJoinDate,
            SelectionError::NotActive,
            SelectionError::AlreadyNominated,
            SelectionError::BadRound,
            SelectionError::ReasonRequired,
            SelectionError::TooLarge,
            SelectionError::TieUnresolved { places: 1, among: Vec::new() },
            SelectionError::OverQuota { approved: 2, quota: 1 },
        ]
    }
}

/// Whether a selection may move from `from` to `to` now.
pub fn check_transition(from: Stage, to: Stage, f: &StageFacts) -> Result<(), SelectionError> {
    if from.next() != Some(to) {
        return Err(SelectionError::WrongStage);
    }
    match to {
        Stage::Voting if f.remaining == 0 => Err(SelectionError::NoNominees),
        Stage::Review if f.open_round => Err(SelectionError::RoundOpen),
        Stage::Review if f.closed_rounds == 0 => Err(SelectionError::NoClosedRound),
        Stage::Review if f.pending_runoff.is_some() => {
            let r = f.pending_runoff.clone().unwrap_or_default();
            Err(SelectionError::TieUnresolved { places: r.places, among: r.among })
        }
        Stage::Publicity if f.unreviewed > 0 => Err(SelectionError::Unreviewed(f.unreviewed)),
        Stage::Publicity if f.remaining == 0 => Err(SelectionError::NobodyApproved),
        Stage::Publicity if f.quota.is_some_and(|q| f.remaining > q) => {
            Err(SelectionError::OverQuota { approved: f.remaining, quota: f.quota.unwrap_or_default() })
        }
        Stage::Final if f.open_objections > 0 => Err(SelectionError::OpenObjections(f.open_objections)),
        Stage::Final if !f.publicity_over => {
            Err(SelectionError::PublicityRunning(f.publicity_end.unwrap_or(NaiveDate::MIN)))
        }
        _ => Ok(()),
    }
}

/// Eligibility rules of a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Eligibility {
    /// Full years at the school required (0: no rule).
    pub min_years: u32,
}

/// Full years from `joined` to `on`.
pub fn years_of_service(joined: NaiveDate, on: NaiveDate) -> u32 {
    on.years_since(joined).unwrap_or(0)
}

impl Eligibility {
    /// Checks a nominee: an active member with enough full years at the school on `on`.
    pub fn check(&self, active: bool, joined_school: Option<NaiveDate>, on: NaiveDate) -> Result<(), SelectionError> {
        if !active {
            return Err(SelectionError::NotActive);
        }
        if self.min_years == 0 {
            return Ok(());
        }
        let joined = joined_school.ok_or(SelectionError::NoJoinDate)?;
        let have = years_of_service(joined, on);
        if have < self.min_years {
            return Err(SelectionError::TooFewYears { need: self.min_years, have });
        }
        Ok(())
    }
}

/// One electorate's counts in a round: its weight, valid ballots and approvals per nominee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElectorateCount {
    pub label: String,
    pub weight: u64,
    pub valid: u64,
    pub yes: Vec<(String, u64)>,
}

impl ElectorateCount {
    fn yes_of(&self, name: &str) -> u64 {
        self.yes.iter().find(|(n, _)| n == name).map_or(0, |(_, y)| *y)
    }
}

/// A nominee's place in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub name: String,
    /// Exact score numerator over the round's common denominator.
    pub score: u128,
    /// `S / Σw` as a percentage with two decimals, rounded half-up ("87.50").
    pub rate: String,
}

/// The outcome of a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundOutcome {
    /// Every nominee, by score then name.
    pub ranking: Vec<Ranked>,
    /// Strictly inside the cut: at most `top_n`.
    pub advancing: Vec<String>,
    /// Tied across the cut (empty when there is no tie).
    pub tied: Vec<String>,
    /// Places the tied nominees compete for.
    pub places_left: u64,
}

/// A runoff a round calls for: the nominees tied at its cut compete for the places left.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoundRunoff {
    pub places: u64,
    pub among: Vec<String>,
}

impl RoundOutcome {
    /// Still in the running after this round: those advancing and, on a tie at the cut, the tied
    /// nominees, who wait for their runoff.
    pub fn moving_on(&self) -> Vec<String> {
        self.advancing.iter().chain(&self.tied).cloned().collect()
    }

    /// Ranked below the cut: out of the selection.
    pub fn eliminated(&self) -> Vec<String> {
        let on = self.moving_on();
        self.ranking.iter().filter(|r| !on.contains(&r.name)).map(|r| r.name.clone()).collect()
    }

    /// The runoff this round calls for, when nominees tie at its cut.
    pub fn runoff(&self) -> Option<RoundRunoff> {
        (!self.tied.is_empty()).then(|| RoundRunoff { places: self.places_left, among: self.tied.clone() })
    }
}

/// What the next round is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRound {
    pub candidates: Vec<String>,
    pub top_n: u64,
    /// A runoff among nominees tied at the previous round's cut.
    pub runoff: bool,
}

/// The next round. After a round that ended in a tie at its cut it is the runoff: the tied
/// nominees still running, for the places left (the `top_n` asked for is not used). Otherwise
/// every running nominee, and `top_n` must leave somebody out (1 ≤ top_n < running).
pub fn next_round(last: Option<&RoundOutcome>, running: &[String], top_n: u64) -> Result<NextRound, SelectionError> {
    if let Some(r) = last.and_then(RoundOutcome::runoff) {
        let among: Vec<String> = r.among.into_iter().filter(|n| running.contains(n)).collect();
        if r.places > 0 && among.len() as u64 > r.places {
            return Ok(NextRound { candidates: among, top_n: r.places, runoff: true });
        }
    }
    if top_n == 0 || top_n >= running.len() as u64 {
        return Err(SelectionError::BadRound);
    }
    Ok(NextRound { candidates: running.to_vec(), top_n, runoff: false })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Combines the electorates of a round and applies the top-N cut (see the module docs).
pub fn combine(
    nominees: &[String],
    electorates: &[ElectorateCount],
    top_n: u64,
) -> Result<RoundOutcome, SelectionError> {
    if top_n == 0 || electorates.is_empty() || electorates.iter().any(|e| !(1..=100).contains(&e.weight)) {
        return Err(SelectionError::BadRound);
    }
    let counted: Vec<&ElectorateCount> = electorates.iter().filter(|e| e.valid > 0).collect();
    let mut lcm: u128 = 1;
    for e in &counted {
        let v = u128::from(e.valid);
        lcm = (lcm / gcd(lcm, v)).checked_mul(v).ok_or(SelectionError::TooLarge)?;
    }
    let weights: u128 = counted.iter().map(|e| u128::from(e.weight)).sum();
    let mut ranking = Vec::with_capacity(nominees.len());
    for name in nominees {
        let mut score: u128 = 0;
        for e in &counted {
            let term = u128::from(e.weight)
                .checked_mul(u128::from(e.yes_of(name)))
                .and_then(|x| x.checked_mul(lcm / u128::from(e.valid)))
                .ok_or(SelectionError::TooLarge)?;
            score = score.checked_add(term).ok_or(SelectionError::TooLarge)?;
        }
        // rate = score / (lcm · Σw) · 100, in hundredths, half-up.
        let den = lcm.checked_mul(weights).ok_or(SelectionError::TooLarge)?;
        let rate = match score.checked_mul(20_000).ok_or(SelectionError::TooLarge)?.checked_div(den) {
            None => "0.00".to_string(),
            Some(h) => {
                let h = h / 2 + h % 2;
                format!("{}.{:02}", h / 100, h % 100)
            }
        };
        ranking.push(Ranked { name: name.clone(), score, rate });
    }
    ranking.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let n = usize::try_from(top_n).unwrap_or(usize::MAX);
    if ranking.len() <= n {
        let advancing = ranking.iter().map(|r| r.name.clone()).collect();
        return Ok(RoundOutcome { ranking, advancing, tied: Vec::new(), places_left: 0 });
    }
    let cut = ranking[n - 1].score;
    if ranking[n].score == cut {
        let advancing: Vec<String> = ranking.iter().filter(|r| r.score > cut).map(|r| r.name.clone()).collect();
        let tied = ranking.iter().filter(|r| r.score == cut).map(|r| r.name.clone()).collect();
        let places_left = top_n - advancing.len() as u64;
        return Ok(RoundOutcome { ranking, advancing, tied, places_left });
    }
    let advancing = ranking[..n].iter().map(|r| r.name.clone()).collect();
    Ok(RoundOutcome { ranking, advancing, tied: Vec::new(), places_left: 0 })
}

/// The last working day of a publicity period of `days` working days that starts on `start`
/// (`start` counts as the first day when it is a working day).
pub fn publicity_end(cal: &Calendar, start: NaiveDate, days: u32) -> NaiveDate {
    let before = start.pred_opt().unwrap_or(start);
    cal.add_working_days(before, days.max(1))
}

/// Whether the publicity period is over on `today` (the day after its last working day).
pub fn publicity_over(end: NaiveDate, today: NaiveDate) -> bool {
    today > end
}

/// Where a nominee stands (the column `selection_nominees.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NomineeStatus {
    /// On the list.
    Running,
    /// Left out by a voting round.
    Eliminated,
    /// Taken off by the review.
    Removed,
    /// Taken off because an objection was upheld.
    Struck,
}

impl NomineeStatus {
    pub const ALL: [NomineeStatus; 4] =
        [NomineeStatus::Running, NomineeStatus::Eliminated, NomineeStatus::Removed, NomineeStatus::Struck];

    pub fn code(self) -> &'static str {
        match self {
            NomineeStatus::Running => "running",
            NomineeStatus::Eliminated => "eliminated",
            NomineeStatus::Removed => "removed",
            NomineeStatus::Struck => "struck",
        }
    }

    pub fn from_code(s: &str) -> Option<NomineeStatus> {
        NomineeStatus::ALL.into_iter().find(|x| x.code() == s)
    }
}

crate::stored_code!(NomineeStatus);

/// The state of an objection (异议) raised during publicity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Open,
    /// The objection holds: the nominee leaves the list.
    Upheld,
    /// The objection does not hold: the nominee stays.
    Dismissed,
}

impl ObjectionStatus {
    pub fn code(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Dismissed => "dismissed",
        }
    }

    pub fn from_code(s: &str) -> Option<ObjectionStatus> {
        [ObjectionStatus::Open, ObjectionStatus::Upheld, ObjectionStatus::Dismissed].into_iter().find(|x| x.code() == s)
    }
}

crate::stored_code!(ObjectionStatus);

/// Resolves an open objection with a reason; a resolved one cannot be resolved again.
pub fn resolve_objection(
    current: ObjectionStatus,
    decision: ObjectionStatus,
    reason: &str,
) -> Result<ObjectionStatus, SelectionError> {
    if current != ObjectionStatus::Open || decision == ObjectionStatus::Open {
        return Err(SelectionError::WrongStage);
    }
    if reason.trim().is_empty() {
        return Err(SelectionError::ReasonRequired);
    }
    Ok(decision)
}

#[cfg(test)]
#[path = "selection_tests.rs"]
mod tests;
