use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const DONE: Linked = Linked { finished: true };
const COMING: Linked = Linked { finished: false };

#[test]
fn an_entry_with_a_finished_record_is_done_even_after_its_month() {
    assert_eq!(progress(2030, 3, &[COMING, DONE], false, d(2030, 6, 1)), Progress::Done);
    assert_eq!(progress(2030, 3, &[], true, d(2030, 6, 1)), Progress::Done);
}

#[test]
fn an_entry_not_done_when_its_month_has_passed_is_overdue() {
    assert_eq!(progress(2030, 3, &[], false, d(2030, 4, 1)), Progress::Overdue);
    assert_eq!(progress(2030, 3, &[COMING], false, d(2030, 4, 1)), Progress::Overdue);
    assert_eq!(progress(2030, 12, &[], false, d(2031, 1, 1)), Progress::Overdue);
    assert_eq!(progress(2030, 12, &[], false, d(2030, 12, 31)), Progress::InProgress);
}

#[test]
fn an_entry_is_in_progress_in_its_month_or_once_a_record_is_linked() {
    assert_eq!(progress(2030, 3, &[], false, d(2030, 3, 31)), Progress::InProgress);
    assert_eq!(progress(2030, 5, &[COMING], false, d(2030, 3, 15)), Progress::InProgress);
}

#[test]
fn an_entry_of_a_later_month_with_nothing_linked_is_not_started() {
    assert_eq!(progress(2030, 5, &[], false, d(2030, 3, 15)), Progress::NotStarted);
    assert_eq!(progress(2030, 13, &[], false, d(2030, 3, 15)), Progress::NotStarted);
}

#[test]
fn a_figure_goal_compares_the_figure_with_its_target() {
    let at_least_two = Goal::Figure { figure: "activities.held".into(), cmp: Comparison::AtLeast, target: 2 };
    assert_eq!(evaluate(&at_least_two, Some(2)), Outcome::Achieved);
    assert_eq!(evaluate(&at_least_two, Some(1)), Outcome::NotAchieved);
    let full = Goal::Figure { figure: "care.on_time_pct".into(), cmp: Comparison::Exactly, target: 100 };
    assert_eq!(evaluate(&full, Some(100)), Outcome::Achieved);
    assert_eq!(evaluate(&full, Some(99)), Outcome::NotAchieved);
    let at_most = Goal::Figure { figure: "x".into(), cmp: Comparison::AtMost, target: 0 };
    assert_eq!(evaluate(&at_most, Some(0)), Outcome::Achieved);
}

#[test]
fn a_figure_not_computed_leaves_the_goal_open_not_failed() {
    let g = Goal::Figure { figure: "care.visits".into(), cmp: Comparison::AtLeast, target: 1 };
    assert_eq!(evaluate(&g, None), Outcome::Open);
}

#[test]
fn a_goal_judged_by_hand_is_what_the_committee_judged() {
    assert_eq!(evaluate(&Goal::ByHand { judged: Some(true) }, None), Outcome::Achieved);
    assert_eq!(evaluate(&Goal::ByHand { judged: Some(false) }, Some(5)), Outcome::NotAchieved);
    assert_eq!(evaluate(&Goal::ByHand { judged: None }, None), Outcome::Open);
}

#[test]
fn entries_and_prose_are_checked() {
    assert_eq!(check_entry(3, " 三八节联谊 ", "activity").unwrap().1, "三八节联谊");
    assert_eq!(check_entry(0, "x", "activity"), Err(PlanError::Month));
    assert_eq!(check_entry(3, "  ", "activity"), Err(PlanError::Item));
    assert_eq!(check_entry(3, "x", "party"), Err(PlanError::Kind));
    assert_eq!(check_prose("<script>x</script>"), Err(PlanError::Text));
    assert!(check_prose("<p>一年来，我们……</p>").is_ok());
    assert_eq!(check_year(1999), Err(PlanError::Year));
}

#[test]
fn the_change_from_last_year_is_in_whole_percent() {
    assert_eq!(change_percent(12, 10), Some(20));
    assert_eq!(change_percent(5, 10), Some(-50));
    assert_eq!(change_percent(5, 0), None);
}
