//! Evaluations (民主评议): counts, 称职率, weighted scores, flags, withholding and `by_group`.

use serde_json::json;

use super::*;

fn standard_poll(subjects: &[&str]) -> Poll {
    let grades =
        vec![Grade::new("优秀", 100), Grade::new("称职", 80), Grade::new("基本称职", 60), Grade::new("不称职", 0)];
    let groups = vec![Group::new("校领导", 2), Group::new("中层", 3), Group::new("教职工", 5)];
    let rules = Rules {
        competent: Some(names(&["优秀", "称职"])),
        fail: Some("不称职".into()),
        flag_fail_ratio: Some(frac("1/3")),
        min_group_size: Some(5),
        ..Rules::default()
    };
    Poll::evaluation("2024 年度民主评议", 100, 100, 100, names(subjects), grades, groups).with_rules(rules)
}

/// `count` ballots of `group` giving `subject` the grade `grade`.
fn graded(group: &str, subject: &str, grade: &str, count: usize) -> Vec<Ballot> {
    many(count, |t| Ballot::evaluation(format!("{group}-{grade}-{t}"), Some(group.to_string()), [(subject, grade)]))
}

/// Ballots of `group` for `subject` with counts per standard grade (优秀, 称职, 基本称职, 不称职).
fn group_ballots(group: &str, subject: &str, counts: [usize; 4]) -> Vec<Ballot> {
    let grades = ["优秀", "称职", "基本称职", "不称职"];
    grades.iter().zip(counts).flat_map(|(g, c)| graded(group, subject, g, c)).collect()
}

fn result(b: &Bulletin) -> EvaluationResult {
    match checked_tally(b) {
        TallyResult::Evaluation(r) => r,
        other => panic!("not an evaluation: {other:?}"),
    }
}

fn detail<'a>(r: &'a EvaluationResult, name: &str) -> &'a SubjectDetail {
    r.subjects.iter().find(|s| s.name == name).and_then(|s| s.detail.as_ref()).unwrap()
}

#[test]
fn spec_example_evaluation_figures() {
    let mut ballots = group_ballots("校领导", "王校长", [2, 5, 0, 0]);
    ballots.extend(group_ballots("中层", "王校长", [2, 11, 0, 0]));
    ballots.extend(group_ballots("教职工", "王校长", [46, 9, 4, 1]));
    // Three staff also grade 李副校长: too few answers, withheld.
    for b in ballots.iter_mut().rev().take(3) {
        b.grades.as_mut().unwrap().insert("李副校长".into(), "称职".into());
    }
    let b = Bulletin::new(standard_poll(&["王校长", "李副校长"]), ballots);
    let counts = |a: u64, b: u64, c: u64, d: u64| json!({"优秀": a, "称职": b, "基本称职": c, "不称职": d});
    assert_eq!(
        serde_json::to_value(checked_tally(&b)).unwrap(),
        json!({ "kind": "evaluation", "void_reason": null, "returned": 80, "valid": 80, "invalid": 0,
            "subjects": [
                {"name": "王校长", "n": 80, "withheld": false, "counts": counts(50, 25, 4, 1),
                 "competent_rate": "93.75", "score": "88.40", "flagged": false,
                 "by_group": {
                     "校领导": {"n": 7, "counts": counts(2, 5, 0, 0), "score": "85.71"},
                     "中层": {"n": 13, "counts": counts(2, 11, 0, 0), "score": "83.08"},
                     "教职工": {"n": 60, "counts": counts(46, 9, 4, 1), "score": "92.67"}}},
                {"name": "李副校长", "n": 3, "withheld": true}] })
    );
}

#[test]
fn evaluation_weights_renormalised_over_nonempty_groups() {
    // 校领导 (w 2) all 优秀, 中层 (w 3) all 基本称职, 教职工 (w 5) no answers:
    // (2·100 + 3·60) / (2 + 3) = 76, not (2·100 + 3·60) / 10 = 38.
    let mut ballots = group_ballots("校领导", "王校长", [5, 0, 0, 0]);
    ballots.extend(group_ballots("中层", "王校长", [0, 0, 5, 0]));
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), ballots));
    let d = detail(&r, "王校长");
    assert_eq!(d.score, "76.00");
    let by_group = d.by_group.as_ref().unwrap();
    assert_eq!(by_group.0.len(), 2); // only groups with answers
    assert_eq!(by_group.get("中层").unwrap().score, "60.00");
}

#[test]
fn evaluation_withheld_below_min_group_size() {
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), group_ballots("教职工", "王校长", [4, 0, 0, 0])));
    assert_eq!(serde_json::to_value(&r.subjects[0]).unwrap(), json!({"name": "王校长", "n": 4, "withheld": true}));
    let five = result(&Bulletin::new(standard_poll(&["王校长"]), group_ballots("教职工", "王校长", [5, 0, 0, 0])));
    assert!(!five.subjects[0].withheld);
}

#[test]
fn min_group_size_is_configurable_and_empty_subject_is_withheld() {
    let mut poll = standard_poll(&["王校长", "无人评"]);
    poll.rules.min_group_size = Some(0);
    let r = result(&Bulletin::new(poll, group_ballots("中层", "王校长", [1, 0, 0, 0])));
    assert!(!r.subjects[0].withheld);
    assert_eq!(detail(&r, "王校长").score, "100.00");
    assert!(r.subjects[1].withheld && r.subjects[1].n == 0);
}

