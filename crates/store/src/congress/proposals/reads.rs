//! Reading proposals: the detail page's parts, lists of a session or a member, and the counts and
//! choices the pages and the home to-do show.

use chrono::NaiveDate;

use jiaogong_domain::congress::{Category, HandlingStatus, ProposalState};

use super::iso;
use crate::{Result, Store, StoreError};

// --- reading -------------------------------------------------------------------------------

/// A session a member may draft in: (id, title, held_on).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct DraftSession {
    pub id: String,
    pub title: String,
    pub held_on: String,
}

/// Sessions of the school held on or after `from` whose term has the member as a current delegate.
pub async fn sessions_for_delegate(
    store: &Store,
    school_id: &str,
    member_id: &str,
    from: NaiveDate,
) -> Result<Vec<DraftSession>> {
    Ok(sqlx::query_as(&format!(
        "SELECT s.id, s.title, s.held_on FROM congress_sessions s \
         WHERE s.school_id = $1 AND s.held_on >= $3 AND {} ORDER BY s.held_on",
        crate::congress::in_body("s.term_id", "$2")
    ))
    .bind(school_id)
    .bind(member_id)
    .bind(iso(from))
    .fetch_all(&store.read)
    .await?)
}

/// A proposal as the detail page shows it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Detail {
    pub id: String,
    pub session_id: String,
    pub session_title: String,
    pub term_id: String,
    pub held_on: String,
    pub number: Option<i64>,
    pub title: String,
    pub reason: String,
    pub measures: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub proposer_id: String,
    pub proposer_name: String,
    #[sqlx(try_from = "String")]
    pub state: ProposalState,
    pub round: i64,
    pub department: Option<String>,
    pub due_on: Option<String>,
    pub merged_into: Option<String>,
    pub last_feedback: Option<String>,
    pub review_note: String,
    pub submitted_on: Option<String>,
    /// The member named to answer for the department, and their name.
    pub responder_id: Option<String>,
    pub responder_name: Option<String>,
}

pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Detail> {
    sqlx::query_as(
        "SELECT p.id, p.session_id, s.title AS session_title, s.term_id, s.held_on, p.number, p.title, p.reason, \
         p.measures, p.category, p.proposer_id, m.name AS proposer_name, p.state, p.round, p.department, p.due_on, \
         p.merged_into, p.last_feedback, p.review_note, p.submitted_on, p.responder_id, r.name AS responder_name \
         FROM proposals p JOIN members m ON m.id = p.proposer_id JOIN congress_sessions s ON s.id = p.session_id \
         LEFT JOIN members r ON r.id = p.responder_id WHERE p.school_id = $1 AND p.id = $2",
    )
    .bind(school_id)
    .bind(id)
    .fetch_optional(&store.read)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Co-signers of a proposal: (member id, name).
pub async fn cosigners(store: &Store, school_id: &str, id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.member_id, m.name FROM proposal_cosigners c JOIN members m ON m.id = c.member_id \
         JOIN proposals p ON p.id = c.proposal_id WHERE p.school_id = $1 AND c.proposal_id = $2 ORDER BY c.signed_at",
    )
    .bind(school_id)
    .bind(id)
    .fetch_all(&store.read)
    .await?)
}

/// One line of a proposal's history.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub on_date: String,
    pub actor: String,
    pub kind: String,
    pub round: i64,
    pub detail: String,
}

pub async fn history(store: &Store, school_id: &str, id: &str) -> Result<Vec<HistoryEntry>> {
    Ok(sqlx::query_as(
        "SELECT e.seq, e.on_date, COALESCE(u.display_name, e.actor) AS actor, e.kind, e.round, e.detail \
         FROM proposal_events e LEFT JOIN users u ON u.username = e.actor \
         WHERE e.school_id = $1 AND e.proposal_id = $2 ORDER BY e.seq",
    )
    .bind(school_id)
    .bind(id)
    .fetch_all(&store.read)
    .await?)
}

/// A department's reply, one per handling round.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Reply {
    pub round: i64,
    pub department: String,
    #[sqlx(try_from = "String")]
    pub status: HandlingStatus,
    pub measures: String,
    pub reason: String,
    pub due_on: String,
    pub replied_on: String,
    pub recorded_by: String,
    /// The proposer's rating of this round's reply, if given.
    pub rating: Option<String>,
    pub comment: Option<String>,
}

