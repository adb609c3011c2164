//! What follows a vote (congress.md "Union committee elections", "A session"): the scrutineers
//! and counters named on the printed result sheet, runoff rounds, and the tracking of a passed
//! resolution until it is implemented.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots;
use jiaogong_domain::congress::{may_record, ResolutionStatus};
use jiaogong_store::congress::agenda;
use jiaogong_store::congress::paper as repo;
use jiaogong_store::congress::polls::{self, Poll};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::definition;
use super::{create_poll_with, tally_of};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("POST", "/s/{school}/polls/{id}/officials", post(set_officials))
        .add("GET", "/s/{school}/polls/{id}/sheet", get(result_sheet))
        .add("POST", "/s/{school}/polls/{id}/runoff", post(runoff))
        .add("POST", "/s/{school}/polls/{id}/progress", post(progress))
}

use crate::platform::pages::today_iso as today;

/// The result JSON of a closed poll; `None` while it is open.
pub async fn result_json(st: &AppState, poll: &Poll) -> AppResult<Option<Value>> {
    if !poll.status.is_closed() {
        return Ok(None);
    }
    Ok(Some(json!(tally_of(st, poll).await?)))
}

/// The name of a tracking status in the reader's language.
pub fn status_name(ctx: &Ctx, status: &ResolutionStatus) -> String {
    ctx.tr.t(status.key())
}

#[derive(Deserialize)]
struct OfficialsForm {
    scrutineers: String,
    counters: String,
}

