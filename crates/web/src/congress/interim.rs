//! Requests for an interim session (临时会议, congress.md: at least one third of the delegates).
//! A member of the current term's voting body starts one on the phone with a reason; the others
//! sign with one tap and can withdraw while it is open; the chair sees each request's signatures
//! against ⌈n/3⌉ of the body and, once reached, convenes the session from it. The store decides
//! and audits (`jiaogong_store::congress::interim`); a refusal renders the page again with its message.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_store::congress::interim::{self as repo, InterimError, Request, Term};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::StoreError;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/interim", get(list))
        .add("POST", "/s/{school}/interim", post(start))
        .add("POST", "/s/{school}/interim/{id}/sign", post(sign))
        .add("POST", "/s/{school}/interim/{id}/withdraw", post(withdraw))
        .add("POST", "/s/{school}/interim/{id}/convene", post(convene))
}

fn is_chair(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| crate::platform::access::POLL_MANAGERS.contains(&u.role()))
}

fn member_of(ctx: &Ctx) -> Option<String> {
    ctx.user.as_ref().and_then(|u| u.member_id.clone())
}

/// A request with what the page shows about it.
struct Line {
    r: Request,
    /// Signatures reach a third of the body now.
    reached: bool,
    signers: Vec<String>,
}

#[derive(Template)]
#[template(path = "congress/interim.html")]
struct ListPage {
    c: Chrome,
    school: School,
    term: Option<Term>,
    assembly: bool,
    body: i64,
    threshold: i64,
    in_body: bool,
    chair: bool,
    lines: Vec<Line>,
    reason: String,
    error: String,
}

async fn list_with(st: &AppState, ctx: &Ctx, school: School, reason: String, error: String) -> AppResult<Response> {
    let term = repo::current_term(&st.store, &school.id).await?;
    let me = member_of(ctx);
    let (body, in_body, lines) = match &term {
        Some(t) => {
            let body = repo::body_size(&st.store, &t.id).await?;
            let in_body = match &me {
                Some(m) => repo::is_in_body(&st.store, &t.id, m).await?,
                None => false,
            };
            let chair = is_chair(ctx);
            let names = if chair { repo::signers(&st.store, &school.id, &t.id).await? } else { Vec::new() };
            let lines = repo::requests(&st.store, &school.id, &t.id, me.as_deref())
                .await?
                .into_iter()
                .map(|r| Line {
                    reached: repo::reached(r.signatures, body),
                    signers: names.iter().filter(|(id, _)| *id == r.id).map(|(_, n)| n.clone()).collect(),
                    r,
                })
                .collect();
            (body, in_body, lines)
        }
        None => (0, false, Vec::new()),
    };
    let title = ctx.tr.t("interim-title");
    let mut r = render(&ListPage {
        c: Chrome::new(ctx, "sessions", title),
        school,
        assembly: term.as_ref().is_some_and(Term::is_assembly),
        term,
        body,
        threshold: repo::threshold(body),
        in_body,
        chair: is_chair(ctx),
        lines,
        reason,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    list_with(&st, &ctx, school, String::new(), String::new()).await
}

/// The message of a refusal; a request of another school (or none) is 404 like any foreign id.
fn refusal(ctx: &Ctx, assembly: bool, e: InterimError) -> Result<String, AppError> {
    Ok(match e {
        InterimError::NoTerm => ctx.tr.t("interim-err-no-term"),
        InterimError::NotInBody if assembly => ctx.tr.t("interim-err-not-member"),
        InterimError::NotInBody => ctx.tr.t("interim-err-not-delegate"),
        InterimError::AlreadySigned => ctx.tr.t("interim-err-signed"),
        InterimError::NotSigned => ctx.tr.t("interim-err-not-signed"),
        InterimError::Closed => ctx.tr.t("interim-err-closed"),
        InterimError::BadReason => {
            ctx.tr.t1("interim-err-reason", "max", &jiaogong_store::congress::interim::REASON_MAX.to_string())
        }
        InterimError::NotReached { signatures, threshold } => ctx.tr.ta(
            "interim-err-not-reached",
            &[("signatures", signatures.to_string()), ("threshold", threshold.to_string())],
        ),
        InterimError::Store(e) => return Err(e.into()),
    })
}

/// Commits a step, or renders the page with the refusal (the transaction is dropped: nothing is
/// written).
async fn finish<T>(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    tx: jiaogong_store::Tx,
    outcome: Result<T, InterimError>,
    reason: String,
) -> AppResult<Result<T, Response>> {
    match outcome {
        Ok(v) => {
            jiaogong_store::commit(tx).await?;
            Ok(Ok(v))
        }
        Err(e) => {
            drop(tx);
            let assembly = repo::current_term(&st.store, &school.id).await?.is_some_and(|t| t.is_assembly());
            let msg = refusal(ctx, assembly, e)?;
            Ok(Err(list_with(st, ctx, school, reason, msg).await?))
        }
    }
}

fn back(school: &School) -> String {
    format!("/s/{}/interim", school.code)
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    reason: String,
}

async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<StartForm>,
) -> AppResult<Response> {
    let reason = f.reason.replace("\r\n", "\n").trim().to_string();
    let member = member_of(&ctx);
    let mut tx = st.store.begin().await?;
    let r = repo::start(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), member.as_deref(), &reason).await;
    match finish(&st, &ctx, school.clone(), tx, r, reason).await? {
        Ok(_) => Ok(see_other(&back(&school))),
        Err(page) => Ok(page),
    }
}

async fn sign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let member = member_of(&ctx);
    let mut tx = st.store.begin().await?;
    let r = repo::sign(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, member.as_deref()).await;
    match finish(&st, &ctx, school.clone(), tx, r, String::new()).await? {
        Ok(_) => Ok(see_other(&format!("{}#r-{id}", back(&school)))),
        Err(page) => Ok(page),
    }
}

async fn withdraw(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let member = member_of(&ctx);
    let mut tx = st.store.begin().await?;
    let r = repo::withdraw(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, member.as_deref()).await;
    match finish(&st, &ctx, school.clone(), tx, r, String::new()).await? {
        Ok(_) => Ok(see_other(&format!("{}#r-{id}", back(&school)))),
        Err(page) => Ok(page),
    }
}

#[derive(Deserialize)]
struct ConveneForm {
    #[serde(default)]
    held_on: String,
}

/// Creates the interim session from a request that has a third of the body's signatures; the
/// session then has its page among the congress's sessions, where the chair adds the agenda.
async fn convene(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ConveneForm>,
) -> AppResult<Response> {
    let held_on = match jiaogong_domain::platform::dates::parse_date(&f.held_on) {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(e) => return list_with(&st, &ctx, school, String::new(), ctx.tr.validation(&e)).await,
    };
    let tr = ctx.tr;
    let title = move |term: i64, number: i64| {
        tr.ta("interim-session-title", &[("term", term.to_string()), ("number", number.to_string())])
    };
    let mut tx = st.store.begin().await?;
    let r = repo::convene(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &held_on, title).await;
    let r = match r {
        Err(InterimError::Store(StoreError::Conflict(_))) => Err(InterimError::Closed),
        other => other,
    };
    match finish(&st, &ctx, school.clone(), tx, r, String::new()).await? {
        Ok(session) => Ok(see_other(&format!("/s/{}/congress/{session}", school.code))),
        Err(page) => Ok(page),
    }
}
