//! 送温暖 (care): the 五必访 rule and its settings, visit deadlines in calendar days, the
//! condolence standards and annual caps (a rule table keyed by region and effective date), the
//! chair's approval above them, on-time compliance, the "<3" suppression of published figures,
//! hardship levels, the women-staff protection dates of 国务院令第619号, retirees' milestone
//! birthdays and the lifecycle of members' requests. Pure rules; the store and pages apply them.

pub mod hardship;
pub mod requests;
pub mod standards;
pub mod women;

#[cfg(test)]
mod tests;

use chrono::{Datelike, NaiveDate};

use crate::platform::money::Fen;

/// The built-in life-event types (the seed's 五必访 plus the member's own death and the
/// configurable others). A school may add its own codes in its settings.
pub const BUILTIN_TYPES: [&str; 10] = [
    "hospitalised",
    "married",
    "bereaved",
    "childbirth",
    "retired",
    "hardship",
    "deceased",
    "birthday",
    "achievement",
    "festival",
];

/// Types whose date is a death: it cannot lie in the future.
pub fn is_death(code: &str) -> bool {
    matches!(code, "bereaved" | "deceased")
}

/// A code a school may give its own event type: 2–32 lower-case letters, digits or `_`.
pub fn valid_type_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && code.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// The Fluent id of a built-in type's name; a school's own type is named by its setting.
pub fn type_key(code: &str) -> &'static str {
    match code {
        "hospitalised" => "care-type-hospitalised",
        "married" => "care-type-married",
        "bereaved" => "care-type-bereaved",
        "childbirth" => "care-type-childbirth",
        "retired" => "care-type-retired",
        "hardship" => "care-type-hardship",
        "deceased" => "care-type-deceased",
        "birthday" => "care-type-birthday",
        "achievement" => "care-type-achievement",
        "festival" => "care-type-festival",
        _ => "care-type-other",
    }
}

/// The rule (setting) of one event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    /// Shown name for a school's own type (built-ins are named by the translations).
    pub name: String,
    pub must_visit: bool,
    /// Deadline of the visit in calendar days after the event.
    pub deadline_days: i64,
    /// 慰问金标准 per visit.
    pub standard: Fen,
    /// The most one member may receive for this type in a calendar year.
    pub annual_cap: Fen,
    pub notify_leader: bool,
    pub notify_welfare: bool,
}

impl Rule {
    /// The expense account a payment of this type debits: 困难职工帮扶 for hardship, 送温暖 otherwise.
    pub fn debit_account(&self) -> &'static str {
        if self.code == "hardship" {
            "50404"
        } else {
            "50405"
        }
    }
}

/// Our defaults (no national deadline exists): the seed's five must-visit types, 7 calendar days
/// for 住院/丧, 30 for 生育/结婚/退休; standards from the 安徽 2018 table of [`standards`].
pub fn default_rules() -> Vec<Rule> {
    let r = |code: &str, must: bool, days: i64, std_yuan: i64, cap_yuan: i64| Rule {
        code: code.into(),
        name: String::new(),
        must_visit: must,
        deadline_days: days,
        standard: Fen(std_yuan * 100),
        annual_cap: Fen(cap_yuan * 100),
        notify_leader: true,
        notify_welfare: true,
    };
    vec![
        r("hospitalised", true, 7, 1000, 1000),
        r("married", true, 30, 600, 600),
        r("bereaved", true, 7, 1000, 2000),
        r("childbirth", true, 30, 600, 600),
        r("retired", true, 30, 1000, 1000),
        r("hardship", true, 30, 2000, 5000),
        r("deceased", true, 7, 2000, 2000),
        r("birthday", false, 30, 0, 0),
        r("achievement", false, 30, 0, 0),
        r("festival", false, 30, 1500, 1500),
    ]
}

/// Why an event or a visit is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareError {
    UnknownType,
    DeathInFuture,
    TooFarAhead,
    VisitBeforeEvent,
    VisitInFuture,
    NegativeAmount,
    ReasonRequired,
}

impl CareError {
    pub const ALL: [CareError; 7] = [
        CareError::UnknownType,
        CareError::DeathInFuture,
        CareError::TooFarAhead,
        CareError::VisitBeforeEvent,
        CareError::VisitInFuture,
        CareError::NegativeAmount,
        CareError::ReasonRequired,
    ];

    pub fn key(&self) -> &'static str {
        match self {
            CareError::UnknownType => "care-err-unknown-type",
            CareError::DeathInFuture => "care-err-death-in-future",
            CareError::TooFarAhead => "care-err-too-far-ahead",
            CareError::VisitBeforeEvent => "care-err-visit-before-event",
            CareError::VisitInFuture => "care-err-visit-in-future",
            CareError::NegativeAmount => "care-err-negative-amount",
            CareError::ReasonRequired => "care-err-reason-required",
        }
    }

    /// The message in Chinese (the API's words; pages use the translations).
    pub fn message(&self) -> &'static str {
        match self {
            CareError::UnknownType => {
                "事件类型不存在：请选择住院、结婚、丧事、生育、退休、重大困难或学校设置的其他类型"
            }
            CareError::DeathInFuture => "去世日期不能晚于今天，请填写实际去世的日期",
            CareError::TooFarAhead => "事件日期不能晚于今天一年以上，请检查日期",
            CareError::VisitBeforeEvent => "慰问日期早于事件日期，请填写事件之后的实际慰问日期",
            CareError::VisitInFuture => "慰问日期不能晚于今天，请在慰问后再登记",
            CareError::NegativeAmount => "金额不能为负数",
            CareError::ReasonRequired => "请填写批准理由",
        }
    }
}

