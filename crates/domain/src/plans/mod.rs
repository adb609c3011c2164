//! 工作计划 (the annual work plan) and 工作总结 (the year-end summary): schedule entries whose
//! progress is computed from the records linked to them, goals bound to a figure the system
//! computes (or judged by hand), and the summary's figure with last year beside it.

use chrono::{Datelike, NaiveDate};

/// What kind of record fulfils a schedule entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Activity,
    CongressSession,
    Campaign,
    Disclosure,
    Transparency,
    Other,
}

impl LinkKind {
    pub const ALL: [LinkKind; 6] = [
        LinkKind::Activity,
        LinkKind::CongressSession,
        LinkKind::Campaign,
        LinkKind::Disclosure,
        LinkKind::Transparency,
        LinkKind::Other,
    ];
    pub fn code(&self) -> &'static str {
        match self {
            LinkKind::Activity => "activity",
            LinkKind::CongressSession => "congress_session",
            LinkKind::Campaign => "campaign",
            LinkKind::Disclosure => "disclosure",
            LinkKind::Transparency => "transparency",
            LinkKind::Other => "other",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        LinkKind::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            LinkKind::Activity => "plan-kind-activity",
            LinkKind::CongressSession => "plan-kind-congress-session",
            LinkKind::Campaign => "plan-kind-campaign",
            LinkKind::Disclosure => "plan-kind-disclosure",
            LinkKind::Transparency => "plan-kind-transparency",
            LinkKind::Other => "plan-kind-other",
        }
    }
}
crate::stored_code!(LinkKind, serialize);

/// A schedule entry's computed progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    Done,
    InProgress,
    NotStarted,
    Overdue,
}

impl Progress {
    pub const ALL: [Progress; 4] = [Progress::Done, Progress::InProgress, Progress::NotStarted, Progress::Overdue];
    pub fn code(&self) -> &'static str {
        match self {
            Progress::Done => "done",
            Progress::InProgress => "in_progress",
            Progress::NotStarted => "not_started",
            Progress::Overdue => "overdue",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Progress::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            Progress::Done => "plan-progress-done",
            Progress::InProgress => "plan-progress-in-progress",
            Progress::NotStarted => "plan-progress-not-started",
            Progress::Overdue => "plan-progress-overdue",
        }
    }
}
crate::stored_code!(Progress, serialize);

/// A linked record as progress sees it: finished (the activity took place, the session was
/// held, the item was published) or still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    pub finished: bool,
}

/// The last day of a plan month (`None` for a month out of 1..=12).
pub fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    first_next.pred_opt()
}

/// The progress rule: an entry is done when a linked record is finished (or the committee
/// ticked an entry of kind "other" as done by hand); otherwise overdue once its month has
/// passed; in progress when a record is linked or its month is running; not started before.
pub fn progress(year: i32, month: u32, linked: &[Linked], done_by_hand: bool, today: NaiveDate) -> Progress {
    if done_by_hand || linked.iter().any(|l| l.finished) {
        return Progress::Done;
    }
    let Some(end) = month_end(year, month) else { return Progress::NotStarted };
    if today > end {
        return Progress::Overdue;
    }
    let running = today.year() == year && today.month() == month;
    if running || !linked.is_empty() {
        Progress::InProgress
    } else {
        Progress::NotStarted
    }
}

/// How a goal compares its figure with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
    Exactly,
}

impl Comparison {
    pub fn code(&self) -> &'static str {
        match self {
            Comparison::AtLeast => "ge",
            Comparison::AtMost => "le",
            Comparison::Exactly => "eq",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Comparison::AtLeast, Comparison::AtMost, Comparison::Exactly].into_iter().find(|k| k.code() == s)
    }
    pub fn symbol(&self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::AtMost => "≤",
            Comparison::Exactly => "=",
        }
    }
}
crate::stored_code!(Comparison, serialize);

/// A goal's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Achieved,
    NotAchieved,
    /// Judged by hand and not judged yet, or the figure is not computed (its area is not built).
    Open,
}

