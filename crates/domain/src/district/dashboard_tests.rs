use std::collections::BTreeMap;

use super::*;

fn figs(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

fn row(name: &str, pairs: &[(&str, i64)]) -> Row {
    Row::new(name.into(), name.into(), name.into(), "区".into(), &figs(pairs))
}

#[test]
fn membership_rate_is_members_over_staff_in_permille_rounded_down() {
    let r = row("a", &[(code::MEMBERS, 2), (code::STAFF, 3)]);
    assert_eq!(r.get("membership_rate"), Some(666));
    assert_eq!(r.get("members"), Some(2));
}

#[test]
fn a_rate_without_a_denominator_has_no_value_rather_than_zero_or_full() {
    let r = row("a", &[]);
    assert_eq!(r.get("proposals_on_time_rate"), None);
    assert_eq!(permille(0, 0), None);
    assert_eq!(permille(5, 4), Some(1000), "a rate never passes 100 %");
    assert_eq!(permille(-1, 4), None);
}

#[test]
fn congress_held_is_a_flag_of_the_sessions_of_the_year() {
    assert_eq!(row("a", &[(code::CONGRESS_SESSIONS, 2)]).get("congress_held"), Some(1));
    assert_eq!(row("a", &[]).get("congress_held"), Some(0));
}

#[test]
fn the_self_score_is_empty_until_the_assessment_writes_it() {
    assert_eq!(row("a", &[]).get("self_score"), None);
    assert_eq!(row("a", &[(code::SELF_SCORE, 87)]).get("self_score"), Some(87));
}

#[test]
fn sorting_puts_schools_without_a_value_last_in_both_directions() {
    let mut rows = vec![
        row("b", &[(code::CARE_ON_TIME, 1), (code::CARE_DECIDED, 2)]),
        row("n", &[]),
        row("a", &[(code::CARE_ON_TIME, 2), (code::CARE_DECIDED, 2)]),
    ];
    sort_rows(&mut rows, "care_compliance_rate", true);
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b", "n"]);
    sort_rows(&mut rows, "care_compliance_rate", false);
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["b", "a", "n"]);
    sort_rows(&mut rows, "no-such-column", false);
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["a", "b", "n"]);
}

#[test]
fn below_threshold_keeps_low_and_unmeasured_schools() {
    let rows = vec![
        row("low", &[(code::MEMBERS, 1), (code::STAFF, 2)]),
        row("high", &[(code::MEMBERS, 9), (code::STAFF, 10)]),
        row("none", &[]),
    ];
    let kept = below(rows, "membership_rate", 800);
    assert_eq!(kept.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["low", "none"]);
}

#[test]
fn rate_bands_count_each_school_once_with_full_rates_in_the_top_band() {
    let rows = vec![
        row("a", &[(code::MEMBERS, 10), (code::STAFF, 10)]),
        row("b", &[(code::MEMBERS, 0), (code::STAFF, 10)]),
        row("c", &[(code::MEMBERS, 95), (code::STAFF, 100)]),
        row("d", &[]),
    ];
    let (bands, none) = rate_bands(&rows, "membership_rate");
    assert_eq!(bands[9], 2);
    assert_eq!(bands[0], 1);
    assert_eq!(none, 1);
    assert_eq!(bands.iter().sum::<i64>() + none, 4);
}

#[test]
fn a_disclosure_is_due_by_the_end_of_the_month_after_its_half() {
    assert_eq!(disclosure_deadline(2026, true), chrono::NaiveDate::from_ymd_opt(2026, 7, 31));
    assert_eq!(disclosure_deadline(2026, false), chrono::NaiveDate::from_ymd_opt(2027, 1, 31));
}

#[test]
fn every_column_key_is_unique_and_found() {
    for c in COLUMNS {
        assert_eq!(column(c.key), Some(c));
    }
}
