//! Correction requests: a member asks for a change to their record ("我的" → 更正申请); the
//! organisation committee marks it done or rejected.

use crate::{new_id, now_ms, Result, Store, StoreError, Tx};

/// Correction requests a member sent ("我的" → 更正申请).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Correction {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub field: String,
    pub requested: String,
    pub note: String,
    pub status: String,
    pub created_at: i64,
}

pub async fn request_correction(
    tx: &mut Tx,
    school_id: &str,
    member_id: &str,
    field: &str,
    requested: &str,
    note: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO correction_requests (id, school_id, member_id, field, requested, note, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)")
        .bind(&id)
        .bind(school_id)
        .bind(member_id)
        .bind(field)
        .bind(requested)
        .bind(note)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn corrections(
    store: &Store,
    school_id: &str,
    member_id: Option<&str>,
    only_open: bool,
) -> Result<Vec<Correction>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.member_id, m.name AS member_name, c.field, c.requested, c.note, c.status, c.created_at FROM correction_requests c \
         JOIN members m ON m.id = c.member_id WHERE c.school_id = $1 AND ($2 = '' OR c.member_id = $2) AND ($3 = 0 OR c.status = 'open') ORDER BY c.created_at DESC",
    )
    .bind(school_id)
    .bind(member_id.unwrap_or(""))
    .bind(i64::from(only_open))
    .fetch_all(&store.read)
    .await?)
}

pub async fn resolve_correction(tx: &mut Tx, school_id: &str, id: &str, status: &str) -> Result<()> {
    let r = sqlx::query("UPDATE correction_requests SET status = $1, resolved_at = $2 WHERE school_id = $3 AND id = $4 AND status = 'open'")
        .bind(status)
        .bind(now_ms())
        .bind(school_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
