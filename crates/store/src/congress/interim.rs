//! Requests for an interim session (临时会议): a member of the current term's voting body starts
//! one with a reason, the others sign or withdraw while it is open, and once at least one third of
//! the body has signed (`interim_session_requested`, exact integers) the chair convenes the
//! session from it. Every step is refused with an `InterimError` that writes nothing, or written
//! together with its audit entry in the caller's transaction.

use jiaogong_domain::congress::{interim_session_requested, interim_threshold};

use crate::congress::in_body;
use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// Why a step on an interim request was refused.
#[derive(Debug, thiserror::Error)]
pub enum InterimError {
    #[error("no congress term yet")]
    NoTerm,
    #[error("not in the voting body of the term")]
    NotInBody,
    #[error("already signed")]
    AlreadySigned,
    #[error("not signed")]
    NotSigned,
    #[error("the request is closed")]
    Closed,
    #[error("{signatures} signatures, {threshold} needed")]
    NotReached { signatures: i64, threshold: i64 },
    #[error("reason required")]
    BadReason,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for InterimError {
    fn from(e: sqlx::Error) -> Self {
        InterimError::Store(StoreError::Db(e))
    }
}

/// Longest reason, in characters.
pub const REASON_MAX: usize = 500;

/// The term requests belong to: the school's latest.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Term {
    pub id: String,
    pub number: i64,
    pub assembly: i64,
}

impl Term {
    pub fn is_assembly(&self) -> bool {
        self.assembly == 1
    }
}

/// The school's current (latest) term, if it has one.
pub async fn current_term(store: &Store, school_id: &str) -> Result<Option<Term>> {
    Ok(sqlx::query_as(
        "SELECT id, number, assembly FROM congress_terms WHERE school_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(school_id)
    .fetch_optional(&store.read)
    .await?)
}

async fn current_term_tx(tx: &mut Tx, school_id: &str) -> Result<Option<Term>> {
    Ok(sqlx::query_as(
        "SELECT id, number, assembly FROM congress_terms WHERE school_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?)
}

const BODY_SIZE: &str =
    "SELECT CAST(CASE WHEN t.assembly = 1 THEN (SELECT COUNT(*) FROM members m WHERE m.school_id = \
     t.school_id AND m.status = 'active') ELSE (SELECT COUNT(*) FROM delegates d WHERE d.term_id = t.id AND d.until IS \
     NULL) END AS BIGINT) FROM congress_terms t WHERE t.id = $1";

/// Size of the term's voting body now: its current delegates, or at a 教职工大会 every active member.
pub async fn body_size(store: &Store, term_id: &str) -> Result<i64> {
    let r: Option<(i64,)> = sqlx::query_as(BODY_SIZE).bind(term_id).fetch_optional(&store.read).await?;
    Ok(r.map(|r| r.0).unwrap_or(0))
}

async fn body_size_tx(tx: &mut Tx, term_id: &str) -> Result<i64> {
    let r: Option<(i64,)> = sqlx::query_as(BODY_SIZE).bind(term_id).fetch_optional(&mut **tx).await?;
    Ok(r.map(|r| r.0).unwrap_or(0))
}

/// ⌈body / 3⌉ (0 for an empty body, which can call nothing).
pub fn threshold(body: i64) -> i64 {
    interim_threshold(u32::try_from(body).unwrap_or(u32::MAX)).map(i64::from).unwrap_or(0)
}

/// Whether `signatures` of a body of `body` people call an interim session (the domain rule).
pub fn reached(signatures: i64, body: i64) -> bool {
    let (Ok(s), Ok(b)) = (u32::try_from(signatures), u32::try_from(body)) else { return false };
    interim_session_requested(s, b)
}

/// A request as listed. `signatures` counts only signers who are still in the voting body.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Request {
    pub id: String,
    pub term_id: String,
    pub reason: String,
    pub requester_name: String,
    pub created_at: i64,
    pub reached_at: Option<i64>,
    pub session_id: Option<String>,
    pub signatures: i64,
    /// 1 when the caller has signed.
    pub signed: i64,
}

impl Request {
    pub fn is_open(&self) -> bool {
        self.session_id.is_none()
    }
}

fn signature_count(request: &str, term: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM interim_signatures si WHERE si.request_id = {request} AND {}",
        in_body(term, "si.member_id")
    )
}

/// The term's requests, newest first, with live signature counts and whether `me` signed.
pub async fn requests(store: &Store, school_id: &str, term_id: &str, me: Option<&str>) -> Result<Vec<Request>> {
    Ok(sqlx::query_as(&format!(
        "SELECT r.id, r.term_id, r.reason, m.name AS requester_name, r.created_at, r.reached_at, r.session_id, \
         CAST(({}) AS BIGINT) AS signatures, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM interim_signatures x WHERE x.request_id = r.id AND x.member_id = $3) \
         THEN 1 ELSE 0 END AS BIGINT) AS signed \
         FROM interim_requests r JOIN members m ON m.id = r.requested_by \
         WHERE r.school_id = $1 AND r.term_id = $2 ORDER BY r.created_at DESC LIMIT 100",
        signature_count("r.id", "r.term_id")
    ))
    .bind(school_id)
    .bind(term_id)
    .bind(me.unwrap_or(""))
    .fetch_all(&store.read)
    .await?)
}

/// (request id, signer name) for the term's requests, signers still in the body, in signing order.
pub async fn signers(store: &Store, school_id: &str, term_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT si.request_id, m.name FROM interim_signatures si JOIN interim_requests r ON r.id = si.request_id \
         JOIN members m ON m.id = si.member_id WHERE r.school_id = $1 AND r.term_id = $2 AND {} \
         ORDER BY si.signed_at, m.name_pinyin",
        in_body("r.term_id", "si.member_id")
    ))
    .bind(school_id)
    .bind(term_id)
    .fetch_all(&store.read)
    .await?)
}

