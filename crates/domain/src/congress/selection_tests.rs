use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn elect(label: &str, weight: u64, valid: u64, yes: &[(&str, u64)]) -> ElectorateCount {
    ElectorateCount { label: label.into(), weight, valid, yes: yes.iter().map(|(n, y)| (n.to_string(), *y)).collect() }
}

#[test]
fn stages_move_only_forward_one_at_a_time() {
    let ok = StageFacts { remaining: 3, closed_rounds: 1, publicity_over: true, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Nomination, Stage::Voting, &ok), Ok(()));
    assert_eq!(check_transition(Stage::Nomination, Stage::Review, &ok), Err(SelectionError::WrongStage));
    assert_eq!(check_transition(Stage::Publicity, Stage::Voting, &ok), Err(SelectionError::WrongStage));
    assert_eq!(check_transition(Stage::Final, Stage::Final, &ok), Err(SelectionError::WrongStage));
}

#[test]
fn voting_needs_nominees_and_review_needs_a_closed_round_and_none_open() {
    let none = StageFacts::default();
    assert_eq!(check_transition(Stage::Nomination, Stage::Voting, &none), Err(SelectionError::NoNominees));
    let f = StageFacts { remaining: 2, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Voting, Stage::Review, &f), Err(SelectionError::NoClosedRound));
    let f = StageFacts { remaining: 2, closed_rounds: 1, open_round: true, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Voting, Stage::Review, &f), Err(SelectionError::RoundOpen));
}

#[test]
fn publicity_needs_every_remaining_nominee_reviewed_and_one_approved() {
    let f = StageFacts { remaining: 2, unreviewed: 1, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Review, Stage::Publicity, &f), Err(SelectionError::Unreviewed(1)));
    let f = StageFacts { remaining: 0, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Review, Stage::Publicity, &f), Err(SelectionError::NobodyApproved));
}

#[test]
fn final_list_waits_for_the_end_of_publicity_and_resolved_objections() {
    let end = d(2026, 6, 5);
    let f = StageFacts { remaining: 2, publicity_end: Some(end), ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Publicity, Stage::Final, &f), Err(SelectionError::PublicityRunning(end)));
    let f = StageFacts { remaining: 2, publicity_over: true, open_objections: 1, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Publicity, Stage::Final, &f), Err(SelectionError::OpenObjections(1)));
    let f = StageFacts { remaining: 2, publicity_over: true, ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Publicity, Stage::Final, &f), Ok(()));
}

#[test]
fn eligibility_counts_full_years_of_service() {
    let rule = Eligibility { min_years: 5 };
    let on = d(2026, 9, 1);
    assert_eq!(rule.check(true, Some(d(2021, 9, 1)), on), Ok(()));
    assert_eq!(rule.check(true, Some(d(2021, 9, 2)), on), Err(SelectionError::TooFewYears { need: 5, have: 4 }));
    assert_eq!(rule.check(true, None, on), Err(SelectionError::NoJoinDate));
    assert_eq!(rule.check(false, Some(d(2000, 1, 1)), on), Err(SelectionError::NotActive));
    assert_eq!(Eligibility::default().check(true, None, on), Ok(()));
}

#[test]
fn weighted_round_compares_approval_rates_not_raw_votes() {
    // 教师代表 (weight 7): 60 valid; 学生代表 (weight 3): 10 valid.
    let nominees = names(&["甲", "乙", "丙"]);
    let e = [
        elect("教师代表", 7, 60, &[("甲", 30), ("乙", 45), ("丙", 30)]),
        elect("学生代表", 3, 10, &[("甲", 10), ("乙", 2), ("丙", 9)]),
    ];
    // 甲: 7·1/2 + 3·1 = 6.5; 乙: 7·3/4 + 3·1/5 = 5.85; 丙: 3.5 + 2.7 = 6.2.
    let out = combine(&nominees, &e, 2).unwrap();
    assert_eq!(out.ranking.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["甲", "丙", "乙"]);
    assert_eq!(out.advancing, names(&["甲", "丙"]));
    assert!(out.tied.is_empty());
    assert_eq!(out.ranking[0].rate, "65.00");
    assert_eq!(out.ranking[2].rate, "58.50");
}

