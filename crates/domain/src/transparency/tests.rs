//! Rules of 校务公开, with a calendar the tests set (国庆 and 春节 with their make-up days), so
//! the rule is tested apart from the shipped data.

use super::*;
use crate::platform::calendar::Calendar;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn days(first: NaiveDate, n: usize) -> Vec<NaiveDate> {
    first.iter_days().take(n).collect()
}

/// A made-up arrangement: 春节 2030-02-02..=02-08 with make-up Saturday 02-09 and Sunday
/// 01-27; 国庆 2030-10-01..=10-07 with make-up Sunday 09-29 and Saturday 10-12.
fn test_calendar() -> Calendar {
    let mut holidays = days(d(2030, 2, 2), 7);
    holidays.extend(days(d(2030, 10, 1), 7));
    holidays.push(d(2031, 1, 1));
    Calendar::new(holidays, vec![d(2030, 1, 27), d(2030, 2, 9), d(2030, 9, 29), d(2030, 10, 12)])
}

#[test]
fn five_working_days_from_a_monday_end_on_friday() {
    let cal = Calendar::new(vec![d(2026, 1, 1)], vec![]);
    let p = publicity_period(&cal, d(2026, 3, 9), 5).unwrap();
    assert_eq!((p.start, p.end), (d(2026, 3, 9), d(2026, 3, 13)));
}

#[test]
fn a_start_on_a_holiday_moves_to_the_next_working_day() {
    let cal = test_calendar();
    // 国庆 2030-10-03 (holiday) → first working day is Tuesday 10-08.
    let p = publicity_period(&cal, d(2030, 10, 3), 1).unwrap();
    assert_eq!((p.start, p.end), (d(2030, 10, 8), d(2030, 10, 8)));
}

#[test]
fn a_period_across_guoqing_skips_the_holidays_and_counts_the_makeup_days() {
    let cal = test_calendar();
    // Thursday 2030-09-26: 26, 27 (Fri), 29 (make-up Sun), 30 (Mon), then 8, 9 Oct.
    let p = publicity_period(&cal, d(2030, 9, 26), 6).unwrap();
    assert_eq!(p.start, d(2030, 9, 26));
    assert_eq!(p.end, d(2030, 10, 9));
    // The make-up Saturday 10-12 counts: from Thursday 10-10, 3 days are 10, 11, 12.
    let p = publicity_period(&cal, d(2030, 10, 10), 3).unwrap();
    assert_eq!(p.end, d(2030, 10, 12));
}

#[test]
fn a_period_across_chunjie_skips_the_holidays_and_counts_the_makeup_days() {
    let cal = test_calendar();
    // Thursday 2030-01-31, Friday 02-01, holidays 02-02..08, make-up Saturday 02-09, Monday 02-11.
    let p = publicity_period(&cal, d(2030, 1, 31), 4).unwrap();
    assert_eq!(p.end, d(2030, 2, 11));
    // A make-up Sunday is a working day to start on.
    let p = publicity_period(&cal, d(2030, 1, 27), 1).unwrap();
    assert_eq!((p.start, p.end), (d(2030, 1, 27), d(2030, 1, 27)));
}

#[test]
fn zero_or_too_many_working_days_are_refused() {
    let cal = test_calendar();
    assert_eq!(publicity_period(&cal, d(2030, 3, 4), 0), Err(PeriodError::WorkingDays));
    assert_eq!(publicity_period(&cal, d(2030, 3, 4), 400), Err(PeriodError::WorkingDays));
    assert!(publicity_period(&cal, d(2030, 3, 4), MAX_WORKING_DAYS).is_ok());
}

#[test]
fn a_year_the_calendar_does_not_cover_is_refused_and_named() {
    let cal = test_calendar();
    assert_eq!(publicity_period(&cal, d(2032, 3, 1), 5), Err(PeriodError::YearNotCovered(2032)));
    // A period that runs from a covered year into an uncovered one names the uncovered year.
    let cal = Calendar::new(vec![d(2030, 10, 1)], vec![]);
    assert_eq!(publicity_period(&cal, d(2030, 12, 30), 5), Err(PeriodError::YearNotCovered(2031)));
}

#[test]
fn objections_close_after_the_last_day_of_the_period() {
    assert!(objection_open(d(2030, 3, 8), d(2030, 3, 8)));
    assert!(objection_open(d(2030, 3, 8), d(2030, 3, 1)));
    assert!(!objection_open(d(2030, 3, 8), d(2030, 3, 9)));
}

#[test]
fn sign_off_waits_for_the_end_of_the_period_and_every_objection_handled() {
    assert_eq!(may_sign_off(d(2030, 3, 8), d(2030, 3, 8), 0), Err(SignOffRefusal::PeriodRunning));
    assert_eq!(may_sign_off(d(2030, 3, 8), d(2030, 3, 9), 2), Err(SignOffRefusal::OpenObjections(2)));
    assert_eq!(may_sign_off(d(2030, 3, 8), d(2030, 3, 9), 0), Ok(()));
}

#[test]
fn an_item_is_on_time_when_its_period_ends_by_the_decision() {
    assert!(on_time(d(2030, 3, 8), Some(d(2030, 3, 8))));
    assert!(!on_time(d(2030, 3, 8), Some(d(2030, 3, 7))));
    assert!(on_time(d(2030, 3, 8), None));
    assert_eq!(on_time_percent(3, 4), 75);
    assert_eq!(on_time_percent(0, 0), 100);
}

#[test]
fn item_fields_are_checked_and_script_is_refused() {
    assert!(validate_item("selection", "2030年度先进教师公示", "<p>名单</p>", "staff").is_ok());
    let e = validate_item("nonsense", " ", "<script>alert(1)</script>", "world").unwrap_err();
    assert_eq!(e, vec![ItemError::Title, ItemError::Content, ItemError::Category, ItemError::Audience]);
    assert!(has_script("<img src=x onerror=alert(1)>"));
    assert!(has_script("<a href=\"JavaScript:alert(1)\">x</a>"));
    assert!(!has_script("<p>一次 online 会议 on = 周一</p>"));
}