/// Whether the member belongs to the term's voting body now.
pub async fn is_in_body(store: &Store, term_id: &str, member_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(&format!("SELECT 1 WHERE {}", in_body("$1", "$2")))
        .bind(term_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(r.is_some())
}

async fn in_body_tx(tx: &mut Tx, term_id: &str, member_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(&format!("SELECT 1 WHERE {}", in_body("$1", "$2")))
        .bind(term_id)
        .bind(member_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(r.is_some())
}

/// Starts a request in the school's current term, signed by its author.
pub async fn start(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    member_id: Option<&str>,
    reason: &str,
) -> Result<String, InterimError> {
    let term = current_term_tx(tx, school_id).await?.ok_or(InterimError::NoTerm)?;
    let member = member_id.ok_or(InterimError::NotInBody)?;
    if !in_body_tx(tx, &term.id, member).await? {
        return Err(InterimError::NotInBody);
    }
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(InterimError::BadReason);
    }
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO interim_requests (id, school_id, term_id, reason, requested_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(&term.id)
    .bind(reason)
    .bind(member)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "congress.interim.request", &id).detail(reason))
        .await?;
    sign_row(tx, crypto, school_id, actor, &id, &term.id, member).await?;
    Ok(id)
}

/// Locks an open request of the school's current term (touching its row serialises signatures,
/// withdrawals and convening); returns its term.
async fn lock_open(tx: &mut Tx, school_id: &str, request_id: &str) -> Result<Term, InterimError> {
    let r = sqlx::query(
        "UPDATE interim_requests SET updated_at = $1 WHERE school_id = $2 AND id = $3 AND session_id IS NULL",
    )
    .bind(now_ms())
    .bind(school_id)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    let row: Option<(String,)> =
        sqlx::query_as("SELECT term_id FROM interim_requests WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(request_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((term_id,)) = row else { return Err(StoreError::NotFound.into()) };
    if r.rows_affected() == 0 {
        return Err(InterimError::Closed);
    }
    // A request of an earlier term can no longer call a session of the current one.
    match current_term_tx(tx, school_id).await? {
        Some(t) if t.id == term_id => Ok(t),
        _ => Err(InterimError::Closed),
    }
}

/// (signatures of people still in the body, body size) of a request, inside the transaction.
async fn count_tx(tx: &mut Tx, request_id: &str, term_id: &str) -> Result<(i64, i64)> {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT CAST(({}) AS BIGINT)", signature_count("$1", "$2")))
        .bind(request_id)
        .bind(term_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((n, body_size_tx(tx, term_id).await?))
}

/// Writes a signature; marks the request reached the first time it gets to a third.
async fn sign_row(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    request_id: &str,
    term_id: &str,
    member: &str,
) -> Result<(i64, i64), InterimError> {
    let r = sqlx::query(
        "INSERT INTO interim_signatures (request_id, member_id, signed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(request_id)
    .bind(member)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(InterimError::AlreadySigned);
    }
    let (n, body) = count_tx(tx, request_id, term_id).await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "congress.interim.sign", request_id).detail(format!("{n}/{body}")),
    )
    .await?;
    if reached(n, body) {
        let first = sqlx::query("UPDATE interim_requests SET reached_at = $1 WHERE id = $2 AND reached_at IS NULL")
            .bind(now_ms())
            .bind(request_id)
            .execute(&mut **tx)
            .await?;
        if first.rows_affected() == 1 {
            audit::append(
                tx,
                crypto,
                &Event::new(Some(school_id), actor, "congress.interim.reached", request_id)
                    .detail(format!("{n}/{body}")),
            )
            .await?;
        }
    }
    Ok((n, body))
}

