//! Parsing: the spec's bulletin round-trips, and each malformed case is an error naming the ballot.

use serde_json::{json, Value};

use super::*;
use BulletinErrorKind as K;

fn spec_resolution() -> Value {
    json!({
      "format": "jiaogong-bulletin/1",
      "poll": {
        "title": "关于《学校绩效工资分配方案》的表决", "kind": "resolution",
        "electorate": 62, "present": 50, "ballots_issued": 50,
        "rules": { "quorum": "2/3", "threshold": "1/2", "base": "electorate" }
      },
      "ballots": [
        { "tracker": "9f2c", "choice": "yes" },
        { "tracker": "17ab", "choice": "abstain" },
        { "tracker": "S-0031", "paper": true, "spoiled": true }
      ]
    })
}

fn election() -> Value {
    json!({
      "format": "jiaogong-bulletin/1",
      "poll": { "title": "选举", "kind": "election", "electorate": 10, "present": 10, "ballots_issued": 10,
                "seats": 2, "candidates": ["张三", "李四"], "allow_write_in": true },
      "ballots": [
        { "tracker": "a", "marks": {"张三": "yes", "李四": "no"}, "write_ins": ["王五"] },
        { "tracker": "b", "marks": {"李四": "yes"} },
        { "tracker": "c", "marks": {"王五": "yes"} }
      ]
    })
}

fn evaluation() -> Value {
    json!({
      "format": "jiaogong-bulletin/1",
      "poll": { "title": "评议", "kind": "evaluation", "electorate": 10, "present": 10, "ballots_issued": 10,
                "subjects": ["王校长"],
                "grades": [{"name": "优秀", "points": 100}, {"name": "不称职", "points": 0}],
                "groups": [{"name": "校领导", "weight": 2}, {"name": "教职工", "weight": 5}],
                "rules": { "competent": ["优秀"], "fail": "不称职", "flag_fail_ratio": "1/3", "min_group_size": 5 } },
      "ballots": [
        { "tracker": "a", "group": "教职工", "grades": {"王校长": "优秀"} },
        { "tracker": "b", "group": "教职工", "grades": {"王校长": "良好"} }
      ]
    })
}

fn parse(v: &Value) -> Result<Bulletin, BulletinError> {
    parse_bulletin(&v.to_string())
}

fn err(v: &Value) -> BulletinError {
    parse(v).unwrap_err()
}

#[test]
fn spec_bulletin_round_trips() {
    let v = spec_resolution();
    let b = parse(&v).unwrap();
    assert_eq!(b.poll.rules.quorum, Some(frac("2/3")));
    assert_eq!(b.ballots[2], Ballot::spoiled("S-0031").on_paper());
    assert_eq!(serde_json::to_value(&b).unwrap(), v);
    assert_eq!(parse_bulletin(&serde_json::to_string(&b).unwrap()).unwrap(), b);
}

#[test]
fn tally_json_of_spec_bulletin() {
    let out = tally_json(&spec_resolution().to_string()).unwrap();
    assert_eq!(out["kind"], json!("resolution"));
    assert_eq!(
        (out["valid"].clone(), out["invalid"].clone(), out["passed"].clone()),
        (json!(2), json!(1), json!(false))
    );
    let pretty = tally_json_pretty(&spec_resolution().to_string()).unwrap();
    assert!(pretty.starts_with("{\n  \"kind\": \"resolution\",\n  \"void_reason\": null,"), "{pretty}");
}

#[test]
fn format_must_be_jiaogong_bulletin_1() {
    let mut v = spec_resolution();
    v["format"] = json!("jiaogong-bulletin/2");
    assert_eq!(err(&v).kind, K::UnsupportedFormat { found: "jiaogong-bulletin/2".into() });
    v["format"] = json!(1);
    assert!(matches!(err(&v).kind, K::UnsupportedFormat { .. }));
    let mut built = parse(&spec_resolution()).unwrap();
    built.format = "x".into();
    assert!(matches!(built.validate().unwrap_err().kind, K::UnsupportedFormat { .. }));
}

#[test]
fn not_json_or_not_an_object_is_an_error() {
    assert!(matches!(parse_bulletin("{").unwrap_err().kind, K::Json { .. }));
    assert!(matches!(parse_bulletin("").unwrap_err().kind, K::Json { .. }));
    assert!(matches!(parse_bulletin("[]").unwrap_err().kind, K::Malformed { .. }));
    assert_eq!(parse_bulletin("null").unwrap_err().ballot_index, None);
}

