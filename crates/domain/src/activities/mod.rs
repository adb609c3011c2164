//! Activities (文体活动, 女工活动, 节日活动 …): what an activity is, who it is open to, how a
//! sign-up is placed (confirmed or on the waiting list) and who is promoted when a seat frees,
//! and the rotating check-in code's validity. Times are instants in unix milliseconds; the
//! forms speak China's local time (UTC+8), converted here once.

pub mod library;
pub mod notices;

mod checkin;
mod signup;

pub use checkin::{codes_equal, step_of, CheckinRefusal, CheckinToken, EARLY_MS, STEP_MS};
pub use signup::{place, promote_first, signup_open, withdraw_open, Placement, Promotion, Waiting};

use chrono::{NaiveDateTime, TimeZone};

/// The kinds of activity a union runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Culture,
    Women,
    Festival,
    Training,
    Visit,
    SportsMeet,
    Competition,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Culture, Kind::Women, Kind::Festival, Kind::Training, Kind::Visit, Kind::SportsMeet, Kind::Competition];

    pub fn code(&self) -> &'static str {
        match self {
            Kind::Culture => "culture",
            Kind::Women => "women",
            Kind::Festival => "festival",
            Kind::Training => "training",
            Kind::Visit => "visit",
            Kind::SportsMeet => "sports_meet",
            Kind::Competition => "competition",
        }
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The Fluent id of the kind's name.
    pub fn key(&self) -> &'static str {
        match self {
            Kind::Culture => "act-kind-culture",
            Kind::Women => "act-kind-women",
            Kind::Festival => "act-kind-festival",
            Kind::Training => "act-kind-training",
            Kind::Visit => "act-kind-visit",
            Kind::SportsMeet => "act-kind-sports-meet",
            Kind::Competition => "act-kind-competition",
        }
    }
}

/// Who may sign up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    All,
    Women,
    /// One union group (工会小组), by id.
    Group(String),
    Retirees,
    /// The delegates of the staff congress now in office.
    Delegates,
}

impl Audience {
    /// `all`, `women`, `retirees`, `delegates` or `group:<id>`.
    pub fn code(&self) -> String {
        match self {
            Audience::All => "all".into(),
            Audience::Women => "women".into(),
            Audience::Group(g) => format!("group:{g}"),
            Audience::Retirees => "retirees".into(),
            Audience::Delegates => "delegates".into(),
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        match s {
            "all" => Some(Audience::All),
            "women" => Some(Audience::Women),
            "retirees" => Some(Audience::Retirees),
            "delegates" => Some(Audience::Delegates),
            _ => s.strip_prefix("group:").filter(|g| !g.is_empty() && g.len() <= 64).map(|g| Audience::Group(g.into())),
        }
    }

    /// The Fluent id of the audience's name (a group is named by the page).
    pub fn key(&self) -> &'static str {
        match self {
            Audience::All => "act-aud-all",
            Audience::Women => "act-aud-women",
            Audience::Group(_) => "act-aud-group",
            Audience::Retirees => "act-aud-retirees",
            Audience::Delegates => "act-aud-delegates",
        }
    }

    /// The audience rule: who an activity is open to. Only members of the union (active or
    /// retired) sign up at all; "all" is the active and the retired; "women" the women among
    /// them; "retirees" the retired only; a group its members in office; "delegates" the
    /// delegates now in office.
    pub fn admits(&self, m: &MemberFacts) -> bool {
        let member = matches!(m.status.as_str(), "active" | "retired");
        if !member {
            return false;
        }
        match self {
            Audience::All => true,
            Audience::Women => m.female,
            Audience::Group(g) => m.status == "active" && m.group_id.as_deref() == Some(g.as_str()),
            Audience::Retirees => m.status == "retired",
            Audience::Delegates => m.delegate,
        }
    }
}

/// What the audience rule needs to know about a member.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    /// The member status code (`active`, `retired` …).
    pub status: String,
    pub female: bool,
    pub group_id: Option<String>,
    pub delegate: bool,
}

/// Why an activity's fields are refused (each names its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("title")]
    Title,
    #[error("place")]
    Place,
    #[error("start")]
    Start,
    #[error("end before start")]
    End,
    #[error("deadline after start")]
    Deadline,
    #[error("capacity")]
    Capacity,
    #[error("cost")]
    Cost,
    #[error("hold hours")]
    HoldHours,
    #[error("kind")]
    Kind,
    #[error("audience")]
    Audience,
}

impl ActivityError {
    /// The field the error belongs to (the form shows it there).
    pub fn field(&self) -> &'static str {
        match self {
            ActivityError::Title => "title",
            ActivityError::Place => "place",
            ActivityError::Start => "start",
            ActivityError::End => "end",
            ActivityError::Deadline => "signup_deadline",
            ActivityError::Capacity => "capacity",
            ActivityError::Cost => "cost",
            ActivityError::HoldHours => "hold_hours",
            ActivityError::Kind => "type",
            ActivityError::Audience => "audience",
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            ActivityError::Title => "act-err-title",
            ActivityError::Place => "act-err-place",
            ActivityError::Start => "act-err-start",
            ActivityError::End => "act-err-end",
            ActivityError::Deadline => "act-err-deadline",
            ActivityError::Capacity => "act-err-capacity",
            ActivityError::Cost => "act-err-cost",
            ActivityError::HoldHours => "act-err-hold",
            ActivityError::Kind => "act-err-kind",
            ActivityError::Audience => "act-err-audience",
        }
    }

    pub const ALL: [ActivityError; 10] = [
        ActivityError::Title,
        ActivityError::Place,
        ActivityError::Start,
        ActivityError::End,
        ActivityError::Deadline,
        ActivityError::Capacity,
        ActivityError::Cost,
        ActivityError::HoldHours,
        ActivityError::Kind,
        ActivityError::Audience,
    ];
}

