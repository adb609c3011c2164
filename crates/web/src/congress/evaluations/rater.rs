//! The rater's pages: grading every leader on the phone, and checking a receipt code against the
//! closed evaluation's bulletin.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use jiaogong_domain::congress::ballots;
use jiaogong_store::congress::evaluations::{self as repo, Evaluation};
use jiaogong_store::congress::polls;
use serde::Deserialize;
use serde_json::json;

use super::{eval_error, field, leader_views, own_evaluation, settings_of, subject_names};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::AppState;

/// A leader on the rater's page: index of the overall subject, name, post, report, items.
struct RateLeader {
    idx: usize,
    subject: String,
    post: String,
    report: String,
    items: Vec<(usize, String)>,
}

#[derive(Template)]
#[template(path = "congress/evaluations/rate.html")]
struct RatePage {
    c: Chrome,
    ev: Evaluation,
    leaders: Vec<RateLeader>,
    grades: Vec<String>,
    group: Option<String>,
    voted: bool,
    chosen: Vec<String>,
    tracker: String,
    error: String,
}

impl RatePage {
    /// Whether the form being shown again had grade `g` for subject `i`.
    fn is_chosen(&self, i: usize, g: &str) -> bool {
        self.chosen.get(i).is_some_and(|x| x == g)
    }
}

async fn rate_page_with(
    st: &AppState,
    ctx: &Ctx,
    ev: Evaluation,
    chosen: Vec<String>,
    tracker: String,
    error: String,
) -> AppResult<Response> {
    let s = settings_of(&ev)?;
    let leaders = leader_views(ctx, repo::leaders(&st.store, &ev.id).await?);
    let k = leaders.len();
    let rate_leaders = leaders
        .into_iter()
        .enumerate()
        .map(|(i, l)| RateLeader {
            idx: i,
            items: s.items.iter().enumerate().map(|(j, item)| (k + i * s.items.len() + j, item.clone())).collect(),
            subject: l.subject,
            post: l.post,
            report: l.l.report,
        })
        .collect();
    let member = ctx.user()?.member_id.clone();
    let (group, voted) = match (&ev.poll_id, &member) {
        (Some(p), Some(m)) => (repo::rater_group(&st.store, p, m).await?, polls::has_voted(&st.store, p, m).await?),
        _ => (None, false),
    };
    let grades = s.grades.iter().map(|g| g.name.clone()).collect();
    let title = ev.title.clone();
    let mut r = render(&RatePage {
        c: Chrome::new(ctx, "polls", title),
        ev,
        leaders: rate_leaders,
        grades,
        group,
        voted,
        chosen,
        tracker,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn rate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    rate_page_with(&st, &ctx, ev, Vec::new(), String::new(), String::new()).await
}

pub(super) async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    let Some(poll_id) = ev.poll_id.clone() else {
        return rate_page_with(&st, &ctx, ev, Vec::new(), String::new(), ctx.tr.t("poll-not-open")).await;
    };
    let poll = polls::get(&st.store, &ev.school_id, &poll_id).await?;
    let def: ballots::Poll = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let chosen: Vec<String> = (0..def.subjects.len()).map(|i| field(&form, &format!("g{i}"))).collect();
    let answers: Vec<(String, String)> =
        def.subjects.iter().zip(&chosen).filter(|(_, g)| !g.is_empty()).map(|(s, g)| (s.clone(), g.clone())).collect();
    let s = settings_of(&ev)?;
    let leaders = subject_names(&repo::leaders(&st.store, &ev.id).await?);
    if let Err(e) = s.check_answers(&leaders, &answers) {
        let msg = eval_error(&ctx, &e);
        return rate_page_with(&st, &ctx, ev, chosen, String::new(), msg).await;
    }
    let grades: serde_json::Map<String, serde_json::Value> = answers.into_iter().map(|(s, g)| (s, json!(g))).collect();
    // The group is stamped by `polls::cast` from the server's record, never taken from the form.
    match crate::congress::polls::cast(&st, &ctx, &poll, &json!({ "grades": grades })).await {
        // The receipt is shown here and nowhere else (no redirect carrying it in the address).
        Ok(tracker) => rate_page_with(&st, &ctx, ev, Vec::new(), tracker, String::new()).await,
        Err(e @ (AppError::BadInput { .. } | AppError::Conflict { .. })) => {
            let msg = e.message(&ctx.tr);
            rate_page_with(&st, &ctx, ev, chosen, String::new(), msg).await
        }
        Err(AppError::Forbidden) => {
            rate_page_with(&st, &ctx, ev, chosen, String::new(), ctx.tr.t("eval-not-rater")).await
        }
        Err(e) => Err(e),
    }
}

/// What the check found for the tracker the rater typed.
enum Found {
    /// Nothing checked yet (the empty form).
    Nothing,
    /// No ballot with this tracker in the closed evaluation's bulletin.
    Missing,
    /// A paper sheet: counted, but its sheet number is no secret, so its content is not shown.
    Paper { spoiled: bool },
    /// The rater's own online ballot: its group and the grade given to each subject.
    Online { group: String, grades: Vec<(String, String)> },
}

#[derive(Template)]
#[template(path = "congress/evaluations/check.html")]
struct CheckPage {
    c: Chrome,
    ev: Evaluation,
    tracker: String,
    found: Found,
    error: String,
}

fn check_response(ctx: &Ctx, ev: Evaluation, tracker: String, found: Found, error: String) -> AppResult<Response> {
    let title = ev.title.clone();
    let mut r = render(&CheckPage { c: Chrome::new(ctx, "polls", title), ev, tracker, found, error: error.clone() })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // The answer names the ballot's content: no cache may keep it.
    r.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(r)
}

/// "核对我的选票": a rater types the receipt code shown after rating and learns whether the closed
/// evaluation's bulletin holds it, without the bulletin (which carries every rater's group and
/// goes to the committee and auditors only, ADR 012).
pub(super) async fn check_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    check_response(&ctx, ev, String::new(), Found::Nothing, String::new())
}

