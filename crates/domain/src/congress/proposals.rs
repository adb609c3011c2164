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
    CoSign { delegate: String },
    Submit { today: NaiveDate, window: (NaiveDate, NaiveDate) },
    Review(Review),
    Resubmit,
    Assign { department: String, due: NaiveDate },
    Answer { status: HandlingStatus, reason: String },
    Rate(Feedback),
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
        }
    }

    /// The Fluent arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProposalError::NotEnoughCoSigners { have, need } => {
                vec![("have", have.to_string()), ("need", need.to_string())]
            }
            _ => Vec::new(),
        }
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
            (S::Accepted, ProposalEvent::Assign { department, due }) => {
                self.department = Some(department);
                self.due = Some(due);
                self.round = 1;
                self.state = S::Assigned;
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

    /// Handling past its due date with no reply yet (shown highlighted).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.state == ProposalState::Assigned && self.due.is_some_and(|d| today > d)
    }
}

#[cfg(test)]
#[path = "proposals_tests.rs"]
mod tests;
