//! Tests of `dues`: month keys, monthly amount and the per-month arrears rule.

use super::*;
use proptest::prelude::*;

fn m(s: &str) -> MonthKey {
    MonthKey::parse(s).unwrap()
}

fn line(month: &str, due: i64, paid: i64) -> DuesLine {
    DuesLine { month: m(month), due: Fen(due), paid: Fen(paid) }
}

#[test]
fn month_key_parse_and_display() {
    for s in ["2026-09", "2026-9", "2026/9", "2026.09", "2026年9月", "202609", "２０２６－０９"] {
        assert_eq!(MonthKey::parse(s).map(|k| k.to_string()), Ok("2026-09".into()), "{s}");
    }
    for s in ["2026-13", "2026-0", "26-09", "2026", "2026-09-01", ""] {
        assert!(MonthKey::parse(s).is_err(), "{s}");
    }
    assert_eq!(m("2026-09").format_zh(), "2026年9月");
}

#[test]
fn month_key_next_prev_cross_year() {
    assert_eq!(m("2026-12").next(), m("2027-01"));
    assert_eq!(m("2027-01").prev(), m("2026-12"));
    assert_eq!(m("2026-09").next().prev(), m("2026-09"));
}

#[test]
fn month_key_orders_chronologically() {
    assert!(m("2026-12") < m("2027-01"));
    assert!(m("2026-02") < m("2026-10"));
    let months: Vec<String> = m("2026-11").through(m("2027-02")).map(|k| k.to_string()).collect();
    assert_eq!(months, ["2026-11", "2026-12", "2027-01", "2027-02"]);
}

#[test]
fn month_key_serde_as_string() {
    let k: MonthKey = "2026-09".to_string().try_into().unwrap();
    assert_eq!(String::from(k), "2026-09");
}

#[test]
fn dues_default_rate_half_percent() {
    // 6543.21 yuan × 0.5% = 32.71605 -> 32.72
    assert_eq!(monthly_dues(Fen(654_321), Rate::DEFAULT_DUES), Fen(3272));
    assert_eq!(monthly_dues(Fen(654_321), Rate::ZERO), Fen(0));
}

#[test]
fn arrears_summed_per_month_floored_at_zero() {
    let lines = [line("2026-01", 3000, 3000), line("2026-02", 3000, 1000), line("2026-03", 3000, 0)];
    assert_eq!(arrears(&lines), Ok(Fen(5000)));
    assert_eq!(arrears_months(&lines), Ok(vec![m("2026-02"), m("2026-03")]));
}

#[test]
fn arrears_overpayment_does_not_cancel_other_month() {
    let lines = [line("2026-01", 3000, 6000), line("2026-02", 3000, 0)];
    assert_eq!(arrears(&lines), Ok(Fen(3000)));
    assert_eq!(overpayment(&lines), Ok(Fen(3000)));
}

#[test]
fn arrears_back_payment_lines_for_same_month_add_up() {
    // A 补缴 is a second payment line for the month it covers.
    let lines = [line("2026-02", 3000, 1000), line("2026-02", 0, 2000)];
    assert_eq!(arrears(&lines), Ok(Fen(0)));
    assert_eq!(by_month(&lines), Ok(vec![line("2026-02", 3000, 3000)]));
}

#[test]
fn arrears_of_nothing_is_zero() {
    assert_eq!(arrears(&[]), Ok(Fen(0)));
}

#[test]
fn month_totals_beyond_what_fen_can_hold_are_an_overflow_error_not_a_clamped_amount() {
    // Two payment lines for one month whose sum no i64 can hold (amounts written around the
    // application's bound): every total refuses instead of showing a clamped number.
    let lines = [line("2026-02", 0, i64::MAX), line("2026-02", 0, i64::MAX)];
    assert_eq!(by_month(&lines), Err(MoneyOverflow));
    assert_eq!(overpayment(&lines), Err(MoneyOverflow));
    let owed = [line("2026-01", i64::MAX, 0), line("2026-02", i64::MAX, 0)];
    assert_eq!(arrears(&owed), Err(MoneyOverflow));
    assert_eq!(arrears_months(&lines), Err(MoneyOverflow));
}

