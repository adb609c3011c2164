//! The proposal (提案) lifecycle of congress.md as a state machine: drafting and co-signing (附议),
//! submission inside the collection window, the committee's review (立案 / 转为意见建议 / 合并 /
//! 退回修改), handling by a department with a due date, the reply, and the proposer's rating —
//! 不满意 sends it back to handling for another round, up to the rounds the school allows.

use chrono::NaiveDate;

/// 教学 / 后勤 / 福利 / 师资 / 其他.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Teaching,
    Logistics,
    Welfare,
    Staffing,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] =
        [Category::Teaching, Category::Logistics, Category::Welfare, Category::Staffing, Category::Other];

    pub fn code(&self) -> &'static str {
        match self {
            Category::Teaching => "teaching",
            Category::Logistics => "logistics",
            Category::Welfare => "welfare",
            Category::Staffing => "staffing",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }
}

crate::stored_code!(Category, serialize);

/// The committee's decision on a submitted proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// 立案.
    Accept,
    /// 不立案, 转为意见建议 — with the reason.
    Suggestion { reason: String },
    /// 合并 into another proposal (its proposers are kept there).
    Merge { into: String },
    /// 退回修改 — with what to revise.
    Return { reason: String },
}

/// The department's status in its reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlingStatus {
    /// 已解决.
    Solved,
    /// 正在解决.
    InProgress,
    /// 列入计划.
    Planned,
    /// 因条件限制暂不能解决 (a reason is required).
    NotPossible,
}

impl HandlingStatus {
    pub const ALL: [HandlingStatus; 4] =
        [HandlingStatus::Solved, HandlingStatus::InProgress, HandlingStatus::Planned, HandlingStatus::NotPossible];

    pub fn code(&self) -> &'static str {
        match self {
            HandlingStatus::Solved => "solved",
            HandlingStatus::InProgress => "in_progress",
            HandlingStatus::Planned => "planned",
            HandlingStatus::NotPossible => "not_possible",
        }
    }

    pub fn from_code(code: &str) -> Option<HandlingStatus> {
        HandlingStatus::ALL.into_iter().find(|c| c.code() == code)
    }
}

crate::stored_code!(HandlingStatus, serialize);

/// The proposer's rating of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// 满意.
    Satisfied,
    /// 基本满意.
    MostlySatisfied,
    /// 不满意.
    Unsatisfied,
}

impl Feedback {
    pub const ALL: [Feedback; 3] = [Feedback::Satisfied, Feedback::MostlySatisfied, Feedback::Unsatisfied];

    pub fn code(&self) -> &'static str {
        match self {
            Feedback::Satisfied => "satisfied",
            Feedback::MostlySatisfied => "mostly_satisfied",
            Feedback::Unsatisfied => "unsatisfied",
        }
    }

    pub fn from_code(code: &str) -> Option<Feedback> {
        Feedback::ALL.into_iter().find(|c| c.code() == code)
    }
}

crate::stored_code!(Feedback, serialize);

/// Where a proposal is in its lifecycle (the column `proposals.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalState {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Suggestion,
    Merged,
    Assigned,
    Answered,
    Closed,
}

crate::stored_code!(ProposalState, serialize);

