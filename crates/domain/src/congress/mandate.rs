//! When a delegate's mandate ends without anyone ending it by hand: a delegate who leaves the
//! school's staff (调出), retires (退休) or dies (去世) is no longer a delegate (congress.md: "A
//! delegate who leaves is replaced by the constituency; the history is kept").

use crate::members::MemberStatus;

/// Whether a member moving to `status` leaves the delegate list.
pub fn leaves_delegate_list(status: MemberStatus) -> bool {
    matches!(status, MemberStatus::TransferredOut | MemberStatus::Retired | MemberStatus::Deceased)
}

/// The reason recorded on the delegate's history line: `left:<status>` and, when the member
/// event gave one, `:<the event's reason>` (shown in words by the pages).
pub fn leaving_reason(status: MemberStatus, event_reason: &str) -> String {
    let reason = event_reason.trim();
    if reason.is_empty() {
        format!("left:{}", status.code())
    } else {
        format!("left:{}:{reason}", status.code())
    }
}

/// The status and event reason of a recorded leaving reason, if `reason` is one.
pub fn parse_leaving_reason(reason: &str) -> Option<(MemberStatus, &str)> {
    let rest = reason.strip_prefix("left:")?;
    let (code, why) = rest.split_once(':').unwrap_or((rest, ""));
    MemberStatus::from_code(code).filter(|s| leaves_delegate_list(*s)).map(|s| (s, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegate_who_transfers_out_retires_or_dies_leaves_the_list() {
        assert!(leaves_delegate_list(MemberStatus::TransferredOut));
        assert!(leaves_delegate_list(MemberStatus::Retired));
        assert!(leaves_delegate_list(MemberStatus::Deceased));
    }

    #[test]
    fn delegate_who_stays_or_returns_keeps_the_mandate() {
        assert!(!leaves_delegate_list(MemberStatus::Active));
        assert!(!leaves_delegate_list(MemberStatus::NonMember));
    }

    #[test]
    fn leaving_reason_keeps_the_status_and_the_events_reason() {
        let r = leaving_reason(MemberStatus::TransferredOut, " 调往实验中学 ");
        assert_eq!(r, "left:transferred_out:调往实验中学");
        assert_eq!(parse_leaving_reason(&r), Some((MemberStatus::TransferredOut, "调往实验中学")));
        assert_eq!(parse_leaving_reason(&leaving_reason(MemberStatus::Retired, "")), Some((MemberStatus::Retired, "")));
        assert_eq!(parse_leaving_reason("调离本校"), None, "a reason typed by hand is shown as typed");
        assert_eq!(parse_leaving_reason("left:active"), None);
    }
}