#[test]
fn tie_across_the_cut_sends_the_tied_to_a_runoff_for_the_places_left() {
    let nominees = names(&["甲", "乙", "丙", "丁"]);
    let e = [elect("全体", 1, 10, &[("甲", 9), ("乙", 5), ("丙", 5), ("丁", 1)])];
    let out = combine(&nominees, &e, 2).unwrap();
    assert_eq!(out.advancing, names(&["甲"]));
    assert_eq!(out.tied, names(&["丙", "乙"]));
    assert_eq!(out.places_left, 1);
    // Nobody tied is dropped, only those below the cut; the tied wait for their runoff.
    assert_eq!(out.moving_on(), names(&["甲", "丙", "乙"]));
    assert_eq!(out.eliminated(), names(&["丁"]));
    assert_eq!(out.runoff(), Some(RoundRunoff { places: 1, among: names(&["丙", "乙"]) }));
    // The next round is that runoff, whatever top-N is asked for.
    let running = names(&["甲", "乙", "丙"]);
    let next = next_round(Some(&out), &running, 2).unwrap();
    assert_eq!(next, NextRound { candidates: names(&["丙", "乙"]), top_n: 1, runoff: true });
}

#[test]
fn a_runoff_round_eliminates_only_the_tied_who_lose_it() {
    let tied = names(&["丙", "乙"]);
    let out = combine(&tied, &[elect("全体", 1, 10, &[("乙", 6), ("丙", 4)])], 1).unwrap();
    assert_eq!(out.advancing, names(&["乙"]));
    assert_eq!(out.eliminated(), names(&["丙"]), "甲, who was not in the runoff, is not touched");
    assert_eq!(out.runoff(), None);
    // A runoff can tie again: another runoff among the same.
    let again = combine(&tied, &[elect("全体", 1, 10, &[("乙", 5), ("丙", 5)])], 1).unwrap();
    assert_eq!(again.runoff(), Some(RoundRunoff { places: 1, among: names(&["丙", "乙"]) }));
    assert!(again.eliminated().is_empty());
}

#[test]
fn without_a_tie_the_next_round_takes_every_running_nominee_and_must_leave_somebody_out() {
    let running = names(&["甲", "乙", "丙"]);
    let out = combine(&running, &[elect("全体", 1, 10, &[("甲", 9), ("乙", 5), ("丙", 4)])], 2).unwrap();
    assert_eq!(out.eliminated(), names(&["丙"]));
    let next = next_round(Some(&out), &names(&["甲", "乙"]), 1).unwrap();
    assert_eq!(next, NextRound { candidates: names(&["甲", "乙"]), top_n: 1, runoff: false });
    assert_eq!(next_round(None, &running, 3), Err(SelectionError::BadRound));
    assert_eq!(next_round(None, &running, 0), Err(SelectionError::BadRound));
}

#[test]
fn voting_cannot_end_while_a_tie_at_the_cut_awaits_its_runoff() {
    let runoff = RoundRunoff { places: 1, among: names(&["丙", "乙"]) };
    let f = StageFacts { remaining: 3, closed_rounds: 1, pending_runoff: Some(runoff), ..StageFacts::default() };
    assert_eq!(
        check_transition(Stage::Voting, Stage::Review, &f),
        Err(SelectionError::TieUnresolved { places: 1, among: names(&["丙", "乙"]) })
    );
    let e = SelectionError::TieUnresolved { places: 1, among: names(&["丙", "乙"]) };
    assert_eq!(e.args(), vec![("places", "1".to_string()), ("names", "丙、乙".to_string())]);
}

#[test]
fn publicity_cannot_start_with_more_approved_than_the_quota() {
    let f = StageFacts { remaining: 3, quota: Some(2), ..StageFacts::default() };
    assert_eq!(
        check_transition(Stage::Review, Stage::Publicity, &f),
        Err(SelectionError::OverQuota { approved: 3, quota: 2 })
    );
    let f = StageFacts { remaining: 2, quota: Some(2), ..StageFacts::default() };
    assert_eq!(check_transition(Stage::Review, Stage::Publicity, &f), Ok(()), "the quota itself is fine");
}

#[test]
fn tie_inside_the_cut_is_no_tie() {
    let nominees = names(&["甲", "乙", "丙"]);
    let e = [elect("全体", 1, 10, &[("甲", 5), ("乙", 5), ("丙", 1)])];
    let out = combine(&nominees, &e, 2).unwrap();
    // Equal scores are ordered by name (code point order: 乙 U+4E59 before 甲 U+7532).
    assert_eq!(out.advancing, names(&["乙", "甲"]));
    assert!(out.tied.is_empty());
}

#[test]
fn electorate_without_ballots_is_left_out_and_weights_renormalise() {
    let nominees = names(&["甲"]);
    let e = [elect("教师", 1, 4, &[("甲", 3)]), elect("学生", 9, 0, &[])];
    let out = combine(&nominees, &e, 1).unwrap();
    assert_eq!(out.ranking[0].rate, "75.00");
}

