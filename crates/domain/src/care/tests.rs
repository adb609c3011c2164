use chrono::NaiveDate;

use super::hardship::{self, Household, Level};
use super::requests::{self, State, Step};
use super::women::{self, Item};
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn deadline_counts_calendar_days() {
    assert_eq!(due_date(d("2026-03-02"), 7), Some(d("2026-03-09")));
}

#[test]
fn deadline_crosses_month_end() {
    assert_eq!(due_date(d("2026-01-28"), 7), Some(d("2026-02-04")));
    assert_eq!(due_date(d("2024-02-25"), 7), Some(d("2024-03-03")), "leap year February has 29 days");
    assert_eq!(due_date(d("2026-01-31"), 30), Some(d("2026-03-02")));
}

#[test]
fn deadline_crosses_year_end() {
    assert_eq!(due_date(d("2026-12-28"), 7), Some(d("2027-01-04")));
    assert_eq!(due_date(d("2026-12-15"), 30), Some(d("2027-01-14")));
}

#[test]
fn deadline_refuses_negative_days() {
    assert_eq!(due_date(d("2026-12-28"), -1), None);
}

#[test]
fn default_rules_are_the_seeds_five_with_7_and_30_days() {
    let rules = default_rules();
    let get = |c: &str| rules.iter().find(|r| r.code == c).unwrap();
    for c in ["hospitalised", "bereaved"] {
        assert!(get(c).must_visit);
        assert_eq!(get(c).deadline_days, 7);
    }
    for c in ["childbirth", "married", "retired"] {
        assert!(get(c).must_visit);
        assert_eq!(get(c).deadline_days, 30);
    }
    assert!(get("hardship").must_visit);
    assert!(!get("birthday").must_visit);
    assert_eq!(get("hardship").debit_account(), "50404");
    assert_eq!(get("hospitalised").debit_account(), "50405");
}

#[test]
fn overdue_starts_the_day_after_the_due_date() {
    let due = d("2026-03-09");
    assert!(!is_overdue(due, None, d("2026-03-09")));
    assert!(is_overdue(due, None, d("2026-03-10")));
    assert!(!is_overdue(due, Some(d("2026-03-12")), d("2026-03-20")));
}

#[test]
fn death_cannot_be_in_the_future() {
    let today = d("2026-05-01");
    assert_eq!(check_event_date("bereaved", d("2026-05-02"), today), Err(CareError::DeathInFuture));
    assert_eq!(check_event_date("deceased", d("2026-05-02"), today), Err(CareError::DeathInFuture));
    assert_eq!(check_event_date("bereaved", today, today), Ok(()));
    assert_eq!(check_event_date("childbirth", d("2026-08-01"), today), Ok(()));
    assert_eq!(check_event_date("retired", d("2028-01-01"), today), Err(CareError::TooFarAhead));
}

#[test]
fn visit_cannot_precede_its_event_or_lie_ahead() {
    let today = d("2026-05-10");
    assert_eq!(check_visit_date(d("2026-05-05"), d("2026-05-04"), today), Err(CareError::VisitBeforeEvent));
    assert_eq!(check_visit_date(d("2026-05-05"), d("2026-05-11"), today), Err(CareError::VisitInFuture));
    assert_eq!(check_visit_date(d("2026-05-05"), d("2026-05-05"), today), Ok(()));
}

#[test]
fn approval_needed_above_standard() {
    assert_eq!(approval_needed(Fen(100_001), Fen(100_000), Fen(0), Fen(500_000)), Approval::AboveStandard);
    assert_eq!(approval_needed(Fen(100_000), Fen(100_000), Fen(0), Fen(500_000)), Approval::NotNeeded);
}

#[test]
fn approval_needed_when_the_year_total_passes_the_cap() {
    assert_eq!(approval_needed(Fen(50_000), Fen(100_000), Fen(60_000), Fen(100_000)), Approval::AboveAnnualCap);
    assert_eq!(approval_needed(Fen(40_000), Fen(100_000), Fen(60_000), Fen(100_000)), Approval::NotNeeded);
    assert_eq!(approval_needed(Fen(150_000), Fen(100_000), Fen(0), Fen(100_000)), Approval::AboveBoth);
    assert!(approval_needed(Fen(1), Fen(0), Fen(0), Fen(0)).needed(), "a type without money needs approval for any");
}

#[test]
fn approval_overflow_counts_as_above_the_cap() {
    assert_eq!(approval_needed(Fen(1), Fen(10), Fen(i64::MAX), Fen(i64::MAX)), Approval::AboveAnnualCap);
}

