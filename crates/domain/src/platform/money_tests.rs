//! Tests of `money`: parsing and formatting of yuan amounts, rates and half-up rounding.

use super::*;
use proptest::prelude::*;

#[test]
fn yuan_parse_accepts_common_forms() {
    assert_eq!(Fen::parse_yuan("1234.5"), Ok(Fen(123_450)));
    assert_eq!(Fen::parse_yuan("1,234.50"), Ok(Fen(123_450)));
    assert_eq!(Fen::parse_yuan("¥1234"), Ok(Fen(123_400)));
    assert_eq!(Fen::parse_yuan("￥1,234元"), Ok(Fen(123_400)));
    assert_eq!(Fen::parse_yuan("１２３４．５０"), Ok(Fen(123_450)));
    assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
    assert_eq!(Fen::parse_yuan("-¥1,234.50"), Ok(Fen(-123_450)));
    assert_eq!(Fen::parse_yuan("0.01"), Ok(Fen(1)));
}

#[test]
fn yuan_parse_rejects_three_decimals() {
    assert_eq!(Fen::parse_yuan("1.234"), Err(ValidationError::TooManyDecimals { max: 2 }));
}

#[test]
fn yuan_parse_rejects_garbage_and_overflow() {
    for s in ["abc", "1.2.3", "1e5", "--1", ".", "¥"] {
        assert_eq!(Fen::parse_yuan(s), Err(ValidationError::NotANumber), "{s}");
    }
    assert_eq!(Fen::parse_yuan(""), Err(ValidationError::Required));
    assert_eq!(Fen::parse_yuan("99999999999999999999"), Err(ValidationError::TooLarge));
    assert_eq!(Fen::parse_yuan_non_negative("-1"), Err(ValidationError::Negative));
}

#[test]
fn yuan_display_groups_thousands() {
    assert_eq!(Fen(123_450).display(), "¥1,234.50");
    assert_eq!(Fen(-123_450).display(), "-¥1,234.50");
    assert_eq!(Fen(5).display(), "¥0.05");
    assert_eq!(Fen(100_000_000).display(), "¥1,000,000.00");
    assert_eq!(Fen(i64::MIN).display(), "-¥92,233,720,368,547,758.08");
}

#[test]
fn yuan_string_plain_two_decimals() {
    assert_eq!(Fen(123_450).yuan_string(), "1234.50");
    assert_eq!(Fen(-5).yuan_string(), "-0.05");
    assert_eq!(Fen(0).yuan_string(), "0.00");
}

#[test]
fn fen_arithmetic_and_checked_ops() {
    assert_eq!(Fen(5).checked_add(Fen(7)).and_then(|f| f.checked_sub(Fen(2))), Some(Fen(10)));
    assert_eq!(sum_fen([Fen(1), Fen(2), Fen(3)]), Ok(Fen(6)));
    assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
    assert_eq!(Fen::checked_sum([Fen(i64::MAX), Fen(1)]), None);
    assert_eq!(Fen::checked_sum([Fen(1), Fen(2)]), Some(Fen(3)));
}

#[test]
fn rate_parse_percent_and_fraction() {
    assert_eq!(Rate::parse("0.5%"), Ok(Rate::DEFAULT_DUES));
    assert_eq!(Rate::parse("0.005"), Ok(Rate::DEFAULT_DUES));
    assert_eq!(Rate::parse("０．５％"), Ok(Rate::DEFAULT_DUES));
    assert_eq!(Rate::parse("100%"), Ok(Rate { per_million: 1_000_000 }));
    assert_eq!(Rate::parse("0"), Ok(Rate::ZERO));
    assert_eq!(Rate::parse("-1%"), Err(ValidationError::Negative));
    assert_eq!(Rate::parse("101%"), Err(ValidationError::TooLarge));
    assert_eq!(Rate::parse("2"), Err(ValidationError::TooLarge));
    assert_eq!(Rate::parse("x%"), Err(ValidationError::NotANumber));
    assert_eq!(Rate::parse("0.12345%"), Err(ValidationError::TooManyDecimals { max: 4 }));
}

#[test]
fn rate_display_trims_zeros() {
    assert_eq!(Rate::DEFAULT_DUES.display(), "0.5%");
    assert_eq!(Rate { per_million: 10_000 }.display(), "1%");
    assert_eq!(Rate::ZERO.display(), "0%");
    assert_eq!(Rate { per_million: 12_345 }.display(), "1.2345%");
}

