//! Uploaded files kept between an import's dry run and its commit, in the database so any app
//! server can pick them up. A roster holds ID numbers and phones: the file is sealed with the
//! field encryption, kept for an hour at most, and the commit takes it (usable once).

use crate::{new_id, now_ms, Result, Store, StoreError};

/// How long a stashed upload stays usable.
pub const STASH_TTL_MS: i64 = 3600 * 1000;

fn cutoff() -> i64 {
    now_ms() - STASH_TTL_MS
}

/// Keeps an uploaded file between the dry run and the commit (any app server can pick it up).
pub async fn stash_upload(
    store: &Store,
    school_id: &str,
    user_id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<String> {
    use base64::Engine;
    let id = new_id();
    let sealed = store.crypto.encrypt(&base64::engine::general_purpose::STANDARD.encode(bytes))?;
    sqlx::query("DELETE FROM import_stash WHERE created_at < $1").bind(cutoff()).execute(&store.write).await?;
    sqlx::query("INSERT INTO import_stash (id, school_id, user_id, file_name, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(school_id)
        .bind(user_id)
        .bind(file_name)
        .bind(sealed)
        .bind(now_ms())
        .execute(&store.write)
        .await?;
    Ok(id)
}

fn open(store: &Store, data: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    let text = store.crypto.decrypt(data)?;
    base64::engine::general_purpose::STANDARD.decode(text).map_err(|_| StoreError::NotFound)
}

/// The stashed file of this user in this school, if it has not expired (the error report).
pub async fn stashed_upload(store: &Store, school_id: &str, user_id: &str, id: &str) -> Result<(String, Vec<u8>)> {
    let (name, data): (String, String) = sqlx::query_as(
        "SELECT file_name, data FROM import_stash WHERE id = $1 AND school_id = $2 AND user_id = $3 AND created_at >= $4",
    )
    .bind(id)
    .bind(school_id)
    .bind(user_id)
    .bind(cutoff())
    .fetch_optional(&store.read)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((name, open(store, &data)?))
}

/// Takes the stashed file for a commit: it is deleted in the same step, so a second commit of
/// the same stash (a double click, a replayed form) finds nothing.
pub async fn take_stashed_upload(store: &Store, school_id: &str, user_id: &str, id: &str) -> Result<(String, Vec<u8>)> {
    let mut tx = store.begin().await?;
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT file_name, data FROM import_stash WHERE id = $1 AND school_id = $2 AND user_id = $3 AND created_at >= $4",
    )
    .bind(id)
    .bind(school_id)
    .bind(user_id)
    .bind(cutoff())
    .fetch_optional(&mut *tx)
    .await?;
    let (name, data) = row.ok_or(StoreError::NotFound)?;
    let r = sqlx::query("DELETE FROM import_stash WHERE id = $1").bind(id).execute(&mut *tx).await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    crate::commit(tx).await?;
    Ok((name, open(store, &data)?))
}
