//! Award selections (评先评优): the selection and its stage, nominees with their review, voting
//! rounds (each electorate an ordinary `election` poll), publicity and objections, and the honour
//! roll. The rules (stage order, eligibility, the weighted cut) are the domain's; this module only
//! stores their outcome. Every write appends its audit entry in the caller's transaction.
//! Voting rounds are in `rounds`, publicity and objections in `publicity`.

use jiaogong_domain::congress::selection::{NomineeStatus, Stage};

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

mod publicity;
mod rounds;

pub use publicity::{object, objections, resolve, start_publicity, Objection};
pub use rounds::{close_round, create_round, electorate_ids, round_polls, rounds, Round, RoundPoll};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Selection {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub award: String,
    pub quota: i64,
    pub min_years: i64,
    pub publicity_days: i64,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub publicity_start: Option<String>,
    pub publicity_end: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

const COLS: &str = "id, school_id, title, award, quota, min_years, publicity_days, stage, publicity_start, publicity_end, created_at, finished_at";

/// What a new selection needs.
pub struct NewSelection<'a> {
    pub title: &'a str,
    pub award: &'a str,
    pub quota: i64,
    pub min_years: i64,
    pub publicity_days: i64,
}

pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    s: &NewSelection<'_>,
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO selections (id, school_id, title, award, quota, min_years, publicity_days, stage, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'nomination', $8, $9)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(s.title)
    .bind(s.award)
    .bind(s.quota)
    .bind(s.min_years)
    .bind(s.publicity_days)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "selection.create", &id).detail(s.title)).await?;
    Ok(id)
}

pub async fn list(store: &Store, school_id: &str) -> Result<Vec<Selection>> {
    Ok(sqlx::query_as(&format!("SELECT {COLS} FROM selections WHERE school_id = $1 ORDER BY created_at DESC"))
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Selection> {
    sqlx::query_as(&format!("SELECT {COLS} FROM selections WHERE school_id = $1 AND id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Moves the stage `from` → `to` (false when the selection was not at `from`).
pub async fn set_stage(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    id: &str,
    from: &str,
    to: &str,
    actor: &str,
) -> Result<bool> {
    let finished = if to == "final" { Some(now_ms()) } else { None };
    let r = sqlx::query(
        "UPDATE selections SET stage = $1, finished_at = COALESCE($2, finished_at) WHERE school_id = $3 AND id = $4 AND stage = $5",
    )
    .bind(to)
    .bind(finished)
    .bind(school_id)
    .bind(id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 1 {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "selection.stage", id).detail(format!("{from}→{to}")),
        )
        .await?;
    }
    Ok(r.rows_affected() == 1)
}

/// A nominee as listed.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Nominee {
    pub id: String,
    pub member_id: String,
    pub label: String,
    pub name: String,
    pub employee_no: String,
    pub group_name: String,
    pub department: String,
    pub source: String,
    pub reason: String,
    /// `running`, `eliminated` (by a round), `removed` (by the review), `struck` (objection upheld).
    #[sqlx(try_from = "String")]
    pub status: NomineeStatus,
    pub review: Option<String>,
    pub review_reason: String,
}

pub async fn nominees(store: &Store, selection_id: &str) -> Result<Vec<Nominee>> {
    Ok(sqlx::query_as(
        "SELECT n.id, n.member_id, n.label, m.name, m.employee_no, COALESCE(g.name, '') AS group_name, \
         COALESCE(d.name, '') AS department, n.source, n.reason, n.status, n.review, n.review_reason \
         FROM selection_nominees n JOIN members m ON m.id = n.member_id \
         LEFT JOIN union_groups g ON g.id = m.group_id LEFT JOIN departments d ON d.id = m.department_id \
         WHERE n.selection_id = $1 ORDER BY n.created_at, m.name_pinyin",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// (status, joined_school, name, employee no) of a member of the school: what eligibility needs.
pub async fn member_facts(
    store: &Store,
    school_id: &str,
    member_id: &str,
) -> Result<(String, Option<String>, String, String)> {
    sqlx::query_as("SELECT status, joined_school, name, employee_no FROM members WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Adds a nominee while the selection takes nominations. The label on ballots is the name, or
/// `name（工号）` when a nominee of the same name is already listed. `Conflict` when the member is
/// already nominated; `NotFound` when the selection no longer takes nominations.
#[allow(clippy::too_many_arguments)]
pub async fn nominate(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    member_id: &str,
    source: &str,
    reason: &str,
    actor: &str,
) -> Result<String> {
    let open: Option<(String,)> =
        sqlx::query_as("SELECT stage FROM selections WHERE school_id = $1 AND id = $2 AND stage = 'nomination'")
            .bind(school_id)
            .bind(selection_id)
            .fetch_optional(&mut **tx)
            .await?;
    if open.is_none() {
        return Err(StoreError::NotFound);
    }
    let (name, no): (String, String) =
        sqlx::query_as("SELECT name, employee_no FROM members WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
    let same: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM selection_nominees WHERE selection_id = $1 AND label = $2")
            .bind(selection_id)
            .bind(&name)
            .fetch_optional(&mut **tx)
            .await?;
    let label = if same.is_some() { format!("{name}（{no}）") } else { name };
    let id = new_id();
    sqlx::query(
        "INSERT INTO selection_nominees (id, selection_id, member_id, label, source, reason, status, nominated_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8)",
    )
    .bind(&id)
    .bind(selection_id)
    .bind(member_id)
    .bind(&label)
    .bind(source)
    .bind(reason)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("nominee"))?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.nominate", selection_id).detail(format!("{source} {member_id}")),
    )
    .await?;
    Ok(id)
}

/// The principal's review of a running nominee: `approved`, or `removed` with a reason.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    nominee_id: &str,
    decision: &str,
    reason: &str,
    actor: &str,
) -> Result<()> {
    let status = if decision == "removed" { "removed" } else { "running" };
    let r = sqlx::query(
        "UPDATE selection_nominees SET review = $1, review_reason = $2, reviewed_by = $3, status = $4 \
         WHERE id = $5 AND selection_id = $6 AND status IN ('running', 'removed') AND EXISTS \
         (SELECT 1 FROM selections s WHERE s.id = $6 AND s.school_id = $7 AND s.stage = 'review')",
    )
    .bind(decision)
    .bind(reason)
    .bind(actor)
    .bind(status)
    .bind(nominee_id)
    .bind(selection_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.review", selection_id)
            .detail(format!("{nominee_id} {decision} {reason}")),
    )
    .await?;
    Ok(())
}

/// One line of the honour roll.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Honour {
    pub selection_id: String,
    pub title: String,
    pub award: String,
    pub name: String,
    pub group_name: String,
    pub finished_at: i64,
}

/// Everyone on the final list of a finished selection of the school, newest selection first.
pub async fn honours(store: &Store, school_id: &str) -> Result<Vec<Honour>> {
    Ok(sqlx::query_as(
        "SELECT s.id AS selection_id, s.title, s.award, m.name, COALESCE(g.name, '') AS group_name, COALESCE(s.finished_at, 0) AS finished_at \
         FROM selections s JOIN selection_nominees n ON n.selection_id = s.id JOIN members m ON m.id = n.member_id \
         LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE s.school_id = $1 AND s.stage = 'final' AND n.status = 'running' AND n.review = 'approved' \
         ORDER BY s.finished_at DESC, m.name_pinyin",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}
