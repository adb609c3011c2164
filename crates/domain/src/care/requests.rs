//! Members' requests and suggestions (职工诉求 / 意见建议): the closed loop 受理 → 办理 → 答复 →
//! 回访 as states and steps, the answer deadline per category, and the follow-up code's form.

use chrono::{Days, NaiveDate};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Submitted,
    Accepted,
    Merged,
    Declined,
    Assigned,
    Answered,
    Confirmed,
    PartlySolved,
    Reopened,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Submitted,
        State::Accepted,
        State::Merged,
        State::Declined,
        State::Assigned,
        State::Answered,
        State::Confirmed,
        State::PartlySolved,
        State::Reopened,
    ];
    pub fn code(&self) -> &'static str {
        match self {
            State::Submitted => "submitted",
            State::Accepted => "accepted",
            State::Merged => "merged",
            State::Declined => "declined",
            State::Assigned => "assigned",
            State::Answered => "answered",
            State::Confirmed => "confirmed",
            State::PartlySolved => "partly_solved",
            State::Reopened => "reopened",
        }
    }
    pub fn from_code(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            State::Submitted => "care-req-state-submitted",
            State::Accepted => "care-req-state-accepted",
            State::Merged => "care-req-state-merged",
            State::Declined => "care-req-state-declined",
            State::Assigned => "care-req-state-assigned",
            State::Answered => "care-req-state-answered",
            State::Confirmed => "care-req-state-confirmed",
            State::PartlySolved => "care-req-state-partly-solved",
            State::Reopened => "care-req-state-reopened",
        }
    }
    /// Still waiting for the committee's answer (the overdue list's states).
    pub fn awaiting_answer(&self) -> bool {
        matches!(self, State::Submitted | State::Accepted | State::Assigned | State::Reopened)
    }
    /// No further step.
    pub fn closed(&self) -> bool {
        matches!(self, State::Merged | State::Declined | State::Confirmed)
    }
}
crate::stored_code!(State, serialize);

/// A step on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Merge,
    Decline,
    Assign,
    Answer,
    Confirm,
    ConfirmPartly,
    Reopen,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Accept,
        Step::Merge,
        Step::Decline,
        Step::Assign,
        Step::Answer,
        Step::Confirm,
        Step::ConfirmPartly,
        Step::Reopen,
    ];
    pub fn code(&self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Merge => "merge",
            Step::Decline => "decline",
            Step::Assign => "assign",
            Step::Answer => "answer",
            Step::Confirm => "confirm",
            Step::ConfirmPartly => "confirm_partly",
            Step::Reopen => "reopen",
        }
    }
    pub fn from_code(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.code() == s)
    }
    /// Steps the requester takes (by login, or by the follow-up code); the others are the committee's.
    pub fn by_requester(&self) -> bool {
        matches!(self, Step::Confirm | Step::ConfirmPartly | Step::Reopen)
    }
    /// Steps that need a text (the reason, the target, the assignee or the answer).
    pub fn needs_text(&self) -> bool {
        !matches!(self, Step::Accept | Step::Confirm | Step::ConfirmPartly)
    }
}
crate::stored_code!(Step, serialize);

/// A step that the lifecycle does not allow from the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAllowed {
    pub from: State,
    pub step: Step,
}

impl NotAllowed {
    pub fn message(&self) -> String {
        format!("诉求当前状态为“{}”，不能执行“{}”", state_zh(self.from), step_zh(self.step))
    }
}

fn state_zh(s: State) -> &'static str {
    match s {
        State::Submitted => "已提交",
        State::Accepted => "已受理",
        State::Merged => "已合并",
        State::Declined => "不予受理",
        State::Assigned => "办理中",
        State::Answered => "已答复",
        State::Confirmed => "已解决",
        State::PartlySolved => "部分解决",
        State::Reopened => "重新办理",
    }
}

fn step_zh(s: Step) -> &'static str {
    match s {
        Step::Accept => "受理",
        Step::Merge => "合并",
        Step::Decline => "不予受理",
        Step::Assign => "交办",
        Step::Answer => "答复",
        Step::Confirm => "确认解决",
        Step::ConfirmPartly => "确认部分解决",
        Step::Reopen => "重新打开",
    }
}

/// The lifecycle: submitted → accepted / merged / declined; accepted → assigned → answered;
/// the committee may answer an accepted request itself; the requester confirms (solved or
/// partly solved) or reopens an answer; a reopened or partly solved request is assigned or
/// answered again.
pub fn next(from: State, step: Step) -> Result<State, NotAllowed> {
    use State as S;
    let to = match (from, step) {
        (S::Submitted, Step::Accept) => S::Accepted,
        (S::Submitted, Step::Merge) => S::Merged,
        (S::Submitted, Step::Decline) => S::Declined,
        (S::Accepted | S::Reopened | S::PartlySolved | S::Assigned, Step::Assign) => S::Assigned,
        (S::Accepted | S::Assigned | S::Reopened | S::PartlySolved, Step::Answer) => S::Answered,
        (S::Answered, Step::Confirm) => S::Confirmed,
        (S::Answered, Step::ConfirmPartly) => S::PartlySolved,
        (S::Answered, Step::Reopen) => S::Reopened,
        _ => return Err(NotAllowed { from, step }),
    };
    Ok(to)
}

/// Request categories with their answer deadline in calendar days (the SLA).
pub const CATEGORIES: [(&str, i64); 5] =
    [("welfare", 15), ("work", 15), ("facilities", 10), ("suggestion", 30), ("other", 15)];

pub fn category_days(code: &str) -> Option<i64> {
    CATEGORIES.iter().find(|(c, _)| *c == code).map(|(_, d)| *d)
}

pub fn category_key(code: &str) -> &'static str {
    match code {
        "welfare" => "care-req-cat-welfare",
        "work" => "care-req-cat-work",
        "facilities" => "care-req-cat-facilities",
        "suggestion" => "care-req-cat-suggestion",
        _ => "care-req-cat-other",
    }
}

/// The answer deadline: the SLA's calendar days after the day of submission.
pub fn answer_due(submitted: NaiveDate, category: &str) -> Option<NaiveDate> {
    let days = u64::try_from(category_days(category)?).ok()?;
    submitted.checked_add_days(Days::new(days))
}

/// Overdue: still awaiting an answer after the deadline day.
pub fn is_overdue(state: State, due: NaiveDate, today: NaiveDate) -> bool {
    state.awaiting_answer() && today > due
}

/// The weeks after an answer when the requester is asked whether it was really solved.
pub const FOLLOW_UP_DAYS: u64 = 28;

/// The longest request text.
pub const MAX_TEXT: usize = 4000;

/// A follow-up code as handed out: 16 characters of an alphabet without look-alikes, shown in
/// groups of four (`K7QD-…`). Input is read case-insensitively and without the dashes or spaces.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

pub fn normalise_code(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
    (s.len() == 16 && s.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(s)
}

/// `ABCD-EFGH-JKLM-NPQR`.
pub fn display_code(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}
