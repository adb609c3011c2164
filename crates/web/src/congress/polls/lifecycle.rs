//! A poll's life: created as a draft with its definition and electorate, opened, and closed by
//! hand or when its closing time comes (once, even with several app servers).

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::ballots::{self};
use jiaogong_store::congress::polls::{self as repo, Poll};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use serde_json::{json, Value};

use super::{check_definition, paper};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::AppState;

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
            let r = close_due_polls(&st).await;
            crate::platform::metrics::scheduler_run("poll_closer", r.is_ok());
            if let Err(e) = r {
                tracing::warn!("closing polls whose time has come: {e:?}");
            }
        }
    })
}
