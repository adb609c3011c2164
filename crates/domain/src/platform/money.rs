//! Money in fen (分, 1/100 yuan) and percentage rates, with integer-only arithmetic.
//!
//! No floating point anywhere: amounts are `i64` fen, rates are parts per million, and
//! products are computed in `i128` and rounded half-up to the fen.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

use crate::platform::error::ValidationError;
use crate::platform::text::normalize_compact;

/// The largest amount any one entry may carry (¥100,000,000.00): far above what a school union
/// books in a year, far below where a sum of many entries could overflow.
pub const MAX_AMOUNT: Fen = Fen(10_000_000_000);

/// An amount in fen. `+`, `-` and `sum` saturate instead of wrapping or panicking; use the
/// `checked_*` methods where a sum is booked.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Parses a yuan amount: `1234.5`, `1,234.50`, `¥1234`, `￥1234元`, `-12.3`, full-width.
    /// At most two decimals.
    pub fn parse_yuan(s: &str) -> Result<Fen, ValidationError> {
        let s = normalize_compact(s);
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let s = s.trim_start_matches(['¥', '￥']);
        let s = s.strip_suffix('元').unwrap_or(s);
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        // A comma groups thousands and nothing else: "12,5" is a decimal comma, not 125 yuan.
        let int: String = if int.contains(',') {
            let groups: Vec<&str> = int.split(',').collect();
            let first = groups.first().map_or(0, |g| g.len());
            if !(1..=3).contains(&first) || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(ValidationError::MisplacedComma);
            }
            groups.concat()
        } else {
            int.to_string()
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(&int) || !digits(frac) {
            return Err(ValidationError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(ValidationError::TooManyDecimals { max: 2 });
        }
        let mut fen: i64 = 0;
        let frac_padded = format!("{frac:0<2}");
        for b in int.bytes().chain(frac_padded.bytes()) {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or(ValidationError::TooLarge)?;
        }
        if fen > MAX_AMOUNT.0 {
            return Err(ValidationError::AboveMaximum { max: MAX_AMOUNT.display() });
        }
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// Like [`Fen::parse_yuan`] but rejects negative amounts.
    pub fn parse_yuan_non_negative(s: &str) -> Result<Fen, ValidationError> {
        let f = Self::parse_yuan(s)?;
        if f.0 < 0 {
            return Err(ValidationError::Negative);
        }
        Ok(f)
    }

    /// `1234.50`, `-0.05`: plain decimal yuan for CSV/xlsx cells and form values.
    pub fn yuan_string(&self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// `¥1,234.50`, negative `-¥1,234.50`.
    pub fn display(&self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}¥{}.{:02}", group_thousands(abs / 100), abs % 100)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    pub fn checked_mul(self, n: i64) -> Option<Fen> {
        self.0.checked_mul(n).map(Fen)
    }

    /// Sum that reports overflow instead of panicking.
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(items: I) -> Option<Fen> {
        items.into_iter().try_fold(Fen::ZERO, |acc, f| acc.checked_add(f))
    }

    pub fn is_negative(&self) -> bool {
        self.0 < 0
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// The operators saturate: no input can make a total wrap to a negative number or panic. Amounts
// that enter the system are bounded ([`MAX_AMOUNT`]), so a saturated total means bad data, not a
// large union; code that books a sum uses `checked_add` / `checked_sum` and refuses instead.
impl Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0.saturating_add(o.0))
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0.saturating_sub(o.0))
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        *self = *self + o;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        *self = *self - o;
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(self.0.saturating_neg())
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

/// A rate in parts per million: 0.5% is `Rate { per_million: 5000 }`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rate {
    pub per_million: i64,
}

impl Rate {
    /// The default union dues rate, 0.5%.
    pub const DEFAULT_DUES: Rate = Rate { per_million: 5000 };
    pub const ZERO: Rate = Rate { per_million: 0 };

    /// `0.5%` (percent, up to 4 decimals) or `0.005` (a fraction, up to 6 decimals).
    /// A number without `%` is always a fraction, so `0.5` means 50%. Must lie in 0..=100%.
    pub fn parse(s: &str) -> Result<Rate, ValidationError> {
        let s = normalize_compact(s);
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        if s.starts_with('-') {
            return Err(ValidationError::Negative);
        }
        let (num, scale_decimals) = match s.strip_suffix('%') {
            Some(p) => (p, 4usize),
            None => (s.as_str(), 6usize),
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return Err(ValidationError::NotANumber);
        }
        if frac.len() > scale_decimals {
            return Err(ValidationError::TooManyDecimals { max: scale_decimals as u32 });
        }
        if int.len() > 7 {
            return Err(ValidationError::TooLarge);
        }
        let padded = format!("{int}{frac:0<scale_decimals$}");
        let per_million: i64 = padded.parse().unwrap_or(0);
        if per_million > 1_000_000 {
            return Err(ValidationError::TooLarge);
        }
        Ok(Rate { per_million })
    }

    /// `0.5%`, `1%`, `1.2345%`.
    pub fn display(&self) -> String {
        let sign = if self.per_million < 0 { "-" } else { "" };
        let abs = self.per_million.unsigned_abs();
        let frac = format!("{:04}", abs % 10_000);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            format!("{sign}{}%", abs / 10_000)
        } else {
            format!("{sign}{}.{frac}%", abs / 10_000)
        }
    }
}

/// `base × rate`, rounded half-up to the fen (half away from zero for negative bases), with
/// an `i128` intermediate. Saturates at the `i64` bounds, which only a rate far above 100%
/// could reach.
pub fn apply_rate_half_up(base: Fen, rate: Rate) -> Fen {
    let product = i128::from(base.0) * i128::from(rate.per_million);
    let magnitude = (product.unsigned_abs() + 500_000) / 1_000_000;
    let signed = if product < 0 { -(magnitude as i128) } else { magnitude as i128 };
    Fen(i64::try_from(signed).unwrap_or(if signed < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
#[path = "money_tests.rs"]
mod tests;
