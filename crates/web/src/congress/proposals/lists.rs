//! The lists: the public list of a session's accepted proposals, and a member's own proposals with
//! the drafts waiting for their co-signature.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use jiaogong_store::congress::proposals::{self as repo, CosignLine, Line, Scope, SessionChoice};
use jiaogong_store::platform::tenancy::School;

use super::{is_committee, member_of, pick_session, today, SessionQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, Chrome};
use crate::AppState;

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "congress/proposals/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    sessions: Vec<SessionChoice>,
    session: Option<SessionChoice>,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    committee: bool,
    delegate_links: bool,
}

/// The public list: accepted proposals and their replies, for every member of the school.
pub(super) async fn public_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    let sessions = repo::session_choices(&st.store, &school.id).await?;
    let session = pick_session(&sessions, q.session.as_deref())?;
    let page = jiaogong_domain::platform::paging::page_number(q.page.unwrap_or(0));
    let (lines, total) = match &session {
        Some(s) => repo::list(&st.store, &school.id, &s.id, Scope::Public, page * PAGE, PAGE).await?,
        None => (Vec::new(), 0),
    };
    let title = ctx.tr.t("proposal-public-title");
    render(&ListPage {
        c: Chrome::new(&ctx, "proposals", title),
        school,
        sessions,
        session,
        lines,
        total,
        page,
        pages: (total + PAGE - 1) / PAGE,
        committee: is_committee(&ctx),
        delegate_links: member_of(&ctx).is_some(),
    })
}

#[derive(Template)]
#[template(path = "congress/proposals/mine.html")]
struct MinePage {
    c: Chrome,
    school: School,
    own: Vec<Line>,
    to_sign: Vec<CosignLine>,
    /// Proposals the member answers for their department.
    to_answer: Vec<Line>,
    can_draft: bool,
}

pub(super) async fn mine(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let (own, to_sign, to_answer, can_draft) = match member_of(&ctx) {
        Some(m) => (
            repo::of_proposer(&st.store, &school.id, &m).await?,
            repo::to_cosign(&st.store, &school.id, &m).await?,
            repo::to_answer(&st.store, &school.id, &m).await?,
            !repo::sessions_for_delegate(&st.store, &school.id, &m, today()).await?.is_empty(),
        ),
        None => (Vec::new(), Vec::new(), Vec::new(), false),
    };
    let title = ctx.tr.t("proposal-mine-title");
    render(&MinePage { c: Chrome::new(&ctx, "proposals", title), school, own, to_sign, to_answer, can_draft })
}
