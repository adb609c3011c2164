//! 建家 staff-home assessment: the scoring standard (groups of items with points, criteria and
//! how each is scored), the built-in default standard, the rules that score computed items from
//! a school's figures, self-scores, totals and the gaps list.

use serde::Serialize;

/// The groups of a standard, in the order of the score sheet.
pub const GROUPS: &[&str] = &["org", "democracy", "care", "activities", "finance", "special"];

/// The Fluent id of a group's name.
pub fn group_key(code: &str) -> String {
    format!("assess-group-{code}")
}

/// How an item is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The school links or uploads evidence; the score is judged by hand (the self-score).
    Evidence,
    /// At least `threshold` (at least one) congress sessions held in the year.
    CongressHeld,
    /// At least `threshold` per cent of the year's proposals answered.
    ProposalsAnswered,
    /// At least `threshold` 校务公开 items published in the year.
    TransparencyItems,
    /// At least `threshold` per cent of the 五必访 events visited on time.
    CareOnTime,
    /// At least `threshold` activities held in the year.
    ActivitiesHeld,
    /// Both half-yearly finance disclosures of the year published.
    Disclosures,
}

impl Method {
    pub const ALL: [Method; 7] = [
        Method::Evidence,
        Method::CongressHeld,
        Method::ProposalsAnswered,
        Method::TransparencyItems,
        Method::CareOnTime,
        Method::ActivitiesHeld,
        Method::Disclosures,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Method::Evidence => "evidence",
            Method::CongressHeld => "congress_held",
            Method::ProposalsAnswered => "proposals_answered",
            Method::TransparencyItems => "transparency_items",
            Method::CareOnTime => "care_on_time",
            Method::ActivitiesHeld => "activities_held",
            Method::Disclosures => "disclosures",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.code() == s)
    }

    /// The Fluent id of its name.
    pub fn key(self) -> String {
        format!("assess-method-{}", self.code().replace('_', "-"))
    }

    pub fn computed(self) -> bool {
        self != Method::Evidence
    }
}

impl TryFrom<String> for Method {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Method::parse(&s).ok_or(s)
    }
}

/// One item of the built-in default standard.
#[derive(Debug, Clone, Copy)]
pub struct DefaultItem {
    pub group: &'static str,
    pub title: &'static str,
    pub criteria: &'static str,
    pub points: i64,
    pub method: Method,
    pub threshold: i64,
}

const fn item(
    group: &'static str,
    title: &'static str,
    criteria: &'static str,
    points: i64,
    method: Method,
    threshold: i64,
) -> DefaultItem {
    DefaultItem { group, title, criteria, points, method, threshold }
}

/// The default standard, modelled on the provincial 先进教职工之家 standards: 22 items, 100 points.
pub const DEFAULT_STANDARD: &[DefaultItem] = &[
    item("org", "工会组织健全", "按期换届，工会委员会、经费审查委员会、女职工委员会健全", 4, Method::Evidence, 0),
    item("org", "会员发展与管理", "入会率达到95%以上，会员名册完整，会籍管理规范", 4, Method::Evidence, 0),
    item("org", "工会委员会定期议事", "委员分工明确，每学期至少召开两次委员会会议并有记录", 4, Method::Evidence, 0),
    item("org", "年度工作计划", "制定年度工作计划并按月落实", 4, Method::Evidence, 0),
    item("org", "年度工作总结", "年终形成工作总结并向教代会报告", 4, Method::Evidence, 0),
    item("democracy", "每年召开教代会", "每年至少召开一次教职工代表大会", 6, Method::CongressHeld, 1),
    item("democracy", "提案办理", "教代会提案按时办复，办复率达到100%", 5, Method::ProposalsAnswered, 100),
    item("democracy", "校务公开", "校务公开及时规范，全年公开事项不少于6项", 5, Method::TransparencyItems, 6),
    item("democracy", "重大事项审议", "涉及教职工切身利益的重大事项经教代会审议通过", 5, Method::Evidence, 0),
    item("democracy", "民主评议", "每年组织教职工民主评议学校领导干部", 4, Method::Evidence, 0),
    item("care", "五必访", "坚持“五必访”，按时走访率达到90%以上", 6, Method::CareOnTime, 90),
    item("care", "困难帮扶", "建立困难教职工档案，开展帮扶救助", 5, Method::Evidence, 0),
    item("care", "集体合同", "签订集体合同或女职工权益保护专项集体合同", 5, Method::Evidence, 0),
    item("care", "健康体检", "每年组织教职工健康体检", 4, Method::Evidence, 0),
    item("activities", "文体活动", "全年组织教职工文体活动不少于4次", 6, Method::ActivitiesHeld, 4),
    item("activities", "职工之家阵地", "建有教工活动室等职工之家场所，设施齐全、使用正常", 5, Method::Evidence, 0),
    item("activities", "师德与岗位建功", "开展师德建设、岗位练兵和技能竞赛活动", 4, Method::Evidence, 0),
    item("finance", "经费公开", "每半年向会员公开一次工会经费收支情况", 6, Method::Disclosures, 0),
    item("finance", "经费审查", "经费收支规范，经审会按时审查并报告", 3, Method::Evidence, 0),
    item("finance", "会费收缴", "按时足额收缴会费", 3, Method::Evidence, 0),
    item("special", "特色品牌", "形成有影响的工会工作特色或品牌", 4, Method::Evidence, 0),
    item("special", "经验推广与表彰", "工作经验被上级推广或获上级工会表彰", 4, Method::Evidence, 0),
];

