//! Democratic evaluation of leaders (民主评议/民主测评, congress.md): the settings of one
//! evaluation, who rates in which group, and the poll definition of kind `evaluation` it votes on.
//!
//! Decisions (see docs/adr/010-evaluations-and-selections.md):
//! - Grades are listed best first. The two best grades count as competent (称职率) and the last one
//!   is the failing grade (flag when it exceeds `flag_fail_ratio`), whatever they are called.
//! - A rater's group is decided here from the member's data (post, delegate or not), never by the
//!   rater: the groups are tried in order and the first that matches wins. A member no group
//!   matches does not rate at all.
//! - Optional items (德、能、勤、绩、廉) become extra subjects `"姓名·德"` next to the overall
//!   subject `"姓名"`, so the bulletin format of ballots.md is unchanged.

use serde::{Deserialize, Serialize};

use crate::congress::ballots::{self, Fraction, Grade, Group, PollKind, Rules};
use crate::members::Post;

/// Who a rater group takes, tried in the order the groups are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaterKind {
    /// 校领导 by post.
    SchoolLeader,
    /// 中层 by post.
    MiddleManager,
    /// Teachers by post.
    Teacher,
    /// Current delegates of the congress.
    Delegate,
    /// Everyone not taken by an earlier group.
    Everyone,
}

impl RaterKind {
    pub const ALL: [RaterKind; 5] = [
        RaterKind::SchoolLeader,
        RaterKind::MiddleManager,
        RaterKind::Teacher,
        RaterKind::Delegate,
        RaterKind::Everyone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RaterKind::SchoolLeader => "school_leader",
            RaterKind::MiddleManager => "middle_manager",
            RaterKind::Teacher => "teacher",
            RaterKind::Delegate => "delegate",
            RaterKind::Everyone => "everyone",
        }
    }

    pub fn from_code(s: &str) -> Option<RaterKind> {
        RaterKind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Fluent id of the label.
    pub fn key(self) -> &'static str {
        match self {
            RaterKind::SchoolLeader => "eval-who-school-leader",
            RaterKind::MiddleManager => "eval-who-middle-manager",
            RaterKind::Teacher => "eval-who-teacher",
            RaterKind::Delegate => "eval-who-delegate",
            RaterKind::Everyone => "eval-who-everyone",
        }
    }

    fn matches(self, rater: &RaterFacts) -> bool {
        match self {
            RaterKind::SchoolLeader => rater.post == Some(Post::SchoolLeader),
            RaterKind::MiddleManager => rater.post == Some(Post::MiddleManager),
            RaterKind::Teacher => rater.post == Some(Post::Teacher),
            RaterKind::Delegate => rater.delegate,
            RaterKind::Everyone => true,
        }
    }
}

/// Who may rate: the congress delegates or every active member (chosen per evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Electorate {
    Delegates,
    AllStaff,
}

impl Electorate {
    pub fn code(self) -> &'static str {
        match self {
            Electorate::Delegates => "delegates",
            Electorate::AllStaff => "all_staff",
        }
    }

    pub fn from_code(s: &str) -> Option<Electorate> {
        match s {
            "delegates" => Some(Electorate::Delegates),
            "all_staff" => Some(Electorate::AllStaff),
            _ => None,
        }
    }
}

/// A rater group: name, weight and whom it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaterGroup {
    pub name: String,
    pub weight: u64,
    pub who: RaterKind,
}

/// What decides a rater's group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RaterFacts {
    pub post: Option<Post>,
    pub delegate: bool,
}

/// The settings of one evaluation, stored as JSON with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    pub grades: Vec<Grade>,
    #[serde(default)]
    pub items: Vec<String>,
    pub groups: Vec<RaterGroup>,
    pub min_group_size: u64,
    pub electorate: Electorate,
    /// Flag a leader when 不称职 answers exceed this share (the school's setting when created;
    /// evaluations stored before the setting existed read the default 1/3).
    #[serde(default = "default_flag_ratio")]
    pub flag_fail_ratio: Fraction,
}

fn default_flag_ratio() -> Fraction {
    FLAG_FAIL_RATIO
}

/// Why settings or a rating are not acceptable; `key()` is the Fluent id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvaluationError {
    /// Fewer than three grades, or a malformed grade line.
    Grades,
    /// Two grades, items or groups with the same name.
    Duplicate(String),
    /// A group without a name, or a weight that is not 1–100.
    Groups,
    /// More than 10 items or an item name that is too long.
    Items,
    /// Minimum group size outside 1–50.
    MinGroupSize,
    /// No leader to evaluate.
    NoLeaders,
    /// Overall grades missing for these leaders.
    Missing(Vec<String>),
    /// A grade that is not one of the evaluation's.
    UnknownGrade,
}

