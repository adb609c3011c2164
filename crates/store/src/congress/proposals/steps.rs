//! Writing a proposal: a new draft, and each step of its lifecycle applied as the domain decides,
//! with its history event and audit entry.

use chrono::NaiveDate;
use jiaogong_domain::congress::{
    Category, Feedback, HandlingStatus, Proposal, ProposalError, ProposalEvent, ProposalSettings, ProposalState,
    ProposalText, Review,
};

use super::{date, iso, StepError};
use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

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

// --- writing -------------------------------------------------------------------------------

/// Who acts: the account (for the audit log and the history) and its member, if any.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub actor: &'a str,
    pub member: Option<&'a str>,
    /// The caller is on the proposal committee (may record a reply on a department's behalf).
    pub committee: bool,
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
    /// To a department with a due date and, optionally, the member who answers for it.
    Assign {
        department: String,
        due: NaiveDate,
        responder: Option<String>,
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
    responder_id: Option<String>,
    version: i64,
}

const CORE_COLS: &str =
    "session_id, proposer_id, category, state, round, department, due_on, merged_into, last_feedback, responder_id, version";

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

/// The name of the member named to answer for a department, if they can (`reads::CAN_ANSWER`).
async fn responder_name(tx: &mut Tx, school_id: &str, member_id: &str) -> std::result::Result<String, StepError> {
    let row: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT m.name FROM members m WHERE m.school_id = $1 AND m.id = $2 AND {}",
        super::reads::CAN_ANSWER
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.ok_or(ProposalError::ResponderUnknown)?.0)
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
        Step::Assign { department, due, responder } => {
            jiaogong_domain::congress::check_due(*due, today)?;
            let department = jiaogong_domain::platform::text::normalize(department);
            let mut detail = format!("{department} {}", iso(*due));
            if let Some(r) = responder {
                detail = format!("{detail} {}", responder_name(tx, school_id, r).await?);
            }
            ("assign", detail, ProposalEvent::Assign { department, due: *due })
        }
        Step::Answer { status, measures, reason } => {
            jiaogong_domain::congress::may_answer(who.committee, core.responder_id.as_deref(), who.member)?;
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
        Step::Assign { responder, .. } => {
            sqlx::query("UPDATE proposals SET responder_id = $1 WHERE school_id = $2 AND id = $3")
                .bind(responder)
                .bind(school_id)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            if let Some(r) = responder {
                crate::platform::hooks::proposal_assigned(tx, school_id, id, r).await?;
            }
        }
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
            crate::platform::hooks::proposal_replied(tx, school_id, id, &core.proposer_id).await?;
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