impl Outcome {
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Achieved => "achieved",
            Outcome::NotAchieved => "not_achieved",
            Outcome::Open => "open",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Outcome::Achieved, Outcome::NotAchieved, Outcome::Open].into_iter().find(|k| k.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            Outcome::Achieved => "plan-goal-achieved",
            Outcome::NotAchieved => "plan-goal-not-achieved",
            Outcome::Open => "plan-goal-open",
        }
    }
}
crate::stored_code!(Outcome, serialize);

/// A goal: bound to a computed figure (its code in the summary registry) with a comparison
/// and a target, or judged by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    Figure { figure: String, cmp: Comparison, target: i64 },
    ByHand { judged: Option<bool> },
}

/// The goal evaluation rule. A figure goal compares the year's figure with the target; a
/// figure the system does not compute (yet) leaves the goal open rather than failed. A
/// hand-judged goal is what the committee judged.
pub fn evaluate(goal: &Goal, figure: Option<i64>) -> Outcome {
    match goal {
        Goal::ByHand { judged: Some(true) } => Outcome::Achieved,
        Goal::ByHand { judged: Some(false) } => Outcome::NotAchieved,
        Goal::ByHand { judged: None } => Outcome::Open,
        Goal::Figure { cmp, target, .. } => match figure {
            None => Outcome::Open,
            Some(v) => {
                let ok = match cmp {
                    Comparison::AtLeast => v >= *target,
                    Comparison::AtMost => v <= *target,
                    Comparison::Exactly => v == *target,
                };
                if ok {
                    Outcome::Achieved
                } else {
                    Outcome::NotAchieved
                }
            }
        },
    }
}

/// The longest texts of a plan.
pub const TEXT_MAX: usize = 20_000;
pub const LINE_MAX: usize = 200;

/// Why a plan's part is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("month")]
    Month,
    #[error("item")]
    Item,
    #[error("kind")]
    Kind,
    #[error("text")]
    Text,
    #[error("target")]
    Target,
    #[error("year")]
    Year,
}

impl PlanError {
    pub const ALL: [PlanError; 6] =
        [PlanError::Month, PlanError::Item, PlanError::Kind, PlanError::Text, PlanError::Target, PlanError::Year];
    pub fn key(&self) -> &'static str {
        match self {
            PlanError::Month => "plan-err-month",
            PlanError::Item => "plan-err-item",
            PlanError::Kind => "plan-err-kind",
            PlanError::Text => "plan-err-text",
            PlanError::Target => "plan-err-target",
            PlanError::Year => "plan-err-year",
        }
    }
}

/// A plan's year: 2000..=2100.
pub fn check_year(y: i32) -> Result<i32, PlanError> {
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(PlanError::Year)
    }
}

/// A schedule entry's fields, checked.
pub fn check_entry(month: u32, item: &str, kind: &str) -> Result<(u32, String, LinkKind), PlanError> {
    if !(1..=12).contains(&month) {
        return Err(PlanError::Month);
    }
    let item = item.trim();
    if item.is_empty() || item.chars().count() > LINE_MAX {
        return Err(PlanError::Item);
    }
    let kind = LinkKind::from_code(kind.trim()).ok_or(PlanError::Kind)?;
    Ok((month, item.to_string(), kind))
}

/// Prose (a plan section, a summary paragraph): plain text or simple HTML, never script.
pub fn check_prose(s: &str) -> Result<String, PlanError> {
    if s.chars().count() > TEXT_MAX || crate::transparency::has_script(s) {
        return Err(PlanError::Text);
    }
    Ok(s.trim().to_string())
}

/// The change of a figure from last year, in whole percent (`None` when last year was 0).
pub fn change_percent(this_year: i64, last_year: i64) -> Option<i64> {
    if last_year == 0 {
        return None;
    }
    let diff = this_year as i128 - last_year as i128;
    i64::try_from(diff * 100 / last_year as i128).ok()
}

#[cfg(test)]
mod tests;