#[test]
fn compliance_counts_on_time_over_decided_events() {
    let today = d("2026-12-31");
    let ev = [
        (d("2026-01-05"), d("2026-01-12"), Some(d("2026-01-12"))), // on time (on the due day)
        (d("2026-01-20"), d("2026-01-27"), Some(d("2026-01-28"))), // late
        (d("2026-02-01"), d("2026-02-08"), None),                  // missed
        (d("2026-02-03"), d("2026-02-10"), Some(d("2026-02-04"))), // on time
        (d("2025-12-30"), d("2026-01-06"), Some(d("2026-01-02"))), // other year
    ];
    let (months, total) = compliance_year(2026, &ev, today);
    assert_eq!(total.events, 4);
    assert_eq!(total.on_time, 2);
    assert_eq!(total.decided(), 4);
    assert_eq!(total.rate_permille(), Some(500));
    assert_eq!(total.rate_display(), "50.0%");
    assert_eq!(months[0].on_time, 1);
    assert_eq!(months[0].late, 1);
    assert_eq!(months[1].missed, 1);
}

#[test]
fn compliance_leaves_pending_events_out_of_the_rate() {
    let today = d("2026-03-01");
    let ev = [(d("2026-02-27"), d("2026-03-06"), None), (d("2026-02-01"), d("2026-02-08"), Some(d("2026-02-02")))];
    let (_, total) = compliance_year(2026, &ev, today);
    assert_eq!(total.pending, 1);
    assert_eq!(total.rate_permille(), Some(1000));
    assert_eq!(Compliance::default().rate_permille(), None);
    assert_eq!(Compliance::default().rate_display(), "—");
}

#[test]
fn compliance_rate_rounds_half_up() {
    let c = Compliance { events: 3, on_time: 2, late: 1, missed: 0, pending: 0 };
    assert_eq!(c.rate_permille(), Some(667));
}

#[test]
fn published_cells_below_three_show_less_than_three() {
    assert_eq!(published_count(0), "0");
    assert_eq!(published_count(1), "<3");
    assert_eq!(published_count(2), "<3");
    assert_eq!(published_count(3), "3");
    assert_eq!(published_amount(2, Fen(100_000)), "<3");
    assert_eq!(published_amount(5, Fen(100_000)), Fen(100_000).display());
}

#[test]
fn regional_table_picks_the_latest_effective_row() {
    let s = standards::ceiling("sichuan", "festival", d("2020-06-01")).unwrap();
    assert_eq!(s.max, Fen(210_000));
    let s = standards::ceiling("sichuan", "festival", d("2023-06-01")).unwrap();
    assert_eq!(s.max, Fen(220_000));
    assert_eq!(standards::ceiling("anhui", "hospitalised", d("2019-01-01")).unwrap().max, Fen(100_000));
    assert!(standards::ceiling("anhui", "hospitalised", d("2017-01-01")).is_none());
    assert!(standards::TABLE.iter().all(|s| !s.source.is_empty()));
}

#[test]
fn hardship_level_below_dibao_is_deep() {
    // 3 people, net 30,000 yuan a year: 833.33 per head per month; 低保 900 → deep.
    let h = Household {
        size: 3,
        income_year: Fen(3_600_000),
        rigid_year: Fen(600_000),
        hardship_costs_year: Fen(0),
        accident: false,
    };
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::Deep);
}

#[test]
fn hardship_level_below_twice_dibao_is_relative() {
    let h = Household {
        size: 3,
        income_year: Fen(5_000_000),
        rigid_year: Fen(0),
        hardship_costs_year: Fen(0),
        accident: false,
    };
    // 1,388.89 per head per month: ≥ 900, < 1,800.
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::Relative);
}

#[test]
fn hardship_level_on_the_line_is_not_below_it() {
    // Exactly 900 per head per month is not below the 低保 line.
    let h = Household {
        size: 1,
        income_year: Fen(1_080_000),
        rigid_year: Fen(0),
        hardship_costs_year: Fen(0),
        accident: false,
    };
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::Relative);
}

#[test]
fn hardship_costs_above_eighty_percent_is_accident() {
    let mut h = Household {
        size: 2,
        income_year: Fen(20_000_000),
        rigid_year: Fen(0),
        hardship_costs_year: Fen(16_000_001),
        accident: false,
    };
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::Accident);
    h.hardship_costs_year = Fen(16_000_000);
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::None);
    h.accident = true;
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::Accident);
    h.size = 0;
    assert_eq!(hardship::level(&h, Fen(90_000)), Level::None);
}

#[test]
fn hardship_review_is_yearly_and_overdue_after_its_day() {
    assert_eq!(hardship::next_review(d("2024-02-29")), d("2025-02-28"));
    assert_eq!(hardship::next_review(d("2025-03-01")), d("2026-03-01"));
    assert!(!hardship::review_overdue(d("2026-03-01"), d("2026-03-01")));
    assert!(hardship::review_overdue(d("2026-03-01"), d("2026-03-02")));
}

