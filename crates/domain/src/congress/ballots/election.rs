//! Tally of an election (选举): approval voting for `seats`, with write-ins and runoffs.
//!
//! Decisions beyond the letter of ballots.md:
//! - A write-in equal to a listed candidate (after trimming and NFKC) is a yes for that candidate
//!   even if the same ballot marks the candidate "no" or "abstain": writing the name in is the
//!   stronger expression. It counts once per ballot, as do repeated write-ins of one name.
//! - Empty write-ins (blank after trimming) are ignored. Write-ins are named by their normalised
//!   form; listed candidates keep the spelling of the poll.
//! - Write-ins ignored because `allow_write_in` is false do not count towards over-voting.
//! - An "unfilled" runoff is reported even when nobody else received an approval (`among` is then
//!   empty): the seats remain unfilled and need a new round all the same.
//! - A void election reports its tally but elects nobody and has no runoff.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::bulletin::{normalize_name, Ballot, Choice, Poll};
use super::names::{Hints, NameIndex};
use super::{count, void_reason, VoidReason};

/// The result of an election, see ballots.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElectionResult {
    pub void_reason: Option<VoidReason>,
    pub returned: u64,
    pub valid: u64,
    pub invalid: u64,
    pub base: u64,
    /// Every listed candidate and every write-in name, by yes descending, then name.
    pub tally: Vec<TallyEntry>,
    /// Elected people, in tally order.
    pub elected: Vec<String>,
    pub runoff: Option<Runoff>,
}

/// One line of the tally. For a write-in, `no` and `abstain` are 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyEntry {
    pub name: String,
    pub yes: u64,
    pub no: u64,
    pub abstain: u64,
    pub write_in: bool,
    pub elected: bool,
}

/// A second round for seats the first round did not fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runoff {
    pub reason: RunoffReason,
    /// Seats to fill in the runoff.
    pub seats: u64,
    /// Who stands, by approvals descending, then name (code point order).
    pub among: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunoffReason {
    /// Fewer people qualified than there are seats.
    Unfilled,
    /// People tie across the cut-off.
    Tie,
}

/// How many people `ballot` approves, counted as the tally counts them (a write-in of a listed
/// candidate, or repeated, counts once; ignored write-ins and blank ones count for nothing). A
/// ballot approving more than `poll.seats` is invalid (多选无效); the web form can refuse it early.
pub fn approvals(poll: &Poll, ballot: &Ballot) -> u64 {
    let mut reader = BallotReader::new(poll);
    reader.read(poll, ballot)
}

/// Reads election ballots into per-candidate marks and new write-in names, reusing its buffers.
struct BallotReader {
    listed: NameIndex,
    hints: Hints,
    /// The final mark of each listed candidate on the ballot last read.
    marks: Vec<Choice>,
    /// Distinct normalised write-ins of the ballot last read that are not listed candidates
    /// (a set: a crafted ballot may hold many thousands).
    new_names: HashSet<String>,
}

impl BallotReader {
    fn new(poll: &Poll) -> Self {
        let listed = NameIndex::lenient(poll.candidates.iter().map(String::as_str));
        Self {
            listed,
            hints: Hints::default(),
            marks: vec![Choice::Abstain; poll.candidates.len()],
            new_names: HashSet::new(),
        }
    }

    /// Reads `ballot` and returns its number of approvals.
    fn read(&mut self, poll: &Poll, ballot: &Ballot) -> u64 {
        self.marks.fill(Choice::Abstain);
        self.new_names.clear();
        for (k, (name, &choice)) in ballot.marks.iter().flatten().enumerate() {
            if let Some(slot) = self.listed.find_hinted(name, k, &mut self.hints).and_then(|i| self.marks.get_mut(i)) {
                *slot = choice;
            }
        }
        if poll.allow_write_in {
            for w in ballot.write_ins.iter().flatten() {
                let name = normalize_name(w);
                if name.is_empty() {
                    continue;
                }
                match self.listed.find_normalized(&name).and_then(|i| self.marks.get_mut(i)) {
                    Some(slot) => *slot = Choice::Yes,
                    None => {
                        self.new_names.insert(name);
                    }
                }
            }
        }
        count(self.marks.iter().filter(|&&c| c == Choice::Yes).count() + self.new_names.len())
    }
}