impl EvaluationError {
    pub fn key(&self) -> &'static str {
        match self {
            EvaluationError::Grades => "eval-err-grades",
            EvaluationError::Duplicate(_) => "eval-err-duplicate",
            EvaluationError::Groups => "eval-err-groups",
            EvaluationError::Items => "eval-err-items",
            EvaluationError::MinGroupSize => "eval-err-min-group",
            EvaluationError::NoLeaders => "eval-err-no-leaders",
            EvaluationError::Missing(_) => "eval-err-missing",
            EvaluationError::UnknownGrade => "eval-err-unknown-grade",
        }
    }

    /// Arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            EvaluationError::Duplicate(n) => vec![("name", n.clone())],
            EvaluationError::Missing(names) => vec![("names", names.join("、"))],
            _ => Vec::new(),
        }
    }

    pub const SAMPLES: [EvaluationError; 8] = [
        EvaluationError::Grades,
        EvaluationError::Duplicate(String::new()),
        EvaluationError::Groups,
        EvaluationError::Items,
        EvaluationError::MinGroupSize,
        EvaluationError::NoLeaders,
        EvaluationError::Missing(Vec::new()),
        EvaluationError::UnknownGrade,
    ];
}

/// The default flag ratio: 不称职 in more than one third of the answers.
pub const FLAG_FAIL_RATIO: Fraction = Fraction::THIRD;

impl Default for EvaluationSettings {
    /// 优秀 100 / 称职 80 / 基本称职 60 / 不称职 0; 校领导 2, 中层 3, 教职工 5; groups below 5 hidden.
    fn default() -> Self {
        let grade = |name: &str, points| Grade { name: name.into(), points };
        let group = |name: &str, weight, who| RaterGroup { name: name.into(), weight, who };
        EvaluationSettings {
            grades: vec![grade("优秀", 100), grade("称职", 80), grade("基本称职", 60), grade("不称职", 0)],
            items: Vec::new(),
            groups: vec![
                group("校领导", 2, RaterKind::SchoolLeader),
                group("中层", 3, RaterKind::MiddleManager),
                group("教职工", 5, RaterKind::Everyone),
            ],
            min_group_size: 5,
            electorate: Electorate::AllStaff,
            flag_fail_ratio: FLAG_FAIL_RATIO,
        }
    }
}

/// Parses grade lines `优秀=100` (one per line, or separated by `,`/`，`/`、`), best first.
pub fn parse_grades(text: &str) -> Result<Vec<Grade>, EvaluationError> {
    let mut grades: Vec<Grade> = Vec::new();
    for part in
        text.split(['\n', ',', '，', '、', ';', '；']).map(crate::platform::text::normalize).filter(|s| !s.is_empty())
    {
        let (name, points) = part.split_once(['=', '＝', ':', '：']).ok_or(EvaluationError::Grades)?;
        let name = crate::platform::text::normalize(name);
        let points: u64 = crate::platform::text::normalize(points).parse().map_err(|_| EvaluationError::Grades)?;
        if name.is_empty() || name.chars().count() > 10 || points > 1000 {
            return Err(EvaluationError::Grades);
        }
        if grades.iter().any(|g| g.name == name) {
            return Err(EvaluationError::Duplicate(name));
        }
        grades.push(Grade { name, points });
    }
    if !(3..=6).contains(&grades.len()) {
        return Err(EvaluationError::Grades);
    }
    Ok(grades)
}

/// Parses items `德、能、勤、绩、廉` (empty: no items).
pub fn parse_items(text: &str) -> Result<Vec<String>, EvaluationError> {
    let mut items: Vec<String> = Vec::new();
    for item in text
        .split(['\n', ',', '，', '、', ' ', ';', '；'])
        .map(crate::platform::text::normalize)
        .filter(|s| !s.is_empty())
    {
        if item.chars().count() > 8 {
            return Err(EvaluationError::Items);
        }
        if items.contains(&item) {
            return Err(EvaluationError::Duplicate(item));
        }
        items.push(item);
    }
    if items.len() > 10 {
        return Err(EvaluationError::Items);
    }
    Ok(items)
}

