//! Proposals through the JSON API: the lists, one proposal, a new draft and every lifecycle step
//! the detail page offers, with the same roles and the same rules (the store asks the domain). A
//! proposal the caller may not see is 404, as on the pages; a step the rules refuse is 422 with
//! the rule's message, and is audited like a refused step on the pages.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use chrono::NaiveDate;
use jiaogong_domain::congress::{collection_window, Category, Feedback, HandlingStatus, ProposalText, Review};
use jiaogong_store::congress::proposals::{self as repo, Scope, Step, StepError, Who};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::detail::visible;
use super::{is_committee, pick_session, today, who};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

/// Lines per page of the list, as on the pages.
const PAGE: i64 = 50;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/api/v1/schools/{school}/proposals", get(list))
        .add("POST", "/api/v1/schools/{school}/proposals", post(create))
        .add("GET", "/api/v1/schools/{school}/proposals/{id}", get(one))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/edit", post(edit))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/cosign", post(cosign))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/submit", post(submit))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/review", post(review))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/assign", post(assign))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/reply", post(reply))
        .add("POST", "/api/v1/schools/{school}/proposals/{id}/feedback", post(feedback))
}

fn parse_json<T: serde::de::DeserializeOwned>(ctx: &Ctx, body: &Bytes) -> AppResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    session: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

/// A session's proposals: the accepted ones (the public list) for everyone, every proposal
/// handed in for the committee (its review queue).
async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<Value>> {
    let sessions = repo::session_choices(&st.store, &school.id).await?;
    let session = pick_session(&sessions, q.session.as_deref())?;
    let page = jiaogong_domain::platform::paging::page_number(q.page.unwrap_or(0));
    let scope = if is_committee(&ctx) { Scope::HandedIn } else { Scope::Public };
    let (lines, total) = match &session {
        Some(s) => repo::list(&st.store, &school.id, &s.id, scope, page.saturating_mul(PAGE), PAGE).await?,
        None => (Vec::new(), 0),
    };
    Ok(Json(json!({
        "session": session.map(|s| json!({"id": s.id, "title": s.title, "held_on": s.held_on})),
        "proposals": lines,
        "total": total,
        "page": page,
        "per_page": PAGE,
    })))
}

/// One proposal with its co-signers, history and replies, if the caller may see it.
async fn detail_json(st: &AppState, ctx: &Ctx, school: &School, id: &str) -> AppResult<Value> {
    let (p, cosigners) = visible(st, ctx, school, id).await?;
    let history = repo::history(&st.store, &school.id, id).await?;
    let replies = repo::replies(&st.store, &school.id, id).await?;
    let mut v = json!(p);
    if let Some(o) = v.as_object_mut() {
        let cosigners: Vec<Value> =
            cosigners.into_iter().map(|(id, name)| json!({"member_id": id, "name": name})).collect();
        o.insert("cosigners".into(), json!(cosigners));
        o.insert("history".into(), json!(history));
        o.insert("replies".into(), json!(replies));
    }
    Ok(v)
}

async fn one(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    Ok(Json(detail_json(&st, &ctx, &school, &id).await?))
}

/// The text of a draft: title, category code, reason and measures.
#[derive(Deserialize)]
struct TextBody {
    title: String,
    category: String,
    reason: String,
    measures: String,
}

#[derive(Deserialize)]
struct DraftBody {
    session: String,
    #[serde(flatten)]
    text: TextBody,
}

fn parse_text(ctx: &Ctx, t: &TextBody) -> AppResult<ProposalText> {
    let Some(category) = Category::from_code(t.category.trim()) else {
        return Err(AppError::bad("invalid_proposal", ctx.tr.t("proposal-err-category")));
    };
    ProposalText::parse(&t.title, &t.reason, &t.measures, category)
        .map_err(|e| AppError::bad("invalid_proposal", ctx.tr.ta(e.key(), &e.args())))
}

