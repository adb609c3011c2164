//! The figures of the 提案工作报告 (congress.md "Tracking and report"): what was received and what
//! became of it, by category and by department, replies on time, and the proposers' satisfaction.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::proposals::{Category, Feedback, ProposalState};

/// What the report needs to know of one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    pub state: ProposalState,
    pub category: Category,
    pub department: Option<String>,
    pub due: Option<NaiveDate>,
    /// The date of the department's first reply (round 1), if any.
    pub first_reply: Option<NaiveDate>,
    /// The proposer's latest rating, if any.
    pub feedback: Option<Feedback>,
}

/// Counts per department.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepartmentFigures {
    pub assigned: u32,
    pub replied: u32,
    pub on_time: u32,
    pub overdue: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFigures {
    /// Every proposal handed in (drafts never submitted are not counted).
    pub received: u32,
    /// 立案, whatever happened afterwards.
    pub accepted: u32,
    pub suggestions: u32,
    pub merged: u32,
    /// Currently returned for revision.
    pub returned: u32,
    /// Submitted and waiting for the committee.
    pub pending: u32,
    /// Per category, in `Category::ALL` order: (received, accepted).
    pub by_category: Vec<(Category, u32, u32)>,
    pub by_department: BTreeMap<String, DepartmentFigures>,
    /// Accepted proposals with a department's reply, and those replied by the due date (inclusive).
    pub replied: u32,
    pub replied_on_time: u32,
    /// Handling past the due date without a reply at `today`.
    pub overdue: u32,
    pub satisfied: u32,
    pub mostly_satisfied: u32,
    pub unsatisfied: u32,
}

impl ReportFigures {
    /// Ratings given.
    pub fn rated(&self) -> u32 {
        self.satisfied + self.mostly_satisfied + self.unsatisfied
    }

    /// 满意率: (满意 + 基本满意) / ratings given, in whole percent; None before any rating.
    pub fn satisfaction_percent(&self) -> Option<u32> {
        percent(self.satisfied + self.mostly_satisfied, self.rated())
    }

    /// Replies on time / replies, in whole percent.
    pub fn on_time_percent(&self) -> Option<u32> {
        percent(self.replied_on_time, self.replied)
    }
}

/// Rounded half up; None when there is nothing to divide by.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| ((u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole))) as u32)
}

/// The report's figures from the proposals of one session.
pub fn report_figures(items: &[ReportItem], today: NaiveDate) -> ReportFigures {
    use ProposalState as S;
    let mut f =
        ReportFigures { by_category: Category::ALL.iter().map(|c| (*c, 0, 0)).collect(), ..ReportFigures::default() };
    for it in items {
        if it.state == S::Draft {
            continue;
        }
        f.received += 1;
        let accepted = it.state.is_public();
        match it.state {
            S::Suggestion => f.suggestions += 1,
            S::Merged => f.merged += 1,
            S::Returned => f.returned += 1,
            S::Submitted => f.pending += 1,
            _ if accepted => f.accepted += 1,
            _ => {}
        }
        if let Some(row) = f.by_category.iter_mut().find(|(c, _, _)| *c == it.category) {
            row.1 += 1;
            if accepted {
                row.2 += 1;
            }
        }
        if !accepted {
            continue;
        }
        let on_time = matches!((it.first_reply, it.due), (Some(r), Some(d)) if r <= d);
        let overdue = it.state == S::Assigned && it.first_reply.is_none() && it.due.is_some_and(|d| today > d);
        if it.first_reply.is_some() {
            f.replied += 1;
            if on_time {
                f.replied_on_time += 1;
            }
        }
        if overdue {
            f.overdue += 1;
        }
        if let Some(dep) = &it.department {
            let d = f.by_department.entry(dep.clone()).or_default();
            d.assigned += 1;
            if it.first_reply.is_some() {
                d.replied += 1;
            }
            if on_time {
                d.on_time += 1;
            }
            if overdue {
                d.overdue += 1;
            }
        }
        match it.feedback {
            Some(Feedback::Satisfied) => f.satisfied += 1,
            Some(Feedback::MostlySatisfied) => f.mostly_satisfied += 1,
            Some(Feedback::Unsatisfied) => f.unsatisfied += 1,
            None => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn item(state: ProposalState, category: Category) -> ReportItem {
        ReportItem { state, category, department: None, due: None, first_reply: None, feedback: None }
    }

    fn handled(due: NaiveDate, reply: Option<NaiveDate>, feedback: Option<Feedback>) -> ReportItem {
        ReportItem {
            state: if reply.is_some() { ProposalState::Closed } else { ProposalState::Assigned },
            category: Category::Logistics,
            department: Some("总务处".into()),
            due: Some(due),
            first_reply: reply,
            feedback,
        }
    }

    #[test]
    fn received_counts_everything_handed_in_but_not_drafts() {
        use ProposalState as S;
        let items = [
            item(S::Draft, Category::Teaching),
            item(S::Submitted, Category::Teaching),
            item(S::Returned, Category::Welfare),
            item(S::Suggestion, Category::Welfare),
            item(S::Merged, Category::Other),
            item(S::Accepted, Category::Teaching),
            item(S::Closed, Category::Staffing),
        ];
        let f = report_figures(&items, d(9, 1));
        assert_eq!((f.received, f.accepted, f.suggestions, f.merged, f.returned, f.pending), (6, 2, 1, 1, 1, 1));
        assert_eq!(f.by_category[0], (Category::Teaching, 2, 1), "the draft is not received");
        assert_eq!(f.by_category[2], (Category::Welfare, 2, 0));
    }

    #[test]
    fn a_reply_on_the_due_date_is_on_time() {
        let items = [
            handled(d(10, 15), Some(d(10, 15)), None),
            handled(d(10, 15), Some(d(10, 16)), None),
            handled(d(10, 15), None, None),
        ];
        let f = report_figures(&items, d(10, 20));
        assert_eq!((f.replied, f.replied_on_time, f.overdue), (2, 1, 1));
        assert_eq!(f.on_time_percent(), Some(50));
        let dep = &f.by_department["总务处"];
        assert_eq!((dep.assigned, dep.replied, dep.on_time, dep.overdue), (3, 2, 1, 1));
    }

    #[test]
    fn satisfaction_counts_satisfied_and_mostly_satisfied_over_ratings_given() {
        let items = [
            handled(d(10, 1), Some(d(9, 20)), Some(Feedback::Satisfied)),
            handled(d(10, 1), Some(d(9, 20)), Some(Feedback::MostlySatisfied)),
            handled(d(10, 1), Some(d(9, 20)), Some(Feedback::Unsatisfied)),
            handled(d(10, 1), Some(d(9, 20)), None),
        ];
        let f = report_figures(&items, d(10, 2));
        assert_eq!(f.rated(), 3);
        assert_eq!(f.satisfaction_percent(), Some(67));
        assert_eq!(report_figures(&[], d(1, 1)).satisfaction_percent(), None, "no ratings, no rate");
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(percent(1, 8), Some(13)); // 12.5
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(0, 0), None);
    }
}