#[test]
fn maternity_leave_follows_order_619() {
    assert_eq!(women::maternity_leave_days(false, 1), 98);
    assert_eq!(women::maternity_leave_days(true, 1), 113);
    assert_eq!(women::maternity_leave_days(false, 2), 113);
    assert_eq!(women::maternity_leave_days(true, 3), 143);
    assert_eq!(women::miscarriage_leave_days(3), 15);
    assert_eq!(women::miscarriage_leave_days(4), 42);
    assert_eq!(women::nursing_minutes_per_day(1), 60);
    assert_eq!(women::nursing_minutes_per_day(2), 120);
}

#[test]
fn protection_checklist_dates_from_the_expected_birth() {
    let list = women::checklist(d("2026-09-30"), None, false, 1);
    let get = |i: Item| list.iter().find(|(x, _)| *x == i).unwrap().1;
    assert_eq!(get(Item::SeventhMonth), d("2026-06-22"));
    assert_eq!(get(Item::LeaveStarts), d("2026-09-15"));
    // 98 days from 15 September inclusive end on 21 December.
    assert_eq!(get(Item::LeaveEnds), d("2026-12-21"));
    assert_eq!(get(Item::NursingEnds), d("2027-09-30"));
    let list = women::checklist(d("2026-09-30"), Some(d("2026-09-25")), true, 1);
    assert_eq!(list.iter().find(|(x, _)| *x == Item::NursingEnds).unwrap().1, d("2027-09-25"));
    assert_eq!(list.iter().find(|(x, _)| *x == Item::LeaveEnds).unwrap().1, d("2027-01-05"));
}

#[test]
fn retirees_milestone_birthdays_are_70_80_90() {
    assert_eq!(milestone_in(d("1956-04-02"), 2026), Some((70, d("2026-04-02"))));
    assert_eq!(milestone_in(d("1946-04-02"), 2026), Some((80, d("2026-04-02"))));
    assert_eq!(milestone_in(d("1957-04-02"), 2026), None);
    assert_eq!(milestone_in(d("1936-02-29"), 2026), Some((90, d("2026-02-28"))));
}

#[test]
fn request_lifecycle_follows_the_closed_loop() {
    let s = requests::next(State::Submitted, Step::Accept).unwrap();
    let s = requests::next(s, Step::Assign).unwrap();
    let s = requests::next(s, Step::Answer).unwrap();
    assert_eq!(s, State::Answered);
    assert_eq!(requests::next(s, Step::Reopen), Ok(State::Reopened));
    assert_eq!(requests::next(s, Step::Confirm), Ok(State::Confirmed));
    assert_eq!(requests::next(s, Step::ConfirmPartly), Ok(State::PartlySolved));
    assert_eq!(requests::next(State::Reopened, Step::Answer), Ok(State::Answered));
    assert_eq!(requests::next(State::Submitted, Step::Decline), Ok(State::Declined));
    assert_eq!(requests::next(State::Submitted, Step::Merge), Ok(State::Merged));
}

#[test]
fn request_lifecycle_refuses_skipped_steps() {
    assert!(requests::next(State::Submitted, Step::Answer).is_err());
    assert!(requests::next(State::Declined, Step::Accept).is_err());
    assert!(requests::next(State::Confirmed, Step::Reopen).is_err());
    assert!(requests::next(State::Accepted, Step::Confirm).is_err());
    let e = requests::next(State::Declined, Step::Answer).unwrap_err();
    assert!(e.message().contains("不予受理"));
}

#[test]
fn request_deadline_per_category_in_calendar_days() {
    assert_eq!(requests::answer_due(d("2026-12-20"), "welfare"), Some(d("2027-01-04")));
    assert_eq!(requests::answer_due(d("2026-12-20"), "suggestion"), Some(d("2027-01-19")));
    assert_eq!(requests::answer_due(d("2026-12-20"), "nonsense"), None);
    assert!(requests::is_overdue(State::Assigned, d("2027-01-04"), d("2027-01-05")));
    assert!(!requests::is_overdue(State::Answered, d("2027-01-04"), d("2027-01-05")));
}

#[test]
fn follow_up_code_is_read_without_dashes_and_case() {
    let c = requests::normalise_code("abcd-efgh-jkmn-pqr2").unwrap();
    assert_eq!(c, "ABCDEFGHJKMNPQR2");
    assert_eq!(requests::display_code(&c), "ABCD-EFGH-JKMN-PQR2");
    assert!(requests::normalise_code("ABCD-EFGH-JKMN-PQR0").is_none(), "0 is not in the alphabet");
    assert!(requests::normalise_code("ABCD").is_none());
}

#[test]
fn type_codes_of_a_school_are_checked() {
    assert!(valid_type_code("teacher_day"));
    assert!(!valid_type_code("Teacher"));
    assert!(!valid_type_code("x"));
    assert!(!valid_type_code("1abc"));
}