impl ProposalState {
    pub fn code(&self) -> &'static str {
        match self {
            ProposalState::Draft => "draft",
            ProposalState::Submitted => "submitted",
            ProposalState::Returned => "returned",
            ProposalState::Accepted => "accepted",
            ProposalState::Suggestion => "suggestion",
            ProposalState::Merged => "merged",
            ProposalState::Assigned => "assigned",
            ProposalState::Answered => "answered",
            ProposalState::Closed => "closed",
        }
    }

    pub const ALL: [ProposalState; 9] = [
        ProposalState::Draft,
        ProposalState::Submitted,
        ProposalState::Returned,
        ProposalState::Accepted,
        ProposalState::Suggestion,
        ProposalState::Merged,
        ProposalState::Assigned,
        ProposalState::Answered,
        ProposalState::Closed,
    ];

    pub fn from_code(code: &str) -> Option<ProposalState> {
        ProposalState::ALL.into_iter().find(|c| c.code() == code)
    }

    /// 立案 and everything after it: what every member may read (the public list).
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            ProposalState::Accepted | ProposalState::Assigned | ProposalState::Answered | ProposalState::Closed
        )
    }

    /// Whether another proposal may be merged into one in this state: it must itself be a live
    /// proposal (submitted or accepted), not a draft, a returned text, a suggestion or a merged one.
    pub fn can_absorb(&self) -> bool {
        matches!(self, ProposalState::Submitted) || self.is_public()
    }

    /// The proposer may change the text only while it is a draft or returned for revision.
    pub fn is_editable(&self) -> bool {
        matches!(self, ProposalState::Draft | ProposalState::Returned)
    }
}

/// Per-school settings (congress.md defaults in `Default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalSettings {
    /// Co-signers needed besides the proposer.
    pub min_cosigners: usize,
    /// Handling rounds allowed (the first included) before an 不满意 closes the proposal.
    pub max_rounds: u32,
}

impl Default for ProposalSettings {
    fn default() -> Self {
        ProposalSettings { min_cosigners: 2, max_rounds: 3 }
    }
}

/// What happens to a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalEvent {
    CoSign {
        delegate: String,
    },
    Submit {
        today: NaiveDate,
        window: (NaiveDate, NaiveDate),
    },
    Review(Review),
    Resubmit,
    Assign {
        department: String,
        due: NaiveDate,
    },
    Answer {
        status: HandlingStatus,
        reason: String,
    },
    Rate(Feedback),
    /// The proposer changes the text. Co-signers signed the text they read, so editing a draft
    /// withdraws their signatures; a returned proposal keeps them (the committee asked for it).
    Edit,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("this step is not possible in the proposal's current state")]
    WrongState,
    #[error("the proposer cannot co-sign their own proposal")]
    OwnProposal,
    #[error("this delegate has already co-signed")]
    AlreadyCoSigned,
    #[error("not enough co-signers")]
    NotEnoughCoSigners { have: usize, need: usize },
    #[error("outside the collection window")]
    OutsideWindow,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("a proposal cannot be merged into itself")]
    MergeIntoItself,
    #[error("the proposal to merge into is not a live proposal")]
    MergeTarget,
    #[error("only the proposer may do this")]
    NotProposer,
    #[error("only current delegates of the term may draft or co-sign")]
    NotDelegate,
    #[error("the title is missing")]
    TitleRequired,
    #[error("the reason (案由) is missing")]
    ReasonTextRequired,
    #[error("the suggested measures are missing")]
    MeasuresRequired,
    #[error("a text is too long")]
    TooLong { max: usize },
    #[error("the department is missing")]
    DepartmentRequired,
    #[error("the due date is before the assignment")]
    DueInThePast,
    #[error("only the proposal committee or the member answering for the department may reply")]
    NotResponder,
    #[error("the member named to answer has no account in this school")]
    ResponderUnknown,
    #[error("the title has control or text-direction characters")]
    ControlChars,
}

impl ProposalError {
    /// The Fluent message id.
    pub fn key(&self) -> &'static str {
        match self {
            ProposalError::WrongState => "proposal-err-wrong-state",
            ProposalError::OwnProposal => "proposal-err-own",
            ProposalError::AlreadyCoSigned => "proposal-err-already-cosigned",
            ProposalError::NotEnoughCoSigners { .. } => "proposal-err-cosigners",
            ProposalError::OutsideWindow => "proposal-err-window",
            ProposalError::ReasonRequired => "proposal-err-reason",
            ProposalError::MergeIntoItself => "proposal-err-merge-self",
            ProposalError::MergeTarget => "proposal-err-merge-target",
            ProposalError::NotProposer => "proposal-err-not-proposer",
            ProposalError::NotDelegate => "proposal-err-not-delegate",
            ProposalError::TitleRequired => "proposal-err-title",
            ProposalError::ReasonTextRequired => "proposal-err-reason-text",
            ProposalError::MeasuresRequired => "proposal-err-measures",
            ProposalError::TooLong { .. } => "proposal-err-too-long",
            ProposalError::DepartmentRequired => "proposal-err-department",
            ProposalError::DueInThePast => "proposal-err-due",
            ProposalError::NotResponder => "proposal-err-not-responder",
            ProposalError::ResponderUnknown => "proposal-err-responder",
            ProposalError::ControlChars => "err-control-chars",
        }
    }

    /// The Fluent arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProposalError::NotEnoughCoSigners { have, need } => {
                vec![("have", have.to_string()), ("need", need.to_string())]
            }
            ProposalError::TooLong { max } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

