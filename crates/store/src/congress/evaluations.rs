//! Leader evaluations (民主评议): the evaluation with its settings, the leaders with their 述职报告,
//! and the rater groups stamped per member when the evaluation's poll opens. The votes themselves
//! are an ordinary poll of kind `evaluation` (see `polls`). Every write appends its audit entry in
//! the caller's transaction.

use jiaogong_domain::congress::ballots::PollStatus;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Evaluation {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub settings: String,
    pub poll_id: Option<String>,
    /// `draft` until the poll exists, then the poll's status.
    #[sqlx(try_from = "String")]
    pub status: PollStatus,
    pub created_at: i64,
}

const COLS: &str =
    "e.id, e.school_id, e.title, e.settings, e.poll_id, COALESCE(p.status, 'draft') AS status, e.created_at \
     FROM evaluations e LEFT JOIN polls p ON p.id = e.poll_id";

pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    title: &str,
    settings: &str,
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO evaluations (id, school_id, title, settings, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(title)
    .bind(settings)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "evaluation.create", &id).detail(title)).await?;
    Ok(id)
}

pub async fn list(store: &Store, school_id: &str) -> Result<Vec<Evaluation>> {
    Ok(sqlx::query_as(&format!("SELECT {COLS} WHERE e.school_id = $1 ORDER BY e.created_at DESC"))
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Evaluation> {
    sqlx::query_as(&format!("SELECT {COLS} WHERE e.school_id = $1 AND e.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The evaluation voted in a poll, if any.
pub async fn of_poll(store: &Store, poll_id: &str) -> Result<Option<Evaluation>> {
    Ok(sqlx::query_as(&format!("SELECT {COLS} WHERE e.poll_id = $1")).bind(poll_id).fetch_optional(&store.read).await?)
}

/// A leader being evaluated, with the report.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Leader {
    pub member_id: String,
    pub name: String,
    pub employee_no: String,
    pub post: Option<String>,
    pub report: String,
    pub report_at: Option<i64>,
}

/// The leaders of an evaluation in the order of their posts (校领导 first), then names.
pub async fn leaders(store: &Store, evaluation_id: &str) -> Result<Vec<Leader>> {
    Ok(sqlx::query_as(
        "SELECT l.member_id, m.name, m.employee_no, m.post, l.report, l.report_at FROM evaluation_leaders l \
         JOIN members m ON m.id = l.member_id WHERE l.evaluation_id = $1 \
         ORDER BY CASE m.post WHEN 'school_leader' THEN 0 WHEN 'middle_manager' THEN 1 ELSE 2 END, m.name_pinyin",
    )
    .bind(evaluation_id)
    .fetch_all(&store.read)
    .await?)
}

/// Adds a member of the school as a leader while the evaluation is a draft; false when the member
/// is unknown in the school, already listed, or the evaluation is no longer a draft.
pub async fn add_leader(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    evaluation_id: &str,
    member_id: &str,
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO evaluation_leaders (evaluation_id, member_id, added_at) \
         SELECT e.id, m.id, $4 FROM evaluations e JOIN members m ON m.school_id = e.school_id \
         WHERE e.school_id = $1 AND e.id = $2 AND m.id = $3 AND e.poll_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM evaluation_leaders l WHERE l.evaluation_id = e.id AND l.member_id = m.id)",
    )
    .bind(school_id)
    .bind(evaluation_id)
    .bind(member_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 1 {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "evaluation.leader.add", evaluation_id).detail(member_id),
        )
        .await?;
    }
    Ok(r.rows_affected() == 1)
}

/// Removes a leader while the evaluation is a draft.
pub async fn remove_leader(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    evaluation_id: &str,
    member_id: &str,
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "DELETE FROM evaluation_leaders WHERE evaluation_id = $1 AND member_id = $2 AND EXISTS \
         (SELECT 1 FROM evaluations e WHERE e.id = $1 AND e.school_id = $3 AND e.poll_id IS NULL)",
    )
    .bind(evaluation_id)
    .bind(member_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 1 {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "evaluation.leader.remove", evaluation_id).detail(member_id),
        )
        .await?;
    }
    Ok(r.rows_affected() == 1)
}