pub async fn replies(store: &Store, school_id: &str, id: &str) -> Result<Vec<Reply>> {
    Ok(sqlx::query_as(
        "SELECT r.round, r.department, r.status, r.measures, r.reason, r.due_on, r.replied_on, r.recorded_by, \
         f.rating, f.comment FROM proposal_replies r \
         LEFT JOIN proposal_feedback f ON f.proposal_id = r.proposal_id AND f.round = r.round \
         WHERE r.school_id = $1 AND r.proposal_id = $2 ORDER BY r.round",
    )
    .bind(school_id)
    .bind(id)
    .fetch_all(&store.read)
    .await?)
}

/// Proposals merged into this one (their proposers are kept with it): (id, number, title, proposer).
pub async fn merged_from(
    store: &Store,
    school_id: &str,
    id: &str,
) -> Result<Vec<(String, Option<i64>, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.number, p.title, m.name FROM proposals p JOIN members m ON m.id = p.proposer_id \
         WHERE p.school_id = $1 AND p.merged_into = $2 ORDER BY p.number",
    )
    .bind(school_id)
    .bind(id)
    .fetch_all(&store.read)
    .await?)
}

/// A line of a list of proposals.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Line {
    pub id: String,
    pub session_id: String,
    pub number: Option<i64>,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub proposer_id: String,
    pub proposer_name: String,
    #[sqlx(try_from = "String")]
    pub state: ProposalState,
    pub round: i64,
    pub department: Option<String>,
    pub due_on: Option<String>,
    pub last_feedback: Option<String>,
    pub merged_into: Option<String>,
    pub cosigners: i64,
    /// Status of the current round's reply, if there is one.
    pub reply_status: Option<String>,
    /// Date of the round-1 reply, if any.
    pub first_reply: Option<String>,
}

const LINE_COLS: &str = "p.id, p.session_id, p.number, p.title, p.category, p.proposer_id, m.name AS proposer_name, \
     p.state, p.round, p.department, p.due_on, p.last_feedback, p.merged_into, \
     (SELECT COUNT(*) FROM proposal_cosigners c WHERE c.proposal_id = p.id) AS cosigners, \
     (SELECT r.status FROM proposal_replies r WHERE r.proposal_id = p.id AND r.round = p.round) AS reply_status, \
     (SELECT r.replied_on FROM proposal_replies r WHERE r.proposal_id = p.id AND r.round = 1) AS first_reply \
     FROM proposals p JOIN members m ON m.id = p.proposer_id";

/// Which proposals of a session a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Accepted and after: what every member reads.
    Public,
    /// Everything handed in (not drafts): the committee's view and the report.
    HandedIn,
}

impl Scope {
    fn sql(self) -> &'static str {
        match self {
            Scope::Public => "p.state IN ('accepted', 'assigned', 'answered', 'closed')",
            Scope::HandedIn => "p.state <> 'draft'",
        }
    }
}

/// One page of a session's proposals in number order, with the total: two statements.
pub async fn list(
    store: &Store,
    school_id: &str,
    session_id: &str,
    scope: Scope,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Line>, i64)> {
    let rows = sqlx::query_as(&format!(
        "SELECT {LINE_COLS} WHERE p.school_id = $1 AND p.session_id = $2 AND {} ORDER BY p.number LIMIT $3 OFFSET $4",
        scope.sql()
    ))
    .bind(school_id)
    .bind(session_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&store.read)
    .await?;
    let (total,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM proposals p WHERE p.school_id = $1 AND p.session_id = $2 AND {}",
        scope.sql()
    ))
    .bind(school_id)
    .bind(session_id)
    .fetch_one(&store.read)
    .await?;
    Ok((rows, total))
}

/// Every proposal of a session handed in, for the report (one statement).
pub async fn all_handed_in(store: &Store, school_id: &str, session_id: &str) -> Result<Vec<Line>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINE_COLS} WHERE p.school_id = $1 AND p.session_id = $2 AND p.state <> 'draft' ORDER BY p.number"
    ))
    .bind(school_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}

/// A member's own proposals, newest first.
pub async fn of_proposer(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<Line>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINE_COLS} WHERE p.school_id = $1 AND p.proposer_id = $2 ORDER BY p.created_at DESC"
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Proposals in handling that this member was named to answer for the department, oldest due
/// date first.
pub async fn to_answer(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<Line>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINE_COLS} WHERE p.school_id = $1 AND p.responder_id = $2 AND p.state = 'assigned' ORDER BY p.due_on, p.number"
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Who can answer for a department (`m`, a member of the school bound to `$1`): an active
/// member with an active account of that school (who could not sign in could not answer).
pub(super) const CAN_ANSWER: &str = "m.status = 'active' \
     AND EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id AND u.school_id = $1 AND u.active = 1)";

