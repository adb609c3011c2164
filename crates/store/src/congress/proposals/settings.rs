//! The school's proposal settings and the committee's collection window per session.

use chrono::NaiveDate;
use jiaogong_domain::congress::ProposalSettings;

use super::{date, iso};
use crate::platform::audit::{self, Event};
use crate::{now_ms, Crypto, Result, Store, StoreError, Tx};

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
