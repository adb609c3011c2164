//! The staff congress (教代会, congress.md): delegate numbers and composition, quorum, interim
//! sessions, the proposal (提案) lifecycle, leader evaluations (民主评议, `evaluation`) and award
//! selections (评先评优, `selection`). Every number is a per-school setting whose default
//! is the one congress.md gives; the rules take the settings as arguments.

pub mod ballots;

pub mod checkin;
mod composition;
pub mod evaluation;
mod mandate;
mod proposal_report;
mod proposals;
mod resolutions;
pub mod round_recount;
pub mod selection;
mod session_items;
mod settings;

pub use composition::{composition, delegate_minimum, Composition, PersonFacts, Share};
pub use composition::{confirm_list, ConfirmError};
pub use mandate::{leaves_delegate_list, leaving_reason, parse_leaving_reason};
pub use proposal_report::{percent, report_figures, DepartmentFigures, ReportFigures, ReportItem};
pub use proposals::{
    check_due, collection_window, may_answer, Category, Feedback, HandlingStatus, Proposal, ProposalError,
    ProposalEvent, ProposalSettings, ProposalState, ProposalText, Review, TEXT_MAX, TITLE_MAX,
};
pub use resolutions::{may_record, ResolutionStatus, TrackingError};
pub use session_items::SessionItemKind;
pub use settings::{assembly_allowed, parse_share, CongressSettings, SettingsError, ASSEMBLY_STAFF_LIMIT};

/// An interim session is called when at least one third of the delegates ask (bound included).
pub fn interim_session_requested(signatures: u32, delegates: u32) -> bool {
    delegates > 0 && u64::from(signatures) * 3 >= u64::from(delegates)
}

/// The fewest signatures that call an interim session for a voting body of `delegates` people:
/// ⌈delegates / 3⌉ in integers, i.e. the least `k` with `interim_session_requested(k, delegates)`.
/// `None` for an empty body, which can never call one.
pub fn interim_threshold(delegates: u32) -> Option<u32> {
    (delegates > 0).then(|| delegates.div_ceil(3))
}

/// The fewest candidates a 差额 election needs: more than the seats by at least `margin_percent`
/// of them, rounded up, and always at least one more than the seats (congress.md: default 5 %).
pub fn competitive_minimum(seats: u64, margin_percent: u64) -> u64 {
    let extra = (seats.saturating_mul(margin_percent)).div_ceil(100).max(1);
    seats.saturating_add(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competitive_elections_need_at_least_five_percent_more_candidates_rounded_up() {
        assert_eq!(competitive_minimum(7, 5), 8); // 0.35 → 1
        assert_eq!(competitive_minimum(21, 5), 23); // 1.05 → 2
        assert_eq!(competitive_minimum(20, 5), 21); // exactly 1
        assert_eq!(competitive_minimum(1, 0), 2, "always at least one more than the seats");
    }

    #[test]
    fn interim_session_needs_a_third_of_delegates_inclusive() {
        assert!(interim_session_requested(20, 60));
        assert!(!interim_session_requested(19, 60));
        assert!(interim_session_requested(11, 31));
        assert!(!interim_session_requested(10, 31));
        assert!(!interim_session_requested(0, 0));
    }

    #[test]
    fn interim_threshold_is_the_least_count_the_rule_accepts() {
        assert_eq!(interim_threshold(30), Some(10));
        assert_eq!(interim_threshold(31), Some(11));
        assert_eq!(interim_threshold(1), Some(1));
        assert_eq!(interim_threshold(0), None);
        for n in 1..=300u32 {
            let k = interim_threshold(n).unwrap_or(0);
            assert!(interim_session_requested(k, n) && !interim_session_requested(k - 1, n), "n = {n}");
        }
    }
}
