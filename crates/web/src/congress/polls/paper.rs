//! Paper ballots (congress.md "Paper ballots"): numbered sheets to print, sheets handed to members
//! (who can then no longer vote online), and double entry by two counters with every disagreement
//! shown until they agree; plus what the committee's poll page shows beyond the result.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots::paper::{compare_passes, parse_sheet_number, sheet_number, Disagreement};
use jiaogong_domain::congress::ballots::{self, BULLETIN_FORMAT};
use jiaogong_domain::congress::ResolutionStatus;
use jiaogong_store::congress::agenda::{self, Progress};
use jiaogong_store::congress::paper as repo;
use jiaogong_store::congress::polls::{self, Poll};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::definition;
use super::outcome::{result_json, status_name};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/polls/{id}/paper", get(paper_page))
        .add("POST", "/s/{school}/polls/{id}/paper/issue", post(issue))
        .add("GET", "/s/{school}/polls/{id}/paper/sheets", get(sheets))
        .add("POST", "/s/{school}/polls/{id}/paper/{pass}", post(enter))
        .add("POST", "/s/{school}/polls/{id}/paper/{pass}/remove", post(remove))
}

/// What the committee's poll page shows beyond turnout and result.
pub struct Extras {
    pub paper_issued: i64,
    pub entered_first: usize,
    pub entered_second: usize,
    pub disagreements: usize,
    pub paper_supported: bool,
    pub scrutineers: String,
    pub counters: String,
    pub parent: Option<String>,
    pub runoffs: Vec<Poll>,
    /// The runoff the result calls for, while none has been created.
    pub runoff_due: bool,
    pub passed_resolution: bool,
    /// Tracking entries with the status's name in the reader's language.
    pub progress: Vec<(String, Progress)>,
    pub done: bool,
}

pub(super) async fn extras(st: &AppState, ctx: &Ctx, poll: &Poll) -> AppResult<Extras> {
    let entries = repo::entries(&st.store, &poll.id).await?;
    let (first, second) = split_passes(&entries);
    let officials = repo::officials(&st.store, &poll.id).await?;
    let names = |role: &str| {
        officials.iter().filter(|(r, _)| r == role).map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、")
    };
    let result = result_json(st, poll).await?;
    let runoffs = repo::runoffs(&st.store, &poll.id).await?;
    let runoff_due =
        runoffs.is_empty() && result.as_ref().is_some_and(|r| r.get("runoff").is_some_and(|x| !x.is_null()));
    let passed_resolution = result.as_ref().is_some_and(|r| r["kind"] == "resolution" && r["passed"] == true);
    let progress = if passed_resolution {
        agenda::progress_of_poll(&st.store, &poll.school_id, &poll.id).await?
    } else {
        Vec::new()
    };
    let done = progress.last().is_some_and(|p| p.status == ResolutionStatus::Done);
    let progress = progress.into_iter().map(|p| (status_name(ctx, &p.status), p)).collect();
    Ok(Extras {
        paper_issued: repo::issued_count(&st.store, &poll.id).await?,
        entered_first: first.len(),
        entered_second: second.len(),
        disagreements: compare_passes(&first, &second).len(),
        paper_supported: matches!(poll.kind.as_str(), "resolution" | "election"),
        scrutineers: names("scrutineer"),
        counters: names("counter"),
        parent: repo::runoff_parent(&st.store, &poll.id).await?,
        runoffs,
        runoff_due,
        passed_resolution,
        progress,
        done,
    })
}

type Entries = Vec<(String, Value)>;

fn split_passes(rows: &[(i64, String, String)]) -> (Entries, Entries) {
    let mut out = (Vec::new(), Vec::new());
    for (pass, sheet, content) in rows {
        let v: Value = serde_json::from_str(content).unwrap_or(Value::Null);
        if *pass == 1 {
            out.0.push((sheet.clone(), v));
        } else {
            out.1.push((sheet.clone(), v));
        }
    }
    out
}

/// At close: the agreed paper ballots (pass 1, which equals pass 2) to put in the ballot box, or
/// `Err` with the number of disagreements.
pub(super) async fn agreed_paper_ballots(
    tx: &mut jiaogong_store::Tx,
    poll_id: &str,
) -> AppResult<Result<Entries, usize>> {
    let rows = repo::entries_tx(tx, poll_id).await?;
    let (first, second) = split_passes(&rows);
    let d = compare_passes(&first, &second);
    Ok(if d.is_empty() { Ok(first) } else { Err(d.len()) })
}

