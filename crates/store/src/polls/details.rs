//! What a poll says about itself beyond its definition: its purpose (工会选举, 教代会决议,
//! 意见征集), a plain-text description and an optional closing time.

use crate::{Result, Store, Tx};

/// The purpose, description and closing time of a poll.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct PollDetails {
    /// `union_election` | `congress_resolution` | `consultation`; none for polls made before
    /// purposes existed and for rounds of selections and evaluations.
    pub purpose: Option<String>,
    pub description: String,
    /// When the poll closes by itself (ms since the epoch), if set.
    pub closes_at: Option<i64>,
}

/// Records the details of a poll (in the transaction that creates it).
pub async fn set_details(tx: &mut Tx, poll_id: &str, d: &PollDetails) -> Result<()> {
    sqlx::query("UPDATE polls SET purpose = $1, description = $2, closes_at = $3 WHERE id = $4")
        .bind(&d.purpose)
        .bind(&d.description)
        .bind(d.closes_at)
        .bind(poll_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The details of a poll (defaults for an unknown id).
pub async fn details(store: &Store, poll_id: &str) -> Result<PollDetails> {
    let d: Option<PollDetails> = sqlx::query_as("SELECT purpose, description, closes_at FROM polls WHERE id = $1")
        .bind(poll_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(d.unwrap_or_default())
}

/// (school id, poll id) of the open polls whose closing time has come by `now_ms`.
pub async fn due_polls(store: &Store, now_ms: i64) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT school_id, id FROM polls WHERE status = 'open' AND closes_at IS NOT NULL AND closes_at <= $1 ORDER BY closes_at",
    )
    .bind(now_ms)
    .fetch_all(&store.read)
    .await?)
}

/// Closes the poll if it is still open and its closing time has come: one conditional UPDATE, so
/// of several app servers (or ticks) racing to close it exactly one sees `true` and goes on to
/// write the close's audit row in the same transaction; the others see `false` and do nothing.
pub async fn close_if_due(tx: &mut Tx, poll_id: &str, now_ms: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE polls SET status = 'closed', closed_at = $1 WHERE id = $2 AND status = 'open' AND closes_at IS NOT NULL AND closes_at <= $1",
    )
    .bind(now_ms)
    .bind(poll_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}
