//! The published bulletin (`jiaogong-bulletin/1`): poll definition plus every ballot.
//!
//! These types serialise to and from exactly the JSON of ballots.md. Every object denies unknown
//! fields: a misspelt rule (`"treshold"`) must be an error, not a silent fall-back to a default.
//! Kind-specific poll fields are optional here; [`super::parse_bulletin`] and
//! [`Bulletin::validate`] check that they fit the poll's kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::Fraction;

/// A candidate's name on a ballot. Shared: ballots read by [`super::parse_bulletin`] point at the
/// poll's own spelling instead of each holding a copy.
pub type Name = Arc<str>;

/// The only bulletin format this engine reads and writes.
pub const BULLETIN_FORMAT: &str = "jiaogong-bulletin/1";

/// A bulletin: `{"format": "jiaogong-bulletin/1", "poll": {…}, "ballots": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bulletin {
    pub format: String,
    pub poll: Poll,
    pub ballots: Vec<Ballot>,
}

/// What is being voted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PollKind {
    /// 票决: yes / no / abstain on one motion.
    Resolution,
    /// 选举: approval of candidates for a number of seats.
    Election,
    /// 民主评议: grades for each evaluated leader.
    Evaluation,
}

impl PollKind {
    pub fn is_resolution(self) -> bool {
        self == PollKind::Resolution
    }

    pub fn is_election(self) -> bool {
        self == PollKind::Election
    }

    pub fn is_evaluation(self) -> bool {
        self == PollKind::Evaluation
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PollKind::Resolution => "resolution",
            PollKind::Election => "election",
            PollKind::Evaluation => "evaluation",
        }
    }
}

/// The poll definition. Fields after `ballots_issued` belong to one kind only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    pub title: String,
    pub kind: PollKind,
    /// 应到: people entitled to vote.
    pub electorate: u64,
    /// 实到: people checked in (online: ballots returned).
    pub present: u64,
    /// Ballots handed out (online: equals ballots returned).
    pub ballots_issued: u64,
    /// Election: number of seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u64>,
    /// Election: listed candidates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
    /// Election: whether write-ins (另选他人) count.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_write_in: bool,
    /// Evaluation: the people evaluated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// Evaluation: the grades and their points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<Grade>,
    /// Evaluation: rater groups and their weights (none: all raters form one group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub rules: Rules,
}

/// An evaluation grade: `{"name": "优秀", "points": 100}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub points: u64,
}

/// A rater group: `{"name": "教职工", "weight": 5}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub weight: u64,
}

/// Counting rules. Absent fields take the defaults of ballots.md.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Valid only if `present ≥ quorum × electorate`; absent: no quorum rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Fraction>,
    /// Pass only with approvals `> threshold × B`; default 1/2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Fraction>,
    /// What `B` is; default `valid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Base>,
    /// Evaluation: grades counted as competent (称职率); default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent: Option<Vec<String>>,
    /// Evaluation: the failing grade; absent: no subject is ever flagged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail: Option<String>,
    /// Evaluation: flag when fail answers `> ratio × n`; default 1/3 (congress.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_fail_ratio: Option<Fraction>,
    /// Evaluation: smallest number of answers shown; default 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group_size: Option<u64>,
}

/// The base `B` of a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Base {
    /// 全体代表 / 应到会.
    Electorate,
    /// 实到会.
    Present,
    /// Valid ballots.
    Valid,
}

/// A resolution choice, also the value of an election mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

/// One ballot. Which content fields may appear depends on the poll's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// Receipt code (online) or sheet number (paper).
    pub tracker: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub paper: bool,
    /// An invalid ballot (废票); its content is not counted.
    #[serde(default, skip_serializing_if = "is_false")]
    pub spoiled: bool,
    /// Resolution: absent on a non-spoiled ballot means abstention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    /// Election: candidate → mark; an unmarked candidate is an abstention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marks: Option<BTreeMap<Name, Choice>>,
    /// Election: 另选他人, each an approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_ins: Option<Vec<String>>,
    /// Evaluation: the rater's group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Evaluation: subject → grade name; a subject left out is not counted for that subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<BTreeMap<String, String>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A name as compared: NFKC-normalised, then trimmed of Unicode whitespace.
pub fn normalize_name(s: &str) -> String {
    let n: String = s.nfkc().collect();
    n.trim().to_string()
}

impl Bulletin {
    /// A bulletin of the current format.
    pub fn new(poll: Poll, ballots: Vec<Ballot>) -> Self {
        Self { format: BULLETIN_FORMAT.to_string(), poll, ballots }
    }
}

