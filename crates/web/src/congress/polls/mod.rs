//! Polls (ballots.md) over HTTP: create, open, cast a secret ballot, live turnout, close, result
//! and bulletin — the JSON API of API.md; `pages` holds the pages a member votes on with a phone
//! and the committee's pages.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::ballots::{self, limits, Bulletin, StoredCount, TallyResult, BULLETIN_FORMAT};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::congress::polls::{self as repo, CastError, Poll};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use rand::seq::SliceRandom;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

mod attachments;
mod outcome;
mod pages;
mod paper;

pub use outcome::{result_json, status_name};

pub fn routes(r: Routes) -> Routes {
    let r = r
        .add("POST", "/api/v1/schools/{school}/polls", post(api_create))
        .add("POST", "/api/v1/polls/{id}/open", post(api_open))
        .add("POST", "/api/v1/polls/{id}/ballots", post(api_cast))
        .add("GET", "/api/v1/polls/{id}/turnout", get(api_turnout))
        .add("POST", "/api/v1/polls/{id}/close", post(api_close))
        .add("GET", "/api/v1/polls/{id}/result", get(api_result))
        .add("GET", "/api/v1/polls/{id}/bulletin", get(api_bulletin));
    attachments::routes(outcome::routes(paper::routes(pages::routes(r))))
}

/// Who manages polls.
pub fn manages(role: Role) -> bool {
    crate::platform::access::POLL_MANAGERS.contains(&role)
}

