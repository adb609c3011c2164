//! Tally of a democratic evaluation (民主评议): grade counts, 称职率, weighted score, flag.
//!
//! Decisions beyond the letter of ballots.md:
//! - A subject with no answers at all is always withheld, even with `min_group_size` 0 (there is
//!   no rate or score to show).
//! - A poll without `groups` has one implicit group of weight 1 and `"by_group": null`.
//! - `by_group` lists the groups with at least one answer for the subject, in poll order.
//! - A grade listed twice in `rules.competent` counts once. Without `rules.fail` nobody is
//!   flagged; `flag_fail_ratio` defaults to 1/3 (congress.md).
//! - A void evaluation still reports every subject (with the same withholding).

use serde::Serialize;

use super::bulletin::{Ballot, Poll};
use super::exact::{format_hundredths, round_hundredths, round_hundredths_u128, Nat};
use super::names::NameIndex;
use super::{void_reason, Fraction, OrderedMap, VoidReason};

/// The result of an evaluation, see ballots.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationResult {
    pub void_reason: Option<VoidReason>,
    pub returned: u64,
    pub valid: u64,
    pub invalid: u64,
    pub subjects: Vec<SubjectResult>,
}

/// One evaluated person: `{"name", "n", "withheld": true}` when withheld, else with the detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectResult {
    pub name: String,
    /// Answers for this subject.
    pub n: u64,
    pub withheld: bool,
    /// `None` exactly when withheld.
    #[serde(flatten)]
    pub detail: Option<SubjectDetail>,
}

/// The figures of a subject that is not withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectDetail {
    /// Answers per grade over all groups, in the order of `grades`.
    pub counts: OrderedMap<u64>,
    /// Percentage of competent answers, two decimals, rounded half-up (`"93.75"`).
    pub competent_rate: String,
    /// Weighted score, two decimals, rounded half-up (`"88.40"`).
    pub score: String,
    /// Fail answers `> flag_fail_ratio × n`.
    pub flagged: bool,
    /// Per group; `None` (null) when any group with answers is smaller than `min_group_size`.
    pub by_group: Option<OrderedMap<GroupTally>>,
}

/// One rater group's answers for a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupTally {
    pub n: u64,
    pub counts: OrderedMap<u64>,
    /// The group's average points, two decimals, rounded half-up.
    pub score: String,
}

/// Answers of one group for one subject.
#[derive(Debug, Clone)]
struct Cell {
    n: u64,
    counts: Vec<u64>,
    points: u128,
}

/// Counts `ballots`, each standing for `n` identical ballots.
pub(crate) fn tally<'a>(poll: &Poll, ballots: impl Iterator<Item = (&'a Ballot, u64)>) -> EvaluationResult {
    let subjects = NameIndex::lenient(poll.subjects.iter().map(String::as_str));
    let grades = NameIndex::lenient(poll.grades.iter().map(|g| g.name.as_str()));
    let groups = NameIndex::lenient(poll.groups.iter().map(|g| g.name.as_str()));
    let group_count = poll.groups.len().max(1);
    let empty = Cell { n: 0, counts: vec![0; poll.grades.len()], points: 0 };
    // cells[subject][group]
    let mut cells = vec![vec![empty; group_count]; poll.subjects.len()];
    let (mut valid, mut invalid) = (0u64, 0u64);
    for (ballot, n) in ballots {
        if ballot.spoiled {
            invalid = invalid.saturating_add(n);
            continue;
        }
        valid = valid.saturating_add(n);
        let group = if poll.groups.is_empty() { Some(0) } else { ballot.group.as_deref().and_then(|g| groups.find(g)) };
        let Some(group) = group else { continue }; // only in a bulletin that was never validated
        for (subject, grade) in ballot.grades.iter().flatten() {
            let (Some(s), Some(g)) = (subjects.find(subject), grades.find(grade)) else { continue };
            let points = poll.grades.get(g).map_or(0, |gr| gr.points);
            if let Some(cell) = cells.get_mut(s).and_then(|row| row.get_mut(group)) {
                cell.n = cell.n.saturating_add(n);
                if let Some(c) = cell.counts.get_mut(g) {
                    *c = c.saturating_add(n);
                }
                cell.points = cell.points.saturating_add(u128::from(points) * u128::from(n));
            }
        }
    }
    let returned = valid.saturating_add(invalid);
    let rules = Rules::of(poll, &grades);
    let subjects =
        poll.subjects.iter().zip(&cells).map(|(name, row)| subject_result(poll, &rules, name, row)).collect();
    EvaluationResult { void_reason: void_reason(poll, returned), returned, valid, invalid, subjects }
}

