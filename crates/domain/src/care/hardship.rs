//! Hardship files (困难职工档案): the level computed from the household's figures, and the
//! annual review (动态管理).

use chrono::{Months, NaiveDate};

use crate::platform::money::Fen;

/// 深度困难 / 相对困难 / 意外致困, or not in hardship by the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Deep,
    Relative,
    Accident,
    None,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Deep, Level::Relative, Level::Accident, Level::None];
    pub fn code(&self) -> &'static str {
        match self {
            Level::Deep => "deep",
            Level::Relative => "relative",
            Level::Accident => "accident",
            Level::None => "none",
        }
    }
    pub fn from_code(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            Level::Deep => "care-level-deep",
            Level::Relative => "care-level-relative",
            Level::Accident => "care-level-accident",
            Level::None => "care-level-none",
        }
    }
}
crate::stored_code!(Level, serialize);

/// The figures of a household as entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Household {
    pub size: i64,
    /// Household income of the year.
    pub income_year: Fen,
    /// Rigid expenses of the year (medical, schooling …).
    pub rigid_year: Fen,
    /// Hardship costs of the year (illness, disaster).
    pub hardship_costs_year: Fen,
    /// An accident or disaster struck.
    pub accident: bool,
}

/// The level rule: (income − rigid expenses) per head per month below the local 低保 line is
/// 深度困难, below twice the line 相对困难; otherwise an accident, or hardship costs above 80 %
/// of the year's income, is 意外致困. Integer arithmetic in i128: no rounding of the per-head
/// figure changes the level.
pub fn level(h: &Household, dibao_month: Fen) -> Level {
    if h.size <= 0 {
        return Level::None;
    }
    let net = i128::from(h.income_year.0) - i128::from(h.rigid_year.0);
    // net / size / 12 < dibao  ⇔  net < dibao × 12 × size
    let line = i128::from(dibao_month.0) * 12 * i128::from(h.size);
    if net < line {
        return Level::Deep;
    }
    if net < 2 * line {
        return Level::Relative;
    }
    if h.accident || i128::from(h.hardship_costs_year.0) * 10 > i128::from(h.income_year.0) * 8 {
        return Level::Accident;
    }
    Level::None
}

/// Income per head per month, rounded down to the fen (for display).
pub fn income_per_head_month(h: &Household) -> Fen {
    if h.size <= 0 {
        return Fen::ZERO;
    }
    Fen(h.income_year.0 / 12 / h.size)
}

/// The next review: one year after the last review (or the filing), on the same day.
pub fn next_review(last: NaiveDate) -> NaiveDate {
    last.checked_add_months(Months::new(12)).unwrap_or(last)
}

/// A review is overdue the day after its date.
pub fn review_overdue(review: NaiveDate, today: NaiveDate) -> bool {
    today > review
}
