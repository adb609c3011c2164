//! Working days under the PRC holiday arrangement: public holidays (放假) and the make-up
//! working Saturdays/Sundays (调休上班) that the State Council announces each year. Used for
//! deadlines such as "answer a proposal within 10 working days".

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DayKind {
    Holiday,
    MakeupWorkday,
}

impl DayKind {
    pub fn code(&self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    pub fn from_code(code: &str) -> Option<DayKind> {
        match code {
            "holiday" => Some(DayKind::Holiday),
            "makeup_workday" => Some(DayKind::MakeupWorkday),
            _ => None,
        }
    }
}

/// One day of the official arrangement, e.g. 2026-10-01 Holiday "国庆节".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl Calendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        makeup_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self { holidays: holidays.into_iter().collect(), makeup_workdays: makeup_workdays.into_iter().collect() }
    }

    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a CalendarEntry>) -> Self {
        let mut cal = Calendar::default();
        for e in entries {
            match e.kind {
                DayKind::Holiday => cal.holidays.insert(e.date),
                DayKind::MakeupWorkday => cal.makeup_workdays.insert(e.date),
            };
        }
        cal
    }

    /// The calendar of [`preloaded_entries`].
    pub fn preloaded() -> Self {
        Self::from_entries(&preloaded_entries())
    }

    /// A holiday is never a working day; a make-up day always is; otherwise Monday–Friday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.holidays.contains(&d) {
            return false;
        }
        if self.makeup_workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The n-th working day strictly after `start` (`start` itself when n is 0): a deadline
    /// of "10 working days" from a submission on `start`. Stops at the last date chrono knows.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// The years the arrangement covers: those with at least one holiday entered. A year
    /// without any is not known yet (its State Council notice was never entered), so a rule
    /// that counts working days in it must refuse rather than guess.
    pub fn covered_years(&self) -> BTreeSet<i32> {
        self.holidays.iter().map(|d| d.year()).collect()
    }

    /// Working days `d` with `a < d <= b` (0 when `b <= a`), so that
    /// `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        let mut count = 0;
        let mut d = a;
        while d < b {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }
}

/// The official arrangement this build ships with.
///
/// This is editable data, not a rule: it must be checked against the State Council General
/// Office notice (国务院办公厅关于YYYY年部分节假日安排的通知) each year, and schools can
/// correct it in the admin pages. 2026 follows the notice of 2025-11-04. 2027 has no notice
/// yet: it lists only the statutory days fixed by 《全国年节及纪念日放假办法》 (2024 revision:
/// 元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3), with no 调休 days;
/// replace it when the notice is published.
pub fn preloaded_entries() -> Vec<CalendarEntry> {
    use DayKind::{Holiday as H, MakeupWorkday as W};
    const DATA: &[(i32, u32, u32, u32, DayKind, &str)] = &[
        // (year, month, first day, number of days, kind, name)
        (2026, 1, 1, 3, H, "元旦"),
        (2026, 1, 4, 1, W, "元旦调休上班"),
        (2026, 2, 15, 9, H, "春节"),
        (2026, 2, 14, 1, W, "春节调休上班"),
        (2026, 2, 28, 1, W, "春节调休上班"),
        (2026, 4, 4, 3, H, "清明节"),
        (2026, 5, 1, 5, H, "劳动节"),
        (2026, 5, 9, 1, W, "劳动节调休上班"),
        (2026, 6, 19, 3, H, "端午节"),
        (2026, 9, 25, 3, H, "中秋节"),
        (2026, 10, 1, 7, H, "国庆节"),
        (2026, 9, 20, 1, W, "国庆节调休上班"),
        (2026, 10, 10, 1, W, "国庆节调休上班"),
        // 2027: statutory days only, pending the State Council notice.
        (2027, 1, 1, 1, H, "元旦"),
        (2027, 2, 5, 4, H, "春节"),
        (2027, 4, 5, 1, H, "清明节"),
        (2027, 5, 1, 2, H, "劳动节"),
        (2027, 6, 9, 1, H, "端午节"),
        (2027, 9, 15, 1, H, "中秋节"),
        (2027, 10, 1, 3, H, "国庆节"),
    ];
    let mut out = Vec::new();
    for &(y, m, d, days, kind, name) in DATA {
        let Some(first) = NaiveDate::from_ymd_opt(y, m, d) else {
            continue;
        };
        out.extend(first.iter_days().take(days as usize).map(|date| CalendarEntry {
            date,
            kind,
            name: name.to_string(),
        }));
    }
    out.sort();
    out
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