impl EvaluationSettings {
    /// Checks names, weights and sizes.
    pub fn validate(&self) -> Result<(), EvaluationError> {
        if !(3..=6).contains(&self.grades.len()) {
            return Err(EvaluationError::Grades);
        }
        if self.groups.is_empty()
            || self
                .groups
                .iter()
                .any(|g| g.name.is_empty() || g.name.chars().count() > 10 || !(1..=100).contains(&g.weight))
        {
            return Err(EvaluationError::Groups);
        }
        for (i, g) in self.groups.iter().enumerate() {
            if self.groups[..i].iter().any(|h| h.name == g.name) {
                return Err(EvaluationError::Duplicate(g.name.clone()));
            }
        }
        if self.items.len() > 10 {
            return Err(EvaluationError::Items);
        }
        if !(1..=50).contains(&self.min_group_size) {
            return Err(EvaluationError::MinGroupSize);
        }
        Ok(())
    }

    /// The group of a rater: the first group that takes them; `None`: they do not rate.
    pub fn group_of(&self, rater: &RaterFacts) -> Option<&str> {
        if self.electorate == Electorate::Delegates && !rater.delegate {
            return None;
        }
        self.groups.iter().find(|g| g.who.matches(rater)).map(|g| g.name.as_str())
    }

    /// The competent grades (the two best) and the failing grade (the last).
    pub fn competent(&self) -> Vec<String> {
        self.grades.iter().take(2).map(|g| g.name.clone()).collect()
    }

    pub fn fail(&self) -> Option<String> {
        self.grades.last().map(|g| g.name.clone())
    }

    /// The subjects of the poll: each leader, then `leader·item` for every item.
    pub fn subjects(&self, leaders: &[String]) -> Vec<String> {
        let mut out: Vec<String> = leaders.to_vec();
        for l in leaders {
            out.extend(self.items.iter().map(|i| item_subject(l, i)));
        }
        out
    }

    /// The poll definition (kind `evaluation`) for these leaders and this many raters.
    pub fn poll(&self, title: &str, leaders: &[String], electorate: u64) -> Result<ballots::Poll, EvaluationError> {
        self.validate()?;
        if leaders.is_empty() {
            return Err(EvaluationError::NoLeaders);
        }
        for (i, l) in leaders.iter().enumerate() {
            if leaders[..i].contains(l) {
                return Err(EvaluationError::Duplicate(l.clone()));
            }
        }
        let groups = self.groups.iter().map(|g| Group { name: g.name.clone(), weight: g.weight }).collect();
        let mut poll =
            ballots::Poll::evaluation(title, electorate, 0, 0, self.subjects(leaders), self.grades.clone(), groups);
        poll.kind = PollKind::Evaluation;
        poll.rules = Rules {
            competent: Some(self.competent()),
            fail: self.fail(),
            flag_fail_ratio: Some(self.flag_fail_ratio),
            min_group_size: Some(self.min_group_size),
            ..Rules::default()
        };
        Ok(poll)
    }

    /// Checks a rater's answers (subject → grade): every leader needs an overall grade, items may
    /// be left out, and every grade must be one of the evaluation's.
    pub fn check_answers(&self, leaders: &[String], answers: &[(String, String)]) -> Result<(), EvaluationError> {
        if answers.iter().any(|(_, g)| !self.grades.iter().any(|x| &x.name == g)) {
            return Err(EvaluationError::UnknownGrade);
        }
        let missing: Vec<String> = leaders.iter().filter(|l| !answers.iter().any(|(s, _)| s == *l)).cloned().collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(EvaluationError::Missing(missing))
        }
    }
}

