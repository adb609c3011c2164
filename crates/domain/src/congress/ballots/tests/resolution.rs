//! Resolutions (票决): quorum, threshold, base, void reasons, abstentions and spoiled ballots.

use serde_json::json;

use super::*;

/// A resolution with `yes`, `no`, `abstain` ballots and `spoiled` spoiled paper ballots.
fn resolution(poll: Poll, yes: usize, no: usize, abstain: usize, spoiled: usize) -> Bulletin {
    let mut ballots = many(yes, |t| Ballot::resolution(t, Some(Choice::Yes)));
    ballots.extend(many(no, |t| Ballot::resolution(t, Some(Choice::No))));
    ballots.extend(many(abstain, |t| Ballot::resolution(t, Some(Choice::Abstain))));
    ballots.extend(many(spoiled, |t| Ballot::spoiled(t).on_paper()));
    Bulletin::new(poll, ballots)
}

fn result(b: &Bulletin) -> ResolutionResult {
    match checked_tally(b) {
        TallyResult::Resolution(r) => r,
        other => panic!("not a resolution: {other:?}"),
    }
}

fn rules(quorum: Option<&str>, threshold: Option<&str>, base: Option<Base>) -> Rules {
    Rules { quorum: quorum.map(frac), threshold: threshold.map(frac), base, ..Rules::default() }
}

#[test]
fn spec_example_resolution_passes_on_electorate_base() {
    let poll = Poll::resolution(
        "关于《学校绩效工资分配方案》的表决",
        62,
        50,
        50,
        rules(Some("2/3"), Some("1/2"), Some(Base::Electorate)),
    );
    let b = resolution(poll, 40, 6, 3, 1);
    let value = serde_json::to_value(checked_tally(&b)).unwrap();
    assert_eq!(
        value,
        json!({ "kind": "resolution", "void_reason": null, "returned": 50, "valid": 49, "invalid": 1,
                "yes": 40, "no": 6, "abstain": 3, "base": 62, "passed": true })
    );
}

#[test]
fn result_json_keeps_spec_field_order() {
    let b = resolution(Poll::resolution("t", 3, 3, 3, Rules::default()), 2, 1, 0, 0);
    let text = serde_json::to_string(&tally(&b)).unwrap();
    assert_eq!(
        text,
        r#"{"kind":"resolution","void_reason":null,"returned":3,"valid":3,"invalid":0,"yes":2,"no":1,"abstain":0,"base":3,"passed":true}"#
    );
}

#[test]
fn quorum_two_thirds_includes_the_bound() {
    let at_bound = resolution(Poll::resolution("t", 60, 40, 40, rules(Some("2/3"), None, None)), 40, 0, 0, 0);
    assert_eq!(result(&at_bound).void_reason, None);
    assert!(result(&at_bound).passed);
    let below = resolution(Poll::resolution("t", 60, 39, 39, rules(Some("2/3"), None, None)), 39, 0, 0, 0);
    assert_eq!(result(&below).void_reason, Some(VoidReason::NoQuorum));
}

#[test]
fn no_quorum_rule_when_absent() {
    let b = resolution(Poll::resolution("t", 100, 1, 1, Rules::default()), 1, 0, 0, 0);
    assert_eq!(result(&b).void_reason, None);
    assert!(result(&b).passed);
}

#[test]
fn threshold_half_excludes_exactly_half() {
    let half = resolution(Poll::resolution("t", 10, 10, 10, Rules::default()), 5, 5, 0, 0);
    assert!(!result(&half).passed);
    let more = resolution(Poll::resolution("t", 10, 10, 10, Rules::default()), 6, 4, 0, 0);
    assert!(result(&more).passed);
}

#[test]
fn threshold_and_base_default_to_half_of_valid() {
    // 3 yes of 5 valid passes on the default base (valid), though not half of the 20 electors.
    let b = resolution(Poll::resolution("t", 20, 6, 6, Rules::default()), 3, 1, 1, 1);
    let r = result(&b);
    assert_eq!((r.base, r.passed), (5, true));
}

