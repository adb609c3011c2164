//! The ballot box: a ballot cast into it (stamped with the rater's group in an evaluation), and
//! the stored ballots counted and published as the bulletin.

use jiaogong_domain::congress::ballots::{self, Bulletin, StoredCount, TallyResult};
use jiaogong_store::congress::polls::{self as repo, CastError, Poll};
use rand::seq::SliceRandom;
use serde_json::{json, Value};

use super::check_ballot;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::AppState;

/// Casts the caller's ballot; the tracker comes back only after the ballot is durably stored.
pub(crate) async fn cast(st: &AppState, ctx: &Ctx, poll: &Poll, ballot: &Value) -> AppResult<String> {
    let member = ctx.user()?.member_id.clone().ok_or(AppError::Forbidden)?;
    let ballot = stamp_rater_group(st, poll, &member, ballot).await?;
    let content = check_ballot(ctx, poll, &ballot)?;
    match st.store.ballot_box().cast(&poll.id, &member, content).await {
        Ok(tracker) => {
            crate::platform::metrics::ballot_cast();
            Ok(tracker)
        }
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