/// The evaluation rules resolved to grade positions.
struct Rules {
    competent: Vec<bool>,
    fail: Option<usize>,
    flag_ratio: Fraction,
    min_shown: u64,
}

impl Rules {
    fn of(poll: &Poll, grades: &NameIndex) -> Self {
        let mut competent = vec![false; poll.grades.len()];
        for name in poll.rules.competent.iter().flatten() {
            if let Some(slot) = grades.find(name).and_then(|i| competent.get_mut(i)) {
                *slot = true;
            }
        }
        Rules {
            competent,
            fail: poll.rules.fail.as_deref().and_then(|f| grades.find(f)),
            flag_ratio: poll.rules.flag_fail_ratio.unwrap_or(Fraction::THIRD),
            min_shown: poll.min_group_size().max(1),
        }
    }
}

fn subject_result(poll: &Poll, rules: &Rules, name: &str, row: &[Cell]) -> SubjectResult {
    let n: u64 = row.iter().map(|c| c.n).sum();
    if n < rules.min_shown {
        return SubjectResult { name: name.to_string(), n, withheld: true, detail: None };
    }
    let mut totals = vec![0u64; poll.grades.len()];
    for cell in row {
        for (t, c) in totals.iter_mut().zip(&cell.counts) {
            *t += c;
        }
    }
    let competent: u64 = totals.iter().zip(&rules.competent).filter(|(_, &is)| is).map(|(c, _)| c).sum();
    let fail = rules.fail.and_then(|i| totals.get(i)).copied();
    let detail = SubjectDetail {
        counts: grade_counts(poll, &totals),
        competent_rate: hundredths(round_hundredths_u128(100 * u128::from(competent), u128::from(n))),
        score: hundredths(weighted_score(poll, row)),
        flagged: fail.is_some_and(|f| rules.flag_ratio.exceeded_by(f, n)),
        by_group: by_group(poll, rules, row),
    };
    SubjectResult { name: name.to_string(), n, withheld: false, detail: Some(detail) }
}

/// `Σ w_g · (P_g / n_g) / Σ w_g` over the groups with answers, exactly, in hundredths.
fn weighted_score(poll: &Poll, row: &[Cell]) -> Option<u128> {
    // Accumulate num/den exactly: num/den + w·P/n = (num·n + w·P·den) / (den·n).
    let (mut num, mut den, mut weights) = (Nat::zero(), Nat::from_u128(1), Nat::zero());
    for (g, cell) in row.iter().enumerate().filter(|(_, c)| c.n > 0) {
        let weight = if poll.groups.is_empty() { 1 } else { poll.groups.get(g).map_or(0, |gr| gr.weight) };
        let n = Nat::from_u128(cell.n.into());
        let term = Nat::from_u128(cell.points).mul_u128(weight.into());
        num = num.mul(&n).add(&term.mul(&den));
        den = den.mul(&n);
        weights = weights.add(&Nat::from_u128(weight.into()));
    }
    round_hundredths(&num, &den.mul(&weights))
}

fn by_group(poll: &Poll, rules: &Rules, row: &[Cell]) -> Option<OrderedMap<GroupTally>> {
    if poll.groups.is_empty() || row.iter().any(|c| c.n > 0 && c.n < rules.min_shown) {
        return None;
    }
    let shown = poll.groups.iter().zip(row).filter(|(_, c)| c.n > 0).map(|(group, cell)| {
        let tally = GroupTally {
            n: cell.n,
            counts: grade_counts(poll, &cell.counts),
            score: hundredths(round_hundredths_u128(cell.points, cell.n.into())),
        };
        (group.name.clone(), tally)
    });
    Some(OrderedMap(shown.collect()))
}

fn grade_counts(poll: &Poll, counts: &[u64]) -> OrderedMap<u64> {
    OrderedMap(poll.grades.iter().zip(counts).map(|(g, &c)| (g.name.clone(), c)).collect())
}

/// Formats hundredths; a zero denominator (impossible once `n ≥ 1` and weights ≥ 1) gives "0.00".
fn hundredths(h: Option<u128>) -> String {
    format_hundredths(h.unwrap_or(0))
}