#[test]
fn base_electorate_present_valid() {
    // electorate 30, present 20, 16 ballots: 9 yes, 6 no, 1 spoiled → 15 valid.
    let make = |base| resolution(Poll::resolution("t", 30, 20, 16, rules(None, Some("1/2"), Some(base))), 9, 6, 0, 1);
    let electorate = result(&make(Base::Electorate));
    assert_eq!((electorate.base, electorate.passed), (30, false)); // 9 ≤ 15
    let present = result(&make(Base::Present));
    assert_eq!((present.base, present.passed), (20, false)); // 9 ≤ 10
    let valid = result(&make(Base::Valid));
    assert_eq!((valid.base, valid.passed), (15, true)); // 9 > 7.5
}

#[test]
fn two_thirds_threshold_is_strict() {
    let exactly = resolution(Poll::resolution("t", 9, 9, 9, rules(None, Some("2/3"), None)), 6, 3, 0, 0);
    assert!(!result(&exactly).passed);
    let above = resolution(Poll::resolution("t", 9, 9, 9, rules(None, Some("2/3"), None)), 7, 2, 0, 0);
    assert!(result(&above).passed);
}

#[test]
fn returned_exceeds_issued_voids() {
    let b = resolution(Poll::resolution("t", 10, 10, 3, Rules::default()), 4, 0, 0, 0);
    let r = result(&b);
    assert_eq!(r.void_reason, Some(VoidReason::ReturnedExceedsIssued));
    assert_eq!((r.returned, r.valid, r.yes, r.passed), (4, 4, 4, false));
    let v = serde_json::to_value(tally(&b)).unwrap();
    assert_eq!(v["void_reason"], json!("returned_exceeds_issued"));
}

#[test]
fn returned_exceeds_issued_is_reported_before_no_quorum() {
    let b = resolution(Poll::resolution("t", 10, 1, 1, rules(Some("2/3"), None, None)), 2, 0, 0, 0);
    assert_eq!(result(&b).void_reason, Some(VoidReason::ReturnedExceedsIssued));
}

#[test]
fn no_quorum_voids_but_reports_counts() {
    let b = resolution(Poll::resolution("t", 62, 40, 40, rules(Some("2/3"), None, Some(Base::Present))), 38, 1, 0, 1);
    let r = result(&b);
    assert_eq!(r.void_reason, Some(VoidReason::NoQuorum));
    assert_eq!((r.returned, r.valid, r.invalid, r.yes, r.no, r.abstain, r.base), (40, 39, 1, 38, 1, 0, 40));
    assert!(!r.passed);
    assert_eq!(serde_json::to_value(tally(&b)).unwrap()["void_reason"], json!("no_quorum"));
}

#[test]
fn missing_choice_is_abstention() {
    let mut b = resolution(Poll::resolution("t", 5, 5, 5, Rules::default()), 2, 1, 0, 0);
    b.ballots.push(Ballot::resolution("blank-1", None));
    b.ballots.push(Ballot::resolution("blank-2", None));
    let r = result(&b);
    assert_eq!((r.valid, r.abstain, r.invalid), (5, 2, 0));
    assert!(!r.passed); // 2 of 5 valid
}

#[test]
fn spoiled_ballot_is_invalid() {
    let mut b = resolution(Poll::resolution("t", 5, 5, 5, Rules::default()), 2, 2, 0, 0);
    // A spoiled ballot is invalid even if a choice was recorded on it.
    b.ballots.push(Ballot { spoiled: true, ..Ballot::resolution("S-1", Some(Choice::Yes)) });
    let r = result(&b);
    assert_eq!((r.returned, r.valid, r.invalid, r.yes), (5, 4, 1, 2));
}

#[test]
fn empty_resolution_is_not_passed_and_not_void() {
    let b = Bulletin::new(Poll::resolution("t", 0, 0, 0, Rules::default()), vec![]);
    let r = result(&b);
    assert_eq!((r.void_reason, r.returned, r.base, r.passed), (None, 0, 0, false));
}
