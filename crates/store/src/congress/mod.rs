//! Congress terms and sessions, delegates (with replacement history) and attendance.

pub mod agenda;
pub mod congress_settings;
pub mod delegate_lists;
pub mod evaluations;
pub mod interim;
pub mod paper;
pub mod polls;
pub mod proposals;
pub mod selections;

use crate::{new_id, new_secret, now_ms, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Session {
    pub id: String,
    pub term_id: String,
    pub term_number: i64,
    pub number: i64,
    pub title: String,
    pub held_on: String,
    pub checkin_token: String,
    /// 1: the term is a 教职工大会 (the voting body is every active member).
    pub assembly: i64,
}

impl Session {
    pub fn is_assembly(&self) -> bool {
        self.assembly == 1
    }
}

const SESSION_COLS: &str =
    "s.id, s.term_id, t.number AS term_number, s.number, s.title, s.held_on, s.checkin_token, t.assembly FROM congress_sessions s JOIN congress_terms t ON t.id = s.term_id";

/// SQL condition: the member `member` belongs to the voting body of the term `term` — its current
/// delegates, or every active member of the school when the term is a 教职工大会.
pub(crate) fn in_body(term: &str, member: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM congress_terms bt WHERE bt.id = {term} AND ((bt.assembly = 0 AND EXISTS (SELECT 1 \
         FROM delegates bd WHERE bd.term_id = bt.id AND bd.member_id = {member} AND bd.until IS NULL)) OR \
         (bt.assembly = 1 AND EXISTS (SELECT 1 FROM members bm WHERE bm.id = {member} AND bm.school_id = bt.school_id \
         AND bm.status = 'active'))))"
    )
}

