//! Union dues (会费): the month key, the monthly amount, and arrears (欠缴).
//!
//! Arrears rule: payments are recorded against the month they cover (a back-payment 补缴
//! for March is a payment line for March), so arrears are computed per month: for each month,
//! `max(due − paid, 0)`, summed. An overpayment in one month does not cancel another month's
//! arrears; it is surfaced separately by [`overpayment`] so a mis-booked payment gets fixed at
//! its source instead of silently hiding a debt.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::members::MemberStatus;
use crate::platform::error::ValidationError;
use crate::platform::money::{apply_rate_half_up, Fen, MoneyOverflow, Rate};

/// A calendar month, written `2026-09`. Orders chronologically.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthKey {
    pub year: i32,
    pub month: u32,
}

impl MonthKey {
    /// `None` unless `month` is 1..=12 and the year has four digits.
    pub fn new(year: i32, month: u32) -> Option<MonthKey> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(MonthKey { year, month })
    }

    /// `2026-09`, `2026-9`, `2026/9`, `2026.9`, `2026年9月`, `202609`; full-width allowed.
    pub fn parse(s: &str) -> Result<MonthKey, ValidationError> {
        let s = crate::platform::text::normalize_compact(s);
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        let (y, m) = if let Some(rest) = s.strip_suffix('月') {
            rest.split_once('年')
        } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(s.split_at(4))
        } else {
            s.split_once(['-', '/', '.'])
        }
        .ok_or(ValidationError::DateFormat)?;
        let digits = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || !digits(y, 4) || !digits(m, 2) {
            return Err(ValidationError::DateFormat);
        }
        let year = y.parse().map_err(|_| ValidationError::DateFormat)?;
        let month = m.parse().map_err(|_| ValidationError::DateFormat)?;
        MonthKey::new(year, month).ok_or(ValidationError::DateFormat)
    }

    pub fn of(d: NaiveDate) -> MonthKey {
        MonthKey { year: d.year(), month: d.month() }
    }

    pub fn first_day(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    pub fn next(&self) -> MonthKey {
        if self.month >= 12 {
            MonthKey { year: self.year + 1, month: 1 }
        } else {
            MonthKey { year: self.year, month: self.month + 1 }
        }
    }

    pub fn prev(&self) -> MonthKey {
        if self.month <= 1 {
            MonthKey { year: self.year - 1, month: 12 }
        } else {
            MonthKey { year: self.year, month: self.month - 1 }
        }
    }

    /// `2026年9月`.
    pub fn format_zh(&self) -> String {
        format!("{}年{}月", self.year, self.month)
    }

    /// Every month from `self` to `end` inclusive (empty when `end < self`).
    pub fn through(self, end: MonthKey) -> impl Iterator<Item = MonthKey> {
        std::iter::successors(Some(self), |m| Some(m.next())).take_while(move |m| *m <= end)
    }
}

impl fmt::Display for MonthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for MonthKey {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MonthKey::parse(s)
    }
}

impl TryFrom<String> for MonthKey {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        MonthKey::parse(&s)
    }
}

impl From<MonthKey> for String {
    fn from(m: MonthKey) -> String {
        m.to_string()
    }
}

/// Monthly dues: base salary × rate, rounded half-up to the fen.
pub fn monthly_dues(base_salary: Fen, rate: Rate) -> Fen {
    apply_rate_half_up(base_salary, rate)
}

/// The months of the school year (September to August) from its start up to `until`.
pub fn school_year_months(until: MonthKey) -> Vec<MonthKey> {
    let start_year = if until.month >= 9 { until.year } else { until.year - 1 };
    let start = MonthKey::new(start_year, 9).unwrap_or(until);
    start.through(until).collect()
}

/// The dues of one month for a member: the retirees' rate for a retired member, the school's rate
/// otherwise; nothing when no base salary is known.
pub fn dues_for(base: Option<Fen>, retired: bool, active_rate: Rate, retired_rate: Rate) -> Fen {
    base.map(|b| monthly_dues(b, if retired { retired_rate } else { active_rate })).unwrap_or(Fen(0))
}

/// The school's two dues rates.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DuesRates {
    pub active: Rate,
    pub retired: Rate,
}

