//! Objections (异议) to an item during its period, signed or anonymous, and the supervision
//! group's handling.
//!
//! Anonymous means anonymous: the row has no member (signer_member_id NULL), its time is kept
//! to the day (no instant to match against other writes), the audit event's actor is the word
//! `anonymous` and its detail names nothing, and no notification is written for the member.

use chrono::NaiveDate;
use jiaogong_domain::transparency::{self as rules, ObjectionStatus};

use super::{day, parse_day, TpError};
use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// An objection as the supervision group sees it; `signer` is the member's name when signed.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Objection {
    pub id: String,
    pub item_id: String,
    pub signer: Option<String>,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: ObjectionStatus,
    pub handling: String,
    pub filed_on: String,
}

/// Files an objection to an item of `school_id` on `today`; `signer` is the member's id for a
/// signed objection and `None` for an anonymous one. After the period: `PeriodOver(end)`.
pub async fn file(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    item_id: &str,
    signer: Option<&str>,
    body: &str,
    today: NaiveDate,
) -> Result<String, TpError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT end_day FROM transparency_items WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(item_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((end_day,)) = row else { return Err(StoreError::NotFound.into()) };
    let end = parse_day(&end_day).ok_or(StoreError::Invalid("stored end day".into()))?;
    if !rules::objection_open(end, today) {
        return Err(TpError::PeriodOver(end));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO transparency_objections (id, item_id, school_id, signer_member_id, body, status, filed_on) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6)",
    )
    .bind(&id)
    .bind(item_id)
    .bind(school_id)
    .bind(signer)
    .bind(body)
    .bind(day(today))
    .execute(&mut **tx)
    .await?;
    // The target is the item, never the objection, so that an anonymous objection's id does
    // not appear next to anything else; the actor of an anonymous one is no one.
    let actor = signer.unwrap_or("anonymous");
    let action = if signer.is_some() { "transparency.object" } else { "transparency.object_anonymous" };
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, action, item_id)).await?;
    Ok(id)
}

/// The objections to an item, oldest first.
pub async fn list(store: &Store, school_id: &str, item_id: &str) -> Result<Vec<Objection>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.item_id, m.name AS signer, o.body, o.status, o.handling, o.filed_on \
         FROM transparency_objections o LEFT JOIN members m ON m.id = o.signer_member_id \
         WHERE o.school_id = $1 AND o.item_id = $2 ORDER BY o.filed_on, o.id",
    )
    .bind(school_id)
    .bind(item_id)
    .fetch_all(&store.read)
    .await?)
}

/// Records how the supervision group handled an objection (upheld or dismissed, with words).
pub async fn handle(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    objection_id: &str,
    status: ObjectionStatus,
    handling: &str,
) -> Result<()> {
    if status == ObjectionStatus::Open {
        return Err(StoreError::Invalid("status".into()));
    }
    let r = sqlx::query(
        "UPDATE transparency_objections SET status = $1, handling = $2, handled_by = $3, handled_at = $4 \
         WHERE school_id = $5 AND id = $6",
    )
    .bind(status.code())
    .bind(handling)
    .bind(actor)
    .bind(now_ms())
    .bind(school_id)
    .bind(objection_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "transparency.handle", objection_id).detail(status.code().to_string()),
    )
    .await?;
    Ok(())
}