fn names(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', '\n'])
        .map(jiaogong_domain::platform::text::normalize)
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
#[template(path = "congress/polls/result_sheet.html")]
struct ResultSheet {
    c: Chrome,
    school: School,
    poll: Poll,
    figures: Vec<(String, String)>,
    r: ResultView,
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
    let closed_on = poll.closed_at.map(|ms| crate::platform::pages::instant(&ms)).unwrap_or_default();
    let purpose = purpose_of(&st, &poll).await?;
    let rules = rules_text(&ctx, &poll, purpose);
    let decides = purpose.is_none_or(|p| p.decides());
    let title = poll.title.clone();
    render(&ResultSheet {
        c: Chrome::new(&ctx, "polls", title),
        school,
        figures,
        r: result_view(&ctx, &result, decides),
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
    let note = jiaogong_domain::platform::text::normalize(&f.note);
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::bad("note", ctx.tr.t("resolution-err-note")));
    }
    let recorded_on = if f.recorded_on.trim().is_empty() {
        today()
    } else {
        match jiaogong_domain::platform::dates::parse_date(&f.recorded_on) {
            Ok(d) => d.format("%Y-%m-%d").to_string(),
            Err(e) => return Err(AppError::bad("date", ctx.tr.validation(&e))),
        }
    };
    let result = result_json(&st, &poll).await?;
    let passed = result.as_ref().is_some_and(|r| r["kind"] == "resolution" && r["passed"] == true);
    let history = agenda::progress_of_poll(&st.store, &school.id, &poll.id).await?;
    let latest = history.last().map(|p| p.status);
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

/// A result as people read it: a few key figures, a table and a chart.
pub struct ResultView {
    pub summary: Vec<(String, String)>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub chart: String,
}

/// `decides`: false for a consultation (意见征集), whose result only reports the counts (no
/// "passed", no "elected", no runoff).
pub(super) fn result_view(ctx: &Ctx, r: &Value, decides: bool) -> ResultView {
    let t = |k: &str| ctx.tr.t(k);
    let n = |k: &str| r.get(k).map(|v| v.to_string()).unwrap_or_default();
    let mut summary =
        vec![(t("poll-returned"), n("returned")), (t("poll-valid"), n("valid")), (t("poll-invalid"), n("invalid"))];
    if let Some(reason) = r.get("void_reason").and_then(Value::as_str) {
        summary.push((t("poll-void"), t(&format!("poll-void-{}", reason.replace('_', "-")))));
    }
    let (headers, mut rows, mut series);
    rows = Vec::new();
    series = Vec::new();
    match r.get("kind").and_then(Value::as_str) {
        Some("resolution") => {
            if decides {
                summary.push((
                    t("poll-passed"),
                    if r["passed"].as_bool() == Some(true) { t("poll-passed-yes") } else { t("poll-passed-no") },
                ));
            } else {
                summary.push((t("poll-passed"), t("poll-report-only")));
            }
            headers = vec![t("poll-yes"), t("poll-no"), t("poll-abstain"), t("poll-base")];
            rows.push(vec![n("yes"), n("no"), n("abstain"), n("base")]);
            for (k, label) in [("yes", t("poll-yes")), ("no", t("poll-no")), ("abstain", t("poll-abstain"))] {
                series.push(jiaogong_office::svg::Series { label, value: r[k].as_f64().unwrap_or(0.0) });
            }
        }
        Some("election") => {
            headers = if decides {
                vec![t("poll-candidate"), t("poll-yes"), t("poll-no"), t("poll-abstain"), t("poll-elected")]
            } else {
                summary.push((t("poll-elected"), t("poll-report-only")));
                vec![t("poll-candidate"), t("poll-yes"), t("poll-no"), t("poll-abstain")]
            };
            for e in r["tally"].as_array().into_iter().flatten() {
                let name = e["name"].as_str().unwrap_or_default().to_string();
                let name = if e["write_in"].as_bool() == Some(true) {
                    format!("{name}（{}）", t("poll-write-in-mark"))
                } else {
                    name
                };
                let mut row = vec![name.clone(), e["yes"].to_string(), e["no"].to_string(), e["abstain"].to_string()];
                if decides {
                    row.push(if e["elected"].as_bool() == Some(true) { "✓".into() } else { String::new() });
                }
                rows.push(row);
                series.push(jiaogong_office::svg::Series { label: name, value: e["yes"].as_f64().unwrap_or(0.0) });
            }
            if let Some(runoff) = r.get("runoff").filter(|v| decides && !v.is_null()) {
                let among: Vec<&str> =
                    runoff["among"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                summary.push((
                    t("poll-runoff"),
                    ctx.tr.ta(
                        "poll-runoff-detail",
                        &[("seats", runoff["seats"].to_string()), ("among", among.join("、"))],
                    ),
                ));
            }
        }
        _ => {
            headers = vec![t("poll-subject"), t("poll-n"), t("poll-competent-rate"), t("poll-score")];
            for sub in r["subjects"].as_array().into_iter().flatten() {
                let name = sub["name"].as_str().unwrap_or_default().to_string();
                if sub["withheld"].as_bool() == Some(true) {
                    rows.push(vec![name, sub["n"].to_string(), t("poll-withheld"), String::new()]);
                } else {
                    let rate = sub["competent_rate"].as_str().unwrap_or_default();
                    let score = sub["score"].as_str().unwrap_or_default();
                    series.push(jiaogong_office::svg::Series {
                        label: name.clone(),
                        value: score.parse().unwrap_or(0.0),
                    });
                    rows.push(vec![name, sub["n"].to_string(), format!("{rate}%"), score.to_string()]);
                }
            }
        }
    }
    let chart =
        if series.is_empty() { String::new() } else { jiaogong_office::svg::bar_chart(&t("poll-result"), &series, "") };
    ResultView { summary, headers, rows, chart }
}

/// The purpose a poll was created for (none for older polls and for rounds of selections).
pub(super) async fn purpose_of(st: &AppState, poll: &Poll) -> AppResult<Option<ballots::PollPurpose>> {
    Ok(polls::details(&st.store, &poll.id).await?.purpose.as_deref().and_then(ballots::PollPurpose::parse))
}

/// A poll's counting rules in plain sentences, e.g. "按工会选举的规则：实到人数须不少于应到人数的
/// 三分之二，否则投票无效；候选人的赞成票须多于全体应到人数的二分之一方可当选。" A consultation
/// says that it decides nothing.
pub(super) fn rules_text(ctx: &Ctx, poll: &Poll, purpose: Option<ballots::PollPurpose>) -> String {
    let Ok(def) = serde_json::from_str::<ballots::Poll>(&poll.definition) else { return String::new() };
    let fraction = |f: ballots::Fraction| match (f.num(), f.den()) {
        (1, 2) => ctx.tr.t("poll-fraction-half"),
        (2, 3) => ctx.tr.t("poll-fraction-two-thirds"),
        _ => f.to_string(),
    };
    let quorum = match def.rules.quorum {
        Some(q) => ctx.tr.t1("poll-rule-quorum", "fraction", &fraction(q)),
        None => ctx.tr.t("poll-rule-no-quorum"),
    };
    let base = match def.base() {
        ballots::Base::Valid => ctx.tr.t("poll-rule-base-valid"),
        ballots::Base::Present => ctx.tr.t("poll-rule-base-present"),
        ballots::Base::Electorate => ctx.tr.t("poll-rule-base-electorate"),
    };
    let args = [("base", base), ("fraction", fraction(def.threshold()))];
    let decision = match (def.kind, purpose) {
        (_, Some(p)) if !p.decides() => ctx.tr.t("poll-rule-report-only"),
        (ballots::PollKind::Resolution, _) => ctx.tr.ta("poll-rule-threshold", &args),
        (ballots::PollKind::Election, _) => ctx.tr.ta("poll-rule-threshold-election", &args),
        // Evaluations have no threshold (ballots.md).
        (ballots::PollKind::Evaluation, _) => String::new(),
    };
    let lead = purpose.map(|p| ctx.tr.t1("poll-rule-purpose", "purpose", &ctx.tr.t(p.key()))).unwrap_or_default();
    format!("{lead}{quorum}{decision}")
}