#[derive(Deserialize)]
pub(super) struct CheckForm {
    #[serde(default)]
    tracker: String,
}

/// Looks the tracker up in the bulletin the tally counted. The tracker is the rater's secret (128
/// random bits): whoever holds it sees that ballot, nobody else learns which ballot is whose.
/// Nothing is stored or audited, so the server keeps no link between the caller and a tracker;
/// the code travels in a POST body, never in an address.
pub(super) async fn check(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CheckForm>,
) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    let tracker: String = f.tracker.chars().filter(|c| !c.is_whitespace()).collect();
    if tracker.is_empty() || tracker.chars().count() > 64 {
        return check_response(&ctx, ev, String::new(), Found::Nothing, ctx.tr.t("eval-check-err-tracker"));
    }
    let poll = match &ev.poll_id {
        Some(p) => polls::get(&st.store, &ev.school_id, p).await?,
        None => return check_response(&ctx, ev, tracker, Found::Nothing, ctx.tr.t("eval-check-not-closed")),
    };
    if !poll.status.is_closed() {
        return check_response(&ctx, ev, tracker, Found::Nothing, ctx.tr.t("eval-check-not-closed"));
    }
    let bulletin = crate::congress::polls::bulletin_of(&st, &poll).await?;
    let found = match bulletin.ballots.iter().find(|b| b.tracker.eq_ignore_ascii_case(&tracker)) {
        None => Found::Missing,
        Some(b) if b.paper => Found::Paper { spoiled: b.spoiled },
        Some(b) => {
            let given = b.grades.clone().unwrap_or_default();
            let grades =
                bulletin.poll.subjects.iter().map(|s| (s.clone(), given.get(s).cloned().unwrap_or_default())).collect();
            Found::Online { group: b.group.clone().unwrap_or_default(), grades }
        }
    };
    check_response(&ctx, ev, tracker, found, String::new())
}
