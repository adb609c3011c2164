//! The voting pages: a member's open polls, the ballot form, and the receipt check against the
//! published bulletin. The committee's pages are in `manage`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::congress::ballots;
use jiaogong_store::congress::polls::{self as repo, Poll};
use serde::Deserialize;
use serde_json::{json, Value};

use super::outcome::{purpose_of, result_view, rules_text, ResultView};
use super::{cast, scoped, tally_of};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/polls", get(my_polls))
        .add("GET", "/polls/{id}", get(vote_page))
        .add("POST", "/polls/{id}/vote", post(vote))
        .add("GET", "/polls/{id}/receipt", get(receipt_page))
}

#[derive(Template)]
#[template(path = "congress/polls/mine.html")]
struct MinePage {
    c: Chrome,
    open: Vec<(Poll, bool)>,
    voted: Vec<Poll>,
}

async fn my_polls(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    let (open, voted) = match (&user.school_id, &user.member_id) {
        (Some(s), Some(m)) => (repo::open_for_member(&st.store, s, m).await?, repo::voted_by(&st.store, s, m).await?),
        _ => (Vec::new(), Vec::new()),
    };
    let title = ctx.tr.t("nav-polls");
    render(&MinePage { c: Chrome::new(&ctx, "polls", title), open, voted })
}

/// What the vote page shows for a poll.
struct VoteView {
    kind: ballots::PollKind,
    candidates: Vec<String>,
    seats: u64,
    write_in: bool,
    subjects: Vec<String>,
    grades: Vec<String>,
    groups: Vec<String>,
}

fn vote_view(poll: &Poll) -> VoteView {
    let def: ballots::Poll = serde_json::from_str(&poll.definition)
        .unwrap_or_else(|_| ballots::Poll::new(ballots::PollKind::Resolution, "", 0, 0, 0));
    VoteView {
        kind: poll.kind,
        candidates: def.candidates.clone(),
        seats: def.seats.unwrap_or(0),
        write_in: def.allow_write_in,
        subjects: def.subjects.clone(),
        grades: def.grades.iter().map(|g| g.name.clone()).collect(),
        groups: def.groups.iter().map(|g| g.name.clone()).collect(),
    }
}

#[derive(Template)]
#[template(path = "congress/polls/vote.html")]
struct VotePage {
    c: Chrome,
    poll: Poll,
    v: VoteView,
    voted: bool,
    tracker: String,
    error: String,
    result: Option<ResultView>,
    rules: String,
    about: About,
    /// The form's fields as sent, so a ballot refused by the server is shown as it was filled.
    chosen: Vec<(String, String)>,
}

impl VotePage {
    /// Whether the form sent `name=value` (a candidate's mark, a choice).
    fn picked(&self, name: &str, value: &str) -> bool {
        self.chosen.iter().any(|(n, v)| n == name && v == value)
    }

    /// Whether the form sent `value` for the mark of the `i`-th candidate.
    fn marked(&self, i: &usize, value: &str) -> bool {
        self.picked(&format!("mark_{i}"), value)
    }

    /// What the form sent for `name`.
    fn sent(&self, name: &str) -> &str {
        self.chosen.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// The over-vote message the page shows before asking for confirmation.
    fn over_vote_text(&self) -> String {
        self.c.tr.t1("poll-over-vote", "seats", &self.v.seats.to_string())
    }
}

async fn vote_page_with(
    st: &AppState,
    ctx: &Ctx,
    poll: Poll,
    tracker: String,
    error: String,
    chosen: Vec<(String, String)>,
) -> AppResult<Response> {
    let voted = match &ctx.user()?.member_id {
        Some(m) => repo::has_voted(&st.store, &poll.id, m).await?,
        None => false,
    };
    let purpose = purpose_of(st, &poll).await?;
    let result = closed_result(st, ctx, &poll, purpose).await?;
    let title = poll.title.clone();
    let v = vote_view(&poll);
    let rules = rules_text(ctx, &poll, purpose);
    let about = about_of(st, &poll).await?;
    let mut r = render(&VotePage {
        c: Chrome::new(ctx, "polls", title),
        poll,
        v,
        voted,
        tracker,
        error: error.clone(),
        result,
        rules,
        about,
        chosen,
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn vote_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    let poll = super::closed_if_due(&st, &school, poll).await?;
    // A leader evaluation has its own phone page (one tap per grade, the rater group set by the server).
    if poll.kind == ballots::PollKind::Evaluation {
        if let Some(ev) = jiaogong_store::congress::evaluations::of_poll(&st.store, &poll.id).await? {
            return Ok(crate::platform::pages::see_other(&format!("/evaluations/{}", ev.id)));
        }
    }
    vote_page_with(&st, &ctx, poll, String::new(), String::new(), Vec::new()).await
}

/// The vote form's fields into a ballot of the poll's kind.
fn ballot_from_form(v: &VoteView, form: &[(String, String)]) -> Value {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match v.kind.as_str() {
        "resolution" => match get("choice") {
            Some(c) => json!({"choice": c}),
            None => json!({}),
        },
        "election" => {
            // Per candidate 赞成 / 反对 / 弃权 (`mark_i`), or `yes=` / `no=` with the name. A candidate
            // left unmarked is an abstention (ballots.md), so it is left out of the marks.
            let marks: serde_json::Map<String, Value> = v
                .candidates
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let named = |k: &str| form.iter().any(|(n, x)| n == k && x == c);
                    let mark = match get(&format!("mark_{i}")).as_deref() {
                        Some("yes") => Some("yes"),
                        Some("no") => Some("no"),
                        Some(_) => None,
                        None if named("yes") => Some("yes"),
                        None if named("no") => Some("no"),
                        None => None,
                    };
                    mark.map(|m| (c.clone(), json!(m)))
                })
                .collect();
            let write_ins: Vec<String> = form
                .iter()
                .filter(|(n, x)| n == "write_in" && !x.trim().is_empty())
                .map(|(_, x)| x.trim().to_string())
                .collect();
            if write_ins.is_empty() {
                json!({"marks": marks})
            } else {
                json!({"marks": marks, "write_ins": write_ins})
            }
        }
        _ => {
            let grades: serde_json::Map<String, Value> = v
                .subjects
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    get(&format!("grade_{i}")).filter(|g| !g.is_empty()).map(|g| (s.clone(), json!(g)))
                })
                .collect();
            let mut b = json!({"grades": grades});
            if let Some(g) = get("group") {
                b["group"] = json!(g);
            }
            b
        }
    }
}

