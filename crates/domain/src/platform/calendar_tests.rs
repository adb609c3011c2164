//! Tests of `calendar`: working days, 调休 make-up days, deadlines, preloaded data.

use super::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn weekday_is_working_weekend_is_not_without_arrangement() {
    let cal = Calendar::default();
    assert!(cal.is_working_day(d(2026, 9, 1)));
    assert!(!cal.is_working_day(d(2026, 9, 5)));
    assert!(!cal.is_working_day(d(2026, 9, 6)));
}

#[test]
fn holiday_on_weekday_is_not_working() {
    let cal = Calendar::preloaded();
    assert!(!cal.is_working_day(d(2026, 10, 1)));
    assert!(!cal.is_working_day(d(2026, 2, 23)));
}

#[test]
fn makeup_workday_on_weekend_is_working() {
    let cal = Calendar::preloaded();
    assert_eq!(weekday_of(d(2026, 9, 20)), Weekday::Sun);
    assert!(cal.is_working_day(d(2026, 9, 20)));
    assert!(cal.is_working_day(d(2026, 10, 10)));
    assert!(cal.is_working_day(d(2026, 2, 14)));
}

fn weekday_of(x: NaiveDate) -> Weekday {
    x.weekday()
}

#[test]
fn add_working_days_is_strictly_after_start() {
    let cal = Calendar::default();
    // Friday + 1 working day = Monday.
    assert_eq!(cal.add_working_days(d(2026, 9, 4), 1), d(2026, 9, 7));
    assert_eq!(cal.add_working_days(d(2026, 9, 4), 0), d(2026, 9, 4));
    assert_eq!(cal.add_working_days(d(2026, 9, 5), 5), d(2026, 9, 11));
}

#[test]
fn add_working_days_skips_national_day_and_counts_makeup_days() {
    let cal = Calendar::preloaded();
    // Wed 2026-09-30: Oct 1–7 off, Thu 8, Fri 9, Sat 10 (make-up) are the first three.
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 1), d(2026, 10, 8));
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 3), d(2026, 10, 10));
    assert_eq!(cal.add_working_days(d(2026, 9, 30), 4), d(2026, 10, 12));
}

#[test]
fn working_days_between_excludes_start_includes_end() {
    let cal = Calendar::preloaded();
    assert_eq!(cal.working_days_between(d(2026, 9, 30), d(2026, 10, 12)), 4);
    assert_eq!(cal.working_days_between(d(2026, 9, 4), d(2026, 9, 4)), 0);
    assert_eq!(cal.working_days_between(d(2026, 9, 10), d(2026, 9, 4)), 0);
}

#[test]
fn preloaded_2026_matches_state_council_notice_counts() {
    let entries = preloaded_entries();
    let in_2026 = |k: DayKind| entries.iter().filter(|e| e.kind == k && e.date.year() == 2026).count();
    // 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 1 + 2 + 1 + 2 make-up days.
    assert_eq!(in_2026(DayKind::Holiday), 33);
    assert_eq!(in_2026(DayKind::MakeupWorkday), 6);
    for e in entries.iter().filter(|e| e.kind == DayKind::MakeupWorkday) {
        assert!(matches!(e.date.weekday(), Weekday::Sat | Weekday::Sun), "{e:?}");
    }
    assert!(entries.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn day_kind_codes_round_trip() {
    for k in [DayKind::Holiday, DayKind::MakeupWorkday] {
        assert_eq!(DayKind::from_code(k.code()), Some(k));
    }
}

proptest! {
    #[test]
    fn add_then_count_working_days_round_trips(offset in 0i64..900, n in 0u32..60) {
        let cal = Calendar::preloaded();
        let start = d(2025, 12, 1) + chrono::Duration::days(offset);
        let end = cal.add_working_days(start, n);
        prop_assert_eq!(cal.working_days_between(start, end), n);
        if n > 0 {
            prop_assert!(cal.is_working_day(end));
        }
    }
}
