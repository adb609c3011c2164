//! The detail page: who may see a proposal, and the page with its history, replies and the forms
//! for the step each role may take.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use jiaogong_domain::congress::{Feedback, HandlingStatus, ProposalSettings, ProposalState};
use jiaogong_store::congress::proposals::{self as repo, Detail};
use jiaogong_store::platform::tenancy::School;

use super::{is_committee, member_of, Echo};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::AppState;

/// The proposal if the caller may see it: accepted ones are public; before that only the
/// committee, the proposer, its co-signers and (for drafts) the term's delegates see it.
pub(super) async fn visible(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    id: &str,
) -> AppResult<(Detail, Vec<(String, String)>)> {
    let p = repo::get(&st.store, &school.id, id).await?;
    let cosigners = repo::cosigners(&st.store, &school.id, id).await?;
    let state = p.state;
    if state.is_public() || is_committee(ctx) {
        return Ok((p, cosigners));
    }
    let Some(me) = member_of(ctx) else { return Err(AppError::NotFound) };
    if p.proposer_id == me || cosigners.iter().any(|(m, _)| *m == me) {
        return Ok((p, cosigners));
    }
    if state == ProposalState::Draft
        && jiaogong_store::congress::current_delegate_ids(&st.store, &p.term_id).await?.contains(&me)
    {
        return Ok((p, cosigners));
    }
    Err(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "congress/proposals/detail.html")]
struct DetailPage {
    c: Chrome,
    school: School,
    p: Detail,
    cosigners: Vec<(String, String)>,
    history: Vec<repo::HistoryEntry>,
    replies: Vec<repo::Reply>,
    merged_from: Vec<(String, Option<i64>, String, String)>,
    merge_choices: Vec<(String, Option<i64>, String, String)>,
    departments: Vec<String>,
    /// (member id, name, department) the committee may name to answer.
    responders: Vec<(String, String, String)>,
    /// The caller was named to answer for the department.
    is_responder: bool,
    settings: ProposalSettings,
    is_proposer: bool,
    can_cosign: bool,
    committee: bool,
    e: Echo,
    statuses: Vec<&'static str>,
    ratings: Vec<&'static str>,
    error: String,
}

pub(super) async fn detail_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    error: String,
    e: Echo,
) -> AppResult<Response> {
    let (p, cosigners) = visible(st, ctx, &school, id).await?;
    let me = member_of(ctx);
    let is_proposer = me.as_deref() == Some(p.proposer_id.as_str());
    let committee = is_committee(ctx);
    let can_cosign = match &me {
        Some(me) if p.state == ProposalState::Draft && !is_proposer && !cosigners.iter().any(|(m, _)| m == me) => {
            jiaogong_store::congress::current_delegate_ids(&st.store, &p.term_id).await?.contains(me)
        }
        _ => false,
    };
    let history = repo::history(&st.store, &school.id, id).await?;
    let replies = repo::replies(&st.store, &school.id, id).await?;
    let merged_from = repo::merged_from(&st.store, &school.id, id).await?;
    let (merge_choices, departments, responders) = if committee {
        (
            repo::merge_choices(&st.store, &school.id, &p.session_id, id).await?,
            repo::departments(&st.store, &school.id).await?,
            repo::responder_choices(&st.store, &school.id).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let is_responder = me.is_some() && me == p.responder_id;
    // The assignment form starts from the current one (a new round keeps the department's answerer).
    let mut e = e;
    if e.responder.is_empty() && error.is_empty() {
        e.responder = p.responder_id.clone().unwrap_or_default();
    }
    let settings = repo::settings(&st.store, &school.id).await?;
    let title = p.title.clone();
    let failed = !error.is_empty();
    let mut r = render(&DetailPage {
        c: Chrome::new(ctx, "proposals", title),
        school,
        p,
        cosigners,
        history,
        replies,
        merged_from,
        merge_choices,
        departments,
        responders,
        is_responder,
        settings,
        is_proposer,
        can_cosign,
        committee,
        e,
        statuses: HandlingStatus::ALL.iter().map(|s| s.code()).collect(),
        ratings: Feedback::ALL.iter().map(|s| s.code()).collect(),
        error,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    detail_with(&st, &ctx, school, &id, String::new(), Echo::default()).await
}