/// The subject name of one item of a leader: `王校长·德`.
pub fn item_subject(leader: &str, item: &str) -> String {
    format!("{leader}·{item}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(post: Option<Post>, delegate: bool) -> RaterFacts {
        RaterFacts { post, delegate }
    }

    #[test]
    fn rater_group_is_the_first_group_that_takes_the_member() {
        let s = EvaluationSettings::default();
        assert_eq!(s.group_of(&facts(Some(Post::SchoolLeader), false)), Some("校领导"));
        assert_eq!(s.group_of(&facts(Some(Post::MiddleManager), true)), Some("中层"));
        assert_eq!(s.group_of(&facts(Some(Post::Teacher), false)), Some("教职工"));
        assert_eq!(s.group_of(&facts(None, false)), Some("教职工"));
    }

    #[test]
    fn delegates_electorate_excludes_non_delegates() {
        let s = EvaluationSettings { electorate: Electorate::Delegates, ..EvaluationSettings::default() };
        assert_eq!(s.group_of(&facts(Some(Post::Teacher), false)), None);
        assert_eq!(s.group_of(&facts(Some(Post::Teacher), true)), Some("教职工"));
    }

    #[test]
    fn member_no_group_takes_does_not_rate() {
        let s = EvaluationSettings {
            groups: vec![RaterGroup { name: "代表".into(), weight: 1, who: RaterKind::Delegate }],
            ..EvaluationSettings::default()
        };
        assert_eq!(s.group_of(&facts(Some(Post::Teacher), false)), None);
        assert_eq!(s.group_of(&facts(Some(Post::Teacher), true)), Some("代表"));
    }

    #[test]
    fn grades_parse_best_first_with_points() {
        let g = parse_grades("优秀=100\n称职＝80，基本称职:60、不称职=0").unwrap();
        assert_eq!(
            g.iter().map(|g| (g.name.as_str(), g.points)).collect::<Vec<_>>(),
            vec![("优秀", 100), ("称职", 80), ("基本称职", 60), ("不称职", 0)]
        );
        assert_eq!(parse_grades("优秀=100,称职=80"), Err(EvaluationError::Grades));
        assert_eq!(parse_grades("优秀=100,称职=x,差=0"), Err(EvaluationError::Grades));
        assert_eq!(parse_grades("优秀"), Err(EvaluationError::Grades));
        assert_eq!(parse_grades("优=1,优=2,差=0"), Err(EvaluationError::Duplicate("优".into())));
    }

    #[test]
    fn competent_are_the_two_best_grades_and_fail_the_last() {
        let s = EvaluationSettings::default();
        assert_eq!(s.competent(), vec!["优秀".to_string(), "称职".to_string()]);
        assert_eq!(s.fail().as_deref(), Some("不称职"));
    }

    #[test]
    fn items_become_extra_subjects_after_the_leaders() {
        let s = EvaluationSettings { items: parse_items("德、能").unwrap(), ..EvaluationSettings::default() };
        assert_eq!(s.subjects(&["甲".into(), "乙".into()]), vec!["甲", "乙", "甲·德", "甲·能", "乙·德", "乙·能"]);
        assert_eq!(parse_items("德,德"), Err(EvaluationError::Duplicate("德".into())));
    }

    #[test]
    fn poll_definition_carries_rules_and_validates_as_a_bulletin() {
        let s = EvaluationSettings::default();
        let poll = s.poll("2026年度民主测评", &["王校长".into(), "李主任".into()], 80).unwrap();
        assert_eq!(poll.rules.min_group_size, Some(5));
        assert_eq!(poll.rules.fail.as_deref(), Some("不称职"));
        let text = serde_json::json!({"format": ballots::BULLETIN_FORMAT, "poll": poll, "ballots": []}).to_string();
        assert!(ballots::parse_bulletin(&text).is_ok());
        assert_eq!(s.poll("t", &[], 1).unwrap_err(), EvaluationError::NoLeaders);
        assert_eq!(s.poll("t", &["甲".into(), "甲".into()], 1).unwrap_err(), EvaluationError::Duplicate("甲".into()));
    }

    #[test]
    fn flag_ratio_follows_the_setting_and_old_settings_read_one_third() {
        let s = EvaluationSettings { flag_fail_ratio: Fraction::HALF, ..EvaluationSettings::default() };
        assert_eq!(s.poll("t", &["甲".into()], 10).unwrap().rules.flag_fail_ratio, Some(Fraction::HALF));
        let mut old = serde_json::to_value(EvaluationSettings::default()).unwrap();
        old.as_object_mut().unwrap().remove("flag_fail_ratio");
        let read: EvaluationSettings = serde_json::from_value(old).unwrap();
        assert_eq!(read.flag_fail_ratio, FLAG_FAIL_RATIO);
    }

    #[test]
    fn weights_and_min_group_size_are_bounded() {
        let mut s = EvaluationSettings::default();
        s.groups[0].weight = 0;
        assert_eq!(s.validate(), Err(EvaluationError::Groups));
        let s = EvaluationSettings { min_group_size: 0, ..EvaluationSettings::default() };
        assert_eq!(s.validate(), Err(EvaluationError::MinGroupSize));
    }

    #[test]
    fn every_leader_needs_an_overall_grade_items_are_optional() {
        let s = EvaluationSettings { items: vec!["德".into()], ..EvaluationSettings::default() };
        let leaders = vec!["甲".to_string(), "乙".to_string()];
        let a = |v: &[(&str, &str)]| v.iter().map(|(x, y)| (x.to_string(), y.to_string())).collect::<Vec<_>>();
        assert_eq!(s.check_answers(&leaders, &a(&[("甲", "优秀"), ("乙", "称职")])), Ok(()));
        assert_eq!(
            s.check_answers(&leaders, &a(&[("甲", "优秀"), ("甲·德", "称职")])),
            Err(EvaluationError::Missing(vec!["乙".into()]))
        );
        assert_eq!(s.check_answers(&leaders, &a(&[("甲", "好"), ("乙", "称职")])), Err(EvaluationError::UnknownGrade));
    }
}
