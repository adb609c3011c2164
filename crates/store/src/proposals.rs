//! Proposals (提案) of the staff congress: drafts, co-signatures, the committee's review, handling
//! by a department, replies and ratings, with every step kept as an event and audited in the same
//! transaction. Whether a step is allowed is decided by the domain's `Proposal::apply`; this
//! module loads the proposal, asks the domain, and writes what the domain decided.
//!
//! Reads are a fixed number of statements whatever the number of rows: counts and the current
//! reply are correlated subqueries of the page's rows, never a query per row.

use chrono::NaiveDate;
use jiaogong_domain::congress::{
    Category, Feedback, HandlingStatus, Proposal, ProposalError, ProposalEvent, ProposalSettings, ProposalState,
    ProposalText, Review,
};

use crate::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// A step refused by the rules, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("refused: {0}")]
    Rule(#[from] ProposalError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        StepError::Store(StoreError::Db(e))
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

// --- settings and windows ------------------------------------------------------------------

/// The school's proposal settings (congress.md defaults when never set).
pub async fn settings(store: &Store, school_id: &str) -> Result<ProposalSettings> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT min_cosigners, max_rounds FROM proposal_settings WHERE school_id = $1")
            .bind(school_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(match row {
        Some((c, r)) => ProposalSettings { min_cosigners: c.max(0) as usize, max_rounds: r.max(1) as u32 },
        None => ProposalSettings::default(),
    })
}

pub async fn set_settings(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    s: &ProposalSettings,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO proposal_settings (school_id, min_cosigners, max_rounds, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (school_id) DO UPDATE SET min_cosigners = $2, max_rounds = $3, updated_at = $4",
    )
    .bind(school_id)
    .bind(s.min_cosigners as i64)
    .bind(i64::from(s.max_rounds))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let detail = format!("min_cosigners={} max_rounds={}", s.min_cosigners, s.max_rounds);
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "proposal.settings", school_id).detail(detail))
        .await?;
    Ok(())
}

/// The collection window the committee set for a session, if any.
pub async fn window(store: &Store, school_id: &str, session_id: &str) -> Result<Option<(NaiveDate, NaiveDate)>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT opens_on, closes_on FROM proposal_windows WHERE school_id = $1 AND session_id = $2")
            .bind(school_id)
            .bind(session_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(row.and_then(|(a, b)| Some((date(&a)?, date(&b)?))))
}

pub async fn set_window(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    session_id: &str,
    actor: &str,
    opens: NaiveDate,
    closes: NaiveDate,
) -> Result<()> {
    let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM congress_sessions WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(session_id)
        .fetch_optional(&mut **tx)
        .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "INSERT INTO proposal_windows (session_id, school_id, opens_on, closes_on) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (session_id) DO UPDATE SET opens_on = $3, closes_on = $4",
    )
    .bind(session_id)
    .bind(school_id)
    .bind(iso(opens))
    .bind(iso(closes))
    .execute(&mut **tx)
    .await?;
    let detail = format!("{}..{}", iso(opens), iso(closes));
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "proposal.window", session_id).detail(detail))
        .await?;
    Ok(())
}

// --- delegates -----------------------------------------------------------------------------

/// Whether the member is in the voting body of the session's term: a current delegate, or at a
/// 教职工大会 any active member.
async fn is_delegate_tx(tx: &mut Tx, session_id: &str, member_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT 1 FROM congress_sessions s WHERE s.id = $1 AND {}",
        crate::congress::in_body("s.term_id", "$2")
    ))
    .bind(session_id)
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(r.is_some())
}

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

// --- writing -------------------------------------------------------------------------------

/// Who acts: the account (for the audit log and the history) and its member, if any.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub actor: &'a str,
    pub member: Option<&'a str>,
}

