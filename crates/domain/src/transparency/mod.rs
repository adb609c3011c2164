//! 校务公开 (school-affairs transparency): what an item is, its publicity period (公示期)
//! counted in working days on the working-day calendar, the objection window, and the on-time
//! rule of the yearly index. Dates are China's local calendar dates.

use chrono::NaiveDate;

use crate::platform::calendar::Calendar;

/// The categories of transparency.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    TitleEvaluation,
    Selection,
    Appraisal,
    Funds,
    Construction,
    Enrolment,
    Logistics,
    Planning,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::TitleEvaluation,
        Category::Selection,
        Category::Appraisal,
        Category::Funds,
        Category::Construction,
        Category::Enrolment,
        Category::Logistics,
        Category::Planning,
        Category::Other,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Category::TitleEvaluation => "title_evaluation",
            Category::Selection => "selection",
            Category::Appraisal => "appraisal",
            Category::Funds => "funds",
            Category::Construction => "construction",
            Category::Enrolment => "enrolment",
            Category::Logistics => "logistics",
            Category::Planning => "planning",
            Category::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The Fluent id of the category's name (职称评聘, 评先评优 …).
    pub fn key(&self) -> &'static str {
        match self {
            Category::TitleEvaluation => "tp-cat-title-evaluation",
            Category::Selection => "tp-cat-selection",
            Category::Appraisal => "tp-cat-appraisal",
            Category::Funds => "tp-cat-funds",
            Category::Construction => "tp-cat-construction",
            Category::Enrolment => "tp-cat-enrolment",
            Category::Logistics => "tp-cat-logistics",
            Category::Planning => "tp-cat-planning",
            Category::Other => "tp-cat-other",
        }
    }
}
crate::stored_code!(Category, serialize);

/// The publicity period's default length (公示期 5 个工作日).
pub const DEFAULT_WORKING_DAYS: u32 = 5;
/// The longest period one item may have: three months of working days.
pub const MAX_WORKING_DAYS: u32 = 60;
pub const TITLE_MAX: usize = 100;
pub const CONTENT_MAX: usize = 50_000;
pub const OBJECTION_MAX: usize = 2_000;

/// A publicity period: its first and its last working day, both shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub working_days: u32,
}

/// Why a period is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// 0 or more than [`MAX_WORKING_DAYS`].
    #[error("working days out of range")]
    WorkingDays,
    /// The period reaches into a year whose holidays were never entered: the admin must add
    /// that year's arrangement (国务院办公厅节假日安排) first.
    #[error("the calendar does not cover {0}")]
    YearNotCovered(i32),
}

impl PeriodError {
    pub fn key(&self) -> &'static str {
        match self {
            PeriodError::WorkingDays => "tp-err-working-days",
            PeriodError::YearNotCovered(_) => "tp-err-year-not-covered",
        }
    }
}

/// The publicity period rule: the period starts on `start`, moved to the next working day if
/// `start` is not one; it lasts `working_days` working days (weekends and holidays skipped,
/// make-up working days counted) and ends on the last of them. 5 working days from Monday
/// 2026-03-09 end on Friday 2026-03-13. Every year the period touches must be covered by the
/// calendar.
pub fn publicity_period(cal: &Calendar, start: NaiveDate, working_days: u32) -> Result<Period, PeriodError> {
    if working_days == 0 || working_days > MAX_WORKING_DAYS {
        return Err(PeriodError::WorkingDays);
    }
    let covered = cal.covered_years();
    let check = |d: NaiveDate| {
        use chrono::Datelike;
        if covered.contains(&d.year()) {
            Ok(())
        } else {
            Err(PeriodError::YearNotCovered(d.year()))
        }
    };
    check(start)?;
    let first = if cal.is_working_day(start) { start } else { cal.add_working_days(start, 1) };
    check(first)?;
    let end = cal.add_working_days(first, working_days - 1);
    check(end)?;
    Ok(Period { start: first, end, working_days })
}

/// The objection window: open from publication until the end of the period's last day.
pub fn objection_open(period_end: NaiveDate, today: NaiveDate) -> bool {
    today <= period_end
}

/// The on-time rule of the yearly index: an item concerning a decision is on time when its
/// publicity period ended on or before the decision date (公示期满再决定). An item without a
/// decision date is on time when it was published at all.
pub fn on_time(period_end: NaiveDate, decision: Option<NaiveDate>) -> bool {
    decision.is_none_or(|d| period_end <= d)
}

