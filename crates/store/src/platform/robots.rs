//! A school's group robot (钉钉, 企业微信, 飞书) and the queue of announcements waiting for it.
//! The robot's address and secret are credentials: sealed with the field encryption. The queue
//! lets the sender respect the robots' 20 messages a minute.

use crate::{new_id, now_ms, Result, Store, Tx};

/// A school's robot, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Robot {
    pub school_id: String,
    /// `dingtalk`, `wecom` or `feishu`.
    pub provider: String,
    pub url: String,
    pub secret: String,
}

/// The school's robot, if one is set.
pub async fn robot(store: &Store, school_id: &str) -> Result<Option<Robot>> {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT provider, url_enc, secret_enc FROM school_webhooks WHERE school_id = $1")
            .bind(school_id)
            .fetch_optional(&store.read)
            .await?;
    let Some((provider, url, secret)) = row else { return Ok(None) };
    let secret = if secret.is_empty() { String::new() } else { store.crypto.decrypt(&secret)? };
    Ok(Some(Robot { school_id: school_id.into(), provider, url: store.crypto.decrypt(&url)?, secret }))
}

/// Sets (or, with an empty URL, removes) the school's robot.
pub async fn set_robot(
    tx: &mut Tx,
    store: &Store,
    school_id: &str,
    provider: &str,
    url: &str,
    secret: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM school_webhooks WHERE school_id = $1").bind(school_id).execute(&mut **tx).await?;
    if url.is_empty() {
        return Ok(());
    }
    let secret = if secret.is_empty() { String::new() } else { store.crypto.encrypt(secret)? };
    sqlx::query("INSERT INTO school_webhooks (school_id, provider, url_enc, secret_enc) VALUES ($1, $2, $3, $4)")
        .bind(school_id)
        .bind(provider)
        .bind(store.crypto.encrypt(url)?)
        .bind(secret)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queues an announcement for the school's robot (nothing when it has none).
pub async fn enqueue(tx: &mut Tx, school_id: &str, text: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_queue (id, school_id, text, created_at) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM school_webhooks WHERE school_id = $2)",
    )
    .bind(new_id())
    .bind(school_id)
    .bind(text)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A queued announcement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Queued {
    pub id: String,
    pub school_id: String,
    pub text: String,
    pub attempts: i64,
}

/// Schools with announcements waiting.
pub async fn schools_waiting(store: &Store) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT school_id FROM webhook_queue WHERE sent_at IS NULL AND attempts < $1")
            .bind(MAX_ATTEMPTS)
            .fetch_all(&store.write)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A message that failed this often is given up (kept with its last error).
pub const MAX_ATTEMPTS: i64 = 5;

/// The oldest `n` waiting announcements of a school.
pub async fn next(store: &Store, school_id: &str, n: i64) -> Result<Vec<Queued>> {
    Ok(sqlx::query_as(
        "SELECT id, school_id, text, CAST(attempts AS BIGINT) AS attempts FROM webhook_queue \
         WHERE school_id = $1 AND sent_at IS NULL AND attempts < $2 ORDER BY created_at, id LIMIT $3",
    )
    .bind(school_id)
    .bind(MAX_ATTEMPTS)
    .bind(n)
    .fetch_all(&store.write)
    .await?)
}

/// How many went to the school's robot since `since` (for its per-minute allowance).
pub async fn sent_since(store: &Store, school_id: &str, since: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhook_queue WHERE school_id = $1 AND sent_at >= $2")
        .bind(school_id)
        .bind(since)
        .fetch_one(&store.write)
        .await?;
    Ok(n)
}

/// Records the outcome of one attempt.
pub async fn record(store: &Store, id: &str, sent_at: Option<i64>, error: &str) -> Result<()> {
    sqlx::query("UPDATE webhook_queue SET sent_at = $1, attempts = attempts + 1, last_error = $2 WHERE id = $3")
        .bind(sent_at)
        .bind(error)
        .bind(id)
        .execute(&store.write)
        .await?;
    Ok(())
}