/// A new draft by a current delegate of the session's term.
pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    session_id: &str,
    who: Who<'_>,
    today: NaiveDate,
    text: &ProposalText,
) -> std::result::Result<String, StepError> {
    let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM congress_sessions WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(session_id)
        .fetch_optional(&mut **tx)
        .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound.into());
    }
    let Some(member) = who.member else { return Err(ProposalError::NotDelegate.into()) };
    if !is_delegate_tx(tx, session_id, member).await? {
        return Err(ProposalError::NotDelegate.into());
    }
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO proposals (id, school_id, session_id, title, reason, measures, category, proposer_id, state, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $9)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(session_id)
    .bind(&text.title)
    .bind(&text.reason)
    .bind(&text.measures)
    .bind(text.category.code())
    .bind(member)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    event(tx, school_id, &id, who.actor, "create", 0, &text.title, today).await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), who.actor, "proposal.create", &id).detail(&*text.title))
        .await?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    school_id: &str,
    proposal_id: &str,
    actor: &str,
    kind: &str,
    round: u32,
    detail: &str,
    on: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO proposal_events (id, proposal_id, school_id, seq, at, on_date, actor, kind, round, detail) \
         SELECT $1, $2, $3, COALESCE(MAX(seq), 0) + 1, $4, $5, $6, $7, $8, $9 FROM proposal_events WHERE proposal_id = $2",
    )
    .bind(new_id())
    .bind(proposal_id)
    .bind(school_id)
    .bind(now_ms())
    .bind(iso(on))
    .bind(actor)
    .bind(kind)
    .bind(i64::from(round))
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One step of the lifecycle, as the web layer asks for it.
#[derive(Debug, Clone)]
pub enum Step {
    CoSign,
    /// Submit a draft, or resubmit a returned proposal.
    Submit {
        window: (NaiveDate, NaiveDate),
    },
    Edit(ProposalText),
    Review(Review),
    Assign {
        department: String,
        due: NaiveDate,
    },
    Answer {
        status: HandlingStatus,
        measures: String,
        reason: String,
    },
    Rate {
        feedback: Feedback,
        comment: String,
    },
}

impl Step {
    /// The step's name in the audit log.
    pub fn name(&self) -> &'static str {
        match self {
            Step::CoSign => "cosign",
            Step::Submit { .. } => "submit",
            Step::Edit(_) => "edit",
            Step::Review(Review::Accept) => "accept",
            Step::Review(Review::Suggestion { .. }) => "suggestion",
            Step::Review(Review::Merge { .. }) => "merge",
            Step::Review(Review::Return { .. }) => "return",
            Step::Assign { .. } => "assign",
            Step::Answer { .. } => "reply",
            Step::Rate { .. } => "rate",
        }
    }
}

