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

/// A file attached to a poll, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

/// Attaches a file (already checked by the caller) to a poll; returns its id.
pub async fn add_attachment(
    tx: &mut Tx,
    poll_id: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<String> {
    use base64::Engine;
    let id = crate::new_id();
    sqlx::query(
        "INSERT INTO poll_attachments (id, poll_id, file_name, content_type, size, data, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(poll_id)
    .bind(file_name)
    .bind(content_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(base64::engine::general_purpose::STANDARD.encode(bytes))
    .bind(actor)
    .bind(crate::now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The attachments of a poll, oldest first.
pub async fn attachments(store: &Store, poll_id: &str) -> Result<Vec<Attachment>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, content_type, size FROM poll_attachments WHERE poll_id = $1 ORDER BY created_at, id",
    )
    .bind(poll_id)
    .fetch_all(&store.read)
    .await?)
}

/// One attachment of a poll with its bytes.
pub async fn attachment(store: &Store, poll_id: &str, id: &str) -> Result<(Attachment, Vec<u8>)> {
    use base64::Engine;
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        a: Attachment,
        data: String,
    }
    let row: Row = sqlx::query_as(
        "SELECT id, file_name, content_type, size, data FROM poll_attachments WHERE poll_id = $1 AND id = $2",
    )
    .bind(poll_id)
    .bind(id)
    .fetch_optional(&store.read)
    .await?
    .ok_or(crate::StoreError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(row.data).map_err(|_| crate::StoreError::NotFound)?;
    Ok((row.a, bytes))
}
