//! Voting rounds of a selection: each electorate an ordinary `election` poll with its weight, the
//! round closed with its outcome, and the electorates a round may be voted by.

use jiaogong_domain::congress::ballots::PollStatus;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// A voting round.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Round {
    pub id: String,
    pub number: i64,
    pub top_n: i64,
    #[sqlx(try_from = "String")]
    pub status: PollStatus,
    /// The domain's `RoundOutcome` as JSON once closed.
    pub outcome: String,
}

/// One electorate of a round: its poll, label and weight.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RoundPoll {
    pub round_id: String,
    pub poll_id: String,
    pub label: String,
    pub weight: i64,
}

pub async fn rounds(store: &Store, selection_id: &str) -> Result<Vec<Round>> {
    Ok(sqlx::query_as(
        "SELECT id, number, top_n, status, outcome FROM selection_rounds WHERE selection_id = $1 ORDER BY number",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// Every electorate of every round of a selection.
pub async fn round_polls(store: &Store, selection_id: &str) -> Result<Vec<RoundPoll>> {
    Ok(sqlx::query_as(
        "SELECT rp.round_id, rp.poll_id, rp.label, rp.weight FROM selection_round_polls rp \
         JOIN selection_rounds r ON r.id = rp.round_id WHERE r.selection_id = $1 ORDER BY rp.weight DESC, rp.label",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// Records a new round over its polls (already created in this transaction).
#[allow(clippy::too_many_arguments)]
pub async fn create_round(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    number: i64,
    top_n: i64,
    polls: &[(String, String, i64)],
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO selection_rounds (id, selection_id, number, top_n, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
    )
    .bind(&id)
    .bind(selection_id)
    .bind(number)
    .bind(top_n)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("round"))?;
    for (poll, label, weight) in polls {
        sqlx::query("INSERT INTO selection_round_polls (round_id, poll_id, label, weight) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(poll)
            .bind(label)
            .bind(weight)
            .execute(&mut **tx)
            .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.round.open", selection_id)
            .detail(format!("round {number}, top {top_n}, {} electorates", polls.len())),
    )
    .await?;
    Ok(id)
}

/// Closes a round with its outcome: the running nominees named in `eliminated` (labels, those
/// ranked below the cut) are out; nobody else is touched (a runoff round does not rank the
/// nominees who advanced before it). `detail` is the audit entry's.
#[allow(clippy::too_many_arguments)]
pub async fn close_round(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    round_id: &str,
    outcome: &str,
    eliminated: &[String],
    detail: &str,
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE selection_rounds SET status = 'closed', outcome = $1 WHERE id = $2 AND selection_id = $3 AND status = 'open'",
    )
    .bind(outcome)
    .bind(round_id)
    .bind(selection_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    let running: Vec<(String, String)> =
        sqlx::query_as("SELECT id, label FROM selection_nominees WHERE selection_id = $1 AND status = 'running'")
            .bind(selection_id)
            .fetch_all(&mut **tx)
            .await?;
    for (id, _) in running.iter().filter(|(_, l)| eliminated.contains(l)) {
        sqlx::query("UPDATE selection_nominees SET status = 'eliminated' WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.round.close", selection_id).detail(detail),
    )
    .await?;
    Ok(true)
}

/// Member ids of an electorate of a round: `all` active members, current `delegates`,
/// `teachers`, `leaders` (校领导 and 中层), or `group:<id>` (a union group).
pub async fn electorate_ids(store: &Store, school_id: &str, kind: &str) -> Result<Vec<String>> {
    let base = "SELECT m.id FROM members m WHERE m.school_id = $1 AND m.status = 'active'";
    let rows: Vec<(String,)> = match kind {
        "all" => sqlx::query_as(base).bind(school_id).fetch_all(&store.read).await?,
        "delegates" => {
            sqlx::query_as(&format!(
                "{base} AND EXISTS (SELECT 1 FROM delegates d WHERE d.member_id = m.id AND d.school_id = $1 AND d.until IS NULL)"
            ))
            .bind(school_id)
            .fetch_all(&store.read)
            .await?
        }
        "teachers" => sqlx::query_as(&format!("{base} AND m.post = 'teacher'")).bind(school_id).fetch_all(&store.read).await?,
        "leaders" => {
            sqlx::query_as(&format!("{base} AND m.post IN ('school_leader', 'middle_manager')"))
                .bind(school_id)
                .fetch_all(&store.read)
                .await?
        }
        other => match other.strip_prefix("group:") {
            Some(group) => {
                sqlx::query_as(&format!("{base} AND m.group_id = $2"))
                    .bind(school_id)
                    .bind(group)
                    .fetch_all(&store.read)
                    .await?
            }
            None => return Err(StoreError::Invalid(format!("unknown electorate {other}"))),
        },
    };
    Ok(rows.into_iter().map(|r| r.0).collect())
}