/// A new draft by a delegate of the session's term (403 for anyone else, as on the pages).
async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    body: Bytes,
) -> AppResult<Response> {
    let b: DraftBody = parse_json(&ctx, &body)?;
    let text = parse_text(&ctx, &b.text)?;
    let (actor, member) = who(&ctx)?;
    let mut tx = st.store.begin().await?;
    let w = Who { actor: &actor, member: member.as_deref(), committee: is_committee(&ctx) };
    let id = match repo::create(&mut tx, &st.store.crypto, &school.id, b.session.trim(), w, today(), &text).await {
        Ok(id) => id,
        Err(StepError::Rule(_)) => return Err(AppError::Forbidden),
        Err(StepError::Store(jiaogong_store::StoreError::NotFound)) => {
            return Err(AppError::bad("unknown_session", ctx.tr.t("proposal-err-session")))
        }
        Err(StepError::Store(e)) => return Err(e.into()),
    };
    jiaogong_store::commit(tx).await?;
    let v = detail_json(&st, &ctx, &school, &id).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// Runs one step as the detail page does: invisible → 404 (audited), refused by the rules →
/// 422 `proposal_refused` (audited), a concurrent change → 409 `stale`; else the proposal as it
/// now is.
async fn run(st: &AppState, ctx: &Ctx, school: &School, id: &str, step: Step) -> AppResult<Response> {
    let name = step.name();
    if let Err(e) = visible(st, ctx, school, id).await {
        if matches!(e, AppError::NotFound) {
            repo::record_refusal(&st.store, &school.id, id, &ctx.actor(), name, "not-visible").await?;
        }
        return Err(e);
    }
    let settings = repo::settings(&st.store, &school.id).await?;
    let (actor, member) = who(ctx)?;
    let mut tx = st.store.begin().await?;
    let w = Who { actor: &actor, member: member.as_deref(), committee: is_committee(ctx) };
    match repo::step(&mut tx, &st.store.crypto, &school.id, id, w, today(), &settings, step).await {
        Ok(_) => jiaogong_store::commit(tx).await?,
        Err(StepError::Rule(rule)) => {
            drop(tx);
            let reason = rule.key().trim_start_matches("proposal-err-");
            repo::record_refusal(&st.store, &school.id, id, &actor, name, reason).await?;
            let body = json!({"error": {
                "code": "proposal_refused",
                "message": ctx.tr.ta(rule.key(), &rule.args()),
                "rule": reason,
            }});
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
        Err(StepError::Store(jiaogong_store::StoreError::Conflict(_))) => {
            drop(tx);
            repo::record_refusal(&st.store, &school.id, id, &actor, name, "stale").await?;
            return Err(AppError::Conflict { code: "stale", message: ctx.tr.t("proposal-err-conflict") });
        }
        Err(StepError::Store(err)) => return Err(err.into()),
    }
    Ok(Json(detail_json(st, ctx, school, id).await?).into_response())
}

/// A body that may be empty (`{}` is the same).
fn optional_json<T: serde::de::DeserializeOwned + Default>(ctx: &Ctx, body: &Bytes) -> AppResult<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    parse_json(ctx, body)
}

async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let b: TextBody = parse_json(&ctx, &body)?;
    let text = parse_text(&ctx, &b)?;
    run(&st, &ctx, &school, &id, Step::Edit(text)).await
}

async fn cosign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    run(&st, &ctx, &school, &id, Step::CoSign).await
}

async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let p = match visible(&st, &ctx, &school, &id).await {
        Ok((p, _)) => p,
        Err(e) => {
            if matches!(e, AppError::NotFound) {
                repo::record_refusal(&st.store, &school.id, &id, &ctx.actor(), "submit", "not-visible").await?;
            }
            return Err(e);
        }
    };
    let held_on = NaiveDate::parse_from_str(&p.held_on, "%Y-%m-%d").unwrap_or_else(|_| today());
    let set = repo::window(&st.store, &school.id, &p.session_id).await?;
    let window = collection_window(set, held_on);
    run(&st, &ctx, &school, &id, Step::Submit { window }).await
}

#[derive(Deserialize, Default)]
struct ReviewBody {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    into: String,
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let b: ReviewBody = optional_json(&ctx, &body)?;
    let reason = jiaogong_domain::platform::text::normalize(&b.reason);
    let decision = match b.decision.as_str() {
        "accept" => Review::Accept,
        "suggestion" => Review::Suggestion { reason },
        "merge" => Review::Merge { into: b.into.trim().to_string() },
        "return" => Review::Return { reason },
        _ => {
            visible(&st, &ctx, &school, &id).await?;
            return Err(AppError::bad("bad_decision", ctx.tr.t("proposal-err-decision")));
        }
    };
    run(&st, &ctx, &school, &id, Step::Review(decision)).await
}

#[derive(Deserialize, Default)]
struct AssignBody {
    #[serde(default)]
    department: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    responder: Option<String>,
}

async fn assign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let b: AssignBody = optional_json(&ctx, &body)?;
    let due = match jiaogong_domain::platform::dates::parse_date(&b.due) {
        Ok(d) => d,
        Err(err) => {
            visible(&st, &ctx, &school, &id).await?;
            let msg = format!("{}：{}", ctx.tr.t("proposal-due"), ctx.tr.validation(&err));
            return Err(AppError::bad("bad_date", msg));
        }
    };
    let responder = b.responder.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    run(&st, &ctx, &school, &id, Step::Assign { department: b.department, due, responder }).await
}

#[derive(Deserialize, Default)]
struct ReplyBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    reason: String,
}

async fn reply(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let b: ReplyBody = optional_json(&ctx, &body)?;
    let Some(status) = HandlingStatus::from_code(b.status.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        return Err(AppError::bad("bad_status", ctx.tr.t("proposal-err-status")));
    };
    run(&st, &ctx, &school, &id, Step::Answer { status, measures: b.measures, reason: b.reason }).await
}

#[derive(Deserialize, Default)]
struct FeedbackBody {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn feedback(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let b: FeedbackBody = optional_json(&ctx, &body)?;
    let Some(rating) = Feedback::from_code(b.rating.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        return Err(AppError::bad("bad_rating", ctx.tr.t("proposal-err-rating")));
    };
    run(&st, &ctx, &school, &id, Step::Rate { feedback: rating, comment: b.comment }).await
}
