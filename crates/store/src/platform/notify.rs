//! The inbox every area writes to: [`send`] puts one message for one member in the same
//! transaction as the change it reports, so a message exists exactly when its cause does.
//! Reading, marking read and delivery by email or webhook live with the notices.

use crate::{new_id, now_ms, Result, Tx};

/// A message for one member, linking to the page where they act.
#[derive(Debug, Clone, Copy)]
pub struct NewNotification<'a> {
    pub school_id: &'a str,
    pub member_id: &'a str,
    /// What happened, as a stable code (`activity.promoted`, `notice.to_read`, `poll.opened` …);
    /// pages show it in words through the translation files.
    pub kind: &'a str,
    /// The page to open, relative to the server (`/activities/…`).
    pub link: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// Sent at once instead of in the daily digest.
    pub urgent: bool,
}

/// Writes one message in the caller's transaction.
pub async fn send(tx: &mut Tx, n: &NewNotification<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, school_id, member_id, kind, link, title, body, urgent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(n.school_id)
    .bind(n.member_id)
    .bind(n.kind)
    .bind(n.link)
    .bind(n.title)
    .bind(n.body)
    .bind(i32::from(n.urgent))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
