//! The reading side of the inbox that [`crate::platform::notify::send`] writes: a member's
//! messages (unread first), the unread count for the badge, marking read, and what waits to be
//! emailed with each member's frequency and address.

use crate::{now_ms, Result, Store, StoreError, Tx};

/// One message as the inbox shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Message {
    pub id: String,
    pub kind: String,
    pub link: String,
    pub title: String,
    pub body: String,
    pub urgent: i64,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

impl Message {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }
}

const COLS: &str = "id, kind, link, title, body, CAST(urgent AS BIGINT) AS urgent, created_at, read_at";

/// The member's newest `limit` messages, unread first.
pub async fn messages(store: &Store, school_id: &str, member_id: &str, limit: i64) -> Result<Vec<Message>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM notifications WHERE school_id = $1 AND member_id = $2 \
         ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id LIMIT $3"
    ))
    .bind(school_id)
    .bind(member_id)
    .bind(limit)
    .fetch_all(&store.read)
    .await?)
}

/// How many messages the member has not read (the badge).
pub async fn unread_count(store: &Store, school_id: &str, member_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE school_id = $1 AND member_id = $2 AND read_at IS NULL",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_one(&store.read)
    .await?;
    Ok(n)
}

/// Marks one of the member's messages read; returns its link. Another member's message is
/// not found.
pub async fn mark_read(tx: &mut Tx, school_id: &str, member_id: &str, id: &str) -> Result<String> {
    let (link,): (String,) =
        sqlx::query_as("SELECT link FROM notifications WHERE school_id = $1 AND member_id = $2 AND id = $3")
            .bind(school_id)
            .bind(member_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(link)
}

/// Marks every message of the member read; returns how many were unread.
pub async fn mark_all_read(tx: &mut Tx, school_id: &str, member_id: &str) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE school_id = $2 AND member_id = $3 AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(school_id)
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

/// Marks read the member's messages that link to `link` (opening a notice reads its message).
pub async fn mark_link_read(tx: &mut Tx, school_id: &str, member_id: &str, link: &str) -> Result<()> {
    sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE school_id = $2 AND member_id = $3 AND link = $4 AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(school_id)
    .bind(member_id)
    .bind(link)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A member with unread, unemailed messages, and what email needs to decide and send.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmailCandidate {
    pub member_id: String,
    pub school_id: String,
    pub oldest_at: i64,
    pub urgent: i64,
    pub frequency: String,
    pub email: String,
    pub last_emailed_at: Option<i64>,
}

/// Members with unread messages not yet emailed who gave an address.
pub async fn email_candidates(store: &Store) -> Result<Vec<EmailCandidate>> {
    Ok(sqlx::query_as(
        "SELECT n.member_id, n.school_id, MIN(n.created_at) AS oldest_at, CAST(MAX(n.urgent) AS BIGINT) AS urgent, \
         p.frequency, p.email, p.last_emailed_at \
         FROM notifications n JOIN notify_prefs p ON p.member_id = n.member_id \
         WHERE n.read_at IS NULL AND n.emailed_at IS NULL AND p.email <> '' \
         GROUP BY n.member_id, n.school_id, p.frequency, p.email, p.last_emailed_at",
    )
    .fetch_all(&store.read)
    .await?)
}

/// The messages one email carries: the member's unread, unemailed ones, oldest first.
pub async fn unemailed(store: &Store, member_id: &str) -> Result<Vec<Message>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM notifications WHERE member_id = $1 AND read_at IS NULL AND emailed_at IS NULL \
         ORDER BY created_at, id LIMIT 200"
    ))
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Records that these messages went out by email to the member now.
pub async fn mark_emailed(store: &Store, member_id: &str, ids: &[String], at: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    for id in ids {
        sqlx::query("UPDATE notifications SET emailed_at = $1 WHERE member_id = $2 AND id = $3")
            .bind(at)
            .bind(member_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE notify_prefs SET last_emailed_at = $1 WHERE member_id = $2")
        .bind(at)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    crate::commit(tx).await
}

/// A member's email settings: (frequency code, address).
pub async fn prefs(store: &Store, member_id: &str) -> Result<(String, String)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT frequency, email FROM notify_prefs WHERE member_id = $1")
            .bind(member_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(row.unwrap_or_else(|| ("daily".into(), String::new())))
}

/// Sets a member's email settings (checked by the caller).
pub async fn set_prefs(tx: &mut Tx, school_id: &str, member_id: &str, frequency: &str, email: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO notify_prefs (member_id, school_id, frequency, email) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (member_id) DO UPDATE SET frequency = excluded.frequency, email = excluded.email",
    )
    .bind(member_id)
    .bind(school_id)
    .bind(frequency)
    .bind(email)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