#[test]
fn unknown_kind_is_an_error() {
    let mut v = spec_resolution();
    v["poll"]["kind"] = json!("referendum");
    let e = err(&v);
    assert_eq!((e.ballot_index, e.kind), (None, K::UnknownKind { found: "referendum".into() }));
}

#[test]
fn negative_counts_are_clear_errors() {
    for (field, path) in
        [("electorate", "poll.electorate"), ("present", "poll.present"), ("ballots_issued", "poll.ballots_issued")]
    {
        let mut v = spec_resolution();
        v["poll"][field] = json!(-3);
        assert_eq!(err(&v).kind, K::NegativeCount { field: path.into() });
    }
    let mut v = election();
    v["poll"]["seats"] = json!(-1);
    assert_eq!(err(&v).kind, K::NegativeCount { field: "poll.seats".into() });
    let mut v = evaluation();
    v["poll"]["groups"][1]["weight"] = json!(-5);
    assert_eq!(err(&v).kind, K::NegativeCount { field: "poll.groups[1].weight".into() });
    let mut v = evaluation();
    v["poll"]["grades"][0]["points"] = json!(-0.5);
    assert_eq!(err(&v).kind, K::NegativeCount { field: "poll.grades[0].points".into() });
    let mut v = evaluation();
    v["poll"]["rules"]["min_group_size"] = json!(-1);
    assert!(err(&v).message_zh_en().contains("不能为负数"));
}

#[test]
fn bad_fractions_are_errors() {
    for (rule, bad) in
        [("quorum", json!("2:3")), ("threshold", json!("1/0")), ("quorum", json!(0.5)), ("threshold", json!("3/2"))]
    {
        let mut v = spec_resolution();
        v["poll"]["rules"][rule] = bad.clone();
        let e = err(&v);
        assert!(
            matches!(&e.kind, K::BadFraction { field, .. } if *field == format!("rules.{rule}")),
            "{rule} {bad}: {e}"
        );
    }
    let mut v = evaluation();
    v["poll"]["rules"]["flag_fail_ratio"] = json!("a/3");
    assert!(matches!(err(&v).kind, K::BadFraction { .. }));
}

#[test]
fn unknown_base_is_an_error() {
    let mut v = spec_resolution();
    v["poll"]["rules"]["base"] = json!("members");
    assert_eq!(err(&v).kind, K::UnknownBase { found: "members".into() });
}

#[test]
fn misspelt_rule_is_an_error_not_a_default() {
    let mut v = spec_resolution();
    v["poll"]["rules"]["treshold"] = json!("2/3");
    let e = err(&v);
    assert!(matches!(&e.kind, K::Malformed { path, detail } if path == "poll" && detail.contains("treshold")), "{e}");
}

#[test]
fn mark_for_unknown_candidate_names_the_ballot() {
    let e = err(&election());
    assert_eq!((e.ballot_index, &e.kind), (Some(2), &K::UnknownCandidate { name: "王五".into() }));
    assert_eq!(e.message_zh_en(), "第 3 张选票：候选人“王五”不在名单中 / ballot 3: mark for unknown candidate “王五”");
}

#[test]
fn duplicate_mark_after_normalisation_is_an_error() {
    let mut v = election();
    v["ballots"][2] = json!({ "tracker": "c", "marks": {"张三": "yes", " 张三": "no"} });
    assert!(matches!(err(&v).kind, K::DuplicateMark { .. }));
}

#[test]
fn bad_choice_or_mark_value_is_malformed_with_index() {
    let mut v = spec_resolution();
    v["ballots"][1]["choice"] = json!("maybe");
    let e = err(&v);
    assert_eq!(e.ballot_index, Some(1));
    assert!(matches!(&e.kind, K::Malformed { detail, .. } if detail.contains("maybe")), "{e}");
    let mut v = election();
    v["ballots"][0]["marks"]["张三"] = json!(true);
    assert_eq!(err(&v).ballot_index, Some(0));
}

#[test]
fn grade_not_in_grades_names_the_ballot() {
    let e = err(&evaluation());
    assert_eq!((e.ballot_index, e.kind), (Some(1), K::UnknownGrade { grade: "良好".into() }));
}

