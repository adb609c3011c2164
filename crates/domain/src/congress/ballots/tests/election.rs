//! Elections (选举): approvals, write-ins, over-voting, qualification, runoffs and ordering.

use serde_json::json;
use Choice::{Abstain, No, Yes};

use super::*;

fn poll(seats: u64, candidates: &[&str], allow_write_in: bool) -> Poll {
    Poll::election("选举", 100, 100, 100, seats, names(candidates), allow_write_in)
}

/// A ballot approving exactly `approved` (other candidates unmarked).
fn approve(tracker: String, approved: &[&str]) -> Ballot {
    Ballot::election(tracker, approved.iter().map(|n| (*n, Yes)), vec![])
}

/// `count` ballots approving `approved`.
fn approving(count: usize, approved: &[&str]) -> Vec<Ballot> {
    many(count, |t| approve(t, approved))
}

fn result(b: &Bulletin) -> ElectionResult {
    match checked_tally(b) {
        TallyResult::Election(r) => r,
        other => panic!("not an election: {other:?}"),
    }
}

fn entry<'a>(r: &'a ElectionResult, name: &str) -> &'a TallyEntry {
    r.tally.iter().find(|e| e.name == name).unwrap()
}

fn yes_counts(r: &ElectionResult) -> Vec<(&str, u64)> {
    r.tally.iter().map(|e| (e.name.as_str(), e.yes)).collect()
}

#[test]
fn election_result_has_spec_shape() {
    let mut ballots = approving(3, &["张三"]);
    ballots.push(Ballot::election("x", [("张三", No), ("李四", Yes)], vec![]));
    ballots.push(Ballot::spoiled("s"));
    let b = Bulletin::new(poll(1, &["张三", "李四"], false), ballots);
    assert_eq!(
        serde_json::to_value(checked_tally(&b)).unwrap(),
        json!({ "kind": "election", "void_reason": null, "returned": 5, "valid": 4, "invalid": 1, "base": 4,
            "tally": [
                {"name": "张三", "yes": 3, "no": 1, "abstain": 0, "write_in": false, "elected": true},
                {"name": "李四", "yes": 1, "no": 0, "abstain": 3, "write_in": false, "elected": false}],
            "elected": ["张三"], "runoff": null })
    );
}

#[test]
fn unmarked_candidate_is_abstention() {
    let b = Bulletin::new(poll(2, &["A", "B", "C"], false), vec![approve("t".into(), &["A"])]);
    let r = result(&b);
    assert_eq!((entry(&r, "B").abstain, entry(&r, "C").abstain, entry(&r, "A").yes), (1, 1, 1));
}

#[test]
fn write_in_equal_to_candidate_counts_once() {
    let ballots = vec![
        Ballot::election("1", [("张三", Yes)], names(&["张三", " 张三 "])),
        // A write-in of a listed candidate marked "no" on the same ballot still counts as yes.
        Ballot::election("2", [("张三", No)], names(&["张三"])),
        Ballot::election("3", [("李四", Yes)], vec![]),
    ];
    let r = result(&Bulletin::new(poll(1, &["张三", "李四"], true), ballots));
    assert_eq!(yes_counts(&r), vec![("张三", 2), ("李四", 1)]);
    assert_eq!((entry(&r, "张三").no, r.valid), (0, 3));
    assert!(r.tally.iter().all(|e| !e.write_in));
}

#[test]
fn write_in_nfkc_and_trim() {
    let ballots = vec![
        Ballot::election("1", Vec::<(String, Choice)>::new(), names(&["ＡＢ"])),
        Ballot::election("2", Vec::<(String, Choice)>::new(), names(&["　AB "])),
        Ballot::election("3", Vec::<(String, Choice)>::new(), names(&["Ｗａｎｇ"])),
        Ballot::election("4", Vec::<(String, Choice)>::new(), names(&["   "])),
    ];
    let r = result(&Bulletin::new(poll(1, &["Wang"], true), ballots));
    assert_eq!(yes_counts(&r), vec![("AB", 2), ("Wang", 1)]);
    let ab = entry(&r, "AB");
    assert!(ab.write_in);
    assert_eq!((ab.no, ab.abstain), (0, 0));
    assert_eq!(r.valid, 4); // a blank write-in is ignored, the ballot is valid
}

#[test]
fn marks_match_candidates_after_nfkc_and_trim() {
    let b = Bulletin::new(poll(1, &["ＡＢ"], false), vec![Ballot::election("1", [(" AB", Yes)], vec![])]);
    assert_eq!(yes_counts(&result(&b)), vec![("ＡＢ", 1)]);
}

