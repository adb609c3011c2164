//! Competitions (比赛): entries (a person or a team), their results, ranking and awards.

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub members: String,
    pub result: String,
    pub ranking: Option<i64>,
    pub award: String,
}

/// Adds an entry (a person's name, or a team's name with its members).
pub async fn add_entry(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    name: &str,
    members: &str,
) -> Result<String> {
    let ok: Option<(String,)> = sqlx::query_as("SELECT id FROM activities WHERE id = $1 AND school_id = $2")
        .bind(activity_id)
        .bind(school_id)
        .fetch_optional(&mut **tx)
        .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound);
    }
    let id = new_id();
    sqlx::query("INSERT INTO activity_entries (id, activity_id, school_id, name, members, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(activity_id)
        .bind(school_id)
        .bind(name)
        .bind(members)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.entry", activity_id).detail(name.to_string()),
    )
    .await?;
    Ok(id)
}

/// Records an entry's result, place and award.
#[allow(clippy::too_many_arguments)]
pub async fn set_result(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    entry_id: &str,
    result: &str,
    ranking: Option<i64>,
    award: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE activity_entries SET result = $1, ranking = $2, award = $3 WHERE id = $4 AND school_id = $5",
    )
    .bind(result)
    .bind(ranking)
    .bind(award)
    .bind(entry_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.result", entry_id).detail(format!("{ranking:?} {award}")),
    )
    .await?;
    Ok(())
}

/// The entries of a competition: ranked ones by place, then the others by name.
pub async fn entries(store: &Store, school_id: &str, activity_id: &str) -> Result<Vec<Entry>> {
    let rows: Vec<(String, String, String, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, name, members, result, ranking, award FROM activity_entries WHERE activity_id = $1 AND school_id = $2 \
         ORDER BY CASE WHEN ranking IS NULL THEN 1 ELSE 0 END, ranking, name",
    )
    .bind(activity_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, members, result, ranking, award)| Entry { id, name, members, result, ranking, award })
        .collect())
}