#[test]
fn group_not_in_groups_names_the_ballot() {
    let mut v = evaluation();
    v["ballots"][1] = json!({ "tracker": "b", "group": "学生", "grades": {"王校长": "优秀"} });
    let e = err(&v);
    assert_eq!((e.ballot_index, e.kind), (Some(1), K::UnknownGroup { group: "学生".into() }));
}

#[test]
fn missing_group_is_an_error_unless_spoiled() {
    let mut v = evaluation();
    v["ballots"][1] = json!({ "tracker": "b", "grades": {"王校长": "优秀"} });
    assert_eq!(err(&v).kind, K::MissingGroup);
    v["ballots"][1] = json!({ "tracker": "b", "spoiled": true });
    assert!(parse(&v).is_ok());
}

#[test]
fn unknown_subject_names_the_ballot() {
    let mut v = evaluation();
    v["ballots"][0]["grades"] = json!({"李老师": "优秀"});
    let e = err(&v);
    assert_eq!((e.ballot_index, e.kind), (Some(0), K::UnknownSubject { name: "李老师".into() }));
}

#[test]
fn poll_rule_grades_must_exist() {
    let mut v = evaluation();
    v["ballots"] = json!([]);
    v["poll"]["rules"]["competent"] = json!(["优秀", "称职"]);
    assert_eq!(err(&v).kind, K::UnknownGrade { grade: "称职".into() });
    v["poll"]["rules"]["competent"] = json!(["优秀"]);
    v["poll"]["rules"]["fail"] = json!("差");
    assert_eq!(err(&v).kind, K::UnknownGrade { grade: "差".into() });
}

#[test]
fn poll_lists_must_have_unique_non_empty_names() {
    let mut v = election();
    v["poll"]["candidates"] = json!(["张三", "张三 "]);
    assert!(matches!(err(&v).kind, K::DuplicateName { list: "candidates", .. }));
    v["poll"]["candidates"] = json!(["张三", "  "]);
    assert_eq!(err(&v).kind, K::EmptyName { list: "candidates" });
}

#[test]
fn seats_and_weights_must_be_positive() {
    let mut v = election();
    v["poll"]["seats"] = json!(0);
    assert_eq!(err(&v).kind, K::NoSeats);
    v["poll"].as_object_mut().unwrap().remove("seats");
    assert_eq!(err(&v).kind, K::NoSeats);
    let mut v = evaluation();
    v["poll"]["groups"][0]["weight"] = json!(0);
    assert_eq!(err(&v).kind, K::ZeroWeight { group: "校领导".into() });
}

#[test]
fn fields_of_another_kind_are_errors() {
    let mut v = spec_resolution();
    v["ballots"][0]["marks"] = json!({});
    assert_eq!(err(&v).kind, K::FieldNotForKind { field: "marks", kind: "resolution" });
    let mut v = election();
    v["ballots"][1]["choice"] = json!("yes");
    assert_eq!(
        (err(&v).ballot_index, err(&v).kind),
        (Some(1), K::FieldNotForKind { field: "choice", kind: "election" })
    );
    let mut v = spec_resolution();
    v["poll"]["seats"] = json!(1);
    assert_eq!(err(&v).kind, K::FieldNotForKind { field: "seats", kind: "resolution" });
}

#[test]
fn structural_errors_are_reported_not_panics() {
    let mut v = spec_resolution();
    v["ballots"] = json!({});
    assert!(matches!(err(&v).kind, K::Malformed { .. }));
    let mut v = spec_resolution();
    v["ballots"][0].as_object_mut().unwrap().remove("tracker");
    assert_eq!(err(&v).ballot_index, Some(0));
    let mut v = spec_resolution();
    v["poll"]["electorate"] = json!(1e30);
    assert!(matches!(err(&v).kind, K::Malformed { .. }));
    let mut v = spec_resolution();
    v["extra"] = json!(1);
    assert!(matches!(err(&v).kind, K::Malformed { .. }));
    for e in [err(&v), parse_bulletin("{").unwrap_err()] {
        assert!(!e.message_zh_en().contains('\n'), "{e}");
    }
}

#[test]
fn write_ins_parse_even_when_not_allowed() {
    let mut v = election();
    v["poll"]["allow_write_in"] = json!(false);
    v["ballots"][2] = json!({ "tracker": "c", "marks": {}, "write_ins": ["王五"] });
    let b = parse(&v).unwrap();
    assert!(!b.poll.allow_write_in);
    assert_eq!(serde_json::to_value(&b).unwrap()["poll"].get("allow_write_in"), None);
}
