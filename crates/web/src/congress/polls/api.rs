//! The polls API of API.md: create, open, cast, turnout, close, result and bulletin.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::ballots::{self, limits};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::congress::polls::{self as repo};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    bulletin_body, cast, closed_if_due, create_poll_with, manages, must_manage, outcome, scoped, tally_of, too_large,
    transition, NewPoll, MAX_DESCRIPTION,
};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::AppState;

#[derive(Deserialize)]
struct CreateBody {
    poll: Value,
    #[serde(default)]
    voters: Option<Vec<String>>,
    /// An election held 等额 (as many candidates as seats, e.g. the chair): exempt from 差额.
    #[serde(default)]
    uncontested: bool,
    /// `union_election` | `congress_resolution` | `consultation`: a poll without `rules` takes
    /// the purpose's rules.
    #[serde(default)]
    purpose: Option<String>,
    /// Plain text shown above the ballot.
    #[serde(default)]
    description: String,
    /// When the poll closes by itself: "2026-12-05T18:00" (Beijing time).
    #[serde(default)]
    closes_at: String,
    /// 监票人 and 计票人 named with the poll (names); none may be a candidate.
    #[serde(default)]
    scrutineers: Vec<String>,
    #[serde(default)]
    counters: Vec<String>,
}

pub(super) async fn api_create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    body: Bytes,
) -> AppResult<Response> {
    let b: CreateBody = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))?;
    let mut poll = b.poll;
    let (scrutineers, counters) = (outcome::official_names(&b.scrutineers), outcome::official_names(&b.counters));
    outcome::check_officials(&ctx, &scrutineers, &counters)?;
    let description = jiaogong_domain::platform::text::optional_text(&b.description, MAX_DESCRIPTION)
        .map_err(|e| AppError::bad("invalid_description", ctx.name_error(&e, "poll-err-description")))?
        .unwrap_or_default();
    let closes_at = ballots::parse_closing_time(&b.closes_at, jiaogong_store::now_ms())
        .map_err(|e| AppError::bad("invalid_closes_at", ctx.tr.t(e.key())))?;
    let mut details = repo::PollDetails { purpose: None, description, closes_at };
    if let Some(name) = &b.purpose {
        let purpose = ballots::PollPurpose::parse(name)
            .ok_or_else(|| AppError::bad("invalid_purpose", ctx.tr.t("poll-err-purpose")))?;
        let kind = poll.get("kind").cloned().and_then(|k| serde_json::from_value::<ballots::PollKind>(k).ok());
        if !kind.is_some_and(|k| purpose.fits(k)) {
            let msg = ctx.tr.t1("poll-err-purpose-kind", "purpose", &ctx.tr.t(purpose.key()));
            return Err(AppError::bad("purpose_kind", msg));
        }
        if let Some(obj) = poll.as_object_mut() {
            obj.entry("rules").or_insert_with(|| json!(purpose.default_rules()));
        }
        details.purpose = Some(purpose.as_str().to_string());
    }
    let new = NewPoll { details, scrutineers, counters };
    let id = create_poll_with(&st, &ctx, &school, poll, b.voters, !b.uncontested, &new).await?;
    let (electorate, _) = repo::turnout(&st.store, &id).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "status": "draft", "electorate": electorate}))).into_response())
}

pub(super) async fn api_open(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    must_manage(&ctx)?;
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Draft, PollStatus::Open).await?;
    Ok(Json(json!({"id": id, "status": "open"})))
}

pub(super) async fn api_close(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    must_manage(&ctx)?;
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Open, PollStatus::Closed).await?;
    Ok(Json(json!({"id": id, "status": "closed"})))
}

pub(super) async fn api_cast(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    // A ballot a person filled in is a few kilobytes at most; the body is not read past the limit.
    let body = axum::body::to_bytes(body, limits::MAX_BALLOT_BODY).await.map_err(|_| too_large(&ctx))?;
    let ballot: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))?;
    let tracker = cast(&st, &ctx, &poll, &ballot).await?;
    Ok((StatusCode::CREATED, Json(json!({"tracker": tracker}))).into_response())
}

pub(super) async fn api_turnout(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let t = repo::live_turnout(&st.store, &poll.id).await?;
    let mut v = json!({"id": poll.id, "status": poll.status, "electorate": t.electorate, "voted": t.voted});
    if manages(ctx.user()?.role()) {
        let missing: Vec<Value> =
            t.not_voted.into_iter().map(|(no, name)| json!({"employee_no": no, "name": name})).collect();
        v["not_voted"] = json!(missing);
    }
    Ok(Json(v))
}

pub(super) async fn api_result(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    let poll = closed_if_due(&st, &school, poll).await?;
    if !poll.status.is_closed() {
        return Ok((
            StatusCode::FORBIDDEN,
            Json(json!({"error": {"code": "results_hidden", "message": ctx.tr.t("poll-results-hidden")}})),
        )
            .into_response());
    }
    Ok(Json(json!(tally_of(&st, &poll).await?)).into_response())
}

pub(super) async fn api_bulletin(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    let poll = closed_if_due(&st, &school, poll).await?;
    if !poll.status.is_closed() {
        return Ok((
            StatusCode::FORBIDDEN,
            Json(json!({"error": {"code": "results_hidden", "message": ctx.tr.t("poll-results-hidden")}})),
        )
            .into_response());
    }
    // Every ballot of an evaluation carries its rater group, so a small group could be singled
    // out in the bulletin: it goes to the committee and the auditors (the scrutineers), who can
    // recount it with `jiaogong tally`; members see the summary sheet with small groups withheld.
    if poll.kind == ballots::PollKind::Evaluation {
        let role = ctx.user()?.role();
        if !(manages(role) || role == Role::Auditor) {
            return Ok((
                StatusCode::FORBIDDEN,
                Json(
                    json!({"error": {"code": "bulletin_restricted", "message": ctx.tr.t("poll-bulletin-restricted")}}),
                ),
            )
                .into_response());
        }
    }
    let body = bulletin_body(&st, &poll).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"bulletin.json\""),
        ],
        body,
    )
        .into_response())
}
