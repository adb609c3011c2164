//! Confirming a term's delegate list on the session page. congress.md shows the composition checks
//! as warnings before the list is confirmed: with warnings, confirming needs the explicit
//! acknowledgement "已知悉以上提示，仍确认名单", and the acknowledged warnings are recorded with the
//! confirmation and in the audit log.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Form};
use jiaogong_domain::congress::confirm_list;
use jiaogong_store::congress::delegate_lists::{self, Confirmation};
use jiaogong_store::congress::{self as repo, Delegate};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::see_other;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("POST", "/s/{school}/congress/{id}/delegate-list/confirm", post(confirm))
}

/// What the session page says about the list's confirmation.
pub struct ListStatus {
    /// The latest confirmation, if any.
    pub last: Option<Confirmation>,
    /// It names exactly the current delegates (a change since calls for a new confirmation).
    pub current: bool,
}

fn current_members(delegates: &[Delegate]) -> Vec<String> {
    delegates.iter().filter(|d| d.until.is_none()).map(|d| d.member_id.clone()).collect()
}

pub async fn status(st: &AppState, school: &School, term_id: &str, delegates: &[Delegate]) -> AppResult<ListStatus> {
    let last = delegate_lists::latest(&st.store, &school.id, term_id).await?;
    let current = last.as_ref().is_some_and(|c| c.covers(&current_members(delegates)));
    Ok(ListStatus { last, current })
}

#[derive(Deserialize)]
struct ConfirmForm {
    /// The checkbox "已知悉以上提示，仍确认名单".
    #[serde(default)]
    acknowledge: String,
}

async fn confirm(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let delegates = repo::delegates(&st.store, &school.id, &s.term_id, &s.id).await?;
    let comp = crate::congress::composition_of(&st, &school, &delegates).await?;
    let warnings = match confirm_list(&comp, !f.acknowledge.is_empty()) {
        Ok(w) => w,
        Err(e) => return crate::congress::page_with(&st, &ctx, school, &id, ctx.tr.t(e.key())).await,
    };
    let mut tx = st.store.begin().await?;
    let members = current_members(&delegates);
    delegate_lists::confirm(&mut tx, &st.store.crypto, &school.id, &s.term_id, &members, &warnings, &ctx.actor())
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}#delegate-list", school.code)))
}