/// A poll by id, in the caller's scope (404 otherwise, so ids cannot be probed).
async fn scoped(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(School, Poll)> {
    let poll = repo::by_id(&st.store, id).await?;
    let school = tenancy::school(&st.store, &poll.school_id).await?;
    if !crate::platform::access::in_scope(ctx.user()?, &school) {
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

/// The tally of a closed poll, counted a chunk of stored ballots at a time (each distinct
/// content read once, no ballot kept).
pub(crate) async fn tally_of(st: &AppState, poll: &Poll) -> AppResult<TallyResult> {
    let internal = |e: ballots::BulletinError| AppError::Internal(e.message_zh_en());
    let mut count = StoredCount::new(&poll.definition).map_err(internal)?;
    let mut reader = repo::PackedReader::new(st.store.kind, &poll.id, repo::PACKED_CHUNK);
    while let Some(chunk) = reader.next_chunk(&st.store).await? {
        count.add(&chunk.byte_rows()).map_err(internal)?;
    }
    Ok(count.tally())
}

/// The published bulletin of a closed poll: the definition, then the ballots in tracker order,
/// each checked and written from its stored content. Tracker order, not the stored order: row
/// ids are in the database in clear, so a bulletin in row id order would let whoever holds the
/// files pair each row (and through it the voter whose has-voted row was written with it) with
/// its published ballot (ADR 007). Every ballot is therefore opened before the first is
/// written; opening and checking run off the async workers.
pub(crate) async fn bulletin_body(st: &AppState, poll: &Poll) -> AppResult<axum::body::Body> {
    let mut packed = repo::ballots_packed(&st.store, &poll.id).await?;
    let definition = poll.definition.clone();
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        packed.sort_by_tracker();
        let rows = packed.byte_rows();
        let mut count = StoredCount::new(&definition).map_err(|e| e.message_zh_en())?;
        count.add(&rows).map_err(|e| e.message_zh_en())?;
        // Writing into a Vec cannot fail.
        let mut buf = Vec::with_capacity(64 + definition.len() + rows.len() * 200);
        let _ = ballots::write_bulletin_start(&mut buf, &definition);
        let _ = ballots::write_stored_ballots(&mut buf, &rows, true);
        let _ = ballots::write_bulletin_end(&mut buf);
        Ok(buf)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    Ok(axum::body::Body::from(body))
}

/// The bulletin of a closed poll as ballots (for pages that look at single ballots), in
/// random order.
pub(crate) async fn bulletin_of(st: &AppState, poll: &Poll) -> AppResult<Bulletin> {
    let packed = repo::ballots_packed(&st.store, &poll.id).await?;
    let mut b = ballots::bulletin_from_stored(&poll.definition, &packed.rows())
        .map_err(|e| AppError::Internal(e.message_zh_en()))?;
    b.ballots.shuffle(&mut rand::thread_rng());
    Ok(b)
}

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

/// The longest description a poll may have (characters).
pub(crate) const MAX_DESCRIPTION: usize = 2000;

/// What a poll is created with besides its definition and electorate.
#[derive(Debug, Default)]
pub(crate) struct NewPoll {
    /// Purpose, description, closing time.
    pub details: repo::PollDetails,
    /// 监票人 and 计票人 named with the poll; none of them may be a candidate.
    pub scrutineers: Vec<String>,
    pub counters: Vec<String>,
}

/// The message refusing officials who stand in the vote, if any do.
pub(crate) fn officials_standing_error(
    ctx: &Ctx,
    def: &ballots::Poll,
    scrutineers: &[String],
    counters: &[String],
    key: &str,
) -> Option<AppError> {
    let officials: Vec<String> = scrutineers.iter().chain(counters).cloned().collect();
    let standing = ballots::officials_standing(&def.candidates, &officials);
    (!standing.is_empty())
        .then(|| AppError::bad("official_is_candidate", ctx.tr.t1(key, "names", &standing.join("、"))))
}

/// Creates a draft poll; the electorate is the given members, or every active member.
/// `contested`: an election must follow the school's 差额 margin (committee elections from the
/// polls page and the API); selection rounds and runoffs, whose candidates the previous round
/// decided, pass false. The purpose, description, closing time and officials of `new` are
/// recorded in the same transaction.
pub(crate) async fn create_poll_with(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    mut poll: Value,
    voters: Option<Vec<String>>,
    contested: bool,
    new: &NewPoll,
) -> AppResult<String> {
    let voters = match voters {
        Some(v) => v,
        None => jiaogong_store::members::active_ids(&st.store, &school.id).await?,
    };
    // The counts are the server's: 应到 is set from the electorate actually stored below, 实到 and
    // ballots issued when the vote closes; whatever a caller sent is replaced.
    if let Some(obj) = poll.as_object_mut() {
        obj.insert("electorate".into(), json!(voters.len()));
        obj.insert("present".into(), json!(0));
        obj.insert("ballots_issued".into(), json!(0));
    }
    let def = check_definition(&poll)?;
    if let Some(e) = officials_standing_error(ctx, &def, &new.scrutineers, &new.counters, "poll-err-candidate-official")
    {
        return Err(e);
    }
    if contested && def.kind == ballots::PollKind::Election {
        let seats = def.seats.unwrap_or(0);
        let settings = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?;
        if let Err(needed) = settings.check_competitive(seats, def.candidates.len() as u64, false) {
            let args = [
                ("seats", seats.to_string()),
                ("needed", needed.to_string()),
                ("margin", settings.margin_percent.to_string()),
            ];
            return Err(AppError::bad("not_competitive", ctx.tr.ta("poll-err-competitive", &args)));
        }
    }
    let mut tx = st.store.begin().await?;
    let id = repo::create(&mut tx, &school.id, def.kind.as_str(), &def.title, &poll.to_string(), &voters, &ctx.actor())
        .await?;
    // Duplicates and other schools' members are not in the electorate.
    let stored = repo::electorate_count_tx(&mut tx, &id).await?;
    if let Some(obj) = poll.as_object_mut() {
        obj.insert("electorate".into(), json!(stored));
    }
    repo::set_definition(&mut tx, &id, &poll.to_string()).await?;
    repo::set_details(&mut tx, &id, &new.details).await?;
    jiaogong_store::congress::paper::set_officials(&mut tx, &id, "scrutineer", &new.scrutineers).await?;
    jiaogong_store::congress::paper::set_officials(&mut tx, &id, "counter", &new.counters).await?;
    let detail = match &new.details.purpose {
        Some(p) => format!("{} ({p})", def.title),
        None => def.title.clone(),
    };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.create", &id).detail(detail),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(id)
}

async fn api_create(
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

pub(crate) async fn transition(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    poll: &Poll,
    from: PollStatus,
    to: PollStatus,
) -> AppResult<()> {
    if to.is_closed() && from.is_open() {
        return match close(st, school, poll, &ctx.actor(), None).await? {
            Closing::Closed => Ok(()),
            Closing::StateChanged => {
                Err(AppError::Conflict { code: "poll_state", message: ctx.tr.t("poll-wrong-state") })
            }
            Closing::PaperDisagree(n) => Err(AppError::Conflict {
                code: "paper_disagree",
                message: ctx.tr.t1("paper-err-disagree", "count", &n),
            }),
        };
    }
    if to.is_open() {
        if let Some(message) = crate::congress::quorum::may_open(st, ctx, school, &poll.id).await? {
            return Err(AppError::Conflict { code: "no_quorum", message });
        }
    }
    let mut tx = st.store.begin().await?;
    if !repo::set_status(&mut tx, &school.id, &poll.id, from, to).await? {
        return Err(AppError::Conflict { code: "poll_state", message: ctx.tr.t("poll-wrong-state") });
    }
    if to.is_open() {
        jiaogong_store::platform::hooks::poll_opened(&mut tx, &school.id, &poll.id, &poll.title).await?;
    }
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), &format!("poll.{to}"), &poll.id),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}

/// How closing a poll ended.
pub(crate) enum Closing {
    Closed,
    /// Not open (any more), or (closing when due) not due: someone else closed it.
    StateChanged,
    /// The two counters' paper entries differ in this many places: nothing was written.
    PaperDisagree(String),
}

/// Closes an open poll: by hand (`due_at` None), or because its closing time has come by
/// `due_at`, in which case the status changes only if the poll is still open and due (one
/// conditional UPDATE: of two app servers closing it at once, one closes it and writes the one
/// audit row, the other finds it closed). The paper ballots both counters agree on enter the
/// box, and 实到 and the ballots issued are recorded in the definition, in the same transaction.
pub(crate) async fn close(
    st: &AppState,
    school: &School,
    poll: &Poll,
    actor: &str,
    due_at: Option<i64>,
) -> AppResult<Closing> {
    let session_present = crate::congress::quorum::present_for(st, school, &poll.id).await?;
    let mut tx = st.store.begin().await?;
    let changed = match due_at {
        None => repo::set_status(&mut tx, &school.id, &poll.id, PollStatus::Open, PollStatus::Closed).await?,
        Some(now) => repo::close_if_due(&mut tx, &poll.id, now).await?,
    };
    if !changed {
        return Ok(Closing::StateChanged);
    }
    // Paper ballots enter the box only when both counters' entries agree.
    let paper = match paper::agreed_paper_ballots(&mut tx, &poll.id).await? {
        Ok(p) => p,
        Err(n) => return Ok(Closing::PaperDisagree(n.to_string())),
    };
    let rows: Vec<(String, String)> = paper.into_iter().map(|(sheet, v)| (sheet, v.to_string())).collect();
    repo::add_paper_ballots(&mut tx, &st.store.crypto, &poll.id, &rows).await?;
    // Ballots issued: one per member marked as voted, online or handed a paper sheet. 实到: at
    // a session the delegates signed in; online, the same as the ballots issued.
    let (_, voted) = repo::turnout(&st.store, &poll.id).await?;
    let mut def: Value = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(obj) = def.as_object_mut() {
        obj.insert("present".into(), json!(session_present.unwrap_or(voted)));
        obj.insert("ballots_issued".into(), json!(voted));
    }
    repo::set_definition(&mut tx, &poll.id, &def.to_string()).await?;
    let mut event = Event::new(Some(&school.id), actor, "poll.closed", &poll.id);
    if due_at.is_some() {
        event = event.detail("closes_at");
    }
    audit::append(&mut tx, &st.store.crypto, &event).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Closing::Closed)
}

/// The actor of closes made by the server itself when a poll's closing time has come.
pub const SYSTEM_ACTOR: &str = "system";

/// Closes every open poll whose closing time has come; returns how many this call closed. Safe
/// to run on every app server at once (see [`close`]). A poll whose paper entries disagree
/// stays open (it takes no more ballots, the ballot writer checks the closing time) until the
/// counters agree and the committee closes it.
pub async fn close_due_polls(st: &AppState) -> AppResult<usize> {
    let now = jiaogong_store::now_ms();
    let mut closed = 0;
    for (school_id, id) in repo::due_polls(&st.store, now).await? {
        let school = tenancy::school(&st.store, &school_id).await?;
        let poll = repo::get(&st.store, &school_id, &id).await?;
        if let Closing::Closed = close(st, &school, &poll, SYSTEM_ACTOR, Some(now)).await? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// The poll, closed first if its closing time has come (a page read does not wait for the
/// server's tick).
pub(crate) async fn closed_if_due(st: &AppState, school: &School, poll: Poll) -> AppResult<Poll> {
    if !poll.status.is_open() {
        return Ok(poll);
    }
    let now = jiaogong_store::now_ms();
    if !ballots::is_due(repo::details(&st.store, &poll.id).await?.closes_at, now) {
        return Ok(poll);
    }
    close(st, school, &poll, SYSTEM_ACTOR, Some(now)).await?;
    Ok(repo::get(&st.store, &school.id, &poll.id).await?)
}

/// Runs [`close_due_polls`] every `every` until the process ends (started by `jiaogong serve`).
pub fn spawn_closer(st: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = close_due_polls(&st).await {
                tracing::warn!("closing polls whose time has come: {e:?}");
            }
        }
    })
}