/// The longest title and place.
pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 5_000;
/// The largest capacity one activity may have.
pub const CAPACITY_MAX: i64 = 100_000;
/// The longest hold of a promoted seat (two weeks).
pub const HOLD_HOURS_MAX: i64 = 336;

/// An activity as the organiser describes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActivity {
    pub title: String,
    pub kind: Kind,
    pub place: String,
    pub description: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_deadline: i64,
    /// `None`: no limit.
    pub capacity: Option<i64>,
    pub audience: Audience,
    /// Cost per person in fen, paid by union funds.
    pub cost_fen: i64,
    pub promotion: Promotion,
}

/// The raw fields of the form or the API.
#[derive(Debug, Clone, Default)]
pub struct RawActivity<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub place: &'a str,
    pub description: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub signup_deadline: &'a str,
    pub capacity: Option<i64>,
    pub audience: &'a str,
    pub cost_fen: i64,
    /// `None` or 0: promoted at once; otherwise the hours a promoted seat is held.
    pub hold_hours: Option<i64>,
}

/// Checks an activity's fields: every error at once, each naming its field.
pub fn validate(r: &RawActivity<'_>) -> Result<NewActivity, Vec<ActivityError>> {
    let mut errs = Vec::new();
    let title = r.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        errs.push(ActivityError::Title);
    }
    let place = r.place.trim();
    if place.chars().count() > TITLE_MAX {
        errs.push(ActivityError::Place);
    }
    let kind = Kind::from_code(r.kind.trim());
    if kind.is_none() {
        errs.push(ActivityError::Kind);
    }
    let audience = Audience::parse(r.audience.trim());
    if audience.is_none() {
        errs.push(ActivityError::Audience);
    }
    let start = parse_local(r.start);
    let end = parse_local(r.end);
    let deadline = parse_local(r.signup_deadline);
    if start.is_none() {
        errs.push(ActivityError::Start);
    }
    match (start, end) {
        (Some(s), Some(e)) if e <= s => errs.push(ActivityError::End),
        (_, None) => errs.push(ActivityError::End),
        _ => {}
    }
    match (start, deadline) {
        (Some(s), Some(d)) if d > s => errs.push(ActivityError::Deadline),
        (_, None) => errs.push(ActivityError::Deadline),
        _ => {}
    }
    if r.capacity.is_some_and(|c| !(1..=CAPACITY_MAX).contains(&c)) {
        errs.push(ActivityError::Capacity);
    }
    if !(0..=crate::platform::money::MAX_AMOUNT.0).contains(&r.cost_fen) {
        errs.push(ActivityError::Cost);
    }
    let promotion = match r.hold_hours {
        None | Some(0) => Some(Promotion::AtOnce),
        Some(h) if (1..=HOLD_HOURS_MAX).contains(&h) => Some(Promotion::Hold { hours: h }),
        Some(_) => None,
    };
    if promotion.is_none() {
        errs.push(ActivityError::HoldHours);
    }
    let description: String = r.description.trim().chars().take(DESCRIPTION_MAX).collect();
    match (kind, audience, start, end, deadline, promotion) {
        (Some(kind), Some(audience), Some(starts_at), Some(ends_at), Some(signup_deadline), Some(promotion))
            if errs.is_empty() =>
        {
            Ok(NewActivity {
                title: title.to_string(),
                kind,
                place: place.to_string(),
                description,
                starts_at,
                ends_at,
                signup_deadline,
                capacity: r.capacity,
                audience,
                cost_fen: r.cost_fen,
                promotion,
            })
        }
        _ => Err(errs),
    }
}

/// China's offset from UTC: every school of the installation is there.
const CHINA_OFFSET_S: i32 = 8 * 3600;

/// `YYYY-MM-DDTHH:MM` (or with a space, or with seconds) in China's local time → unix ms.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim();
    let t = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())?;
    let tz = chrono::FixedOffset::east_opt(CHINA_OFFSET_S)?;
    tz.from_local_datetime(&t).single().map(|d| d.timestamp_millis())
}

/// Unix ms → `YYYY-MM-DDTHH:MM` in China's local time (the value of a form field).
pub fn format_local(ms: i64) -> String {
    local(ms).map(|d| d.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// Unix ms → China's local date and time.
pub fn local(ms: i64) -> Option<NaiveDateTime> {
    let tz = chrono::FixedOffset::east_opt(CHINA_OFFSET_S)?;
    tz.timestamp_millis_opt(ms).single().map(|d| d.naive_local())
}

#[cfg(test)]
mod tests;