/// The date rule of a reported event: a death cannot be in the future; any other event (an
/// expected birth, a planned retirement) at most a year ahead.
pub fn check_event_date(code: &str, date: NaiveDate, today: NaiveDate) -> Result<(), CareError> {
    if is_death(code) && date > today {
        return Err(CareError::DeathInFuture);
    }
    if date > today.checked_add_days(chrono::Days::new(366)).unwrap_or(today) {
        return Err(CareError::TooFarAhead);
    }
    Ok(())
}

/// The visit date rule: not before the event, not after today.
pub fn check_visit_date(event: NaiveDate, visit: NaiveDate, today: NaiveDate) -> Result<(), CareError> {
    if visit < event {
        return Err(CareError::VisitBeforeEvent);
    }
    if visit > today {
        return Err(CareError::VisitInFuture);
    }
    Ok(())
}

/// The due date of a must-visit event: `days` calendar days after the event (across month and
/// year ends as the calendar runs; no working-day shift).
pub fn due_date(event: NaiveDate, days: i64) -> Option<NaiveDate> {
    let days = u64::try_from(days).ok()?;
    event.checked_add_days(chrono::Days::new(days))
}

/// A task is overdue the day after its due date while no visit is recorded.
pub fn is_overdue(due: NaiveDate, visited: Option<NaiveDate>, today: NaiveDate) -> bool {
    visited.is_none() && today > due
}

/// Whether a payment needs the chair's explicit approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Within the standard and the annual cap: the draft voucher goes to finance as usual.
    NotNeeded,
    AboveStandard,
    AboveAnnualCap,
    AboveBoth,
}

impl Approval {
    pub fn needed(&self) -> bool {
        *self != Approval::NotNeeded
    }
    pub fn code(&self) -> &'static str {
        match self {
            Approval::NotNeeded => "none",
            Approval::AboveStandard => "above_standard",
            Approval::AboveAnnualCap => "above_cap",
            Approval::AboveBoth => "above_both",
        }
    }
}

/// The approval rule: an amount above the type's standard, or one that brings the member's
/// total of the type in the year above the annual cap, needs the chair. A zero standard (a type
/// without money) makes any amount need approval. Overflow counts as above the cap.
pub fn approval_needed(amount: Fen, standard: Fen, paid_this_year: Fen, annual_cap: Fen) -> Approval {
    let above_std = amount > standard;
    let above_cap = match paid_this_year.checked_add(amount) {
        Some(total) => total > annual_cap,
        None => true,
    };
    match (above_std, above_cap) {
        (false, false) => Approval::NotNeeded,
        (true, false) => Approval::AboveStandard,
        (false, true) => Approval::AboveAnnualCap,
        (true, true) => Approval::AboveBoth,
    }
}

/// On-time compliance: must-visit events visited by their due date over must-visit events whose
/// outcome is known (visited, or past due). An event not yet due and not yet visited is pending
/// and counts in neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Compliance {
    pub events: i64,
    pub on_time: i64,
    pub late: i64,
    pub missed: i64,
    pub pending: i64,
}

impl Compliance {
    /// The decided events (the rate's denominator).
    pub fn decided(&self) -> i64 {
        self.on_time + self.late + self.missed
    }
    /// The rate in per mille, rounded half up; `None` when nothing is decided.
    pub fn rate_permille(&self) -> Option<i64> {
        let d = self.decided();
        if d == 0 {
            return None;
        }
        Some((self.on_time * 1000 + d / 2) / d)
    }
    /// `93.8%` or `—`.
    pub fn rate_display(&self) -> String {
        match self.rate_permille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".into(),
        }
    }
    pub fn add(&mut self, due: NaiveDate, first_visit: Option<NaiveDate>, today: NaiveDate) {
        self.events += 1;
        match first_visit {
            Some(v) if v <= due => self.on_time += 1,
            Some(_) => self.late += 1,
            None if today > due => self.missed += 1,
            None => self.pending += 1,
        }
    }
}

/// Compliance of one year, per month of the event's date and in total.
pub fn compliance_year(
    year: i32,
    events: &[(NaiveDate, NaiveDate, Option<NaiveDate>)],
    today: NaiveDate,
) -> ([Compliance; 12], Compliance) {
    let mut months = [Compliance::default(); 12];
    let mut total = Compliance::default();
    for &(date, due, visit) in events {
        if date.year() != year {
            continue;
        }
        let m = date.month0() as usize;
        if let Some(c) = months.get_mut(m) {
            c.add(due, visit, today);
        }
        total.add(due, visit, today);
    }
    (months, total)
}

/// The smallest count a published cell may show.
pub const MIN_CELL: i64 = 3;

/// A published count of people: 1 or 2 is shown as "<3" so that nobody in a small school is
/// identified; 0 and 3 upwards are shown as they are.
pub fn published_count(n: i64) -> String {
    if n > 0 && n < MIN_CELL {
        "<3".into()
    } else {
        n.to_string()
    }
}

/// A published amount that belongs to a cell of `people`: hidden ("<3") with the count, since
/// the sum of one or two recipients tells what each received.
pub fn published_amount(people: i64, amount: Fen) -> String {
    if people > 0 && people < MIN_CELL {
        "<3".into()
    } else {
        amount.display()
    }
}

/// The milestone birthdays retirees are visited on.
pub const MILESTONES: [i32; 4] = [70, 80, 90, 100];

/// The milestone birthday (age, date) a person born on `birth` has in `year`, if any. A 29
/// February birthday falls on 28 February in a common year.
pub fn milestone_in(birth: NaiveDate, year: i32) -> Option<(i32, NaiveDate)> {
    let age = year - birth.year();
    if !MILESTONES.contains(&age) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, birth.month(), 28))?;
    Some((age, date))
}