/// The on-time rate in whole percent (100 when nothing was published).
pub fn on_time_percent(on_time: usize, total: usize) -> i64 {
    if total == 0 {
        return 100;
    }
    ((on_time as i128 * 100) / total as i128) as i64
}

/// Why an item's fields are refused (each names its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    #[error("title")]
    Title,
    #[error("content")]
    Content,
    #[error("category")]
    Category,
    #[error("audience")]
    Audience,
}

impl ItemError {
    pub const ALL: [ItemError; 4] = [ItemError::Title, ItemError::Content, ItemError::Category, ItemError::Audience];
    pub fn key(&self) -> &'static str {
        match self {
            ItemError::Title => "tp-err-title",
            ItemError::Content => "tp-err-content",
            ItemError::Category => "tp-err-category",
            ItemError::Audience => "tp-err-audience",
        }
    }
    pub fn field(&self) -> &'static str {
        match self {
            ItemError::Title => "title",
            ItemError::Content => "content",
            ItemError::Category => "category",
            ItemError::Audience => "audience",
        }
    }
}

/// Who sees an item: the school's staff, or also the public through its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Public,
}

impl Audience {
    pub fn code(&self) -> &'static str {
        match self {
            Audience::Staff => "staff",
            Audience::Public => "public",
        }
    }
    pub fn from_code(s: &str) -> Option<Audience> {
        match s {
            "staff" | "" => Some(Audience::Staff),
            "public" => Some(Audience::Public),
            _ => None,
        }
    }
}
crate::stored_code!(Audience, serialize);

/// An item's checked fields (content still to be sanitised by the web layer's HTML policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub category: Category,
    pub title: String,
    pub content: String,
    pub audience: Audience,
}

/// Checks an item's fields: every error at once.
pub fn validate_item(category: &str, title: &str, content: &str, audience: &str) -> Result<NewItem, Vec<ItemError>> {
    let mut errs = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        errs.push(ItemError::Title);
    }
    if content.chars().count() > CONTENT_MAX || has_script(content) {
        errs.push(ItemError::Content);
    }
    let cat = Category::from_code(category.trim());
    if cat.is_none() {
        errs.push(ItemError::Category);
    }
    let aud = Audience::from_code(audience.trim());
    if aud.is_none() {
        errs.push(ItemError::Audience);
    }
    match (cat, aud) {
        (Some(category), Some(audience)) if errs.is_empty() => {
            Ok(NewItem { category, title: title.to_string(), content: content.trim().to_string(), audience })
        }
        _ => Err(errs),
    }
}

/// How the supervision group handled an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Dismissed,
}

impl ObjectionStatus {
    pub fn code(&self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Dismissed => "dismissed",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [ObjectionStatus::Open, ObjectionStatus::Upheld, ObjectionStatus::Dismissed].into_iter().find(|x| x.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            ObjectionStatus::Open => "tp-obj-open",
            ObjectionStatus::Upheld => "tp-obj-upheld",
            ObjectionStatus::Dismissed => "tp-obj-dismissed",
        }
    }
}
crate::stored_code!(ObjectionStatus, serialize);

/// The sign-off rule: the supervision group signs off once the period has ended and every
/// objection has been handled.
pub fn may_sign_off(period_end: NaiveDate, today: NaiveDate, open_objections: usize) -> Result<(), SignOffRefusal> {
    if today <= period_end {
        return Err(SignOffRefusal::PeriodRunning);
    }
    if open_objections > 0 {
        return Err(SignOffRefusal::OpenObjections(open_objections));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignOffRefusal {
    #[error("the period is still running")]
    PeriodRunning,
    #[error("{0} objections are not handled")]
    OpenObjections(usize),
}

/// Whether text carries script: a `<script` tag, a `javascript:`/`vbscript:` URL, or an
/// event-handler attribute (`onerror=` …) inside a tag. Such text is refused, not cleaned, so
/// the author learns it was not kept.
pub fn has_script(s: &str) -> bool {
    let lower = s.to_lowercase();
    if lower.contains("<script") || lower.contains("javascript:") || lower.contains("vbscript:") {
        return true;
    }
    // `on…=` inside a tag.
    let mut in_tag = false;
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if in_tag && c.is_whitespace() => {
                let rest: String = chars[i + 1..].iter().take(40).collect();
                if let Some(after) = rest.strip_prefix("on") {
                    let name: String = after.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                    let tail = after[name.len()..].trim_start();
                    if !name.is_empty() && tail.starts_with('=') {
                        return true;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests;