/// Signs an open request; returns (signatures, body size) after the signature.
pub async fn sign(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    request_id: &str,
    member_id: Option<&str>,
) -> Result<(i64, i64), InterimError> {
    let term = lock_open(tx, school_id, request_id).await?;
    let member = member_id.ok_or(InterimError::NotInBody)?;
    if !in_body_tx(tx, &term.id, member).await? {
        return Err(InterimError::NotInBody);
    }
    sign_row(tx, crypto, school_id, actor, request_id, &term.id, member).await
}

/// Withdraws the caller's signature from an open request.
pub async fn withdraw(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    request_id: &str,
    member_id: Option<&str>,
) -> Result<(i64, i64), InterimError> {
    let term = lock_open(tx, school_id, request_id).await?;
    let member = member_id.ok_or(InterimError::NotSigned)?;
    let r = sqlx::query("DELETE FROM interim_signatures WHERE request_id = $1 AND member_id = $2")
        .bind(request_id)
        .bind(member)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(InterimError::NotSigned);
    }
    let (n, body) = count_tx(tx, request_id, &term.id).await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "congress.interim.withdraw", request_id).detail(format!("{n}/{body}")),
    )
    .await?;
    Ok((n, body))
}

/// Convenes the interim session from a request that has a third of the body's signatures now:
/// creates the session (next number of the term, title from `title(term, number)`) with the
/// congress's own session code, closes the request, and audits both. Returns the session id.
pub async fn convene(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    request_id: &str,
    held_on: &str,
    title: impl FnOnce(i64, i64) -> String,
) -> Result<String, InterimError> {
    let term = lock_open(tx, school_id, request_id).await?;
    let (n, body) = count_tx(tx, request_id, &term.id).await?;
    if !reached(n, body) {
        return Err(InterimError::NotReached { signatures: n, threshold: threshold(body) });
    }
    let (last,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(MAX(number), 0) AS BIGINT) FROM congress_sessions WHERE term_id = $1")
            .bind(&term.id)
            .fetch_one(&mut **tx)
            .await?;
    let number = last + 1;
    let title = title(term.number, number);
    let session = crate::congress::create_session(tx, school_id, &term.id, number, &title, held_on).await?;
    sqlx::query("UPDATE interim_requests SET session_id = $1 WHERE id = $2")
        .bind(&session)
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "congress.session.create", &session).detail(title.clone()),
    )
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "congress.interim.convene", request_id)
            .detail(format!("{session} {n}/{body}")),
    )
    .await?;
    Ok(session)
}
