//! Each member's calendar feed: a secret URL (only its hash is stored) that can be rotated,
//! which revokes the old one; and the events it lists (activities signed up for, congress
//! sessions the member attends as a delegate).

use sha2::{Digest, Sha256};

use crate::platform::audit::{self, Event};
use crate::{new_secret, now_ms, Crypto, Result, Store, Tx};

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a new feed token for the member (the old URL stops working); returns the token.
pub async fn rotate_feed(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    member_id: &str,
) -> Result<String> {
    let token = new_secret();
    sqlx::query("DELETE FROM calendar_feeds WHERE member_id = $1").bind(member_id).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO calendar_feeds (member_id, school_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(member_id)
        .bind(school_id)
        .bind(hash(&token))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "calendar.rotate", member_id)).await?;
    Ok(token)
}

/// Whether the member has a feed URL now.
pub async fn has_feed(store: &Store, member_id: &str) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT member_id FROM calendar_feeds WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(store.reader())
        .await?;
    Ok(row.is_some())
}

/// The (school, member) a feed token belongs to.
pub async fn feed_member(store: &Store, token: &str) -> Result<Option<(String, String)>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(sqlx::query_as("SELECT school_id, member_id FROM calendar_feeds WHERE token_hash = $1")
        .bind(hash(token))
        .fetch_optional(store.reader())
        .await?)
}

/// One event of a feed.
#[derive(Debug, Clone)]
pub struct FeedItem {
    /// Stable across refreshes: `activity-<id>` or `session-<id>`.
    pub uid: String,
    pub title: String,
    pub place: String,
    pub description: String,
    /// Unix ms; for a congress session (a date only) `None` and `date` is set.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub date: Option<String>,
    pub link: String,
}

/// The member's events: activities they hold a seat for, and congress sessions of terms where
/// they are a delegate.
pub async fn feed_items(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<FeedItem>> {
    let acts: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.title, a.place, a.description, a.starts_at, a.ends_at FROM activity_signups s \
         JOIN activities a ON a.id = s.activity_id WHERE s.member_id = $1 AND s.school_id = $2 \
         AND s.state IN ('confirmed', 'offered') AND a.cancelled = 0 ORDER BY a.starts_at",
    )
    .bind(member_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    let sessions: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT s.id, s.title, s.held_on FROM congress_sessions s WHERE s.school_id = $2 AND EXISTS \
         (SELECT 1 FROM delegates d WHERE d.term_id = s.term_id AND d.member_id = $1 AND (d.until IS NULL OR d.until >= s.held_on)) \
         ORDER BY s.held_on",
    )
    .bind(member_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    let mut out: Vec<FeedItem> = acts
        .into_iter()
        .map(|(id, title, place, description, s, e)| FeedItem {
            uid: format!("activity-{id}"),
            link: format!("/activities/{id}"),
            title,
            place,
            description,
            starts_at: Some(s),
            ends_at: Some(e),
            date: None,
        })
        .collect();
    out.extend(sessions.into_iter().map(|(id, title, held_on)| FeedItem {
        uid: format!("session-{id}"),
        link: String::new(),
        title,
        place: String::new(),
        description: String::new(),
        starts_at: None,
        ends_at: None,
        date: Some(held_on),
    }));
    Ok(out)
}