async fn api_open(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    must_manage(&ctx)?;
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Draft, PollStatus::Open).await?;
    Ok(Json(json!({"id": id, "status": "open"})))
}

async fn api_close(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    must_manage(&ctx)?;
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Open, PollStatus::Closed).await?;
    Ok(Json(json!({"id": id, "status": "closed"})))
}

/// Casts the caller's ballot; the tracker comes back only after the ballot is durably stored.
pub(crate) async fn cast(st: &AppState, ctx: &Ctx, poll: &Poll, ballot: &Value) -> AppResult<String> {
    let member = ctx.user()?.member_id.clone().ok_or(AppError::Forbidden)?;
    let ballot = stamp_rater_group(st, poll, &member, ballot).await?;
    let content = check_ballot(ctx, poll, &ballot)?;
    match st.store.ballot_box().cast(&poll.id, &member, content).await {
        Ok(tracker) => Ok(tracker),
        Err(CastError::AlreadyVoted) => {
            Err(AppError::Conflict { code: "already_voted", message: ctx.tr.t("poll-already-voted") })
        }
        Err(CastError::NotOpen) => {
            Err(AppError::Conflict { code: "poll_not_open", message: ctx.tr.t("poll-not-open") })
        }
        Err(CastError::NotEligible) => match repo::session_of(&st.store, &poll.id).await? {
            Some(session) if !jiaogong_store::congress::paper::is_present(&st.store, &session, &member).await? => {
                Err(AppError::Conflict { code: "not_signed_in", message: ctx.tr.t("poll-sign-in-first") })
            }
            _ => Err(AppError::Forbidden),
        },
        Err(CastError::Failed(e)) => Err(AppError::Internal(e)),
    }
}

/// In the poll of a leader evaluation the rater's group is the one the server assigned when the
/// poll opened (from the member's post and delegate status), whatever the ballot says; a member
/// without a group there is not a rater.
async fn stamp_rater_group(st: &AppState, poll: &Poll, member: &str, ballot: &Value) -> AppResult<Value> {
    if poll.kind != ballots::PollKind::Evaluation {
        return Ok(ballot.clone());
    }
    let mut ballot = ballot.clone();
    match jiaogong_store::congress::evaluations::rater_group(&st.store, &poll.id, member).await? {
        Some(group) => {
            if let Some(obj) = ballot.as_object_mut() {
                obj.insert("group".into(), json!(group));
            }
        }
        None if jiaogong_store::congress::evaluations::of_poll(&st.store, &poll.id).await?.is_some() => {
            return Err(AppError::Forbidden)
        }
        None => {}
    }
    Ok(ballot)
}

async fn api_cast(
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

async fn api_turnout(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
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

async fn api_result(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
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

async fn api_bulletin(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
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

/// The poll's stored definition (what the ballot asks and how it is counted).
pub(super) fn definition(poll: &Poll) -> AppResult<ballots::Poll> {
    serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))
}