// ---------------------------------------------------------------------------------------------
// The paper page: issue sheets, enter them twice, see the disagreements.

#[derive(Template)]
#[template(path = "congress/polls/paper.html")]
struct PaperPage {
    c: Chrome,
    school: School,
    poll: Poll,
    def: ballots::Poll,
    issued: i64,
    counters: Vec<(i64, String, String)>,
    /// The pass this user holds, if any.
    my_pass: Option<i64>,
    mine: Vec<(String, String)>,
    entered_first: usize,
    entered_second: usize,
    disagreements: Vec<(String, String)>,
    next_sheet: String,
    error: String,
    notice: String,
}

#[derive(Deserialize, Default)]
struct PaperQuery {
    #[serde(default)]
    ok: String,
}

pub(super) fn describe(c: &Ctx, def: &ballots::Poll, content: &Value) -> String {
    if content.get("spoiled") == Some(&Value::Bool(true)) {
        return c.tr.t("paper-spoiled");
    }
    match def.kind {
        ballots::PollKind::Resolution => match content.get("choice").and_then(Value::as_str) {
            Some("yes") => c.tr.t("poll-yes"),
            Some("no") => c.tr.t("poll-no"),
            _ => c.tr.t("poll-abstain"),
        },
        _ => {
            let mut parts: Vec<String> =
                def.candidates.iter().filter(|cand| content["marks"][cand.as_str()] == "yes").cloned().collect();
            if let Some(w) = content.get("write_ins").and_then(Value::as_array) {
                parts.extend(w.iter().filter_map(Value::as_str).map(|s| format!("{s}*")));
            }
            if parts.is_empty() {
                c.tr.t("paper-nobody")
            } else {
                parts.join("、")
            }
        }
    }
}