/// The points of a standard's items.
pub fn total_points(points: impl IntoIterator<Item = i64>) -> i64 {
    points.into_iter().fold(0i64, |a, p| a.saturating_add(p))
}

/// The most points an item may carry.
pub const MAX_POINTS: i64 = 100;

/// A refused edit or score, with its Fluent id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    #[error("title")]
    Title,
    #[error("criteria")]
    Criteria,
    #[error("points")]
    Points,
    #[error("group")]
    Group,
    #[error("method")]
    Method,
    #[error("threshold")]
    Threshold,
    #[error("score above the item's points")]
    ScoreAbovePoints,
    #[error("negative score")]
    ScoreNegative,
}

impl AssessError {
    pub fn key(self) -> &'static str {
        match self {
            AssessError::Title => "assess-err-title",
            AssessError::Criteria => "assess-err-criteria",
            AssessError::Points => "assess-err-points",
            AssessError::Group => "assess-err-group",
            AssessError::Method => "assess-err-method",
            AssessError::Threshold => "assess-err-threshold",
            AssessError::ScoreAbovePoints => "assess-err-score-above",
            AssessError::ScoreNegative => "assess-err-score-negative",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            AssessError::Title => "title",
            AssessError::Criteria => "criteria",
            AssessError::Points => "points",
            AssessError::Group => "group",
            AssessError::Method => "method",
            AssessError::Threshold => "threshold",
            AssessError::ScoreAbovePoints => "score_above_points",
            AssessError::ScoreNegative => "score_negative",
        }
    }
}

/// A checked item of a standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInput {
    pub group: String,
    pub title: String,
    pub criteria: String,
    pub points: i64,
    pub method: Method,
    pub threshold: i64,
}

/// Checks an item typed by the district: a known group and method, a title of 1..=60 characters,
/// criteria up to 500, 1..=100 points, a threshold of 0..=10000 (a percentage at most 100).
pub fn validate_item(
    group: &str,
    title: &str,
    criteria: &str,
    points: i64,
    method: &str,
    threshold: i64,
) -> Result<ItemInput, AssessError> {
    let group = GROUPS.iter().find(|g| **g == group.trim()).ok_or(AssessError::Group)?;
    let title = crate::platform::text::line(title, 60).map_err(|_| AssessError::Title)?;
    let criteria = crate::platform::text::optional_line(criteria, 500).map_err(|_| AssessError::Criteria)?;
    if !(1..=MAX_POINTS).contains(&points) {
        return Err(AssessError::Points);
    }
    let method = Method::parse(method.trim()).ok_or(AssessError::Method)?;
    let percent = matches!(method, Method::ProposalsAnswered | Method::CareOnTime);
    if !(0..=10_000).contains(&threshold) || (percent && threshold > 100) {
        return Err(AssessError::Threshold);
    }
    Ok(ItemInput { group: group.to_string(), title, criteria: criteria.unwrap_or_default(), points, method, threshold })
}

/// A self-score: 0..=the item's points.
pub fn check_self_score(score: i64, points: i64) -> Result<i64, AssessError> {
    if score < 0 {
        return Err(AssessError::ScoreNegative);
    }
    if score > points {
        return Err(AssessError::ScoreAbovePoints);
    }
    Ok(score)
}

/// A school's figures of a year that computed items are scored from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub congress_sessions: i64,
    pub proposals: i64,
    pub proposals_answered: i64,
    pub transparency_items: i64,
    pub activities_held: i64,
    /// 五必访 events decided in the year and those visited on time.
    pub care_decided: i64,
    pub care_on_time: i64,
    /// The published disclosures' periods (`YYYY-MM`, `YYYY-MM`).
    pub disclosures: Vec<(String, String)>,
}