/// Who the committee may name to answer for a department: the school's active members with an
/// active account, (member id, name, department), in pinyin order.
pub async fn responder_choices(store: &Store, school_id: &str) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT m.id, m.name, COALESCE(d.name, '') FROM members m LEFT JOIN departments d ON d.id = m.department_id \
         WHERE m.school_id = $1 AND {CAN_ANSWER} ORDER BY m.name_pinyin, m.employee_no"
    ))
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// Drafts of other delegates of the member's terms, with whether the member has signed
/// (`cosigners` counts all signatures; `signed` is 1 when the member is among them).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CosignLine {
    pub id: String,
    pub title: String,
    pub category: String,
    pub proposer_name: String,
    pub session_title: String,
    pub cosigners: i64,
    pub signed: i64,
}

pub async fn to_cosign(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<CosignLine>> {
    Ok(sqlx::query_as(&format!(
        "SELECT p.id, p.title, p.category, m.name AS proposer_name, s.title AS session_title, \
         (SELECT COUNT(*) FROM proposal_cosigners c WHERE c.proposal_id = p.id) AS cosigners, \
         (SELECT COUNT(*) FROM proposal_cosigners c WHERE c.proposal_id = p.id AND c.member_id = $2) AS signed \
         FROM proposals p JOIN members m ON m.id = p.proposer_id JOIN congress_sessions s ON s.id = p.session_id \
         WHERE p.school_id = $1 AND p.state = 'draft' AND p.proposer_id <> $2 AND {} ORDER BY p.created_at DESC",
        crate::congress::in_body("s.term_id", "$2")
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Drafts waiting for this member's co-signature (home to-do).
pub async fn awaiting_cosign_count(store: &Store, school_id: &str, member_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM proposals p JOIN congress_sessions s ON s.id = p.session_id \
         WHERE p.school_id = $1 AND p.state = 'draft' AND p.proposer_id <> $2 AND {} \
         AND NOT EXISTS (SELECT 1 FROM proposal_cosigners c WHERE c.proposal_id = p.id AND c.member_id = $2)",
        crate::congress::in_body("s.term_id", "$2")
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_one(&store.read)
    .await?;
    Ok(n)
}

/// Proposals in handling past their due date without a reply (the chair's to-do).
pub async fn overdue_count(store: &Store, school_id: &str, today: NaiveDate) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM proposals p WHERE p.school_id = $1 AND {OVERDUE}"))
            .bind(school_id)
            .bind(iso(today))
            .fetch_one(&store.read)
            .await?;
    Ok(n)
}

/// Which proposals are overdue at `$2` (today): in handling past the due date without a reply.
/// The home page's count and the list it opens read the same condition.
const OVERDUE: &str = "p.state = 'assigned' AND p.due_on < $2";

/// The overdue proposals of every session of the school, the oldest due date first (what the
/// home page's "overdue proposals" count counts).
pub async fn overdue(store: &Store, school_id: &str, today: NaiveDate) -> Result<Vec<Line>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINE_COLS} WHERE p.school_id = $1 AND {OVERDUE} ORDER BY p.due_on, p.session_id, p.number"
    ))
    .bind(school_id)
    .bind(iso(today))
    .fetch_all(&store.read)
    .await?)
}

/// Proposals of a session (any state but draft) other than `except`, for the merge choice:
/// (id, number, title, state).
pub async fn merge_choices(
    store: &Store,
    school_id: &str,
    session_id: &str,
    except: &str,
) -> Result<Vec<(String, Option<i64>, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, number, title, state FROM proposals WHERE school_id = $1 AND session_id = $2 AND id <> $3 \
         AND state IN ('submitted', 'accepted', 'assigned', 'answered', 'closed') ORDER BY number",
    )
    .bind(school_id)
    .bind(session_id)
    .bind(except)
    .fetch_all(&store.read)
    .await?)
}

/// The departments proposals of the school were assigned to, for suggestions in the form.
pub async fn departments(store: &Store, school_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT department FROM proposals WHERE school_id = $1 AND department IS NOT NULL ORDER BY department",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A session to pick in the proposal pages, newest first, with how many proposals were handed in.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SessionChoice {
    pub id: String,
    pub term_id: String,
    pub title: String,
    pub held_on: String,
    pub handed_in: i64,
}

pub async fn session_choices(store: &Store, school_id: &str) -> Result<Vec<SessionChoice>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.term_id, s.title, s.held_on, (SELECT COUNT(*) FROM proposals p WHERE p.school_id = s.school_id \
         AND p.session_id = s.id AND p.state <> 'draft') AS handed_in FROM congress_sessions s WHERE s.school_id = $1 \
         ORDER BY s.held_on DESC, s.number DESC",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}
