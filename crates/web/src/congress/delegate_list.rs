//! Whether a term's delegate list is confirmed, as the session page shows it (the confirming form is
//! on the session page). congress.md shows the composition checks
//! as warnings before the list is confirmed: with warnings, confirming needs the explicit
//! acknowledgement "已知悉以上提示，仍确认名单", and the acknowledged warnings are recorded with the
//! confirmation and in the audit log.

use jiaogong_store::congress::delegate_lists::{self, Confirmation};
use jiaogong_store::congress::Delegate;
use jiaogong_store::platform::tenancy::School;

use crate::platform::error::AppResult;
use crate::AppState;

/// What the session page says about the list's confirmation.
pub struct ListStatus {
    /// The latest confirmation, if any.
    pub last: Option<Confirmation>,
    /// It names exactly the current delegates (a change since calls for a new confirmation).
    pub current: bool,
}

pub(crate) fn current_members(delegates: &[Delegate]) -> Vec<String> {
    delegates.iter().filter(|d| d.until.is_none()).map(|d| d.member_id.clone()).collect()
}

pub async fn status(st: &AppState, school: &School, term_id: &str, delegates: &[Delegate]) -> AppResult<ListStatus> {
    let last = delegate_lists::latest(&st.store, &school.id, term_id).await?;
    let current = last.as_ref().is_some_and(|c| c.covers(&current_members(delegates)));
    Ok(ListStatus { last, current })
}