#[test]
fn by_group_null_when_any_group_small() {
    let mut ballots = group_ballots("校领导", "王校长", [3, 0, 0, 0]);
    ballots.extend(group_ballots("教职工", "王校长", [0, 10, 0, 0]));
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), ballots));
    let d = detail(&r, "王校长");
    assert_eq!(d.by_group, None);
    assert_eq!(serde_json::to_value(&r.subjects[0]).unwrap()["by_group"], serde_json::Value::Null);
    // The subject itself is shown: 13 answers; score (2·100 + 5·80) / 7 = 85.714… → 85.71.
    assert_eq!((r.subjects[0].n, d.score.as_str()), (13, "85.71"));
}

#[test]
fn by_group_null_without_groups_and_plain_average() {
    let mut poll = standard_poll(&["王校长"]);
    poll.groups.clear();
    let ballots: Vec<Ballot> = ["优秀", "优秀", "称职", "不称职", "基本称职"]
        .iter()
        .map(|g| Ballot::evaluation(*g, None, [("王校长", *g)]))
        .collect();
    let r = result(&Bulletin::new(poll, ballots));
    let d = detail(&r, "王校长");
    assert_eq!((d.score.as_str(), d.competent_rate.as_str(), &d.by_group), ("68.00", "60.00", &None));
}

#[test]
fn flag_fail_strictly_greater() {
    let exactly_a_third = group_ballots("教职工", "王校长", [4, 0, 0, 2]);
    assert!(!detail(&result(&Bulletin::new(standard_poll(&["王校长"]), exactly_a_third)), "王校长").flagged);
    let above = group_ballots("教职工", "王校长", [4, 0, 0, 3]);
    assert!(detail(&result(&Bulletin::new(standard_poll(&["王校长"]), above)), "王校长").flagged);
}

#[test]
fn no_fail_grade_never_flags() {
    let mut poll = standard_poll(&["王校长"]);
    poll.rules.fail = None;
    let r = result(&Bulletin::new(poll, group_ballots("教职工", "王校长", [0, 0, 0, 6])));
    assert!(!detail(&r, "王校长").flagged);
}

#[test]
fn rates_round_half_up_two_decimals() {
    // 7 competent of 8 = 87.5 % → "87.50"; 2 of 6 → "33.33"; 4 of 6 → "66.67".
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), group_ballots("教职工", "王校长", [7, 0, 0, 1])));
    assert_eq!(detail(&r, "王校长").competent_rate, "87.50");
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), group_ballots("教职工", "王校长", [2, 0, 4, 0])));
    assert_eq!(detail(&r, "王校长").competent_rate, "33.33");
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), group_ballots("教职工", "王校长", [4, 0, 2, 0])));
    assert_eq!(detail(&r, "王校长").competent_rate, "66.67");
    // A score of exactly 0.125 rounds half-up to "0.13" (banker's rounding would give 0.12).
    let mut poll = standard_poll(&["王校长"]);
    poll.grades =
        vec![Grade::new("优秀", 1), Grade::new("称职", 0), Grade::new("基本称职", 0), Grade::new("不称职", 0)];
    let r = result(&Bulletin::new(poll, group_ballots("教职工", "王校长", [1, 7, 0, 0])));
    assert_eq!(detail(&r, "王校长").score, "0.13");
    assert_eq!(detail(&r, "王校长").by_group.as_ref().unwrap().get("教职工").unwrap().score, "0.13");
}

#[test]
fn subject_left_out_is_not_counted() {
    let mut ballots = group_ballots("教职工", "甲", [5, 0, 0, 0]);
    ballots.extend(group_ballots("教职工", "乙", [0, 6, 0, 0]));
    let r = result(&Bulletin::new(standard_poll(&["甲", "乙"]), ballots));
    assert_eq!((r.valid, r.subjects[0].n, r.subjects[1].n), (11, 5, 6));
    assert_eq!(detail(&r, "乙").competent_rate, "100.00");
}

#[test]
fn spoiled_evaluation_ballot_is_invalid() {
    let mut ballots = group_ballots("教职工", "王校长", [5, 0, 0, 0]);
    ballots.push(Ballot::spoiled("S-1").on_paper());
    let mut with_grades = Ballot::evaluation("S-2", Some("教职工".into()), [("王校长", "不称职")]);
    with_grades.spoiled = true;
    ballots.push(with_grades);
    let r = result(&Bulletin::new(standard_poll(&["王校长"]), ballots));
    assert_eq!((r.returned, r.valid, r.invalid, r.subjects[0].n), (7, 5, 2, 5));
}

#[test]
fn void_evaluation_still_reports_subjects() {
    let mut poll = standard_poll(&["王校长"]);
    poll.rules.quorum = Some(frac("2/3"));
    poll.present = 60;
    let r = result(&Bulletin::new(poll, group_ballots("教职工", "王校长", [5, 0, 0, 0])));
    assert_eq!(r.void_reason, Some(VoidReason::NoQuorum));
    assert_eq!(detail(&r, "王校长").score, "100.00");
}

#[test]
fn weighted_score_exact_with_many_coprime_groups() {
    // 14 groups of prime sizes near 1,000: the exact score's denominator exceeds u128.
    let primes = [1009usize, 1013, 1019, 1021, 1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069, 1087, 1091];
    let mut poll = standard_poll(&["王校长"]);
    poll.groups = (0..primes.len()).map(|i| Group::new(format!("g{i}"), 1000 + i as u64)).collect();
    let mut ballots = Vec::new();
    for (i, &p) in primes.iter().enumerate() {
        ballots.extend(group_ballots(&format!("g{i}"), "王校长", [1, 0, p - 1, 0]));
    }
    let r = result(&Bulletin::new(poll, ballots));
    // Σ w_i · (100 + 60 (p_i − 1)) / p_i / Σ w_i = 60.0382805… (checked with Python's Fraction).
    assert_eq!(detail(&r, "王校长").score, "60.04");
}
