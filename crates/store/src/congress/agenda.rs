//! What a congress session deliberates: its agenda (议程), documents (工作报告, 财务工作报告, drafts
//! of rules …) and non-voting attendees (列席); and the tracking of each resolution until it is
//! implemented (落实情况), which the next session hears.

use jiaogong_domain::congress::{ResolutionStatus, SessionItemKind};

use crate::{new_id, now_ms, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Item {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: SessionItemKind,
    pub position: i64,
    pub title: String,
    pub body: String,
}

/// Adds an item at the end of its kind's list.
pub async fn add_item(
    tx: &mut Tx,
    school_id: &str,
    session_id: &str,
    kind: SessionItemKind,
    title: &str,
    body: &str,
) -> Result<String> {
    let (next,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM session_items WHERE session_id = $1 AND kind = $2",
    )
    .bind(session_id)
    .bind(kind.code())
    .fetch_one(&mut **tx)
    .await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO session_items (id, school_id, session_id, kind, position, title, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(session_id)
    .bind(kind.code())
    .bind(next)
    .bind(title)
    .bind(body)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Removes an item of the school's session; its title, for the audit log.
pub async fn remove_item(tx: &mut Tx, school_id: &str, session_id: &str, id: &str) -> Result<String> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT title FROM session_items WHERE id = $1 AND school_id = $2 AND session_id = $3")
            .bind(id)
            .bind(school_id)
            .bind(session_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (title,) = r.ok_or(StoreError::NotFound)?;
    sqlx::query("DELETE FROM session_items WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(title)
}

/// Every item of a session, by kind and position.
pub async fn items(store: &Store, school_id: &str, session_id: &str) -> Result<Vec<Item>> {
    Ok(sqlx::query_as(
        "SELECT id, kind, position, title, body FROM session_items WHERE school_id = $1 AND session_id = $2 ORDER BY kind, position",
    )
    .bind(school_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}

/// One entry of a resolution's tracking.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Progress {
    pub poll_id: String,
    #[sqlx(try_from = "String")]
    pub status: ResolutionStatus,
    pub note: String,
    pub recorded_on: String,
    pub recorded_by: String,
}

pub async fn add_progress(
    tx: &mut Tx,
    school_id: &str,
    poll_id: &str,
    status: &str,
    note: &str,
    recorded_on: &str,
    recorded_by: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO resolution_progress (id, school_id, poll_id, status, note, recorded_on, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(school_id)
    .bind(poll_id)
    .bind(status)
    .bind(note)
    .bind(recorded_on)
    .bind(recorded_by)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The tracking entries of every poll of a session, oldest first, in one statement.
pub async fn progress_of_session(store: &Store, school_id: &str, session_id: &str) -> Result<Vec<Progress>> {
    Ok(sqlx::query_as(
        "SELECT r.poll_id, r.status, r.note, r.recorded_on, r.recorded_by FROM resolution_progress r JOIN polls p ON p.id = r.poll_id \
         WHERE r.school_id = $1 AND p.session_id = $2 ORDER BY r.recorded_on, r.created_at",
    )
    .bind(school_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}

/// The tracking entries of one poll, oldest first.
pub async fn progress_of_poll(store: &Store, school_id: &str, poll_id: &str) -> Result<Vec<Progress>> {
    Ok(sqlx::query_as(
        "SELECT poll_id, status, note, recorded_on, recorded_by FROM resolution_progress WHERE school_id = $1 AND poll_id = $2 ORDER BY recorded_on, created_at",
    )
    .bind(school_id)
    .bind(poll_id)
    .fetch_all(&store.read)
    .await?)
}

/// The session held just before this one in the same school (by term and number), if any.
pub async fn previous_session(store: &Store, school_id: &str, session_id: &str) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as(
        "SELECT p.id FROM congress_sessions p JOIN congress_terms pt ON pt.id = p.term_id, congress_sessions s JOIN congress_terms st ON st.id = s.term_id \
         WHERE s.id = $2 AND s.school_id = $1 AND p.school_id = $1 \
         AND (pt.number < st.number OR (pt.number = st.number AND p.number < s.number)) \
         ORDER BY pt.number DESC, p.number DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(session_id)
    .fetch_optional(&store.read)
    .await?;
    Ok(r.map(|r| r.0))
}
