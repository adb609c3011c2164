//! The overdue proposals of every session: the list the home page's "提案逾期未答复" count opens.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use jiaogong_store::congress::proposals::{self as repo, Line};
use jiaogong_store::platform::tenancy::School;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "congress/proposals/overdue.html")]
struct OverduePage {
    c: Chrome,
    school: School,
    /// Each overdue proposal with the title of its session.
    lines: Vec<(Line, String)>,
}

pub(super) async fn overdue_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let sessions: HashMap<String, String> =
        repo::session_choices(&st.store, &school.id).await?.into_iter().map(|s| (s.id, s.title)).collect();
    let lines = repo::overdue(&st.store, &school.id, super::today())
        .await?
        .into_iter()
        .map(|l| {
            let session = sessions.get(&l.session_id).cloned().unwrap_or_default();
            (l, session)
        })
        .collect();
    let title = ctx.tr.t("proposal-overdue-title");
    render(&OverduePage { c: Chrome::new(&ctx, "proposals", title), school, lines })
}
