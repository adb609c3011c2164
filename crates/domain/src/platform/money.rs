//! Money in fen (分, 1/100 yuan) and percentage rates, with integer-only arithmetic.
//!
//! No floating point anywhere: amounts are `i64` fen, rates are parts per million, and
//! products are computed in `i128` and rounded half-up to the fen.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::platform::error::ValidationError;
use crate::platform::text::normalize_compact;

/// The largest amount any one entry may carry (¥100,000,000.00): far above what a school union
/// books in a year, far below where a sum of many entries could overflow.
pub const MAX_AMOUNT: Fen = Fen(10_000_000_000);

/// An amount in fen. There are deliberately no `+`, `-` or `Sum` operators: every sum of money
/// goes through [`Fen::checked_add`] or [`sum_fen`], so a total that cannot be represented is a
/// [`MoneyOverflow`] the caller must report, never a wrapped or silently saturated number.
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

/// A total of money beyond what an `i64` of fen can hold. Amounts entering the system are bounded
/// ([`MAX_AMOUNT`]), so this means a stored amount is wrong (booked before the bound, or written
/// around the application), not that the union is large: the fix is to correct that amount.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Error)]
#[error("金额合计超出可计算的范围：有一笔金额异常大，请找出并更正这笔金额后再试")]
pub struct MoneyOverflow;

/// The sum of `items`, or [`MoneyOverflow`] when it cannot be represented.
pub fn sum_fen<I: IntoIterator<Item = Fen>>(items: I) -> Result<Fen, MoneyOverflow> {
    items.into_iter().try_fold(Fen::ZERO, |acc, f| acc.checked_add(f).ok_or(MoneyOverflow))
}

/// `total + amount`, or [`MoneyOverflow`]: for running totals (`t = add_fen(t, x)?`).
pub fn add_fen(total: Fen, amount: Fen) -> Result<Fen, MoneyOverflow> {
    total.checked_add(amount).ok_or(MoneyOverflow)
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
