//! Exact fractions `"a/b"` for quorum, threshold and flag rules.
//!
//! A bulletin writes fractions as strings `"a/b"` (ballots.md). Every comparison of a count against
//! `fraction × base` is done by cross-multiplying in `u128`, which cannot overflow for `u64` inputs,
//! so "2/3 以上" and "过半数" are decided exactly, never with floats.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fraction `num/den` with `den > 0` and `num ≤ den` (a share of a body of people).
///
/// The written form is kept as given (not reduced), so a bulletin round-trips unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    num: u64,
    den: u64,
}

/// Why a string is not a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FractionError {
    /// Not of the form digits `/` digits.
    Syntax,
    /// The denominator is zero.
    ZeroDenominator,
    /// The numerator exceeds the denominator (a share above the whole body).
    AboveOne,
}

impl Fraction {
    /// `num/den`, or `None` when `den == 0` or `num > den`.
    pub fn new(num: u64, den: u64) -> Option<Self> {
        (den > 0 && num <= den).then_some(Self { num, den })
    }

    /// One half, the default threshold (过半数).
    pub const HALF: Fraction = Fraction { num: 1, den: 2 };
    /// One third, the default ratio of fail answers that flags an evaluated leader.
    pub const THIRD: Fraction = Fraction { num: 1, den: 3 };
    /// Two thirds (三分之二): the congress quorum, and the threshold of weighty decisions.
    pub const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };

    /// Parses exactly `"a/b"`: ASCII digits, one slash, ASCII digits, no sign and no spaces.
    pub fn parse(s: &str) -> Result<Self, FractionError> {
        let (a, b) = s.split_once('/').ok_or(FractionError::Syntax)?;
        let num = parse_digits(a).ok_or(FractionError::Syntax)?;
        let den = parse_digits(b).ok_or(FractionError::Syntax)?;
        if den == 0 {
            return Err(FractionError::ZeroDenominator);
        }
        Self::new(num, den).ok_or(FractionError::AboveOne)
    }

    pub fn num(&self) -> u64 {
        self.num
    }

    pub fn den(&self) -> u64 {
        self.den
    }

    /// `count ≥ self × base`, exactly (used for quorum: 三分之二以上 includes the bound).
    pub fn reached_by(&self, count: u64, base: u64) -> bool {
        u128::from(count) * u128::from(self.den) >= u128::from(self.num) * u128::from(base)
    }

    /// `count > self × base`, exactly (used for thresholds: 过半数 excludes exactly half).
    pub fn exceeded_by(&self, count: u64, base: u64) -> bool {
        u128::from(count) * u128::from(self.den) > u128::from(self.num) * u128::from(base)
    }
}

fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

impl FromStr for Fraction {
    type Err = FractionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Fraction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(|_| serde::de::Error::custom(format!("bad fraction {s:?}, expected \"a/b\"")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraction_parses_only_a_slash_b() {
        assert_eq!(Fraction::parse("2/3"), Ok(Fraction { num: 2, den: 3 }));
        assert_eq!(Fraction::parse("0/1"), Ok(Fraction { num: 0, den: 1 }));
        assert_eq!(Fraction::parse("1/1"), Ok(Fraction { num: 1, den: 1 }));
        for s in ["1", "", "/", "1/", "/2", "-1/2", "+1/2", " 1/2", "1/2 ", "1.0/2", "1/2/3", "½", "１/２"] {
            assert_eq!(Fraction::parse(s), Err(FractionError::Syntax), "{s:?}");
        }
        assert_eq!(Fraction::parse("1/0"), Err(FractionError::ZeroDenominator));
        assert_eq!(Fraction::parse("3/2"), Err(FractionError::AboveOne));
        assert_eq!(Fraction::parse("99999999999999999999/1"), Err(FractionError::Syntax));
    }

    #[test]
    fn fraction_display_round_trips_unreduced() {
        let f = Fraction::parse("4/6").unwrap();
        assert_eq!(f.to_string(), "4/6");
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"4/6\"");
        assert_eq!(serde_json::from_str::<Fraction>("\"4/6\"").unwrap(), f);
        assert!(serde_json::from_str::<Fraction>("\"4/0\"").is_err());
    }

    #[test]
    fn quorum_two_thirds_includes_the_bound() {
        let q = Fraction::parse("2/3").unwrap();
        assert!(q.reached_by(40, 60));
        assert!(!q.reached_by(39, 60));
        // 2/3 of 62 is 41.33…: 41 is short, 42 reaches it.
        assert!(!q.reached_by(41, 62));
        assert!(q.reached_by(42, 62));
    }

    #[test]
    fn threshold_half_excludes_exactly_half() {
        let h = Fraction::HALF;
        assert!(!h.exceeded_by(31, 62));
        assert!(h.exceeded_by(32, 62));
        assert!(h.exceeded_by(32, 63));
        assert!(!h.exceeded_by(31, 63));
        assert!(!h.exceeded_by(0, 0));
    }

    #[test]
    fn comparisons_do_not_overflow_at_u64_max() {
        let f = Fraction::new(u64::MAX - 1, u64::MAX).unwrap();
        assert!(f.reached_by(u64::MAX, u64::MAX));
        assert!(!f.exceeded_by(u64::MAX - 1, u64::MAX));
        assert!(f.exceeded_by(u64::MAX, u64::MAX));
    }
}