#[test]
fn write_ins_ignored_when_not_allowed_ballot_stays_valid() {
    // With write-ins counted this ballot would approve 2 people for 1 seat.
    let ballots = vec![Ballot::election("1", [("A", Yes)], names(&["王五"]))];
    let r = result(&Bulletin::new(poll(1, &["A"], false), ballots));
    assert_eq!((r.valid, r.invalid), (1, 0));
    assert_eq!(yes_counts(&r), vec![("A", 1)]);
}

#[test]
fn over_vote_is_invalid() {
    let ballots = vec![
        approve("1".into(), &["A", "B", "C"]),
        Ballot::election("2", [("A", Yes), ("B", Yes)], names(&["王五"])), // write-in is the third
        approve("3".into(), &["A", "B"]),
    ];
    let r = result(&Bulletin::new(poll(2, &["A", "B", "C"], true), ballots));
    assert_eq!((r.returned, r.valid, r.invalid), (3, 1, 2));
    assert_eq!(yes_counts(&r), vec![("A", 1), ("B", 1), ("C", 0)]); // no 王五 entry
}

#[test]
fn empty_approval_ballot_is_valid() {
    let ballots = vec![approve("1".into(), &[]), Ballot::election("2", [("A", No), ("B", Abstain)], vec![])];
    let r = result(&Bulletin::new(poll(1, &["A", "B"], false), ballots));
    assert_eq!((r.valid, r.invalid), (2, 0));
    assert_eq!((entry(&r, "A").no, entry(&r, "A").abstain, entry(&r, "B").abstain), (1, 1, 2));
    // Nobody qualified and nobody approved: the seat stays unfilled, with nobody to choose from.
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Unfilled, seats: 1, among: vec![] }));
}

#[test]
fn spoiled_election_ballot_is_invalid() {
    let mut spoiled = approve("s".into(), &["A"]);
    spoiled.spoiled = true;
    let r = result(&Bulletin::new(poll(1, &["A"], false), vec![spoiled, approve("1".into(), &["A"])]));
    assert_eq!((r.valid, r.invalid, entry(&r, "A").yes), (1, 1, 1));
}

#[test]
fn unfilled_seats_runoff_among_non_elected_with_approvals() {
    // 10 valid ballots, 3 seats: A 8, B 6 qualify (> 5); C 3, W (write-in) 1 do not; E has none.
    let mut ballots = approving(3, &["A", "B", "C"]);
    ballots.extend(approving(3, &["A", "B"]));
    ballots.extend(approving(2, &["A"]));
    ballots.push(Ballot::election("w", Vec::<(String, Choice)>::new(), names(&["W"])));
    ballots.push(approve("e".into(), &[]));
    let r = result(&Bulletin::new(poll(3, &["A", "B", "C", "E"], true), ballots));
    assert_eq!(r.elected, names(&["A", "B"]));
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Unfilled, seats: 1, among: names(&["C", "W"]) }));
    assert!(entry(&r, "A").elected && entry(&r, "B").elected && !entry(&r, "C").elected);
}

#[test]
fn all_seats_filled_no_runoff() {
    let mut ballots = approving(6, &["A", "B"]);
    ballots.extend(approving(4, &["C"]));
    let r = result(&Bulletin::new(poll(2, &["A", "B", "C"], false), ballots));
    assert_eq!((r.elected.clone(), r.runoff.clone()), (names(&["A", "B"]), None));
}

#[test]
fn tie_across_cutoff_runoff() {
    // 10 ballots, 2 seats: A 8, B 6, C 6 all qualify; B and C tie across the cut-off.
    let mut ballots = approving(4, &["A", "B"]);
    ballots.extend(approving(4, &["A", "C"]));
    ballots.extend(approving(2, &["B", "C"]));
    let r = result(&Bulletin::new(poll(2, &["C", "B", "A"], false), ballots));
    assert_eq!(r.elected, names(&["A"]));
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Tie, seats: 1, among: names(&["B", "C"]) }));
}

#[test]
fn tie_at_top_elects_nobody_and_runs_off_all_tied() {
    let threshold = Rules { threshold: Some(frac("1/3")), ..Rules::default() };
    let mut ballots = approving(5, &["A"]);
    ballots.extend(approving(5, &["B"]));
    let r = result(&Bulletin::new(poll(1, &["A", "B"], false).with_rules(threshold), ballots));
    assert!(r.elected.is_empty());
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Tie, seats: 1, among: names(&["A", "B"]) }));
}

#[test]
fn tie_inside_the_seats_elects_all_tied() {
    let mut ballots = approving(6, &["A", "B"]);
    ballots.extend(approving(4, &["C"]));
    ballots.push(approve("x".into(), &["C"]));
    let r = result(&Bulletin::new(poll(3, &["A", "B", "C"], false).with_rules(Rules::default()), ballots));
    // 11 valid: A 6, B 6 qualify (> 5.5), C 5 does not.
    assert_eq!(r.elected, names(&["A", "B"]));
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Unfilled, seats: 1, among: names(&["C"]) }));
}