proptest! {
    #[test]
    fn month_key_parse_never_panics(s in any::<String>()) {
        let _ = MonthKey::parse(&s);
    }

    #[test]
    fn month_key_display_parse_round_trips(year in 1000i32..=9999, month in 1u32..=12) {
        let k = MonthKey { year, month };
        prop_assert_eq!(MonthKey::parse(&k.to_string()), Ok(k));
    }

    #[test]
    fn arrears_never_negative_and_bounds_net(
        raw in proptest::collection::vec((1u32..=12, 0i64..1_000_000, 0i64..1_000_000), 0..30)
    ) {
        let lines: Vec<DuesLine> = raw
            .iter()
            .map(|&(mo, due, paid)| DuesLine { month: MonthKey { year: 2026, month: mo }, due: Fen(due), paid: Fen(paid) })
            .collect();
        let a = arrears(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(a >= Fen(0));
        let net: i64 = lines.iter().map(|l| l.due.0 - l.paid.0).sum();
        let over = overpayment(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(a.0 - over.0, net);
    }
}

#[test]
fn school_year_runs_september_to_august() {
    let months = |s: &str| school_year_months(m(s)).iter().map(|m| m.to_string()).collect::<Vec<_>>();
    assert_eq!(months("2026-11"), ["2026-09", "2026-10", "2026-11"]);
    assert_eq!(months("2027-02").first().map(String::as_str), Some("2026-09"));
    assert_eq!(months("2026-09"), ["2026-09"]);
}

#[test]
fn retired_members_pay_the_retirees_rate() {
    let active = Rate { per_million: 5000 };
    let retired = Rate { per_million: 0 };
    assert_eq!(dues_for(Some(Fen(600_000)), false, active, retired), Fen(3000));
    assert_eq!(dues_for(Some(Fen(600_000)), true, active, retired), Fen(0));
    assert_eq!(dues_for(None, false, active, retired), Fen(0));
}

fn rates() -> DuesRates {
    DuesRates { active: Rate { per_million: 5_000 }, retired: Rate { per_million: 2_000 } }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn dues_start_in_the_month_the_member_joined_the_union() {
    let joined = Some(day("2026-10-15"));
    let owed =
        |month| owed_for_month(MemberStatus::Active, joined, Some(Fen(600_000)), m(month), m("2026-12"), rates());
    assert_eq!(owed("2026-09"), None, "before joining nothing is owed");
    assert_eq!(owed("2026-10"), Some(Fen(3_000)), "the month of joining is owed");
    assert_eq!(owed("2026-12"), Some(Fen(3_000)));
}

#[test]
fn no_dues_are_owed_for_a_month_still_to_come() {
    let owed = owed_for_month(MemberStatus::Active, None, Some(Fen(600_000)), m("2027-01"), m("2026-12"), rates());
    assert_eq!(owed, None);
}

#[test]
fn retirees_owe_at_the_retired_rate_and_leavers_owe_nothing() {
    let owed = |status| owed_for_month(status, None, Some(Fen(600_000)), m("2026-11"), m("2026-12"), rates());
    assert_eq!(owed(MemberStatus::Retired), Some(Fen(1_200)));
    for status in [MemberStatus::NonMember, MemberStatus::TransferredOut, MemberStatus::Deceased] {
        assert_eq!(owed(status), None, "{status:?}");
    }
}

#[test]
fn a_month_without_a_known_salary_is_owed_but_at_zero() {
    let owed = owed_for_month(MemberStatus::Active, None, None, m("2026-11"), m("2026-12"), rates());
    assert_eq!(owed, Some(Fen(0)));
}

#[test]
fn a_single_payment_may_not_exceed_the_schools_maximum() {
    assert_eq!(payment_amount("10000", Fen(1_000_000)), Ok(Fen(1_000_000)));
    assert_eq!(
        payment_amount("10000.01", Fen(1_000_000)),
        Err(ValidationError::AboveMaximum { max: "¥10,000.00".into() })
    );
    assert_eq!(payment_amount("12,5", Fen(1_000_000)), Err(ValidationError::MisplacedComma));
    assert_eq!(payment_amount("-1", Fen(1_000_000)), Err(ValidationError::Negative));
}

#[test]
fn a_month_that_asks_nothing_is_listed_only_when_money_was_booked_for_it() {
    assert_eq!(listed_due(Some(Fen(1250)), Fen(0)), Some(Fen(1250)));
    assert_eq!(listed_due(Some(Fen(1250)), Fen(1250)), Some(Fen(1250)));
    assert_eq!(listed_due(None, Fen(0)), None);
    assert_eq!(listed_due(None, Fen(800)), Some(Fen(0)));
}
