//! Photos of an activity, added by its organiser after the day (already resized and stripped
//! of EXIF by the caller), listed on the activity's page.

use base64::Engine;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// The most photos one activity keeps.
pub const MAX_PHOTOS: i64 = 30;

/// A photo as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Photo {
    pub id: String,
    pub size: i64,
    pub created_at: i64,
}

/// Adds a prepared JPEG to the activity; `Invalid("photos")` when it already has [`MAX_PHOTOS`].
pub async fn add_photo(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    jpeg: &[u8],
) -> Result<String> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM activity_photos WHERE activity_id = $1 AND school_id = $2")
        .bind(activity_id)
        .bind(school_id)
        .fetch_one(&mut **tx)
        .await?;
    if n >= MAX_PHOTOS {
        return Err(StoreError::Invalid("photos".into()));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO activity_photos (id, activity_id, school_id, data, size, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(activity_id)
    .bind(school_id)
    .bind(base64::engine::general_purpose::STANDARD.encode(jpeg))
    .bind(jpeg.len() as i64)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "activity.photo", activity_id).detail(id.clone()))
        .await?;
    Ok(id)
}

/// The activity's photos, oldest first.
pub async fn photos(store: &Store, school_id: &str, activity_id: &str) -> Result<Vec<Photo>> {
    Ok(sqlx::query_as(
        "SELECT id, size, created_at FROM activity_photos WHERE activity_id = $1 AND school_id = $2 ORDER BY created_at, id",
    )
    .bind(activity_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?)
}

/// One photo's JPEG bytes.
pub async fn photo(store: &Store, school_id: &str, activity_id: &str, photo_id: &str) -> Result<Vec<u8>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT data FROM activity_photos WHERE id = $1 AND activity_id = $2 AND school_id = $3")
            .bind(photo_id)
            .bind(activity_id)
            .bind(school_id)
            .fetch_optional(store.reader())
            .await?;
    let (data,) = row.ok_or(StoreError::NotFound)?;
    base64::engine::general_purpose::STANDARD.decode(data).map_err(|_| StoreError::NotFound)
}
