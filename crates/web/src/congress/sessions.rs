//! What a congress session deliberates, for the committee and for every member: the agenda
//! (议程), documents for deliberation, non-voting attendees (列席), the session's votes with their
//! results, and the report on how the previous session's resolutions were implemented.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::{ballots, SessionItemKind};
use jiaogong_store::congress::agenda::{self, Item};
use jiaogong_store::congress::polls::{self, Poll};
use jiaogong_store::congress::{self as repo, Session};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::Value;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("POST", "/s/{school}/congress/{id}/items", post(add_item))
        .add("POST", "/s/{school}/congress/{id}/items/{item}/delete", post(remove_item))
        .add("GET", "/s/{school}/sessions", get(list))
        .add("GET", "/s/{school}/sessions/{id}", get(page))
}

/// The translation key of a session item kind's heading.
pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        "agenda" => "session-agenda",
        "document" => "session-documents",
        _ => "session-attendees",
    }
}

#[derive(Deserialize)]
struct ItemForm {
    kind: String,
    title: String,
    #[serde(default)]
    body: String,
}

/// Adds an agenda item, a document or a non-voting attendee.
async fn add_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ItemForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let Some(kind) = SessionItemKind::from_code(&f.kind) else {
        return Err(AppError::bad("kind", ctx.tr.t("err-bad-value")));
    };
    let title = jiaogong_domain::platform::text::line(&f.title, 100)
        .map_err(|e| AppError::bad("title", ctx.name_error(&e, "session-err-title")))?;
    // Documents keep their line breaks; only the ends are trimmed.
    let body = f.body.replace("\r\n", "\n").trim().to_string();
    if body.chars().count() > 50_000 {
        return Err(AppError::bad("body", ctx.tr.t("session-err-body")));
    }
    let mut tx = st.store.begin().await?;
    let item = agenda::add_item(&mut tx, &school.id, &s.id, kind, &title, &body).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), &format!("congress.{kind}.add"), &item).detail(title),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{}#items", school.code, s.id)))
}

async fn remove_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, item)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let mut tx = st.store.begin().await?;
    let title = agenda::remove_item(&mut tx, &school.id, &s.id, &item).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "congress.item.remove", &item).detail(title),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{}#items", school.code, s.id)))
}

#[derive(Template)]
#[template(path = "congress/sessions.html")]
struct ListPage {
    c: Chrome,
    school: School,
    sessions: Vec<Session>,
}

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let sessions = repo::sessions(&st.store, &school.id).await?;
    let title = ctx.tr.t("nav-sessions");
    render(&ListPage { c: Chrome::new(&ctx, "sessions", title), school, sessions })
}

/// A vote of the session as members read it.
pub struct VoteLine {
    pub poll: Poll,
    /// 通过 / 未通过 / 当选 …, empty while open.
    pub outcome: String,
    /// Tracking of a passed resolution: latest status and note.
    pub tracking: Vec<(String, String, String)>,
}

/// The session's votes, with outcomes and (for passed resolutions) their tracking.
pub async fn vote_lines(st: &AppState, ctx: &Ctx, school: &School, session_id: &str) -> AppResult<Vec<VoteLine>> {
    let list = polls::of_session(&st.store, &school.id, session_id).await?;
    let progress = agenda::progress_of_session(&st.store, &school.id, session_id).await?;
    let mut out = Vec::new();
    for poll in list {
        let outcome = if poll.status.is_closed() { outcome(st, ctx, &poll).await? } else { String::new() };
        let tracking = progress
            .iter()
            .filter(|p| p.poll_id == poll.id)
            .map(|p| {
                (
                    crate::congress::polls::status_name(ctx, &p.status),
                    crate::platform::pages::date_zh(&p.recorded_on),
                    p.note.clone(),
                )
            })
            .collect();
        out.push(VoteLine { poll, outcome, tracking });
    }
    Ok(out)
}

async fn outcome(st: &AppState, ctx: &Ctx, poll: &Poll) -> AppResult<String> {
    let r: Value = crate::congress::polls::result_json(st, poll).await?.unwrap_or(Value::Null);
    if let Some(reason) = r.get("void_reason").and_then(Value::as_str) {
        return Ok(ctx.tr.t(&format!("poll-void-{}", reason.replace('_', "-"))));
    }
    Ok(match r.get("kind").and_then(Value::as_str) {
        Some("resolution") if r["passed"] == true => ctx.tr.t("poll-passed-yes"),
        Some("resolution") => ctx.tr.t("poll-passed-no"),
        Some("election") => {
            let elected: Vec<&str> =
                r["elected"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            ctx.tr.t1("session-elected", "names", &elected.join("、"))
        }
        _ => ctx.tr.t("poll-status-closed"),
    })
}

#[derive(Template)]
#[template(path = "congress/public.html")]
struct PublicPage {
    c: Chrome,
    school: School,
    s: Session,
    agenda: Vec<Item>,
    documents: Vec<Item>,
    attendees: Vec<Item>,
    votes: Vec<VoteLine>,
    previous: Option<(Session, Vec<VoteLine>)>,
}

/// The session as every member of the school reads it (delegates on their phone at the meeting).
async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let items = agenda::items(&st.store, &school.id, &s.id).await?;
    let of = |kind: SessionItemKind| items.iter().filter(|i| i.kind == kind).cloned().collect::<Vec<_>>();
    let votes = vote_lines(&st, &ctx, &school, &s.id).await?;
    let previous = match agenda::previous_session(&st.store, &school.id, &s.id).await? {
        Some(p) => {
            let prev = repo::session(&st.store, &school.id, &p).await?;
            let lines = vote_lines(&st, &ctx, &school, &p)
                .await?
                .into_iter()
                .filter(|l| l.poll.kind == ballots::PollKind::Resolution && l.poll.status.is_closed())
                .collect();
            Some((prev, lines))
        }
        None => None,
    };
    let title = s.title.clone();
    render(&PublicPage {
        c: Chrome::new(&ctx, "sessions", title),
        agenda: of(SessionItemKind::Agenda),
        documents: of(SessionItemKind::Document),
        attendees: of(SessionItemKind::Attendee),
        votes,
        previous,
        school,
        s,
    })
}