async fn paper_page_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    poll: Poll,
    error: String,
    notice: String,
) -> AppResult<Response> {
    let def = definition(&poll)?;
    let counters = repo::counters(&st.store, &poll.id).await?;
    let me = ctx.user()?.id.clone();
    let my_pass = counters.iter().find(|(_, a, _)| *a == me).map(|(p, _, _)| *p);
    let rows = repo::entries(&st.store, &poll.id).await?;
    let (first, second) = split_passes(&rows);
    let mine: Vec<(String, String)> = match my_pass {
        Some(1) => first.iter().map(|(s, v)| (s.clone(), describe(ctx, &def, v))).collect(),
        Some(_) => second.iter().map(|(s, v)| (s.clone(), describe(ctx, &def, v))).collect(),
        None => Vec::new(),
    };
    // Only sheet numbers are shown: neither counter sees the other's marks.
    let disagreements = compare_passes(&first, &second)
        .into_iter()
        .map(|d| {
            let why = match &d {
                Disagreement::OnlyFirst(_) => ctx.tr.t("paper-only-first"),
                Disagreement::OnlySecond(_) => ctx.tr.t("paper-only-second"),
                Disagreement::Differs(_) => ctx.tr.t("paper-differs"),
            };
            (d.sheet().to_string(), why)
        })
        .collect();
    let taken: std::collections::HashSet<&str> = mine.iter().map(|(s, _)| s.as_str()).collect();
    let next_sheet = (1..=100_000u32).map(sheet_number).find(|s| !taken.contains(s.as_str())).unwrap_or_default();
    let issued = repo::issued_count(&st.store, &poll.id).await?;
    let title = format!("{} · {}", poll.title, ctx.tr.t("paper-title"));
    let failed = !error.is_empty();
    let mut r = render(&PaperPage {
        c: Chrome::new(ctx, "polls", title),
        school,
        poll,
        def,
        issued,
        counters,
        my_pass,
        mine,
        entered_first: first.len(),
        entered_second: second.len(),
        disagreements,
        next_sheet,
        error,
        notice,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn paper_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<PaperQuery>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let notice = match q.ok.as_str() {
        "" => String::new(),
        sheet => match parse_sheet_number(sheet) {
            Some(s) => ctx.tr.t1("paper-saved", "sheet", &s),
            None => String::new(),
        },
    };
    paper_page_with(&st, &ctx, school, poll, String::new(), notice).await
}

#[derive(Deserialize)]
struct IssueForm {
    #[serde(default)]
    employee_nos: String,
    /// Hand sheets to every delegate signed in at the poll's session.
    #[serde(default)]
    all_present: String,
}

/// Hands paper sheets to members: they are marked as having voted, so they cannot also vote online.
async fn issue(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<IssueForm>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    if !poll.status.is_open() {
        return paper_page_with(&st, &ctx, school, poll, ctx.tr.t("paper-err-not-open"), String::new()).await;
    }
    if !f.all_present.is_empty() {
        let Some(session) = polls::session_of(&st.store, &poll.id).await? else {
            return paper_page_with(&st, &ctx, school, poll, ctx.tr.t("paper-err-no-session"), String::new()).await;
        };
        let present = repo::present_member_ids(&st.store, &session).await?;
        let found: Vec<(String, String)> = present.iter().map(|id| (String::new(), id.clone())).collect();
        return issue_to(&st, &ctx, school, poll, &found).await;
    }
    let nos: Vec<String> = f
        .employee_nos
        .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .map(jiaogong_domain::platform::text::normalize)
        .filter(|s| !s.is_empty())
        .collect();
    if nos.is_empty() || nos.len() > 2000 {
        return paper_page_with(&st, &ctx, school, poll, ctx.tr.t("paper-err-nos"), String::new()).await;
    }
    let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
    let unknown: Vec<&str> = nos.iter().filter(|n| !numbers.contains_key(*n)).map(String::as_str).collect();
    if !unknown.is_empty() {
        let msg = ctx.tr.t1("paper-err-unknown", "nos", &unknown.join("、"));
        return paper_page_with(&st, &ctx, school, poll, msg, String::new()).await;
    }
    let found: Vec<(String, String)> =
        nos.iter().filter_map(|n| numbers.get(n).map(|id| (n.clone(), id.clone()))).collect();
    issue_to(&st, &ctx, school, poll, &found).await
}

/// Hands sheets to (employee number, member id) pairs; reports who got one and who was skipped.
async fn issue_to(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    poll: Poll,
    found: &[(String, String)],
) -> AppResult<Response> {
    let ids: Vec<String> = found.iter().map(|(_, id)| id.clone()).collect();
    let mut tx = st.store.begin().await?;
    let issued = repo::issue(&mut tx, &poll.id, &ids).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.paper.issue", &poll.id).detail(issued.len().to_string()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    let skipped: Vec<&str> =
        found.iter().filter(|(no, id)| !no.is_empty() && !issued.contains(id)).map(|(no, _)| no.as_str()).collect();
    let notice = ctx.tr.ta(
        "paper-issued",
        &[
            ("count", issued.len().to_string()),
            ("skipped", if skipped.is_empty() { "—".into() } else { skipped.join("、") }),
        ],
    );
    paper_page_with(st, ctx, school, poll, String::new(), notice).await
}

/// The ballot a counter read off a paper sheet, checked like any ballot of the poll (an over-vote
/// is kept: on paper it is an invalid ballot, not a refused one).
fn paper_ballot(def: &ballots::Poll, raw_def: &Value, form: &[(String, String)]) -> Result<Value, String> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    let ballot = if get("spoiled").is_some() {
        json!({"spoiled": true})
    } else {
        match def.kind {
            ballots::PollKind::Resolution => match get("choice").filter(|c| !c.is_empty()) {
                Some(c) => json!({"choice": c}),
                None => json!({}),
            },
            ballots::PollKind::Election => {
                let mut marks = serde_json::Map::new();
                for (i, cand) in def.candidates.iter().enumerate() {
                    let m = get(&format!("mark_{i}")).unwrap_or_default();
                    if matches!(m.as_str(), "yes" | "no") {
                        marks.insert(cand.clone(), json!(m));
                    }
                }
                let write_ins: Vec<String> = form
                    .iter()
                    .filter(|(n, x)| n == "write_in" && !x.trim().is_empty())
                    .map(|(_, x)| jiaogong_domain::platform::text::normalize(x))
                    .collect();
                if write_ins.is_empty() {
                    json!({"marks": marks})
                } else {
                    json!({"marks": marks, "write_ins": write_ins})
                }
            }
            ballots::PollKind::Evaluation => return Err(String::new()),
        }
    };
    let mut probe = ballot.clone();
    probe["tracker"] = json!("S-0001");
    probe["paper"] = json!(true);
    let text = json!({"format": BULLETIN_FORMAT, "poll": raw_def, "ballots": [probe]}).to_string();
    ballots::parse_bulletin(&text).map_err(|e| e.message_zh_en())?;
    Ok(ballot)
}

async fn may_enter(st: &AppState, ctx: &Ctx, poll: &Poll, pass: &str) -> AppResult<Result<i64, String>> {
    let pass = match pass {
        "1" => 1,
        "2" => 2,
        _ => return Err(AppError::NotFound),
    };
    if poll.status.is_closed() {
        return Ok(Err(ctx.tr.t("paper-err-closed")));
    }
    let user = ctx.user()?;
    let mut tx = st.store.begin().await?;
    let claim = repo::claim_pass(&mut tx, &poll.id, pass, &user.id, &user.display_name).await?;
    // Taking a pass and being refused one are audited (which pass, who), never any marks.
    let action = match claim {
        repo::PassClaim::Taken => Some("poll.paper.pass.claim"),
        repo::PassClaim::Refused => Some("poll.paper.pass.refused"),
        repo::PassClaim::Held => None,
    };
    if let Some(action) = action {
        audit::append(
            &mut tx,
            &st.store.crypto,
            &Event::new(Some(&poll.school_id), &ctx.actor(), action, &poll.id).detail(pass.to_string()),
        )
        .await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(if claim.allowed() { Ok(pass) } else { Err(ctx.tr.t("paper-err-pass")) })
}

/// One sheet entered (or corrected) by the counter holding the pass.
async fn enter(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, pass)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let pass = match may_enter(&st, &ctx, &poll, &pass).await? {
        Ok(p) => p,
        Err(msg) => return paper_page_with(&st, &ctx, school, poll, msg, String::new()).await,
    };
    let def = definition(&poll)?;
    if def.kind == ballots::PollKind::Evaluation {
        return paper_page_with(&st, &ctx, school, poll, ctx.tr.t("paper-err-kind"), String::new()).await;
    }
    let raw = form.iter().find(|(k, _)| k == "sheet").map(|(_, v)| v.as_str()).unwrap_or("");
    let Some(sheet) = parse_sheet_number(raw) else {
        return paper_page_with(&st, &ctx, school, poll, ctx.tr.t1("paper-err-sheet", "sheet", raw), String::new())
            .await;
    };
    let raw_def: Value = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let ballot = match paper_ballot(&def, &raw_def, &form) {
        Ok(b) => b,
        Err(msg) => {
            let msg = ctx.tr.t1("paper-err-ballot", "detail", &msg);
            return paper_page_with(&st, &ctx, school, poll, msg, String::new()).await;
        }
    };
    let mut tx = st.store.begin().await?;
    repo::enter(&mut tx, &poll.id, pass, &sheet, &ballot.to_string()).await?;
    // The audit log names the sheet and the pass, never the marks.
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.paper.enter", &poll.id).detail(format!("{pass}:{sheet}")),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{}/paper?ok={sheet}", school.code, poll.id)))
}

