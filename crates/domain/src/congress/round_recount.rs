//! Recounting a weighted selection round from its electorates' bulletins: each electorate voted in
//! its own poll of kind `election`, whose bulletin anyone can recount with `jiaogong tally`; the
//! round combines their counts by weight (`selection::combine`). Given the bulletins and the
//! weights the round page shows, [`recount_round`] gives the same ranking, cut and tie the server
//! recorded.

use crate::congress::ballots::{parse_bulletin, tally, BulletinError, ElectionResult, PollKind, TallyResult};
use crate::congress::selection::{combine, ElectorateCount, RoundOutcome};

impl ElectorateCount {
    /// An electorate's count from the tally of its round poll: valid ballots and yes per name.
    pub fn from_election(label: &str, weight: u64, r: &ElectionResult) -> Self {
        ElectorateCount {
            label: label.to_string(),
            weight,
            valid: r.valid,
            yes: r.tally.iter().map(|e| (e.name.clone(), e.yes)).collect(),
        }
    }
}

/// Why a round could not be recounted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecountError {
    /// No bulletin, or not one weight per bulletin.
    WeightsDoNotMatch { bulletins: usize, weights: usize },
    /// A weight outside 1..=100 (the round's own bounds).
    BadWeight { index: usize },
    /// `top` must leave at least one nominee advancing.
    BadTop,
    /// A bulletin that does not parse or validate.
    Bulletin { index: usize, error: BulletinError },
    /// A bulletin of another kind than `election`.
    NotElection { index: usize },
    /// The bulletins do not list the same nominees: they are not from one round.
    DifferentNominees { index: usize },
    /// The exact scores do not fit (astronomical ballot counts).
    TooLarge,
}

impl RecountError {
    /// One line, Chinese then English.
    pub fn message_zh_en(&self) -> String {
        match self {
            RecountError::WeightsDoNotMatch { bulletins, weights } => format!(
                "给了 {bulletins} 个公告文件、{weights} 个权重：--weights 须为每个文件各给一个权重（按文件顺序，如 3,2） / \
                 {bulletins} bulletins but {weights} weights: give one weight per bulletin, in order (e.g. 3,2)"
            ),
            RecountError::BadWeight { index } => format!(
                "第 {n} 个权重须是 1 到 100 的整数 / weight {n} must be a whole number from 1 to 100",
                n = index + 1
            ),
            RecountError::BadTop => "--top 须至少为 1 / --top must be at least 1".to_string(),
            RecountError::Bulletin { index, error } => {
                format!("第 {n} 个公告文件 / bulletin {n}: {}", error.message_zh_en(), n = index + 1)
            }
            RecountError::NotElection { index } => format!(
                "第 {n} 个公告文件不是评选轮次的选举（kind 应为 election） / bulletin {n} is not an election (a selection round's kind)",
                n = index + 1
            ),
            RecountError::DifferentNominees { index } => format!(
                "第 {n} 个公告文件的候选人与第 1 个不同：这些文件不属于同一轮 / bulletin {n} lists other nominees than bulletin 1: \
                 these are not one round's bulletins",
                n = index + 1
            ),
            RecountError::TooLarge => "票数过大，无法精确计算 / the counts are too large to compare exactly".to_string(),
        }
    }
}

/// Recounts a weighted round: `bulletins` are (weight, bulletin JSON) per electorate, `top` the
/// number of nominees the round lets advance.
pub fn recount_round(bulletins: &[(u64, &str)], top: u64) -> Result<RoundOutcome, RecountError> {
    if bulletins.is_empty() {
        return Err(RecountError::WeightsDoNotMatch { bulletins: 0, weights: 0 });
    }
    if top == 0 {
        return Err(RecountError::BadTop);
    }
    let mut nominees: Option<Vec<String>> = None;
    let mut counts = Vec::with_capacity(bulletins.len());
    for (index, (weight, json)) in bulletins.iter().enumerate() {
        if !(1..=100).contains(weight) {
            return Err(RecountError::BadWeight { index });
        }
        let b = parse_bulletin(json).map_err(|error| RecountError::Bulletin { index, error })?;
        if b.poll.kind != PollKind::Election {
            return Err(RecountError::NotElection { index });
        }
        let mut listed = b.poll.candidates.clone();
        listed.sort();
        match &nominees {
            None => nominees = Some(listed),
            Some(first) if *first != listed => return Err(RecountError::DifferentNominees { index }),
            Some(_) => {}
        }
        let TallyResult::Election(r) = tally(&b) else {
            return Err(RecountError::NotElection { index });
        };
        counts.push(ElectorateCount::from_election(&format!("{}", index + 1), *weight, &r));
    }
    combine(&nominees.unwrap_or_default(), &counts, top).map_err(|_| RecountError::TooLarge)
}

#[cfg(test)]
#[path = "round_recount_tests.rs"]
mod tests;