#[test]
fn dues_round_half_up_to_fen() {
    // 4321.00 yuan × 0.5% = 21.605 -> 21.61
    assert_eq!(apply_rate_half_up(Fen(432_100), Rate::DEFAULT_DUES), Fen(2161));
    // 4320.90 × 0.5% = 21.6045 -> 21.60
    assert_eq!(apply_rate_half_up(Fen(432_090), Rate::DEFAULT_DUES), Fen(2160));
    // exactly half a fen: 1 fen × 50% = 0.5 -> 1
    assert_eq!(apply_rate_half_up(Fen(1), Rate { per_million: 500_000 }), Fen(1));
    assert_eq!(apply_rate_half_up(Fen(-1), Rate { per_million: 500_000 }), Fen(-1));
    assert_eq!(apply_rate_half_up(Fen(i64::MAX), Rate { per_million: 2_000_000 }), Fen(i64::MAX));
}

/// Exact rational reference: round(b·r / 10^6) half away from zero, via the floor of
/// (2·b·r + 10^6) / (2·10^6) on the magnitude.
fn reference(base: i64, per_million: i64) -> i128 {
    let num = i128::from(base) * i128::from(per_million);
    let mag = (2 * num.abs() + 1_000_000).div_euclid(2_000_000);
    if num < 0 {
        -mag
    } else {
        mag
    }
}

proptest! {
    #[test]
    fn apply_rate_equals_exact_rational(base in -10_000_000_000i64..10_000_000_000, pm in 0i64..=1_000_000) {
        let got = apply_rate_half_up(Fen(base), Rate { per_million: pm });
        prop_assert_eq!(i128::from(got.0), reference(base, pm));
    }

    #[test]
    fn parse_yuan_display_round_trips(v in -MAX_AMOUNT.0..=MAX_AMOUNT.0) {
        prop_assert_eq!(Fen::parse_yuan(&Fen(v).display()), Ok(Fen(v)));
        prop_assert_eq!(Fen::parse_yuan(&Fen(v).yuan_string()), Ok(Fen(v)));
    }

    #[test]
    fn money_parse_never_panics(s in any::<String>()) {
        let _ = Fen::parse_yuan(&s);
        let _ = Rate::parse(&s);
    }

    #[test]
    fn rate_display_parse_round_trips(pm in 0i64..=1_000_000) {
        let r = Rate { per_million: pm };
        prop_assert_eq!(Rate::parse(&r.display()), Ok(r));
    }
}

#[test]
fn a_comma_only_groups_thousands_and_a_decimal_comma_is_refused() {
    assert_eq!(Fen::parse_yuan("1,234,567.89"), Ok(Fen(123_456_789)));
    assert_eq!(Fen::parse_yuan("１２，５"), Err(ValidationError::MisplacedComma));
    for s in ["12,5", "12,50", "1,2345", ",123", "1234,567", "1,,234"] {
        assert_eq!(Fen::parse_yuan(s), Err(ValidationError::MisplacedComma), "{s}");
    }
}

#[test]
fn an_amount_above_the_maximum_any_entry_may_carry_is_refused() {
    assert_eq!(Fen::parse_yuan("100000000"), Ok(MAX_AMOUNT));
    assert!(matches!(Fen::parse_yuan("100000000.01"), Err(ValidationError::AboveMaximum { .. })));
    assert!(matches!(Fen::parse_yuan("92233720368547758.07"), Err(ValidationError::AboveMaximum { .. })));
    assert!(matches!(Fen::parse_yuan("-100000000.01"), Err(ValidationError::AboveMaximum { .. })));
}

#[test]
fn a_total_beyond_what_fen_can_hold_is_an_overflow_error_not_a_wrapped_or_saturated_amount() {
    assert_eq!(sum_fen([Fen(i64::MAX - 1), Fen(i64::MAX - 1)]), Err(MoneyOverflow));
    assert_eq!(sum_fen([Fen(i64::MIN), Fen(-1)]), Err(MoneyOverflow));
    assert_eq!(add_fen(Fen(i64::MAX), Fen(1)), Err(MoneyOverflow));
    assert_eq!(add_fen(Fen(i64::MAX), Fen(-1)), Ok(Fen(i64::MAX - 1)));
    // Two payments each at the maximum a payment may carry add up without trouble.
    assert_eq!(sum_fen([MAX_AMOUNT, MAX_AMOUNT]), Ok(Fen(2 * MAX_AMOUNT.0)));
    assert_eq!(sum_fen([]), Ok(Fen::ZERO));
}