#[derive(Deserialize)]
struct RemoveForm {
    sheet: String,
}

async fn remove(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, pass)): Path<(String, String, String)>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let pass = match may_enter(&st, &ctx, &poll, &pass).await? {
        Ok(p) => p,
        Err(msg) => return paper_page_with(&st, &ctx, school, poll, msg, String::new()).await,
    };
    let sheet = parse_sheet_number(&f.sheet).ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    if repo::remove(&mut tx, &poll.id, pass, &sheet).await? {
        audit::append(
            &mut tx,
            &st.store.crypto,
            &Event::new(Some(&school.id), &ctx.actor(), "poll.paper.remove", &poll.id)
                .detail(format!("{pass}:{sheet}")),
        )
        .await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{}/paper", school.code, poll.id)))
}

// ---------------------------------------------------------------------------------------------
// Printed numbered sheets.

#[derive(Template)]
#[template(path = "congress/polls/sheets.html")]
struct SheetsPage {
    c: Chrome,
    school: School,
    poll: Poll,
    def: ballots::Poll,
    numbers: Vec<String>,
}

#[derive(Deserialize)]
struct SheetsQuery {
    #[serde(default)]
    from: Option<u32>,
    #[serde(default)]
    count: Option<u32>,
}

async fn sheets(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<SheetsQuery>,
) -> AppResult<Response> {
    let poll = polls::get(&st.store, &school.id, &id).await?;
    let def = definition(&poll)?;
    if def.kind == ballots::PollKind::Evaluation {
        return Err(AppError::bad("paper_kind", ctx.tr.t("paper-err-kind")));
    }
    let from = q.from.unwrap_or(1).clamp(1, 99_999);
    let default = polls::turnout(&st.store, &poll.id).await?.0.max(1) as u32;
    let count = q.count.unwrap_or(default).clamp(1, 500);
    let numbers = (from..from.saturating_add(count)).map(sheet_number).collect();
    let title = poll.title.clone();
    render(&SheetsPage { c: Chrome::new(&ctx, "polls", title), school, poll, def, numbers })
}