async fn vote(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let ballot = ballot_from_form(&vote_view(&poll), &form);
    match cast(&st, &ctx, &poll, &ballot).await {
        // The receipt is shown here and nowhere else (no redirect with it in the address).
        Ok(tracker) => vote_page_with(&st, &ctx, poll, tracker, String::new(), Vec::new()).await,
        Err(e @ (AppError::BadInput { .. } | AppError::Conflict { .. })) => {
            let msg = e.message(&ctx.tr);
            // The choices are shown again as they were made (CSRF token excluded).
            let chosen = form.into_iter().filter(|(n, _)| n != "_csrf").collect();
            vote_page_with(&st, &ctx, poll, String::new(), msg, chosen).await
        }
        Err(e) => Err(e),
    }
}

/// A poll's description and closing time as its pages show them.
pub(super) struct About {
    pub description: String,
    /// "2026-12-05 18:00" (Beijing time), or empty.
    pub closes_at: String,
    pub attachments: Vec<repo::Attachment>,
}

pub(super) async fn about_of(st: &AppState, poll: &Poll) -> AppResult<About> {
    let d = repo::details(&st.store, &poll.id).await?;
    Ok(About {
        description: d.description,
        closes_at: d.closes_at.map(|ms| crate::platform::pages::instant(&ms)).unwrap_or_default(),
        attachments: repo::attachments(&st.store, &poll.id).await?,
    })
}

#[derive(Template)]
#[template(path = "congress/polls/receipt.html")]
struct ReceiptPage {
    c: Chrome,
    poll: Poll,
    code: String,
    /// None: not looked up (no code, or the poll is not closed); Some(None): not in the bulletin.
    found: Option<Option<ReceiptEntry>>,
}

/// A ballot of the bulletin, as its voter reads it.
struct ReceiptEntry {
    paper: bool,
    /// The choice in words.
    words: String,
    /// The ballot as the bulletin writes it.
    json: String,
}

#[derive(Deserialize)]
struct ReceiptQuery {
    #[serde(default)]
    code: String,
}

/// Checking a receipt against the published bulletin: the member types or pastes the code they
/// were shown after voting (the server does not know which code is theirs, ADR 007).
async fn receipt_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ReceiptQuery>,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let code: String = q.code.trim().chars().filter(|c| !c.is_whitespace()).take(64).collect();
    let found = if poll.status.is_closed() && !code.is_empty() {
        let packed = repo::ballots_packed(&st.store, &poll.id).await?;
        let hit = packed.rows().into_iter().find(|(t, _, _)| t.eq_ignore_ascii_case(&code));
        Some(match hit {
            Some((tracker, content, paper)) => {
                let def = super::definition(&poll)?;
                let value: Value = serde_json::from_str(content).unwrap_or(Value::Null);
                let words = receipt_words(&ctx, &def, &value);
                let mut entry = serde_json::Map::new();
                entry.insert("tracker".into(), json!(tracker));
                if paper {
                    entry.insert("paper".into(), json!(true));
                }
                if let Some(obj) = value.as_object() {
                    entry.extend(obj.clone());
                }
                Some(ReceiptEntry { paper, words, json: Value::Object(entry).to_string() })
            }
            None => None,
        })
    } else {
        None
    };
    let title = ctx.tr.t("poll-receipt-check");
    render(&ReceiptPage { c: Chrome::new(&ctx, "polls", title), poll, code, found })
}

/// A ballot in words: the choice, the people approved, or each subject's grade.
fn receipt_words(ctx: &Ctx, def: &ballots::Poll, content: &Value) -> String {
    if def.kind != ballots::PollKind::Evaluation {
        return super::paper::describe(ctx, def, content);
    }
    let grades: Vec<String> = content
        .get("grades")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(s, g)| format!("{s}：{}", g.as_str().unwrap_or_default()))
        .collect();
    grades.join("；")
}

/// The result of a closed poll, recounted from its bulletin; nothing while it is open.
pub(super) async fn closed_result(
    st: &AppState,
    ctx: &Ctx,
    poll: &Poll,
    purpose: Option<ballots::PollPurpose>,
) -> AppResult<Option<ResultView>> {
    if !poll.status.is_closed() {
        return Ok(None);
    }
    let decides = purpose.is_none_or(|p| p.decides());
    Ok(Some(result_view(ctx, &json!(tally_of(st, poll).await?), decides)))
}
