//! The working-day calendar as editable data: public holidays and make-up working days (调休).

use jiaogong_domain::platform::calendar::{Calendar, CalendarEntry, DayKind};

use crate::{Result, Store, Tx};

fn kind_code(k: DayKind) -> &'static str {
    match k {
        DayKind::Holiday => "holiday",
        DayKind::MakeupWorkday => "workday",
    }
}

/// Loads the calendar the domain computes with.
pub async fn load(store: &Store) -> Result<Calendar> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT day, kind FROM calendar_days").fetch_all(&store.read).await?;
    let mut holidays = std::collections::BTreeSet::new();
    let mut makeup = std::collections::BTreeSet::new();
    for (day, kind) in rows {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            if kind == "holiday" {
                holidays.insert(d);
            } else {
                makeup.insert(d);
            }
        }
    }
    Ok(Calendar::new(holidays, makeup))
}

/// Every entry, for the admin page.
pub async fn entries(store: &Store) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day").fetch_all(&store.read).await?)
}

/// Adds or replaces one day.
pub async fn upsert(tx: &mut Tx, e: &CalendarEntry) -> Result<()> {
    sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name")
        .bind(e.date.format("%Y-%m-%d").to_string())
        .bind(kind_code(e.kind))
        .bind(&e.name)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn remove(tx: &mut Tx, day: &str) -> Result<()> {
    sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(day).execute(&mut **tx).await?;
    Ok(())
}

/// Loads the preloaded years when the table is empty.
pub async fn preload(store: &Store) -> Result<()> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM calendar_days").fetch_one(&store.read).await?;
    if n > 0 {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    for e in jiaogong_domain::platform::calendar::preloaded_entries() {
        upsert(&mut tx, &e).await?;
    }
    tx.commit().await?;
    crate::platform::cache::bump_all();
    Ok(())
}