impl Poll {
    /// A poll of `kind` with default rules and no kind-specific fields.
    pub fn new(kind: PollKind, title: impl Into<String>, electorate: u64, present: u64, ballots_issued: u64) -> Self {
        Self {
            title: title.into(),
            kind,
            electorate,
            present,
            ballots_issued,
            seats: None,
            candidates: Vec::new(),
            allow_write_in: false,
            subjects: Vec::new(),
            grades: Vec::new(),
            groups: Vec::new(),
            rules: Rules::default(),
        }
    }

    /// A resolution (票决).
    pub fn resolution(title: impl Into<String>, electorate: u64, present: u64, issued: u64, rules: Rules) -> Self {
        Self::new(PollKind::Resolution, title, electorate, present, issued).with_rules(rules)
    }

    /// An election (选举) for `seats` among `candidates`.
    pub fn election(
        title: impl Into<String>,
        electorate: u64,
        present: u64,
        issued: u64,
        seats: u64,
        candidates: Vec<String>,
        allow_write_in: bool,
    ) -> Self {
        let mut p = Self::new(PollKind::Election, title, electorate, present, issued);
        p.seats = Some(seats);
        p.candidates = candidates;
        p.allow_write_in = allow_write_in;
        p
    }

    /// An evaluation (民主评议) of `subjects` with `grades` by rater `groups`.
    pub fn evaluation(
        title: impl Into<String>,
        electorate: u64,
        present: u64,
        issued: u64,
        subjects: Vec<String>,
        grades: Vec<Grade>,
        groups: Vec<Group>,
    ) -> Self {
        let mut p = Self::new(PollKind::Evaluation, title, electorate, present, issued);
        p.subjects = subjects;
        p.grades = grades;
        p.groups = groups;
        p
    }

    pub fn with_rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// The threshold with its default (1/2).
    pub fn threshold(&self) -> Fraction {
        self.rules.threshold.unwrap_or(Fraction::HALF)
    }

    /// The base with its default (valid ballots).
    pub fn base(&self) -> Base {
        self.rules.base.unwrap_or(Base::Valid)
    }

    /// `B` for a count of `valid` ballots.
    pub fn base_value(&self, valid: u64) -> u64 {
        match self.base() {
            Base::Electorate => self.electorate,
            Base::Present => self.present,
            Base::Valid => valid,
        }
    }

    /// The smallest number of answers shown (default 5).
    pub fn min_group_size(&self) -> u64 {
        self.rules.min_group_size.unwrap_or(5)
    }
}

impl Grade {
    pub fn new(name: impl Into<String>, points: u64) -> Self {
        Self { name: name.into(), points }
    }
}

impl Group {
    pub fn new(name: impl Into<String>, weight: u64) -> Self {
        Self { name: name.into(), weight }
    }
}

impl Ballot {
    fn empty(tracker: impl Into<String>) -> Self {
        Self {
            tracker: tracker.into(),
            paper: false,
            spoiled: false,
            choice: None,
            marks: None,
            write_ins: None,
            group: None,
            grades: None,
        }
    }

    /// A spoiled ballot (废票) of any kind.
    pub fn spoiled(tracker: impl Into<String>) -> Self {
        Self { spoiled: true, ..Self::empty(tracker) }
    }

    /// A resolution ballot; `None` is an abstention.
    pub fn resolution(tracker: impl Into<String>, choice: Option<Choice>) -> Self {
        Self { choice, ..Self::empty(tracker) }
    }

    /// An election ballot with marks and write-ins.
    pub fn election<N: Into<Name>>(
        tracker: impl Into<String>,
        marks: impl IntoIterator<Item = (N, Choice)>,
        write_ins: Vec<String>,
    ) -> Self {
        let marks = marks.into_iter().map(|(n, c)| (n.into(), c)).collect();
        let write_ins = (!write_ins.is_empty()).then_some(write_ins);
        Self { marks: Some(marks), write_ins, ..Self::empty(tracker) }
    }

    /// An evaluation ballot: rater group and subject → grade.
    pub fn evaluation<S: Into<String>, G: Into<String>>(
        tracker: impl Into<String>,
        group: Option<String>,
        grades: impl IntoIterator<Item = (S, G)>,
    ) -> Self {
        let grades = grades.into_iter().map(|(s, g)| (s.into(), g.into())).collect();
        Self { group, grades: Some(grades), ..Self::empty(tracker) }
    }

    /// Marks the ballot as a paper ballot.
    pub fn on_paper(mut self) -> Self {
        self.paper = true;
        self
    }
}
