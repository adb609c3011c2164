//! What a poll is for, and the counting rules the law or the congress's rules give each purpose.
//!
//! The committee picks a purpose on the poll form; the purpose preselects its rules (the committee
//! may still change them when its own 选举办法 or 议事规则 says otherwise), and the result states
//! the rules used.
//!
//! - 工会选举 (《工会基层组织选举工作条例》): the vote is held only if 三分之二以上 of those entitled
//!   to vote take part (以上 includes the bound, as in the quorum rule of ballots.md); a candidate
//!   is elected with more than half of those entitled to vote (应到会有选举权人数), not of the
//!   valid ballots.
//! - 教代会决议: a quorum of two thirds of the delegates, the bound included; passed with more
//!   than half of all delegates.
//! - 意见征集: no quorum; the result only reports the counts (most votes first) and decides
//!   nothing, so no "passed" or "elected" is shown.

use super::{Base, Fraction, PollKind, Rules};

/// The purpose of a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PollPurpose {
    /// 工会选举: committee members, the chair, a group leader.
    UnionElection,
    /// 教代会决议: a resolution of the staff congress.
    CongressResolution,
    /// 意见征集: a consultation whose result is reported, not decided.
    Consultation,
}

impl PollPurpose {
    /// Every purpose, in the order the form offers them.
    pub const ALL: [PollPurpose; 3] =
        [PollPurpose::UnionElection, PollPurpose::CongressResolution, PollPurpose::Consultation];

