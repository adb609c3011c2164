//! What follows a vote (congress.md "Union committee elections", "A session"): the scrutineers
//! and counters named on the printed result sheet, runoff rounds, and the tracking of a passed
//! resolution until it is implemented.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::{may_record, ResolutionStatus};
use jiaogong_store::agenda;
use jiaogong_store::audit::{self, Event};
use jiaogong_store::paper as repo;
use jiaogong_store::polls::{self, Poll};
use jiaogong_store::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::paper::definition;
use super::{create_poll_with, tally_of};
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("POST", "/s/{school}/polls/{id}/officials", post(set_officials))
        .add("GET", "/s/{school}/polls/{id}/sheet", get(result_sheet))
        .add("POST", "/s/{school}/polls/{id}/runoff", post(runoff))
        .add("POST", "/s/{school}/polls/{id}/progress", post(progress))
}

use crate::pages::today_iso as today;

/// The result JSON of a closed poll; `None` while it is open.
pub async fn result_json(st: &AppState, poll: &Poll) -> AppResult<Option<Value>> {
    if poll.status != "closed" {
        return Ok(None);
    }
    Ok(Some(json!(tally_of(st, poll).await?)))
}

/// The name of a tracking status in the reader's language.
pub fn status_name(ctx: &Ctx, status: &str) -> String {
    ResolutionStatus::parse(status).map(|s| ctx.tr.t(s.key())).unwrap_or_else(|| status.to_string())
}

#[derive(Deserialize)]
struct OfficialsForm {
    scrutineers: String,
    counters: String,
}

fn names(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', '\n'])
        .map(jiaogong_domain::text::normalize)
        .filter(|n| !n.is_empty())
        .collect()
}

/// Names given as a list (the API), normalised as the form's are.
pub(super) fn official_names(list: &[String]) -> Vec<String> {
    list.iter().flat_map(|s| names(s)).collect()
}

/// Form field text into names.
pub(super) fn official_names_text(s: &str) -> Vec<String> {
    names(s)
}

/// At most 20 of each, each name at most 20 characters.
pub(super) fn check_officials(ctx: &Ctx, scrutineers: &[String], counters: &[String]) -> AppResult<()> {
    if scrutineers.len() > 20
        || counters.len() > 20
        || scrutineers.iter().chain(counters).any(|n| n.chars().count() > 20)
    {
        return Err(AppError::bad("officials", ctx.tr.t("officials-err")));
    }
    Ok(())
}

async fn set_officials(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<OfficialsForm>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let (scrutineers, counters) = (names(&f.scrutineers), names(&f.counters));
    check_officials(&ctx, &scrutineers, &counters)?;
    // A candidate of this vote cannot oversee or count it.
    let def = definition(&poll)?;
    if let Some(e) = super::officials_standing_error(&ctx, &def, &scrutineers, &counters, "officials-err-candidate") {
        return Err(e);
    }
    let mut tx = st.store.begin().await?;
    repo::set_officials(&mut tx, &poll.id, "scrutineer", &scrutineers).await?;
    repo::set_officials(&mut tx, &poll.id, "counter", &counters).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.officials", &poll.id).detail(format!(
            "{} / {}",
            scrutineers.join("、"),
            counters.join("、")
        )),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{}", school.code, poll.id)))
}

#[derive(Template)]
#[template(path = "polls/result_sheet.html")]
struct ResultSheet {
    c: Chrome,
    school: School,
    poll: Poll,
    figures: Vec<(String, String)>,
    r: super::pages::ResultView,
    scrutineers: Vec<String>,
    counters: Vec<String>,
    closed_on: String,
    /// The counting rules used, in words.
    rules: String,
}

async fn result_sheet(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let poll = super::closed_if_due(&st, &school, poll).await?;
    let Some(result) = result_json(&st, &poll).await? else {
        return Err(AppError::Conflict { code: "results_hidden", message: ctx.tr.t("poll-results-hidden") });
    };
    let def = definition(&poll)?;
    let issued_paper = repo::issued_count(&st.store, &poll.id).await?;
    let n = |k: &str| result.get(k).map(|v| v.to_string()).unwrap_or_default();
    let figures = vec![
        (ctx.tr.t("sheet-electorate"), def.electorate.to_string()),
        (ctx.tr.t("sheet-present"), def.present.to_string()),
        (ctx.tr.t("sheet-issued"), def.ballots_issued.to_string()),
        (ctx.tr.t("sheet-paper-issued"), issued_paper.to_string()),
        (ctx.tr.t("poll-returned"), n("returned")),
        (ctx.tr.t("poll-valid"), n("valid")),
        (ctx.tr.t("poll-invalid"), n("invalid")),
    ];
    let officials = repo::officials(&st.store, &poll.id).await?;
    let pick = |role: &str| officials.iter().filter(|(r, _)| r == role).map(|(_, n)| n.clone()).collect::<Vec<_>>();
    let closed_on = poll.closed_at.map(|ms| crate::pages::instant(&ms)).unwrap_or_default();
    let purpose = super::pages::purpose_of(&st, &poll).await?;
    let rules = super::pages::rules_text(&ctx, &poll, purpose);
    let decides = purpose.is_none_or(|p| p.decides());
    let title = poll.title.clone();
    render(&ResultSheet {
        c: Chrome::new(&ctx, "polls", title),
        school,
        figures,
        r: super::pages::result_view(&ctx, &result, decides),
        rules,
        scrutineers: pick("scrutineer"),
        counters: pick("counter"),
        closed_on,
        poll,
    })
}