/// Records a refused step (`proposal.refused`, detail "step reason") in a transaction of its own:
/// the step's transaction was rolled back, so the proposal is unchanged, but the denial is kept.
pub async fn record_refusal(
    store: &Store,
    school_id: &str,
    id: &str,
    actor: &str,
    step: &str,
    reason: &str,
) -> Result<()> {
    let detail = format!("{step} {reason}");
    audit::record(store, &Event::new(Some(school_id), actor, "proposal.refused", id).detail(detail)).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Core {
    session_id: String,
    proposer_id: String,
    category: String,
    state: String,
    round: i64,
    department: Option<String>,
    due_on: Option<String>,
    merged_into: Option<String>,
    last_feedback: Option<String>,
    version: i64,
}

const CORE_COLS: &str =
    "session_id, proposer_id, category, state, round, department, due_on, merged_into, last_feedback, version";

async fn load_tx(tx: &mut Tx, school_id: &str, id: &str) -> std::result::Result<(Proposal, Core), StepError> {
    let core: Core = sqlx::query_as(&format!("SELECT {CORE_COLS} FROM proposals WHERE school_id = $1 AND id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let cosigners: Vec<(String,)> =
        sqlx::query_as("SELECT member_id FROM proposal_cosigners WHERE proposal_id = $1 ORDER BY signed_at")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    let p = Proposal {
        id: id.to_string(),
        proposer: core.proposer_id.clone(),
        category: Category::from_code(&core.category).unwrap_or(Category::Other),
        state: ProposalState::from_code(&core.state)
            .ok_or_else(|| StoreError::Invalid(format!("unknown proposal state {}", core.state)))?,
        cosigners: cosigners.into_iter().map(|c| c.0).collect(),
        round: core.round.max(0) as u32,
        department: core.department.clone(),
        due: core.due_on.as_deref().and_then(date),
        merged_into: core.merged_into.clone(),
        last_feedback: core.last_feedback.as_deref().and_then(Feedback::from_code),
    };
    Ok((p, core))
}

/// Applies one step: the domain decides, then the new state, the step's own rows, a history
/// event and the audit entry are written in the caller's transaction. Returns the new state.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    id: &str,
    who: Who<'_>,
    today: NaiveDate,
    settings: &ProposalSettings,
    step: Step,
) -> std::result::Result<ProposalState, StepError> {
    let (mut p, core) = load_tx(tx, school_id, id).await?;
    let proposer_only = matches!(step, Step::Submit { .. } | Step::Edit(_) | Step::Rate { .. });
    if proposer_only {
        p.check_proposer(who.member.unwrap_or(""))?;
    }
    let round = p.round;
    let (event_kind, detail, domain_event) = match &step {
        Step::CoSign => {
            let member = who.member.ok_or(ProposalError::NotDelegate)?;
            if !is_delegate_tx(tx, &core.session_id, member).await? {
                return Err(ProposalError::NotDelegate.into());
            }
            ("cosign", String::new(), ProposalEvent::CoSign { delegate: member.to_string() })
        }
        Step::Submit { .. } if p.state == ProposalState::Returned => {
            ("resubmit", String::new(), ProposalEvent::Resubmit)
        }
        Step::Submit { window } => ("submit", String::new(), ProposalEvent::Submit { today, window: *window }),
        Step::Edit(text) => ("edit", text.title.clone(), ProposalEvent::Edit),
        Step::Review(review) => {
            if let Review::Merge { into } = review {
                let target = load_tx(tx, school_id, into).await;
                let target = match target {
                    Ok((t, tc)) if tc.session_id == core.session_id => t,
                    Ok(_) | Err(StepError::Store(StoreError::NotFound)) => {
                        return Err(ProposalError::MergeTarget.into())
                    }
                    Err(e) => return Err(e),
                };
                p.check_merge_target(&target)?;
            }
            let (kind, detail) = match review {
                Review::Accept => ("accept", String::new()),
                Review::Suggestion { reason } => ("suggestion", reason.trim().to_string()),
                Review::Merge { into } => ("merge", into.clone()),
                Review::Return { reason } => ("return", reason.trim().to_string()),
            };
            (kind, detail, ProposalEvent::Review(review.clone()))
        }
        Step::Assign { department, due } => {
            jiaogong_domain::congress::check_due(*due, today)?;
            let department = jiaogong_domain::text::normalize(department);
            let detail = format!("{department} {}", iso(*due));
            ("assign", detail, ProposalEvent::Assign { department, due: *due })
        }
        Step::Answer { status, measures, reason } => {
            if measures.trim().is_empty() {
                return Err(ProposalError::MeasuresRequired.into());
            }
            ("reply", status.code().to_string(), ProposalEvent::Answer { status: *status, reason: reason.clone() })
        }
        Step::Rate { feedback, .. } => ("rate", feedback.code().to_string(), ProposalEvent::Rate(*feedback)),
    };
    p.apply(domain_event, settings)?;

    // The proposal row, guarded by its version so two concurrent steps cannot both apply.
    let review_note = match &step {
        Step::Review(Review::Suggestion { reason } | Review::Return { reason }) => Some(reason.trim().to_string()),
        Step::Review(_) => Some(String::new()),
        _ => None,
    };
    let submitting = event_kind == "submit";
    let r = sqlx::query(
        "UPDATE proposals SET state = $1, round = $2, department = $3, due_on = $4, merged_into = $5, \
         last_feedback = $6, review_note = COALESCE($7, review_note), version = version + 1, updated_at = $8, \
         submitted_on = CASE WHEN $9 = 1 THEN $10 ELSE submitted_on END, \
         number = CASE WHEN $9 = 1 AND number IS NULL THEN \
           (SELECT COALESCE(MAX(q.number), 0) + 1 FROM proposals q WHERE q.session_id = $11) ELSE number END \
         WHERE school_id = $12 AND id = $13 AND version = $14",
    )
    .bind(p.state.code())
    .bind(i64::from(p.round))
    .bind(&p.department)
    .bind(p.due.map(iso))
    .bind(&p.merged_into)
    .bind(p.last_feedback.map(|f| f.code()))
    .bind(review_note)
    .bind(now_ms())
    .bind(i64::from(submitting))
    .bind(iso(today))
    .bind(&core.session_id)
    .bind(school_id)
    .bind(id)
    .bind(core.version)
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("proposal number"))?;
    if r.rows_affected() != 1 {
        return Err(StoreError::Conflict("proposal changed meanwhile".into()).into());
    }

    match &step {
        Step::CoSign => {
            sqlx::query("INSERT INTO proposal_cosigners (proposal_id, member_id, signed_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(who.member.unwrap_or(""))
                .bind(now_ms())
                .execute(&mut **tx)
                .await?;
        }
        Step::Edit(text) => {
            sqlx::query(
                "UPDATE proposals SET title = $1, reason = $2, measures = $3, category = $4 WHERE school_id = $5 AND id = $6",
            )
            .bind(&text.title)
            .bind(&text.reason)
            .bind(&text.measures)
            .bind(text.category.code())
            .bind(school_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            if p.cosigners.is_empty() {
                sqlx::query("DELETE FROM proposal_cosigners WHERE proposal_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Step::Answer { status, measures, reason } => {
            sqlx::query(
                "INSERT INTO proposal_replies (id, proposal_id, school_id, round, department, status, measures, reason, \
                 due_on, replied_on, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(new_id())
            .bind(id)
            .bind(school_id)
            .bind(i64::from(p.round))
            .bind(p.department.clone().unwrap_or_default())
            .bind(status.code())
            .bind(measures.trim())
            .bind(reason.trim())
            .bind(p.due.map(iso).unwrap_or_default())
            .bind(iso(today))
            .bind(who.actor)
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
        }
        Step::Rate { feedback, comment } => {
            sqlx::query(
                "INSERT INTO proposal_feedback (id, proposal_id, school_id, round, rating, comment, rated_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(new_id())
            .bind(id)
            .bind(school_id)
            .bind(i64::from(round))
            .bind(feedback.code())
            .bind(comment.trim())
            .bind(iso(today))
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    // A rating belongs to the round it rates; every other step to the round it leaves.
    let event_round = if matches!(step, Step::Rate { .. }) { round } else { p.round };
    event(tx, school_id, id, who.actor, event_kind, event_round, &detail, today).await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), who.actor, &format!("proposal.{event_kind}"), id).detail(detail),
    )
    .await?;
    Ok(p.state)
}

// --- reading -------------------------------------------------------------------------------

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
    pub category: String,
    pub proposer_id: String,
    pub proposer_name: String,
    pub state: String,
    pub round: i64,
    pub department: Option<String>,
    pub due_on: Option<String>,
    pub merged_into: Option<String>,
    pub last_feedback: Option<String>,
    pub review_note: String,
    pub submitted_on: Option<String>,
}

pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Detail> {
    sqlx::query_as(
        "SELECT p.id, p.session_id, s.title AS session_title, s.term_id, s.held_on, p.number, p.title, p.reason, \
         p.measures, p.category, p.proposer_id, m.name AS proposer_name, p.state, p.round, p.department, p.due_on, \
         p.merged_into, p.last_feedback, p.review_note, p.submitted_on \
         FROM proposals p JOIN members m ON m.id = p.proposer_id JOIN congress_sessions s ON s.id = p.session_id \
         WHERE p.school_id = $1 AND p.id = $2",
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
        "SELECT seq, on_date, actor, kind, round, detail FROM proposal_events WHERE school_id = $1 AND proposal_id = $2 ORDER BY seq",
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
    pub status: String,
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
    pub category: String,
    pub proposer_id: String,
    pub proposer_name: String,
    pub state: String,
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
        sqlx::query_as("SELECT COUNT(*) FROM proposals WHERE school_id = $1 AND state = 'assigned' AND due_on < $2")
            .bind(school_id)
            .bind(iso(today))
            .fetch_one(&store.read)
            .await?;
    Ok(n)
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
