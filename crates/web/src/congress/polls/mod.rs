//! Polls (ballots.md) over HTTP: create, open, cast a secret ballot, live turnout, close, result
//! and bulletin. This module holds what every part shares (scope, definition and ballot checks);
//! `lifecycle` creates, opens and closes a poll, `ballot_box` casts, counts and publishes, `api`
//! is the JSON API of API.md, `pages` the pages a member votes on with a phone, `manage` the
//! committee's pages, `outcome` the result and its record, `paper` the paper ballots.

use axum::routing::{get, post};
use jiaogong_domain::congress::ballots::{self, limits, BULLETIN_FORMAT};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::congress::polls::{self as repo, Poll};
use jiaogong_store::platform::tenancy::{self, School};
use serde_json::{json, Value};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

mod api;
mod attachments;
mod ballot_box;
mod lifecycle;
mod manage;
mod outcome;
mod pages;
mod paper;

pub use lifecycle::{close_due_polls, spawn_closer};
pub use outcome::{result_json, status_name};

pub(crate) use ballot_box::{bulletin_body, bulletin_of, cast, tally_of};
pub(crate) use lifecycle::{
    closed_if_due, create_poll_with, officials_standing_error, transition, NewPoll, MAX_DESCRIPTION,
};

use api::{api_bulletin, api_cast, api_close, api_create, api_open, api_result, api_turnout};

pub fn routes(r: Routes) -> Routes {
    let r = r
        .add("POST", "/api/v1/schools/{school}/polls", post(api_create))
        .add("POST", "/api/v1/polls/{id}/open", post(api_open))
        .add("POST", "/api/v1/polls/{id}/ballots", post(api_cast))
        .add("GET", "/api/v1/polls/{id}/turnout", get(api_turnout))
        .add("POST", "/api/v1/polls/{id}/close", post(api_close))
        .add("GET", "/api/v1/polls/{id}/result", get(api_result))
        .add("GET", "/api/v1/polls/{id}/bulletin", get(api_bulletin));
    attachments::routes(outcome::routes(paper::routes(manage::routes(pages::routes(r)))))
}

/// Who manages polls.
pub fn manages(role: Role) -> bool {
    crate::platform::access::POLL_MANAGERS.contains(&role)
}

/// A poll by id, in the caller's scope (404 otherwise, so ids cannot be probed).
async fn scoped(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(School, Poll)> {
    let poll = repo::by_id(&st.store, id).await?;
    let school = tenancy::school(&st.store, &poll.school_id).await?;
    if !crate::platform::access::in_scope(&st.store, ctx.user()?, &school).await? {
        return Err(AppError::NotFound);
    }
    Ok((school, poll))
}

fn must_manage(ctx: &Ctx) -> AppResult<()> {
    if manages(ctx.user()?.role()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Checks a poll definition with the domain's bulletin rules (no ballots yet).
fn check_definition(poll: &Value) -> AppResult<ballots::Poll> {
    let text = json!({"format": BULLETIN_FORMAT, "poll": poll, "ballots": []}).to_string();
    ballots::parse_bulletin(&text).map(|b| b.poll).map_err(|e| AppError::bad("invalid_poll", e.message_zh_en()))
}

/// Checks one ballot against the poll; returns the content to store (no tracker, no paper flag).
fn check_ballot(ctx: &Ctx, poll: &Poll, ballot: &Value) -> AppResult<String> {
    let Some(obj) = ballot.as_object() else {
        return Err(AppError::bad("invalid_ballot", ctx.tr.t("poll-bad-ballot")));
    };
    if ["tracker", "paper", "spoiled"].iter().any(|k| obj.contains_key(*k)) {
        return Err(AppError::bad("invalid_ballot", ctx.tr.t("poll-bad-ballot")));
    }
    let def: Value = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut probe = obj.clone();
    probe.insert("tracker".into(), json!("check"));
    let text = json!({"format": BULLETIN_FORMAT, "poll": def, "ballots": [probe]}).to_string();
    if text.len() > 2 * limits::MAX_BALLOT_BODY + poll.definition.len() {
        return Err(too_large(ctx));
    }
    let b = ballots::parse_bulletin(&text).map_err(|e| AppError::bad("invalid_ballot", e.message_zh_en()))?;
    let content = Value::Object(obj.clone()).to_string();
    if let Some(ballot) = b.ballots.first() {
        limits::check_cast(&b.poll, ballot, content.len()).map_err(|e| size_error(ctx, e))?;
    }
    // Online, an over-vote is refused before it is cast rather than counted as invalid later.
    if let (Some(seats), Some(ballot)) = (b.poll.seats, b.ballots.first()) {
        if ballots::approvals(&b.poll, ballot) > seats {
            return Err(AppError::bad("over_vote", ctx.tr.t1("poll-over-vote", "seats", &seats.to_string())));
        }
    }
    Ok(content)
}

fn too_large(ctx: &Ctx) -> AppError {
    AppError::bad("ballot_too_large", ctx.tr.t("poll-err-ballot-too-large"))
}

/// The message of a ballot over the limits of what a person fills in.
fn size_error(ctx: &Ctx, e: limits::SizeError) -> AppError {
    match e {
        limits::SizeError::WriteInsNotAllowed => {
            AppError::bad("write_ins_not_allowed", ctx.tr.t("poll-err-write-ins-not-allowed"))
        }
        limits::SizeError::TooManyWriteIns { max } => {
            AppError::bad("too_many_write_ins", ctx.tr.t1("poll-err-too-many-write-ins", "max", &max.to_string()))
        }
        limits::SizeError::BadName => AppError::bad(
            "bad_write_in",
            ctx.tr.t1("poll-err-write-in-name", "max", &limits::MAX_NAME_CHARS.to_string()),
        ),
        limits::SizeError::TooLarge { .. } => too_large(ctx),
    }
}

/// The poll's stored definition (what the ballot asks and how it is counted).
pub(super) fn definition(poll: &Poll) -> AppResult<ballots::Poll> {
    serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))
}
