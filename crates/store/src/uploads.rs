//! Uploaded files kept between an import's dry run and its commit, in the database so any app
//! server can pick them up; kept for a day.

use crate::{new_id, now_ms, Result, Store, StoreError};

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
    let cutoff = now_ms() - 24 * 3600 * 1000;
    sqlx::query("DELETE FROM import_stash WHERE created_at < $1").bind(cutoff).execute(&store.write).await?;
    sqlx::query("INSERT INTO import_stash (id, school_id, user_id, file_name, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(school_id)
        .bind(user_id)
        .bind(file_name)
        .bind(base64::engine::general_purpose::STANDARD.encode(bytes))
        .bind(now_ms())
        .execute(&store.write)
        .await?;
    Ok(id)
}

/// The stashed file of this user in this school.
pub async fn stashed_upload(store: &Store, school_id: &str, user_id: &str, id: &str) -> Result<(String, Vec<u8>)> {
    use base64::Engine;
    let (name, data): (String, String) =
        sqlx::query_as("SELECT file_name, data FROM import_stash WHERE id = $1 AND school_id = $2 AND user_id = $3")
            .bind(id)
            .bind(school_id)
            .bind(user_id)
            .fetch_optional(&store.read)
            .await?
            .ok_or(StoreError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| StoreError::NotFound)?;
    Ok((name, bytes))
}