/// Who may record a department's reply (congress.md: "the department writes a reply"): the
/// proposal committee, on the department's behalf, or the member the committee named to answer
/// for the department when it assigned the proposal.
pub fn may_answer(committee: bool, responder: Option<&str>, member: Option<&str>) -> Result<(), ProposalError> {
    match (responder, member) {
        _ if committee => Ok(()),
        (Some(r), Some(m)) if r == m => Ok(()),
        _ => Err(ProposalError::NotResponder),
    }
}

/// A proposal's lifecycle state (its text lives elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: String,
    pub proposer: String,
    pub category: Category,
    pub state: ProposalState,
    pub cosigners: Vec<String>,
    /// Handling round, from 1 once assigned.
    pub round: u32,
    pub department: Option<String>,
    pub due: Option<NaiveDate>,
    pub merged_into: Option<String>,
    pub last_feedback: Option<Feedback>,
}

impl Proposal {
    pub fn new(id: impl Into<String>, proposer: impl Into<String>, category: Category) -> Proposal {
        Proposal {
            id: id.into(),
            proposer: proposer.into(),
            category,
            state: ProposalState::Draft,
            cosigners: Vec::new(),
            round: 0,
            department: None,
            due: None,
            merged_into: None,
            last_feedback: None,
        }
    }

    /// Applies one event; on error nothing changes.
    pub fn apply(&mut self, event: ProposalEvent, settings: &ProposalSettings) -> Result<(), ProposalError> {
        use ProposalState as S;
        match (self.state, event) {
            (S::Draft, ProposalEvent::CoSign { delegate }) => {
                if delegate == self.proposer {
                    return Err(ProposalError::OwnProposal);
                }
                if self.cosigners.contains(&delegate) {
                    return Err(ProposalError::AlreadyCoSigned);
                }
                self.cosigners.push(delegate);
            }
            (S::Draft, ProposalEvent::Submit { today, window }) => {
                if today < window.0 || today > window.1 {
                    return Err(ProposalError::OutsideWindow);
                }
                if self.cosigners.len() < settings.min_cosigners {
                    return Err(ProposalError::NotEnoughCoSigners {
                        have: self.cosigners.len(),
                        need: settings.min_cosigners,
                    });
                }
                self.state = S::Submitted;
            }
            (S::Submitted, ProposalEvent::Review(review)) => match review {
                Review::Accept => self.state = S::Accepted,
                Review::Suggestion { reason } | Review::Return { reason } if reason.trim().is_empty() => {
                    return Err(ProposalError::ReasonRequired)
                }
                Review::Suggestion { .. } => self.state = S::Suggestion,
                Review::Return { .. } => self.state = S::Returned,
                Review::Merge { into } => {
                    if into == self.id {
                        return Err(ProposalError::MergeIntoItself);
                    }
                    self.merged_into = Some(into);
                    self.state = S::Merged;
                }
            },
            (S::Returned, ProposalEvent::Resubmit) => self.state = S::Submitted,
            (S::Draft, ProposalEvent::Edit) => self.cosigners.clear(),
            (S::Returned, ProposalEvent::Edit) => {}
            (S::Accepted, ProposalEvent::Assign { department, due }) => {
                if department.trim().is_empty() {
                    return Err(ProposalError::DepartmentRequired);
                }
                self.department = Some(department);
                self.due = Some(due);
                self.round = 1;
                self.state = S::Assigned;
            }
            // After 不满意 the committee sets the next round's department and due date: the first
            // round's date would make the new round overdue from its first day.
            (S::Assigned, ProposalEvent::Assign { department, due }) if self.round > 1 => {
                if department.trim().is_empty() {
                    return Err(ProposalError::DepartmentRequired);
                }
                self.department = Some(department);
                self.due = Some(due);
            }
            (S::Assigned, ProposalEvent::Answer { status, reason }) => {
                if status == HandlingStatus::NotPossible && reason.trim().is_empty() {
                    return Err(ProposalError::ReasonRequired);
                }
                self.state = S::Answered;
            }
            (S::Answered, ProposalEvent::Rate(feedback)) => {
                self.last_feedback = Some(feedback);
                self.state = if feedback == Feedback::Unsatisfied && self.round < settings.max_rounds {
                    self.round += 1;
                    S::Assigned
                } else {
                    S::Closed
                };
            }
            _ => return Err(ProposalError::WrongState),
        }
        Ok(())
    }