#[test]
fn more_qualified_than_seats_top_seats_elected() {
    let low = Rules { threshold: Some(frac("1/4")), ..Rules::default() };
    let mut ballots = approving(6, &["A"]);
    ballots.extend(approving(4, &["B"]));
    let r = result(&Bulletin::new(poll(1, &["A", "B"], false).with_rules(low), ballots));
    assert_eq!((r.elected.clone(), r.runoff.clone()), (names(&["A"]), None));
}

#[test]
fn among_order_approvals_then_codepoint() {
    // Nobody qualifies (base electorate 100); everyone with an approval goes to the runoff.
    let base = Rules { base: Some(Base::Electorate), ..Rules::default() };
    let mut ballots = approving(2, &["李四", "b"]);
    ballots.extend(approving(1, &["Z", "张三"]));
    ballots.push(approve("x".into(), &["a"]));
    let r = result(&Bulletin::new(poll(2, &["张三", "李四", "a", "b", "Z", "无票"], false).with_rules(base), ballots));
    // 2 approvals: "b" < "李四"; 1 approval: "Z" < "a" < "张三" (code points).
    let among = names(&["b", "李四", "Z", "a", "张三"]);
    assert_eq!(r.runoff, Some(Runoff { reason: RunoffReason::Unfilled, seats: 2, among }));
}

#[test]
fn tally_order_yes_desc_then_name() {
    let mut ballots = approving(2, &["乙"]);
    ballots.extend(approving(2, &["甲"]));
    ballots.push(Ballot::election("w", Vec::<(String, Choice)>::new(), names(&["丙"])));
    let r = result(&Bulletin::new(poll(1, &["丁", "乙", "甲"], true), ballots));
    // Equal yes: 乙 (U+4E59) before 甲 (U+7532); then the write-in 丙 (1), then 丁 (0).
    assert_eq!(yes_counts(&r), vec![("乙", 2), ("甲", 2), ("丙", 1), ("丁", 0)]);
    assert!(r.elected.is_empty()); // 2 of 5 valid is not a majority
}

#[test]
fn elected_list_follows_tally_order() {
    let mut ballots = approving(7, &["B", "A"]);
    ballots.extend(approving(2, &["C"]));
    let r = result(&Bulletin::new(poll(2, &["C", "B", "A"], false), ballots));
    assert_eq!(r.elected, names(&["A", "B"]));
}

#[test]
fn void_election_reports_tally_but_elects_nobody() {
    let mut p = poll(1, &["A"], false);
    p.ballots_issued = 1;
    let r = result(&Bulletin::new(p, approving(2, &["A"])));
    assert_eq!(r.void_reason, Some(VoidReason::ReturnedExceedsIssued));
    assert_eq!((entry(&r, "A").yes, r.elected.len(), r.runoff.clone()), (2, 0, None));
    assert!(!entry(&r, "A").elected);
}

#[test]
fn election_base_electorate_needs_majority_of_all() {
    let base = Rules { base: Some(Base::Electorate), ..Rules::default() };
    let b = Bulletin::new(poll(1, &["A"], false).with_rules(base), approving(50, &["A"]));
    let r = result(&b);
    assert_eq!((r.base, r.elected.len()), (100, 0)); // 50 of 100 is exactly half
}

#[test]
fn approvals_count_as_the_tally_counts() {
    let p = poll(2, &["张三", "李四"], true);
    let ballot = Ballot::election("1", [("张三", Yes), ("李四", No)], names(&["张三 ", "王五", "王五", " "]));
    assert_eq!(approvals(&p, &ballot), 2); // 张三 once, 王五 once, blank ignored
    let closed = poll(2, &["张三", "李四"], false);
    assert_eq!(approvals(&closed, &ballot), 1);
}

#[test]
fn a_ballot_of_many_write_ins_counts_each_distinct_name_once() {
    // A crafted ballot of 40,000 distinct write-ins (finding 13): reading it compared each new
    // name with every name before it, about 800 million comparisons; the names are now kept in a
    // set (the time is shown by the benchmark, not asserted here).
    let p = poll(1, &["甲"], true);
    let mut write_ins: Vec<String> = (0..40_000).map(|i| format!("人{i}")).collect();
    write_ins.extend((0..1_000).map(|i| format!("人{i}")));
    let ballot = Ballot::election("t", Vec::<(&str, Choice)>::new(), write_ins);
    assert_eq!(approvals(&p, &ballot), 40_000);
    let r = result(&Bulletin::new(p, vec![ballot.clone(), ballot]));
    assert_eq!(r.invalid, 2, "over-votes");
}