    /// The name stored with the poll and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            PollPurpose::UnionElection => "union_election",
            PollPurpose::CongressResolution => "congress_resolution",
            PollPurpose::Consultation => "consultation",
        }
    }

    /// Parses a stored or sent name.
    pub fn parse(s: &str) -> Option<PollPurpose> {
        Self::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// Fluent message id of the purpose's name.
    pub fn key(self) -> &'static str {
        match self {
            PollPurpose::UnionElection => "poll-purpose-union-election",
            PollPurpose::CongressResolution => "poll-purpose-congress-resolution",
            PollPurpose::Consultation => "poll-purpose-consultation",
        }
    }

    /// The rules the purpose preselects.
    pub fn default_rules(self) -> Rules {
        match self {
            PollPurpose::UnionElection | PollPurpose::CongressResolution => Rules {
                quorum: Some(Fraction::TWO_THIRDS),
                threshold: Some(Fraction::HALF),
                base: Some(Base::Electorate),
                ..Rules::default()
            },
            PollPurpose::Consultation => {
                Rules { quorum: None, threshold: Some(Fraction::HALF), base: Some(Base::Valid), ..Rules::default() }
            }
        }
    }

    /// Whether a poll of `kind` may have this purpose: an election is 工会选举 or 意见征集, a
    /// resolution 教代会决议 or 意见征集; evaluations have their own rules.
    pub fn fits(self, kind: PollKind) -> bool {
        matches!(
            (self, kind),
            (PollPurpose::UnionElection, PollKind::Election)
                | (PollPurpose::CongressResolution, PollKind::Resolution)
                | (PollPurpose::Consultation, PollKind::Election | PollKind::Resolution)
        )
    }

    /// Whether the result decides (passed, elected) or only reports the counts.
    pub fn decides(self) -> bool {
        !matches!(self, PollPurpose::Consultation)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{tally, Ballot, Bulletin, Choice, Poll, TallyResult, VoidReason};
    use super::*;

    fn union_election(electorate: u64, yes_for_zhang: u64, others: u64) -> super::super::ElectionResult {
        let voters = yes_for_zhang + others;
        let mut poll =
            Poll::election("工会小组长", electorate, voters, voters, 1, vec!["张三".into(), "李四".into()], false);
        poll.rules = PollPurpose::UnionElection.default_rules();
        let ballot = |i: u64, name: &str| Ballot {
            tracker: format!("t{i}"),
            paper: false,
            spoiled: false,
            choice: None,
            marks: Some([(name.into(), Choice::Yes)].into_iter().collect()),
            write_ins: None,
            group: None,
            grades: None,
        };
        let ballots = (0..voters).map(|i| ballot(i, if i < yes_for_zhang { "张三" } else { "李四" })).collect();
        let b = Bulletin::new(poll, ballots);
        b.validate().unwrap();
        match tally(&b) {
            TallyResult::Election(r) => r,
            other => panic!("not an election: {other:?}"),
        }
    }

    fn congress_resolution(delegates: u64, yes: u64, no: u64) -> super::super::ResolutionResult {
        let present = yes + no;
        let poll =
            Poll::resolution("议案", delegates, present, present, PollPurpose::CongressResolution.default_rules());
        let ballots = (0..present)
            .map(|i| Ballot {
                tracker: format!("t{i}"),
                paper: false,
                spoiled: false,
                choice: Some(if i < yes { Choice::Yes } else { Choice::No }),
                marks: None,
                write_ins: None,
                group: None,
                grades: None,
            })
            .collect();
        match tally(&Bulletin::new(poll, ballots)) {
            TallyResult::Resolution(r) => r,
            other => panic!("not a resolution: {other:?}"),
        }
    }

    #[test]
    fn union_election_one_vote_of_eighteen_is_neither_a_valid_vote_nor_an_election() {
        let r = union_election(18, 1, 0);
        assert_eq!(r.void_reason, Some(VoidReason::NoQuorum));
        assert!(r.elected.is_empty(), "{r:?}");
        assert!(r.tally.iter().all(|e| !e.elected));
    }

    #[test]
    fn union_election_is_held_only_with_two_thirds_of_those_entitled_taking_part() {
        // 12 of 18 is two thirds: 以上 includes the bound.
        assert_eq!(union_election(18, 12, 0).void_reason, None);
        assert_eq!(union_election(18, 11, 0).void_reason, Some(VoidReason::NoQuorum));
    }

    #[test]
    fn union_election_elects_with_more_than_half_of_those_entitled_not_of_valid_ballots() {
        // 12 of 18 vote; 9 approvals is more than half of the 12 valid ballots but exactly half of
        // the 18 entitled: not elected.
        let r = union_election(18, 9, 3);
        assert_eq!(r.base, 18);
        assert!(r.elected.is_empty(), "{r:?}");
        // 10 of 18 entitled: elected.
        let r = union_election(18, 10, 2);
        assert_eq!(r.elected, vec!["张三".to_string()]);
    }

    #[test]
    fn congress_resolution_quorum_is_two_thirds_of_delegates_inclusive() {
        assert_eq!(congress_resolution(60, 40, 0).void_reason, None);
        assert_eq!(congress_resolution(60, 39, 0).void_reason, Some(VoidReason::NoQuorum));
    }

    #[test]
    fn congress_resolution_passes_with_more_than_half_of_all_delegates() {
        // 40 of 60 present: 30 yes is 3/4 of the present but exactly half of all delegates.
        let r = congress_resolution(60, 30, 10);
        assert!(!r.passed, "{r:?}");
        assert_eq!(r.base, 60);
        assert!(congress_resolution(60, 31, 9).passed);
    }

    #[test]
    fn consultation_has_no_quorum_and_decides_nothing() {
        let rules = PollPurpose::Consultation.default_rules();
        assert_eq!(rules.quorum, None);
        assert!(!PollPurpose::Consultation.decides());
        assert!(PollPurpose::UnionElection.decides() && PollPurpose::CongressResolution.decides());
    }

    #[test]
    fn purpose_fits_its_kind_and_round_trips_by_name() {
        assert!(PollPurpose::UnionElection.fits(PollKind::Election));
        assert!(!PollPurpose::UnionElection.fits(PollKind::Resolution));
        assert!(!PollPurpose::CongressResolution.fits(PollKind::Election));
        assert!(PollPurpose::Consultation.fits(PollKind::Resolution));
        assert!(!PollPurpose::Consultation.fits(PollKind::Evaluation));
        for p in PollPurpose::ALL {
            assert_eq!(PollPurpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(PollPurpose::parse("election"), None);
    }
}