    /// Only the proposer rates a reply, edits or submits: the web layer asks before applying.
    pub fn check_proposer(&self, who: &str) -> Result<(), ProposalError> {
        if who == self.proposer {
            Ok(())
        } else {
            Err(ProposalError::NotProposer)
        }
    }

    /// 合并: the proposal merged into must be another live proposal (submitted or accepted).
    pub fn check_merge_target(&self, target: &Proposal) -> Result<(), ProposalError> {
        if target.id == self.id {
            return Err(ProposalError::MergeIntoItself);
        }
        if !target.state.can_absorb() {
            return Err(ProposalError::MergeTarget);
        }
        Ok(())
    }

    /// Handling past its due date with no reply yet (shown highlighted).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state == ProposalState::Assigned && self.due.is_some_and(|d| today > d)
    }
}

/// Longest title, and longest reason or measures, in characters.
pub const TITLE_MAX: usize = 80;
pub const TEXT_MAX: usize = 4000;

/// The text of a proposal as the proposer wrote it: a title, the reason (案由), the suggested
/// measures (建议措施) and the category. Parsed, so it is never empty or oversized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalText {
    pub title: String,
    pub reason: String,
    pub measures: String,
    pub category: Category,
}

impl ProposalText {
    pub fn parse(title: &str, reason: &str, measures: &str, category: Category) -> Result<ProposalText, ProposalError> {
        let title = crate::platform::text::line(title, TITLE_MAX).map_err(|e| match e {
            crate::ValidationError::Required => ProposalError::TitleRequired,
            crate::ValidationError::TooLong { max } => ProposalError::TooLong { max },
            _ => ProposalError::ControlChars,
        })?;
        let reason = reason.trim().replace("\r\n", "\n");
        let measures = measures.trim().replace("\r\n", "\n");
        if reason.is_empty() {
            return Err(ProposalError::ReasonTextRequired);
        }
        if measures.is_empty() {
            return Err(ProposalError::MeasuresRequired);
        }
        if reason.chars().count() > TEXT_MAX || measures.chars().count() > TEXT_MAX {
            return Err(ProposalError::TooLong { max: TEXT_MAX });
        }
        Ok(ProposalText { title, reason, measures, category })
    }
}

/// The collection window (征集期) of a session: the one the committee set, else open until the
/// session's day (inclusive) with no start.
pub fn collection_window(set: Option<(NaiveDate, NaiveDate)>, held_on: NaiveDate) -> (NaiveDate, NaiveDate) {
    set.unwrap_or((NaiveDate::MIN, held_on))
}

/// A due date for handling must not lie before the day it is assigned.
pub fn check_due(due: NaiveDate, today: NaiveDate) -> Result<(), ProposalError> {
    if due < today {
        Err(ProposalError::DueInThePast)
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[path = "proposals_tests.rs"]
mod tests;