/// The result of a computed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Computed {
    pub met: bool,
    pub score: i64,
    /// The figure the rule looked at (count, or per cent).
    pub value: i64,
}

fn all_or_nothing(met: bool, points: i64, value: i64) -> Computed {
    Computed { met, score: if met { points } else { 0 }, value }
}

/// Whether both halves of `year` are covered by published disclosures.
fn halves_disclosed(year: i32, periods: &[(String, String)]) -> (bool, bool) {
    let covers = |from: &str, to: &str| {
        periods.iter().any(|(f, t)| f.as_str() <= from && t.as_str() >= to && f.len() == 7 && t.len() == 7)
    };
    (
        covers(&format!("{year:04}-01"), &format!("{year:04}-06")),
        covers(&format!("{year:04}-07"), &format!("{year:04}-12")),
    )
}

/// Scores a computed item from the figures of `year`; `None` for an evidence item.
pub fn compute(method: Method, threshold: i64, points: i64, year: i32, f: &Figures) -> Option<Computed> {
    let percent = |part: i64, whole: i64| if whole > 0 { part.saturating_mul(100) / whole } else { 0 };
    Some(match method {
        Method::Evidence => return None,
        Method::CongressHeld => all_or_nothing(f.congress_sessions >= threshold.max(1), points, f.congress_sessions),
        Method::ProposalsAnswered => {
            // No proposal in the year: nothing was left unanswered.
            let rate = if f.proposals == 0 { 100 } else { percent(f.proposals_answered, f.proposals) };
            all_or_nothing(rate >= threshold, points, rate)
        }
        Method::TransparencyItems => {
            all_or_nothing(f.transparency_items >= threshold.max(1), points, f.transparency_items)
        }
        Method::ActivitiesHeld => all_or_nothing(f.activities_held >= threshold.max(1), points, f.activities_held),
        Method::CareOnTime => {
            // No 五必访 event decided in the year: nothing was missed.
            let rate = if f.care_decided == 0 { 100 } else { percent(f.care_on_time, f.care_decided) };
            all_or_nothing(rate >= threshold, points, rate)
        }
        Method::Disclosures => {
            let (h1, h2) = halves_disclosed(year, &f.disclosures);
            let n = i64::from(h1) + i64::from(h2);
            // One half published earns half the points (rounded down).
            Computed { met: n == 2, score: points * n / 2, value: n }
        }
    })
}

/// An item as scored for one school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoredItem {
    pub points: i64,
    pub computed: Option<Computed>,
    pub evidence: usize,
    pub self_score: Option<i64>,
}

impl ScoredItem {
    /// The item's score: the school's self-score when given, else the computed score, else 0.
    pub fn score(&self) -> i64 {
        self.self_score.or(self.computed.map(|c| c.score)).unwrap_or(0).clamp(0, self.points)
    }

    /// A gap: no evidence and not computed as met.
    pub fn is_gap(&self) -> bool {
        self.evidence == 0 && !self.computed.is_some_and(|c| c.met)
    }
}