#[test]
fn bad_rounds_are_refused() {
    let n = names(&["甲"]);
    assert_eq!(combine(&n, &[], 1), Err(SelectionError::BadRound));
    assert_eq!(combine(&n, &[elect("x", 1, 1, &[])], 0), Err(SelectionError::BadRound));
    assert_eq!(combine(&n, &[elect("x", 0, 1, &[])], 1), Err(SelectionError::BadRound));
}

#[test]
fn publicity_of_five_working_days_skips_weekends_and_holidays() {
    let cal = Calendar::preloaded();
    // Monday 2026-06-08 → Friday 2026-06-12.
    assert_eq!(publicity_end(&cal, d(2026, 6, 8), 5), d(2026, 6, 12));
    // Starting Saturday: the first working day is Monday.
    assert_eq!(publicity_end(&cal, d(2026, 6, 6), 5), d(2026, 6, 12));
    // Across 端午节 (19–21 June 2026): Wed 17 → Thu 18, then Mon 22, Tue 23, Wed 24.
    assert_eq!(publicity_end(&cal, d(2026, 6, 17), 5), d(2026, 6, 24));
    assert!(!publicity_over(d(2026, 6, 12), d(2026, 6, 12)));
    assert!(publicity_over(d(2026, 6, 12), d(2026, 6, 13)));
}

#[test]
fn objections_resolve_once_with_a_reason() {
    use ObjectionStatus::*;
    assert_eq!(resolve_objection(Open, Upheld, "查实"), Ok(Upheld));
    assert_eq!(resolve_objection(Open, Dismissed, " "), Err(SelectionError::ReasonRequired));
    assert_eq!(resolve_objection(Upheld, Dismissed, "再议"), Err(SelectionError::WrongStage));
    assert_eq!(resolve_objection(Open, Open, "x"), Err(SelectionError::WrongStage));
}

proptest! {
    #[test]
    fn never_more_advancing_than_n_unless_a_tie_is_reported(
        yes in proptest::collection::vec((0u64..50, 0u64..50), 1..12),
        valid in (1u64..60, 0u64..60),
        weights in (1u64..=100, 1u64..=100),
        top_n in 1u64..8,
    ) {
        let nominees: Vec<String> = (0..yes.len()).map(|i| format!("N{i}")).collect();
        let e = [
            ElectorateCount { label: "a".into(), weight: weights.0, valid: valid.0,
                yes: nominees.iter().zip(&yes).map(|(n, y)| (n.clone(), y.0)).collect() },
            ElectorateCount { label: "b".into(), weight: weights.1, valid: valid.1,
                yes: nominees.iter().zip(&yes).map(|(n, y)| (n.clone(), y.1)).collect() },
        ];
        let out = combine(&nominees, &e, top_n).unwrap();
        prop_assert!(out.advancing.len() as u64 <= top_n);
        let expected = (top_n as usize).min(nominees.len());
        if out.tied.is_empty() {
            prop_assert_eq!(out.moving_on().len(), expected);
        } else {
            prop_assert!(out.moving_on().len() > expected);
            prop_assert_eq!(out.places_left + out.advancing.len() as u64, top_n);
        }
        prop_assert_eq!(out.ranking.len(), nominees.len());
        // Everybody ranked is either still running or out, never both.
        let (on, out_) = (out.moving_on(), out.eliminated());
        prop_assert_eq!(on.len() + out_.len(), nominees.len());
        prop_assert!(on.iter().all(|n| !out_.contains(n)));
        // A tie is always a runoff for fewer places than tied nominees.
        if let Some(r) = out.runoff() {
            prop_assert!((r.among.len() as u64) > r.places);
        }
    }

    #[test]
    fn combine_never_panics(
        yes in proptest::collection::vec(any::<u64>(), 0..6),
        valid in any::<u64>(),
        weight in any::<u64>(),
        top_n in any::<u64>(),
    ) {
        let nominees: Vec<String> = (0..yes.len()).map(|i| format!("N{i}")).collect();
        let e = [ElectorateCount { label: "a".into(), weight, valid,
            yes: nominees.iter().zip(&yes).map(|(n, y)| (n.clone(), *y)).collect() }];
        let _ = combine(&nominees, &e, top_n);
    }

    #[test]
    fn publicity_end_is_a_working_day_n_working_days_on(start in 0i64..800, days in 1u32..15) {
        let cal = Calendar::preloaded();
        let s = d(2026, 1, 1) + chrono::Duration::days(start);
        let end = publicity_end(&cal, s, days);
        prop_assert!(cal.is_working_day(end));
        let pred = s.pred_opt().unwrap();
        prop_assert_eq!(cal.working_days_between(pred, end), days);
    }
}