/// Stores a leader's 述职报告 (by the leader or the committee) until the evaluation closes.
pub async fn set_report(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    evaluation_id: &str,
    member_id: &str,
    report: &str,
    actor: &str,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE evaluation_leaders SET report = $1, report_at = $2 WHERE evaluation_id = $3 AND member_id = $4 AND EXISTS \
         (SELECT 1 FROM evaluations e LEFT JOIN polls p ON p.id = e.poll_id WHERE e.id = $3 AND e.school_id = $5 \
          AND (p.status IS NULL OR p.status <> 'closed'))",
    )
    .bind(report)
    .bind(now_ms())
    .bind(evaluation_id)
    .bind(member_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "evaluation.report", evaluation_id)
            .detail(format!("{member_id} {} chars", report.chars().count())),
    )
    .await?;
    Ok(())
}

/// (member id, post, current delegate of any term) of the school's active members: what decides
/// who rates and in which group.
pub async fn rater_facts(store: &Store, school_id: &str) -> Result<Vec<(String, Option<String>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.post, CAST(CASE WHEN EXISTS (SELECT 1 FROM delegates d WHERE d.member_id = m.id AND d.until IS NULL) \
         THEN 1 ELSE 0 END AS BIGINT) FROM members m WHERE m.school_id = $1 AND m.status = 'active'",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// Ties the opened poll to the evaluation and records each rater's group, once (false when the
/// evaluation already has a poll).
pub async fn attach_poll(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    evaluation_id: &str,
    poll_id: &str,
    raters: &[(String, String)],
    actor: &str,
) -> Result<bool> {
    let r = sqlx::query("UPDATE evaluations SET poll_id = $1 WHERE school_id = $2 AND id = $3 AND poll_id IS NULL")
        .bind(poll_id)
        .bind(school_id)
        .bind(evaluation_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    for chunk in raters.chunks(300) {
        let values: Vec<String> = (0..chunk.len()).map(|k| format!("($1, ${}, ${})", 2 * k + 2, 2 * k + 3)).collect();
        let sql =
            format!("INSERT INTO evaluation_raters (poll_id, member_id, group_name) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql).bind(poll_id);
        for (member, group) in chunk {
            q = q.bind(member.as_str()).bind(group.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "evaluation.open", evaluation_id)
            .detail(format!("poll {poll_id}, {} raters", raters.len())),
    )
    .await?;
    Ok(true)
}

/// The rater group the server assigned to a member in a poll (`None`: not a rater of it).
pub async fn rater_group(store: &Store, poll_id: &str, member_id: &str) -> Result<Option<String>> {
    let r: Option<(String,)> =
        sqlx::query_as("SELECT group_name FROM evaluation_raters WHERE poll_id = $1 AND member_id = $2")
            .bind(poll_id)
            .bind(member_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(r.map(|r| r.0))
}

/// Raters per group of a poll.
pub async fn group_sizes(store: &Store, poll_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT group_name, COUNT(*) FROM evaluation_raters WHERE poll_id = $1 GROUP BY group_name ORDER BY group_name",
    )
    .bind(poll_id)
    .fetch_all(&store.read)
    .await?)
}

/// Evaluations a member leads (to write the report).
pub async fn led_by(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<Evaluation>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} WHERE e.school_id = $1 AND EXISTS (SELECT 1 FROM evaluation_leaders l WHERE l.evaluation_id = e.id AND l.member_id = $2) \
         ORDER BY e.created_at DESC"
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Active members whose post makes them a leader to evaluate (校领导 and 中层), for the setup form.
pub async fn leader_candidates(store: &Store, school_id: &str) -> Result<Vec<(String, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, name, employee_no, post FROM members WHERE school_id = $1 AND status = 'active' \
         AND post IN ('school_leader', 'middle_manager') ORDER BY post DESC, name_pinyin",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}