/// What a member owes for one month, the one rule behind the month sheet, the member's own page,
/// the API, the exports and the home page's to-do count. `None`: the month asks nothing of this
/// member (a month still to come, a month before they joined the union, or a status that pays no
/// dues); `Some(amount)` otherwise, `Some(Fen(0))` when no base salary is known for the month.
/// Dues start in the month the member joined the union (入会当月起缴); a member whose date of
/// joining is not recorded owes from whatever month is asked.
pub fn owed_for_month(
    status: MemberStatus,
    joined_union: Option<NaiveDate>,
    base: Option<Fen>,
    month: MonthKey,
    current: MonthKey,
    rates: DuesRates,
) -> Option<Fen> {
    let retired = match status {
        MemberStatus::Active => false,
        MemberStatus::Retired => true,
        MemberStatus::NonMember | MemberStatus::TransferredOut | MemberStatus::Deceased => return None,
    };
    if month > current || joined_union.is_some_and(|d| month < MonthKey::of(d)) {
        return None;
    }
    Some(dues_for(base, retired, rates.active, rates.retired))
}

/// Whether and with what amount due a month appears on a dues sheet (the school's month sheet and
/// a member's year): a month that asks something of the member is listed with what it asks; a
/// month that asks nothing is listed only when money was booked for it anyway, then with nothing
/// due, so the payment is never hidden.
pub fn listed_due(owed: Option<Fen>, paid: Fen) -> Option<Fen> {
    owed.or((paid != Fen(0)).then_some(Fen(0)))
}

/// One dues payment as entered: a non-negative yuan amount no larger than the school's maximum
/// for a single payment.
pub fn payment_amount(text: &str, max: Fen) -> Result<Fen, ValidationError> {
    let amount = Fen::parse_yuan_non_negative(text)?;
    if amount > max {
        return Err(ValidationError::AboveMaximum { max: max.display() });
    }
    Ok(amount)
}

/// What one member owed and paid for one month.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesLine {
    pub month: MonthKey,
    pub due: Fen,
    pub paid: Fen,
}

/// Lines merged per month (several payment lines for one month add up), in month order.
/// [`MoneyOverflow`] when a month's total cannot be represented (a wrong stored amount).
pub fn by_month(lines: &[DuesLine]) -> Result<Vec<DuesLine>, MoneyOverflow> {
    let mut map: BTreeMap<MonthKey, (i128, i128)> = BTreeMap::new();
    for l in lines {
        let e = map.entry(l.month).or_default();
        e.0 += i128::from(l.due.0);
        e.1 += i128::from(l.paid.0);
    }
    map.into_iter().map(|(month, (due, paid))| Ok(DuesLine { month, due: fen(due)?, paid: fen(paid)? })).collect()
}

/// 欠缴: the sum over months of `max(due − paid, 0)` (see the module doc for why per month).
pub fn arrears(lines: &[DuesLine]) -> Result<Fen, MoneyOverflow> {
    fen(per_month(lines).map(|d| d.max(0)).sum())
}

/// The sum over months of `max(paid − due, 0)`: money booked beyond what was due.
pub fn overpayment(lines: &[DuesLine]) -> Result<Fen, MoneyOverflow> {
    fen(per_month(lines).map(|d| (-d).max(0)).sum())
}

/// The months with arrears, in order.
pub fn arrears_months(lines: &[DuesLine]) -> Result<Vec<MonthKey>, MoneyOverflow> {
    Ok(by_month(lines)?.into_iter().filter(|l| l.due > l.paid).map(|l| l.month).collect())
}

/// due − paid per month, in i128: a sum of `i64` terms cannot overflow it before the count of
/// lines reaches 2^64.
fn per_month(lines: &[DuesLine]) -> impl Iterator<Item = i128> {
    let mut map: BTreeMap<MonthKey, i128> = BTreeMap::new();
    for l in lines {
        *map.entry(l.month).or_default() += i128::from(l.due.0) - i128::from(l.paid.0);
    }
    map.into_values()
}

/// An exact total back in fen, or [`MoneyOverflow`] when it does not fit.
fn fen(v: i128) -> Result<Fen, MoneyOverflow> {
    i64::try_from(v).map(Fen).map_err(|_| MoneyOverflow)
}

#[cfg(test)]
#[path = "dues_tests.rs"]
mod tests;