// ---------------------------------------------------------------------------------------------
// Runoff rounds.

/// Creates the runoff the closed election's result calls for: the same electorate, the tied or
/// remaining people as candidates, the remaining seats, no write-ins.
async fn runoff(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    if let Some(existing) = repo::runoffs(&st.store, &poll.id).await?.first() {
        return Ok(see_other(&format!("/s/{}/polls/{}", school.code, existing.id)));
    }
    let result = result_json(&st, &poll).await?;
    let Some(runoff) = result.as_ref().and_then(|r| r.get("runoff")).filter(|r| !r.is_null()) else {
        return Err(AppError::Conflict { code: "no_runoff", message: ctx.tr.t("runoff-none") });
    };
    if runoff["among"].as_array().is_none_or(|a| a.is_empty()) {
        return Err(AppError::Conflict { code: "no_runoff_candidates", message: ctx.tr.t("runoff-nobody") });
    }
    let raw: Value = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let round = 2 + count_rounds(&st, &poll).await?;
    let title = ctx.tr.ta("runoff-title", &[("title", root_title(&st, &poll).await?), ("round", round.to_string())]);
    let def = json!({
        "title": title,
        "kind": "election",
        "seats": runoff["seats"],
        "candidates": runoff["among"],
        "allow_write_in": false,
        "rules": raw.get("rules").cloned().unwrap_or(json!({})),
    });
    let voters = repo::electorate_ids(&st.store, &poll.id).await?;
    // The next round is held for the same purpose.
    let purpose = polls::details(&st.store, &poll.id).await?.purpose;
    let new = super::NewPoll { details: polls::PollDetails { purpose, ..Default::default() }, ..Default::default() };
    let new_id = create_poll_with(&st, &ctx, &school, def, Some(voters), false, &new).await?;
    let session = polls::session_of(&st.store, &poll.id).await?;
    let mut tx = st.store.begin().await?;
    repo::set_runoff_of(&mut tx, &new_id, &poll.id).await?;
    if let Some(s) = session {
        polls::set_session(&mut tx, &new_id, &s).await?;
    }
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.runoff", &new_id).detail(poll.id.clone()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{new_id}", school.code)))
}

/// How many rounds came before this poll.
async fn count_rounds(st: &AppState, poll: &Poll) -> AppResult<u32> {
    let mut n = 0;
    let mut at = poll.id.clone();
    while let Some(parent) = repo::runoff_parent(&st.store, &at).await? {
        n += 1;
        at = parent;
        if n > 50 {
            break;
        }
    }
    Ok(n)
}

/// The title of the first round.
async fn root_title(st: &AppState, poll: &Poll) -> AppResult<String> {
    let mut p = poll.clone();
    for _ in 0..50 {
        match repo::runoff_parent(&st.store, &p.id).await? {
            Some(parent) => p = polls::by_id(&st.store, &parent).await?,
            None => break,
        }
    }
    Ok(p.title)
}

// ---------------------------------------------------------------------------------------------
// Resolution tracking.

#[derive(Deserialize)]
struct ProgressForm {
    status: String,
    note: String,
    #[serde(default)]
    recorded_on: String,
}

async fn progress(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ProgressForm>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let status =
        ResolutionStatus::parse(&f.status).ok_or_else(|| AppError::bad("status", ctx.tr.t("err-bad-value")))?;
    let note = jiaogong_domain::text::normalize(&f.note);
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::bad("note", ctx.tr.t("resolution-err-note")));
    }
    let recorded_on = if f.recorded_on.trim().is_empty() {
        today()
    } else {
        match jiaogong_domain::dates::parse_date(&f.recorded_on) {
            Ok(d) => d.format("%Y-%m-%d").to_string(),
            Err(e) => return Err(AppError::bad("date", ctx.tr.validation(&e))),
        }
    };
    let result = result_json(&st, &poll).await?;
    let passed = result.as_ref().is_some_and(|r| r["kind"] == "resolution" && r["passed"] == true);
    let history = agenda::progress_of_poll(&st.store, &school.id, &poll.id).await?;
    let latest = history.last().and_then(|p| ResolutionStatus::parse(&p.status));
    if let Err(e) = may_record(passed, latest, status) {
        return Err(AppError::Conflict { code: "tracking", message: ctx.tr.t(e.key()) });
    }
    let mut tx = st.store.begin().await?;
    agenda::add_progress(
        &mut tx,
        &school.id,
        &poll.id,
        status.as_str(),
        &note,
        &recorded_on,
        &ctx.user()?.display_name,
    )
    .await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "resolution.progress", &poll.id).detail(status.as_str()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{}", school.code, poll.id)))
}
