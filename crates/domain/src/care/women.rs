//! Women staff protection (女职工劳动保护特别规定, 国务院令第619号): leave lengths and the dates
//! of the special-protection checklist (孕期/产期/哺乳期) the 女工委员 is reminded of.

use chrono::{Days, Months, NaiveDate};

/// Maternity leave: 98 days (15 of them before the birth), +15 for a difficult birth, +15 for
/// each additional baby of a multiple birth.
pub fn maternity_leave_days(difficult: bool, babies: u32) -> u32 {
    98 + if difficult { 15 } else { 0 } + 15 * babies.saturating_sub(1)
}

/// Leave after a miscarriage: 15 days before the 4th month of pregnancy, 42 days from it.
pub fn miscarriage_leave_days(months_pregnant: u32) -> u32 {
    if months_pregnant < 4 {
        15
    } else {
        42
    }
}

/// Breastfeeding time per working day in minutes: 60, +60 per additional baby.
pub fn nursing_minutes_per_day(babies: u32) -> u32 {
    60 * babies.max(1)
}

/// One item of the protection checklist and the date it starts (the reminder date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// From the 7th month of pregnancy: no overtime or night shifts, prenatal checks are working time.
    SeventhMonth,
    /// Maternity leave begins (15 days before the expected birth).
    LeaveStarts,
    /// Maternity leave ends.
    LeaveEnds,
    /// The child turns one: nursing protections end.
    NursingEnds,
}

impl Item {
    pub fn code(&self) -> &'static str {
        match self {
            Item::SeventhMonth => "seventh_month",
            Item::LeaveStarts => "leave_starts",
            Item::LeaveEnds => "leave_ends",
            Item::NursingEnds => "nursing_ends",
        }
    }
    pub fn key(&self) -> &'static str {
        match self {
            Item::SeventhMonth => "care-women-seventh-month",
            Item::LeaveStarts => "care-women-leave-starts",
            Item::LeaveEnds => "care-women-leave-ends",
            Item::NursingEnds => "care-women-nursing-ends",
        }
    }
}

/// The checklist dates from the expected birth (280 days of pregnancy: the 7th month begins
/// 6 × 30 = 180 days in, i.e. 100 days before the expected birth) and, once known, the actual
/// birth: leave from 15 days before the expected birth for the whole leave, nursing until the
/// child's first birthday.
pub fn checklist(expected: NaiveDate, born: Option<NaiveDate>, difficult: bool, babies: u32) -> Vec<(Item, NaiveDate)> {
    let mut v = Vec::new();
    if let Some(d) = expected.checked_sub_days(Days::new(100)) {
        v.push((Item::SeventhMonth, d));
    }
    if let Some(start) = expected.checked_sub_days(Days::new(15)) {
        v.push((Item::LeaveStarts, start));
        let days = u64::from(maternity_leave_days(difficult, babies));
        if let Some(end) = start.checked_add_days(Days::new(days.saturating_sub(1))) {
            v.push((Item::LeaveEnds, end));
        }
    }
    let birth = born.unwrap_or(expected);
    if let Some(d) = birth.checked_add_months(Months::new(12)) {
        v.push((Item::NursingEnds, d));
    }
    v
}