/// The sum of the items' scores.
pub fn total(items: &[&ScoredItem]) -> i64 {
    items.iter().fold(0i64, |a, i| a.saturating_add(i.score()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            congress_sessions: 1,
            proposals: 4,
            proposals_answered: 3,
            transparency_items: 6,
            activities_held: 3,
            care_decided: 10,
            care_on_time: 9,
            disclosures: vec![("2026-01".into(), "2026-06".into())],
        }
    }

    #[test]
    fn the_default_standard_has_20_to_30_items_worth_100_points_in_known_groups() {
        assert!((20..=30).contains(&DEFAULT_STANDARD.len()));
        assert_eq!(total_points(DEFAULT_STANDARD.iter().map(|i| i.points)), 100);
        for i in DEFAULT_STANDARD {
            assert!(GROUPS.contains(&i.group), "{}", i.group);
            let checked = validate_item(i.group, i.title, i.criteria, i.points, i.method.code(), i.threshold);
            assert!(checked.is_ok(), "{}: {checked:?}", i.title);
        }
    }

    #[test]
    fn a_congress_held_in_the_year_meets_the_congress_item() {
        let c = compute(Method::CongressHeld, 1, 6, 2026, &figures()).unwrap();
        assert_eq!(c, Computed { met: true, score: 6, value: 1 });
        let none = Figures { congress_sessions: 0, ..figures() };
        assert_eq!(compute(Method::CongressHeld, 1, 6, 2026, &none).unwrap().score, 0);
    }

    #[test]
    fn proposals_answered_below_the_rate_earn_nothing_and_no_proposals_count_as_met() {
        let c = compute(Method::ProposalsAnswered, 100, 5, 2026, &figures()).unwrap();
        assert_eq!(c, Computed { met: false, score: 0, value: 75 });
        assert!(compute(Method::ProposalsAnswered, 75, 5, 2026, &figures()).unwrap().met);
        let none = Figures { proposals: 0, proposals_answered: 0, ..figures() };
        assert!(compute(Method::ProposalsAnswered, 100, 5, 2026, &none).unwrap().met);
    }

    #[test]
    fn activities_and_transparency_items_are_counted_against_their_threshold() {
        assert!(!compute(Method::ActivitiesHeld, 4, 6, 2026, &figures()).unwrap().met);
        assert!(compute(Method::TransparencyItems, 6, 5, 2026, &figures()).unwrap().met);
        assert!(!compute(Method::TransparencyItems, 7, 5, 2026, &figures()).unwrap().met);
    }

    #[test]
    fn care_on_time_rate_is_compared_in_whole_per_cent() {
        assert_eq!(
            compute(Method::CareOnTime, 90, 6, 2026, &figures()).unwrap(),
            Computed { met: true, score: 6, value: 90 }
        );
        assert!(!compute(Method::CareOnTime, 91, 6, 2026, &figures()).unwrap().met);
    }

    #[test]
    fn both_half_yearly_disclosures_are_needed_for_full_points_one_earns_half() {
        let one = compute(Method::Disclosures, 0, 6, 2026, &figures()).unwrap();
        assert_eq!(one, Computed { met: false, score: 3, value: 1 });
        let mut f = figures();
        f.disclosures.push(("2026-07".into(), "2026-12".into()));
        assert_eq!(compute(Method::Disclosures, 0, 6, 2026, &f).unwrap(), Computed { met: true, score: 6, value: 2 });
        // Last year's disclosures do not count for this year.
        assert_eq!(compute(Method::Disclosures, 0, 6, 2027, &f).unwrap().score, 0);
        // A whole-year disclosure covers both halves.
        let year = Figures { disclosures: vec![("2026-01".into(), "2026-12".into())], ..figures() };
        assert!(compute(Method::Disclosures, 0, 6, 2026, &year).unwrap().met);
    }

    #[test]
    fn an_evidence_item_is_not_computed() {
        assert_eq!(compute(Method::Evidence, 0, 4, 2026, &figures()), None);
    }

    #[test]
    fn a_self_score_above_the_items_points_or_below_zero_is_refused() {
        assert_eq!(check_self_score(4, 4), Ok(4));
        assert_eq!(check_self_score(5, 4), Err(AssessError::ScoreAbovePoints));
        assert_eq!(check_self_score(-1, 4), Err(AssessError::ScoreNegative));
    }

    #[test]
    fn the_self_score_wins_over_the_computed_score_and_gaps_lack_evidence_and_a_met_rule() {
        let computed = Some(Computed { met: true, score: 6, value: 1 });
        let a = ScoredItem { points: 6, computed, evidence: 0, self_score: None };
        assert_eq!((a.score(), a.is_gap()), (6, false));
        let b = ScoredItem { points: 6, computed, evidence: 0, self_score: Some(4) };
        assert_eq!(b.score(), 4);
        let c = ScoredItem { points: 4, computed: None, evidence: 0, self_score: Some(3) };
        assert!(c.is_gap());
        let d = ScoredItem { points: 4, computed: None, evidence: 2, self_score: None };
        assert_eq!((d.score(), d.is_gap()), (0, false));
        assert_eq!(total(&[&a, &b, &c, &d]), 13);
    }

    #[test]
    fn an_item_with_an_unknown_group_method_or_points_out_of_range_is_refused() {
        assert_eq!(validate_item("x", "t", "", 4, "evidence", 0), Err(AssessError::Group));
        assert_eq!(validate_item("org", "t", "", 0, "evidence", 0), Err(AssessError::Points));
        assert_eq!(validate_item("org", "t", "", 101, "evidence", 0), Err(AssessError::Points));
        assert_eq!(validate_item("org", "t", "", 4, "magic", 0), Err(AssessError::Method));
        assert_eq!(validate_item("org", "", "", 4, "evidence", 0), Err(AssessError::Title));
        assert_eq!(validate_item("org", "t", "", 4, "care_on_time", 101), Err(AssessError::Threshold));
    }
}