/// The term with this number, created when missing.
pub async fn term(tx: &mut Tx, school_id: &str, number: i64, starts_on: &str) -> Result<String> {
    let r: Option<(String,)> = sqlx::query_as("SELECT id FROM congress_terms WHERE school_id = $1 AND number = $2")
        .bind(school_id)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = r {
        return Ok(id);
    }
    let id = new_id();
    // A new term takes the school's mode (教代会 or 教职工大会) at the time it is created.
    let assembly = crate::congress::congress_settings::get_tx(tx, school_id).await?.assembly;
    sqlx::query(
        "INSERT INTO congress_terms (id, school_id, number, starts_on, created_at, assembly) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(number)
    .bind(starts_on)
    .bind(now_ms())
    .bind(i64::from(assembly))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn create_session(
    tx: &mut Tx,
    school_id: &str,
    term_id: &str,
    number: i64,
    title: &str,
    held_on: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO congress_sessions (id, school_id, term_id, number, title, held_on, checkin_token, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(term_id)
    .bind(number)
    .bind(title)
    .bind(held_on)
    .bind(new_secret())
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("session"))?;
    Ok(id)
}

pub async fn sessions(store: &Store, school_id: &str) -> Result<Vec<Session>> {
    Ok(sqlx::query_as(&format!("SELECT {SESSION_COLS} WHERE s.school_id = $1 ORDER BY t.number DESC, s.number DESC"))
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

pub async fn session(store: &Store, school_id: &str, id: &str) -> Result<Session> {
    sqlx::query_as(&format!("SELECT {SESSION_COLS} WHERE s.school_id = $1 AND s.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The session a check-in token belongs to, with its school.
pub async fn session_by_token(store: &Store, token: &str) -> Result<(String, Session)> {
    let (school,): (String,) = sqlx::query_as("SELECT school_id FROM congress_sessions WHERE checkin_token = $1")
        .bind(token)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (id,): (String,) = sqlx::query_as("SELECT id FROM congress_sessions WHERE checkin_token = $1")
        .bind(token)
        .fetch_one(&store.read)
        .await?;
    Ok((school.clone(), session(store, &school, &id).await?))
}

/// A delegate of a term as listed.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Delegate {
    pub id: String,
    pub member_id: String,
    pub name: String,
    pub employee_no: String,
    pub constituency: String,
    pub since: String,
    pub until: Option<String>,
    pub reason: String,
    pub present: i64,
}

/// Every delegate of the term (current and replaced), with presence at `session_id`.
pub async fn delegates(store: &Store, school_id: &str, term_id: &str, session_id: &str) -> Result<Vec<Delegate>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.member_id, m.name, m.employee_no, d.constituency, d.since, d.until, d.reason, \
         CAST(CASE WHEN a.member_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS present \
         FROM delegates d JOIN members m ON m.id = d.member_id \
         LEFT JOIN attendance a ON a.session_id = $3 AND a.member_id = d.member_id \
         WHERE d.school_id = $1 AND d.term_id = $2 ORDER BY d.until IS NOT NULL, d.constituency, m.name_pinyin",
    )
    .bind(school_id)
    .bind(term_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}

/// Adds a member of the school as a delegate of the term (constituency = their group). Returns the
/// constituency when the member was added; `None` when already a current delegate or not a member
/// of the school.
pub async fn add_delegate(
    tx: &mut Tx,
    school_id: &str,
    term_id: &str,
    member_id: &str,
    since: &str,
) -> Result<Option<String>> {
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM delegates WHERE term_id = $1 AND member_id = $2 AND until IS NULL")
            .bind(term_id)
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO delegates (id, school_id, term_id, member_id, constituency, since) \
         SELECT $1, $2, $3, m.id, COALESCE(g.name, ''), $5 FROM members m LEFT JOIN union_groups g ON g.id = m.group_id WHERE m.school_id = $2 AND m.id = $4",
    )
    .bind(&id)
    .bind(school_id)
    .bind(term_id)
    .bind(member_id)
    .bind(since)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(None);
    }
    let (constituency,): (String,) =
        sqlx::query_as("SELECT constituency FROM delegates WHERE id = $1").bind(&id).fetch_one(&mut **tx).await?;
    Ok(Some(constituency))
}

/// Ends a delegate's mandate (the history stays).
pub async fn end_delegate(tx: &mut Tx, school_id: &str, delegate_id: &str, until: &str, reason: &str) -> Result<()> {
    let r =
        sqlx::query("UPDATE delegates SET until = $1, reason = $2 WHERE school_id = $3 AND id = $4 AND until IS NULL")
            .bind(until)
            .bind(reason)
            .bind(school_id)
            .bind(delegate_id)
            .execute(&mut **tx)
            .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Marks a member of the voting body present; false when the member is not in it (not a current
/// delegate, or at a 教职工大会 not an active member).
pub async fn check_in(tx: &mut Tx, session: &Session, member_id: &str, method: &str) -> Result<bool> {
    let delegate: Option<(i64,)> = sqlx::query_as(&format!("SELECT 1 WHERE {}", in_body("$1", "$2")))
        .bind(&session.term_id)
        .bind(member_id)
        .fetch_optional(&mut **tx)
        .await?;
    if delegate.is_none() {
        return Ok(false);
    }
    sqlx::query("INSERT INTO attendance (session_id, member_id, method) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(&session.id)
        .bind(member_id)
        .bind(method)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

pub async fn undo_check_in(tx: &mut Tx, session_id: &str, member_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM attendance WHERE session_id = $1 AND member_id = $2")
        .bind(session_id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// (voting body, present) for the live quorum: the current delegates, or at a 教职工大会 every
/// active member; present counts only people of that body.
pub async fn presence(store: &Store, session: &Session) -> Result<(i64, i64)> {
    let body = body_ids(store, session).await?.len() as i64;
    let (p,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM attendance a WHERE a.session_id = $1 AND {}",
        in_body("$2", "a.member_id")
    ))
    .bind(&session.id)
    .bind(&session.term_id)
    .fetch_one(&store.read)
    .await?;
    Ok((body, p))
}

/// Member ids of the session's voting body (a session poll's electorate).
pub async fn body_ids(store: &Store, session: &Session) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = if session.is_assembly() {
        sqlx::query_as(
            "SELECT m.id FROM members m JOIN congress_terms t ON t.school_id = m.school_id WHERE t.id = $1 AND m.status = 'active'",
        )
        .bind(&session.term_id)
        .fetch_all(&store.read)
        .await?
    } else {
        sqlx::query_as("SELECT member_id FROM delegates WHERE term_id = $1 AND until IS NULL")
            .bind(&session.term_id)
            .fetch_all(&store.read)
            .await?
    };
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Member ids of the current delegates of a term.
pub async fn current_delegate_ids(store: &Store, term_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT member_id FROM delegates WHERE term_id = $1 AND until IS NULL")
        .bind(term_id)
        .fetch_all(&store.read)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// At a 教职工大会, the roll the clerk ticks: every active member as a row (`id` is the member id,
/// the constituency their union group), with presence at the session.
pub async fn assembly_roll(store: &Store, school_id: &str, session_id: &str) -> Result<Vec<Delegate>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.id AS member_id, m.name, m.employee_no, COALESCE(g.name, '') AS constituency, '' AS since, \
         CAST(NULL AS TEXT) AS until, '' AS reason, \
         CAST(CASE WHEN a.member_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS present \
         FROM members m LEFT JOIN union_groups g ON g.id = m.group_id \
         LEFT JOIN attendance a ON a.session_id = $2 AND a.member_id = m.id \
         WHERE m.school_id = $1 AND m.status = 'active' ORDER BY constituency, m.name_pinyin",
    )
    .bind(school_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}

/// Whether any session of the term already has a vote (its electorate is then fixed).
pub async fn term_has_polls(store: &Store, term_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM polls p JOIN congress_sessions s ON s.id = p.session_id WHERE s.term_id = $1 LIMIT 1",
    )
    .bind(term_id)
    .fetch_optional(&store.read)
    .await?;
    Ok(r.is_some())
}

/// Switches a term between 教代会 (false) and 教职工大会 (true).
pub async fn set_term_assembly(tx: &mut Tx, school_id: &str, term_id: &str, assembly: bool) -> Result<()> {
    let r = sqlx::query("UPDATE congress_terms SET assembly = $1 WHERE school_id = $2 AND id = $3")
        .bind(i64::from(assembly))
        .bind(school_id)
        .bind(term_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A session by id in any school, with its school (the check-in link carries no school).
pub async fn session_anywhere(store: &Store, id: &str) -> Result<(String, Session)> {
    let (school,): (String,) = sqlx::query_as("SELECT school_id FROM congress_sessions WHERE id = $1")
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    let s = session(store, &school, id).await?;
    Ok((school, s))
}

/// (member id, post, gender, birth date) of the school's active members, for composition checks.
/// What the composition check needs of a member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberFacts {
    pub id: String,
    pub post: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: jiaogong_domain::members::MemberStatus,
}

/// The facts of every member of the school: the composition counts the current delegates among
/// all of them (the same set as the header's count, whatever their status) and the staff among
/// the active ones.
pub async fn member_facts(store: &Store, school_id: &str) -> Result<Vec<MemberFacts>> {
    Ok(sqlx::query_as("SELECT id, post, gender, birth_date, status FROM members WHERE school_id = $1")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

pub async fn staff_facts(
    store: &Store,
    school_id: &str,
) -> Result<Vec<(String, Option<String>, Option<String>, Option<String>)>> {
    Ok(sqlx::query_as("SELECT id, post, gender, birth_date FROM members WHERE school_id = $1 AND status = 'active'")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}
