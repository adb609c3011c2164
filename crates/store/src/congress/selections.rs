//! Award selections (评先评优): the selection and its stage, nominees with their review, voting
//! rounds (each electorate an ordinary `election` poll), publicity and objections, and the honour
//! roll. The rules (stage order, eligibility, the weighted cut) are the domain's; this module only
//! stores their outcome. Every write appends its audit entry in the caller's transaction.

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::selection::{NomineeStatus, ObjectionStatus, Stage};

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

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

/// A voting round.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Round {
    pub id: String,
    pub number: i64,
    pub top_n: i64,
    #[sqlx(try_from = "String")]
    pub status: PollStatus,
    /// The domain's `RoundOutcome` as JSON once closed.
    pub outcome: String,
}

/// One electorate of a round: its poll, label and weight.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct RoundPoll {
    pub round_id: String,
    pub poll_id: String,
    pub label: String,
    pub weight: i64,
}

pub async fn rounds(store: &Store, selection_id: &str) -> Result<Vec<Round>> {
    Ok(sqlx::query_as(
        "SELECT id, number, top_n, status, outcome FROM selection_rounds WHERE selection_id = $1 ORDER BY number",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// Every electorate of every round of a selection.
pub async fn round_polls(store: &Store, selection_id: &str) -> Result<Vec<RoundPoll>> {
    Ok(sqlx::query_as(
        "SELECT rp.round_id, rp.poll_id, rp.label, rp.weight FROM selection_round_polls rp \
         JOIN selection_rounds r ON r.id = rp.round_id WHERE r.selection_id = $1 ORDER BY rp.weight DESC, rp.label",
    )
    .bind(selection_id)
    .fetch_all(&store.read)
    .await?)
}

/// Records a new round over its polls (already created in this transaction).
#[allow(clippy::too_many_arguments)]
pub async fn create_round(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    number: i64,
    top_n: i64,
    polls: &[(String, String, i64)],
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO selection_rounds (id, selection_id, number, top_n, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
    )
    .bind(&id)
    .bind(selection_id)
    .bind(number)
    .bind(top_n)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("round"))?;
    for (poll, label, weight) in polls {
        sqlx::query("INSERT INTO selection_round_polls (round_id, poll_id, label, weight) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(poll)
            .bind(label)
            .bind(weight)
            .execute(&mut **tx)
            .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.round.open", selection_id)
            .detail(format!("round {number}, top {top_n}, {} electorates", polls.len())),
    )
    .await?;
    Ok(id)
}

/// Closes a round with its outcome: the running nominees named in `eliminated` (labels, those
/// ranked below the cut) are out; nobody else is touched (a runoff round does not rank the
/// nominees who advanced before it). `detail` is the audit entry's.
#[allow(clippy::too_many_arguments)]
pub async fn close_round(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    selection_id: &str,
    round_id: &str,
    outcome: &str,
    eliminated: &[String],
    detail: &str,
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE selection_rounds SET status = 'closed', outcome = $1 WHERE id = $2 AND selection_id = $3 AND status = 'open'",
    )
    .bind(outcome)
    .bind(round_id)
    .bind(selection_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    let running: Vec<(String, String)> =
        sqlx::query_as("SELECT id, label FROM selection_nominees WHERE selection_id = $1 AND status = 'running'")
            .bind(selection_id)
            .fetch_all(&mut **tx)
            .await?;
    for (id, _) in running.iter().filter(|(_, l)| eliminated.contains(l)) {
        sqlx::query("UPDATE selection_nominees SET status = 'eliminated' WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "selection.round.close", selection_id).detail(detail),
    )
    .await?;
    Ok(true)
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
    }
    Ok(r.rows_affected() == 1)
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

/// Member ids of an electorate of a round: `all` active members, current `delegates`,
/// `teachers`, `leaders` (校领导 and 中层), or `group:<id>` (a union group).
pub async fn electorate_ids(store: &Store, school_id: &str, kind: &str) -> Result<Vec<String>> {
    let base = "SELECT m.id FROM members m WHERE m.school_id = $1 AND m.status = 'active'";
    let rows: Vec<(String,)> = match kind {
        "all" => sqlx::query_as(base).bind(school_id).fetch_all(&store.read).await?,
        "delegates" => {
            sqlx::query_as(&format!(
                "{base} AND EXISTS (SELECT 1 FROM delegates d WHERE d.member_id = m.id AND d.school_id = $1 AND d.until IS NULL)"
            ))
            .bind(school_id)
            .fetch_all(&store.read)
            .await?
        }
        "teachers" => sqlx::query_as(&format!("{base} AND m.post = 'teacher'")).bind(school_id).fetch_all(&store.read).await?,
        "leaders" => {
            sqlx::query_as(&format!("{base} AND m.post IN ('school_leader', 'middle_manager')"))
                .bind(school_id)
                .fetch_all(&store.read)
                .await?
        }
        other => match other.strip_prefix("group:") {
            Some(group) => {
                sqlx::query_as(&format!("{base} AND m.group_id = $2"))
                    .bind(school_id)
                    .bind(group)
                    .fetch_all(&store.read)
                    .await?
            }
            None => return Err(StoreError::Invalid(format!("unknown electorate {other}"))),
        },
    };
    Ok(rows.into_iter().map(|r| r.0).collect())
}
