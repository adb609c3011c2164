//! A school's congress settings (one row per school; congress.md's defaults when never saved).

use jiaogong_domain::congress::ballots::Fraction;
use jiaogong_domain::congress::CongressSettings;

use crate::platform::audit::{self, Event};
use crate::{now_ms, Crypto, Result, Store, Tx};

type Row = (i64, i64, i64, i64, i64, i64, i64, i64);

const SELECT: &str = "SELECT quorum_num, quorum_den, margin_percent, min_group_size, flag_num, flag_den, \
                      publicity_days, assembly FROM congress_settings WHERE school_id = $1";

/// A stored row as settings; a value that no longer makes sense falls back to its default.
fn from_row(r: Row) -> CongressSettings {
    let d = CongressSettings::default();
    let share = |n: i64, den: i64| Fraction::new(u64::try_from(n).ok()?, u64::try_from(den).ok()?);
    CongressSettings {
        quorum: share(r.0, r.1).unwrap_or(d.quorum),
        margin_percent: u64::try_from(r.2).unwrap_or(d.margin_percent),
        min_group_size: u64::try_from(r.3).unwrap_or(d.min_group_size),
        flag_fail_ratio: share(r.4, r.5).unwrap_or(d.flag_fail_ratio),
        publicity_days: u32::try_from(r.6).unwrap_or(d.publicity_days),
        assembly: r.7 == 1,
    }
}

/// The school's settings.
pub async fn get(store: &Store, school_id: &str) -> Result<CongressSettings> {
    let row: Option<Row> = sqlx::query_as(SELECT).bind(school_id).fetch_optional(&store.read).await?;
    Ok(row.map(from_row).unwrap_or_default())
}

/// The school's settings, read inside a transaction.
pub async fn get_tx(tx: &mut Tx, school_id: &str) -> Result<CongressSettings> {
    let row: Option<Row> = sqlx::query_as(SELECT).bind(school_id).fetch_optional(&mut **tx).await?;
    Ok(row.map(from_row).unwrap_or_default())
}

/// Saves the settings (already validated by the domain) and audits the change.
pub async fn set(tx: &mut Tx, crypto: &Crypto, school_id: &str, actor: &str, s: &CongressSettings) -> Result<()> {
    sqlx::query(
        "INSERT INTO congress_settings (school_id, quorum_num, quorum_den, margin_percent, min_group_size, flag_num, \
         flag_den, publicity_days, assembly, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (school_id) DO UPDATE SET quorum_num = $2, quorum_den = $3, margin_percent = $4, \
         min_group_size = $5, flag_num = $6, flag_den = $7, publicity_days = $8, assembly = $9, updated_at = $10",
    )
    .bind(school_id)
    .bind(s.quorum.num() as i64)
    .bind(s.quorum.den() as i64)
    .bind(s.margin_percent as i64)
    .bind(s.min_group_size as i64)
    .bind(s.flag_fail_ratio.num() as i64)
    .bind(s.flag_fail_ratio.den() as i64)
    .bind(i64::from(s.publicity_days))
    .bind(i64::from(s.assembly))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let detail = format!(
        "quorum={} margin={}% min_group={} flag={} publicity_days={} assembly={}",
        s.quorum, s.margin_percent, s.min_group_size, s.flag_fail_ratio, s.publicity_days, s.assembly
    );
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "congress.settings", school_id).detail(detail))
        .await?;
    Ok(())
}

/// How many active members (staff) the school has: a 教职工大会 needs fewer than 100.
pub async fn active_staff(store: &Store, school_id: &str) -> Result<u64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members WHERE school_id = $1 AND status = 'active'")
        .bind(school_id)
        .fetch_one(&store.read)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
