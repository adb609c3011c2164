//! The lifecycle steps posted from the detail page (edit, co-sign, submit, review, assign, reply,
//! rate), each run through the store with refusals audited.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use chrono::NaiveDate;
use jiaogong_domain::congress::{collection_window, Feedback, HandlingStatus, ProposalState, Review};
use jiaogong_store::congress::proposals::{self as repo, Detail, Step, StepError, Who};
use jiaogong_store::platform::tenancy::School;

use super::detail::{detail_with, visible};
use super::draft::{form_page, parse_text, DraftForm};
use super::{base, today, who, Echo};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::see_other;
use crate::AppState;

/// Runs one step; a refusal by the rules comes back as the detail page with the message and the
/// typed values, a foreign or unknown id as 404.
/// Runs a step and goes to `to`; a refused step shows the detail page with its message.
async fn step_then(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    step: Step,
    e: Echo,
    to: &str,
) -> AppResult<Response> {
    Ok(match run_step(st, ctx, school, id, step, e).await? {
        Ok(_) => see_other(to),
        Err(page) => page,
    })
}

async fn run_step(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    step: Step,
    e: Echo,
) -> AppResult<Result<ProposalState, Response>> {
    // Nothing about a proposal the caller may not see: not even whether it exists.
    let name = step.name();
    visible_for_step(st, ctx, &school, id, name).await?;
    let settings = repo::settings(&st.store, &school.id).await?;
    let (actor, member) = who(ctx)?;
    let mut tx = st.store.begin().await?;
    let who = Who { actor: &actor, member: member.as_deref(), committee: super::is_committee(ctx) };
    // A refused step writes nothing but its refusal, in the audit log.
    match repo::step(&mut tx, &st.store.crypto, &school.id, id, who, today(), &settings, step).await {
        Ok(state) => {
            jiaogong_store::commit(tx).await?;
            Ok(Ok(state))
        }
        Err(StepError::Rule(rule)) => {
            drop(tx);
            let reason = rule.key().trim_start_matches("proposal-err-");
            repo::record_refusal(&st.store, &school.id, id, &actor, name, reason).await?;
            let msg = ctx.tr.ta(rule.key(), &rule.args());
            Ok(Err(detail_with(st, ctx, school, id, msg, e).await?))
        }
        Err(StepError::Store(jiaogong_store::StoreError::Conflict(_))) => {
            drop(tx);
            repo::record_refusal(&st.store, &school.id, id, &actor, name, "stale").await?;
            Ok(Err(detail_with(st, ctx, school, id, ctx.tr.t("proposal-err-conflict"), e).await?))
        }
        Err(StepError::Store(err)) => Err(err.into()),
    }
}

/// [`visible`] before a step: a caller who may not see the proposal gets 404, and the refusal
/// is audited (the id as sent, whether or not it exists).
async fn visible_for_step(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    id: &str,
    step: &str,
) -> AppResult<(Detail, Vec<(String, String)>)> {
    match visible(st, ctx, school, id).await {
        Err(AppError::NotFound) => {
            repo::record_refusal(&st.store, &school.id, id, &ctx.actor(), step, "not-visible").await?;
            Err(AppError::NotFound)
        }
        other => other,
    }
}

pub(super) async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<DraftForm>,
) -> AppResult<Response> {
    let text = match parse_text(&ctx, &f) {
        Ok(t) => t,
        Err(msg) => {
            visible(&st, &ctx, &school, &id).await?;
            return form_page(&st, &ctx, school, Some(id), f, msg).await;
        }
    };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Edit(text), Echo::default(), &to).await
}

pub(super) async fn cosign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let to = if e.from == "detail" { format!("{}/{id}", base(&school)) } else { format!("{}/mine", base(&school)) };
    step_then(&st, &ctx, school, &id, Step::CoSign, e, &to).await
}

pub(super) async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (p, _) = visible_for_step(&st, &ctx, &school, &id, "submit").await?;
    let held_on = NaiveDate::parse_from_str(&p.held_on, "%Y-%m-%d").unwrap_or_else(|_| today());
    let set = repo::window(&st.store, &school.id, &p.session_id).await?;
    let window = collection_window(set, held_on);
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Submit { window }, Echo::default(), &to).await
}

pub(super) async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let reason = jiaogong_domain::platform::text::normalize(&e.reason);
    let decision = match e.decision.as_str() {
        "accept" => Review::Accept,
        "suggestion" => Review::Suggestion { reason },
        "merge" => Review::Merge { into: e.into.trim().to_string() },
        "return" => Review::Return { reason },
        _ => {
            visible(&st, &ctx, &school, &id).await?;
            let msg = ctx.tr.t("proposal-err-decision");
            return detail_with(&st, &ctx, school, &id, msg, e).await;
        }
    };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Review(decision), e, &to).await
}

pub(super) async fn assign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let due = match jiaogong_domain::platform::dates::parse_date(&e.due) {
        Ok(d) => d,
        Err(err) => {
            visible(&st, &ctx, &school, &id).await?;
            let msg = format!("{}：{}", ctx.tr.t("proposal-due"), ctx.tr.validation(&err));
            return detail_with(&st, &ctx, school, &id, msg, e).await;
        }
    };
    let step = Step::Assign { department: e.department.clone(), due, responder: super::chosen(&e.responder) };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}

pub(super) async fn reply(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let Some(status) = HandlingStatus::from_code(e.status.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        let msg = ctx.tr.t("proposal-err-status");
        return detail_with(&st, &ctx, school, &id, msg, e).await;
    };
    let step = Step::Answer { status, measures: e.measures.clone(), reason: e.reason.clone() };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}

pub(super) async fn feedback(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let Some(rating) = Feedback::from_code(e.rating.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        let msg = ctx.tr.t("proposal-err-rating");
        return detail_with(&st, &ctx, school, &id, msg, e).await;
    };
    let step = Step::Rate { feedback: rating, comment: e.comment.clone() };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}
