//! Publicity (公示) of the final list and the objections (异议) raised during it; an upheld
//! objection strikes the nominee.

use jiaogong_domain::congress::selection::ObjectionStatus;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// Starts the publicity period (review → publicity) with its computed last working day.
#[allow(clippy::too_many_arguments)]
pub async fn start_publicity(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    start: &str,
    end: &str,
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE selections SET stage = 'publicity', publicity_start = $1, publicity_end = $2 WHERE school_id = $3 AND id = $4 AND stage = 'review'",
    )
    .bind(start)
    .bind(end)
    .bind(school_id)
    .bind(selection_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 1 {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "selection.publicity", selection_id).detail(format!("{start}..{end}")),
        )
        .await?;
        publish_as_transparency_item(tx, crypto, school_id, selection_id, start).await?;
    }
    Ok(r.rows_affected() == 1)
}

/// The selection's result becomes a 校务公开 item (评先评优) for its publicity days, once.
async fn publish_as_transparency_item(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    start: &str,
) -> Result<()> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT s.title, s.publicity_days, c.code FROM selections s JOIN schools c ON c.id = s.school_id \
         WHERE s.school_id = $1 AND s.id = $2",
    )
    .bind(school_id)
    .bind(selection_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (Some((title, days, code)), Ok(start)) = (row, chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d")) else {
        return Ok(());
    };
    let link = format!("/s/{code}/selections/{selection_id}");
    crate::transparency::items::publish_linked(
        tx,
        crypto,
        &crate::transparency::items::LinkedItem {
            school_id,
            category: jiaogong_domain::transparency::Category::Selection,
            title: &title,
            link: &link,
            source_kind: "selection",
            source_id: selection_id,
            start,
            working_days: u32::try_from(days).unwrap_or(jiaogong_domain::transparency::DEFAULT_WORKING_DAYS),
        },
    )
    .await?;
    Ok(())
}

/// An objection (异议) raised during publicity.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Objection {
    pub id: String,
    pub nominee_id: String,
    pub nominee: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: ObjectionStatus,
    pub resolution: String,
    pub created_at: i64,
}

pub async fn objections(store: &Store, selection_id: &str) -> Result<Vec<Objection>> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.nominee_id, n.label AS nominee, o.body, o.status, o.resolution, o.created_at \
         FROM selection_objections o JOIN selection_nominees n ON n.id = o.nominee_id WHERE o.selection_id = $1 ORDER BY o.created_at",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// Records an objection against a nominee on the publicity list.
pub async fn object(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    nominee_id: &str,
    body: &str,
    actor: &str,
) -> Result<String> {
    let ok: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM selection_nominees n JOIN selections s ON s.id = n.selection_id \
         WHERE n.id = $1 AND s.id = $2 AND s.school_id = $3 AND s.stage = 'publicity' AND n.status = 'running'",
    )
    .bind(nominee_id)
    .bind(selection_id)
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound);
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO selection_objections (id, selection_id, nominee_id, body, raised_by, status, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6)",
    )
    .bind(&id)
    .bind(selection_id)
    .bind(nominee_id)
    .bind(body)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "selection.objection", selection_id).detail(&id))
        .await?;
    Ok(id)
}

/// Resolves an open objection; an upheld one strikes the nominee from the list.
#[allow(clippy::too_many_arguments)]
pub async fn resolve(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    objection_id: &str,
    status: &str,
    resolution: &str,
    actor: &str,
) -> Result<()> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT o.nominee_id FROM selection_objections o JOIN selections s ON s.id = o.selection_id \
         WHERE o.id = $1 AND s.id = $2 AND s.school_id = $3 AND o.status = 'open'",
    )
    .bind(objection_id)
    .bind(selection_id)
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((nominee,)) = row else { return Err(StoreError::NotFound) };
    sqlx::query(
        "UPDATE selection_objections SET status = $1, resolution = $2, resolved_by = $3, resolved_at = $4 WHERE id = $5",
    )
    .bind(status)
    .bind(resolution)
    .bind(actor)
    .bind(now_ms())
    .bind(objection_id)
    .execute(&mut **tx)
    .await?;
    if status == "upheld" {
        sqlx::query("UPDATE selection_nominees SET status = 'struck' WHERE id = $1")
            .bind(&nominee)
            .execute(&mut **tx)
            .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.objection.resolve", selection_id)
            .detail(format!("{objection_id} {status} {resolution}")),
    )
    .await?;
    Ok(())
}