/// Counts `ballots`, each standing for `n` identical ballots.
pub(crate) fn tally<'a>(poll: &Poll, ballots: impl Iterator<Item = (&'a Ballot, u64)>) -> ElectionResult {
    let seats = poll.seats.unwrap_or(0);
    let n = poll.candidates.len();
    let (mut yes, mut no, mut abstain) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    let mut written: HashMap<String, u64> = HashMap::new();
    let (mut valid, mut invalid) = (0u64, 0u64);
    let mut reader = BallotReader::new(poll);
    for (ballot, n) in ballots {
        if ballot.spoiled {
            invalid = invalid.saturating_add(n);
            continue;
        }
        if reader.read(poll, ballot) > seats {
            invalid = invalid.saturating_add(n); // 多选无效
            continue;
        }
        valid = valid.saturating_add(n);
        for (i, c) in reader.marks.iter().enumerate() {
            let column = match c {
                Choice::Yes => &mut yes,
                Choice::No => &mut no,
                Choice::Abstain => &mut abstain,
            };
            if let Some(cell) = column.get_mut(i) {
                *cell = cell.saturating_add(n);
            }
        }
        for name in reader.new_names.drain() {
            let cell = written.entry(name).or_insert(0);
            *cell = cell.saturating_add(n);
        }
    }

    let mut entries: Vec<TallyEntry> = poll
        .candidates
        .iter()
        .zip(yes.iter().zip(no.iter().zip(abstain.iter())))
        .map(|(name, (&yes, (&no, &abstain)))| TallyEntry {
            name: name.clone(),
            yes,
            no,
            abstain,
            write_in: false,
            elected: false,
        })
        .collect();
    entries.extend(written.into_iter().map(|(name, yes)| TallyEntry {
        name,
        yes,
        no: 0,
        abstain: 0,
        write_in: true,
        elected: false,
    }));
    entries.sort_by(|a, b| b.yes.cmp(&a.yes).then_with(|| a.name.cmp(&b.name)));

    let returned = valid.saturating_add(invalid);
    let void_reason = void_reason(poll, returned);
    let base = poll.base_value(valid);
    let (n_elected, runoff) = if void_reason.is_some() || seats == 0 {
        (0, None)
    } else {
        let threshold = poll.threshold();
        // Sorted by yes descending, so the qualified people form a prefix.
        let qualified = entries.iter().take_while(|e| threshold.exceeded_by(e.yes, base)).count();
        decide(&entries, qualified, seats)
    };
    let mut elected = Vec::with_capacity(n_elected);
    for e in entries.iter_mut().take(n_elected) {
        e.elected = true;
        elected.push(e.name.clone());
    }
    ElectionResult { void_reason, returned, valid, invalid, base, tally: entries, elected, runoff }
}

/// How many of the sorted `entries` are elected, and the runoff, given the number `qualified`
/// (a prefix of `entries`) and `seats ≥ 1`.
fn decide(entries: &[TallyEntry], qualified: usize, seats: u64) -> (usize, Option<Runoff>) {
    let names = |it: &mut dyn Iterator<Item = &TallyEntry>| it.map(|e| e.name.clone()).collect::<Vec<_>>();
    let seat_count = usize::try_from(seats).unwrap_or(usize::MAX);
    if qualified <= seat_count {
        let remaining = seats - count(qualified);
        let runoff = (remaining > 0).then(|| Runoff {
            reason: RunoffReason::Unfilled,
            seats: remaining,
            among: names(&mut entries.iter().skip(qualified).filter(|e| e.yes > 0)),
        });
        return (qualified, runoff);
    }
    // More qualified than seats (so seat_count < qualified ≤ entries.len()).
    let (Some(last_in), Some(first_out)) = (entries.get(seat_count - 1), entries.get(seat_count)) else {
        return (0, None);
    };
    if first_out.yes != last_in.yes {
        return (seat_count, None);
    }
    let cut = last_in.yes;
    let above = entries.iter().take_while(|e| e.yes > cut).count();
    let runoff = Runoff {
        reason: RunoffReason::Tie,
        seats: seats - count(above),
        among: names(&mut entries.iter().filter(|e| e.yes == cut)),
    };
    (above, Some(runoff))
}
