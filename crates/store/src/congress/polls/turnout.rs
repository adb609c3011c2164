//! Turnout: the electorate's size and the ballots cast, and the chair's live view of who has not
//! voted yet (never choices).

use crate::{Result, Store};

/// Electorate size and ballots cast so far (one statement).
pub async fn turnout(store: &Store, poll_id: &str) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM poll_electorate WHERE poll_id = $1), (SELECT COUNT(*) FROM poll_voted WHERE poll_id = $1)",
    )
    .bind(poll_id)
    .fetch_one(&store.read)
    .await?)
}

/// The chair's live view of a poll: electorate, ballots cast, and who has not voted yet
/// (employee number, name; in pinyin order). Never choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTurnout {
    pub electorate: i64,
    pub voted: i64,
    pub not_voted: Vec<(String, String)>,
}

/// One member of a poll's electorate, as the live view lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elector {
    pub member_id: String,
    pub employee_no: String,
    pub name: String,
}

/// Separators of packed lists; member validation keeps control characters out of employee
/// numbers and names, and a count check falls back to reading row by row otherwise.
const UNIT: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// [`LiveTurnout`]: the electorate is fixed when a poll is created, so its roster (in pinyin
/// order) is read once and kept in the read cache; each view then reads only the counts and
/// the ids of those who voted, packed in one value of one row (the page is read every few
/// seconds on the chair's screen while a thousand members vote, and a row each costs the
/// driver a message each).
pub async fn live_turnout(store: &Store, poll_id: &str) -> Result<LiveTurnout> {
    let roster = electorate_roster(store, poll_id).await?;
    let agg = match store.kind {
        crate::DbKind::Sqlite => "group_concat(member_id, ',')",
        crate::DbKind::Postgres => "string_agg(member_id, ',')",
    };
    let (voted, ids): (i64, Option<String>) =
        sqlx::query_as(&format!("SELECT COUNT(*), {agg} FROM poll_voted WHERE poll_id = $1"))
            .bind(poll_id)
            .fetch_one(&store.read)
            .await?;
    let ids = ids.unwrap_or_default();
    let done: std::collections::HashSet<&str> = ids.split(',').filter(|s| !s.is_empty()).collect();
    let not_voted = roster
        .iter()
        .filter(|e| !done.contains(e.member_id.as_str()))
        .map(|e| (e.employee_no.clone(), e.name.clone()))
        .collect();
    Ok(LiveTurnout { electorate: roster.len() as i64, voted, not_voted })
}

/// The electorate of a poll with numbers and names, in pinyin order (cached; see [`live_turnout`]).
/// The chair's screen reads it every few seconds for the whole vote, so it is read again in the
/// background before it expires: a view never waits for it while it is being read.
async fn electorate_roster(store: &Store, poll_id: &str) -> Result<std::sync::Arc<Vec<Elector>>> {
    let gen = crate::platform::cache::read_gen();
    if let Some((r, refresh)) = store.caches.electorates.get_refreshing(poll_id, gen) {
        if refresh {
            let (store, poll_id) = (store.clone(), poll_id.to_string());
            tokio::spawn(async move {
                if let Err(e) = load_roster(&store, &poll_id).await {
                    tracing::warn!("reading the electorate of poll {poll_id} again: {e}");
                }
            });
        }
        return Ok(r);
    }
    load_roster(store, poll_id).await
}

/// Reads the electorate of a poll and keeps it in the read cache.
async fn load_roster(store: &Store, poll_id: &str) -> Result<std::sync::Arc<Vec<Elector>>> {
    let gen = crate::platform::cache::read_gen();
    let agg = match store.kind {
        crate::DbKind::Sqlite => {
            "group_concat(m.id || char(31) || m.employee_no || char(31) || m.name, char(30) ORDER BY m.name_pinyin, m.employee_no)"
        }
        crate::DbKind::Postgres => {
            "string_agg(m.id || chr(31) || m.employee_no || chr(31) || m.name, chr(30) ORDER BY m.name_pinyin, m.employee_no)"
        }
    };
    let (count, packed): (i64, Option<String>) = sqlx::query_as(&format!(
        "SELECT COUNT(*), {agg} FROM poll_electorate e JOIN members m ON m.id = e.member_id WHERE e.poll_id = $1"
    ))
    .bind(poll_id)
    .fetch_one(&store.read)
    .await?;
    let packed = packed.unwrap_or_default();
    let mut roster: Vec<Elector> = Vec::with_capacity(count.max(0) as usize);
    let mut clean = true;
    for r in packed.split(RECORD).filter(|r| !r.is_empty()) {
        let mut parts = r.split(UNIT);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(id), Some(no), Some(name), None) => {
                roster.push(Elector { member_id: id.into(), employee_no: no.into(), name: name.into() })
            }
            _ => clean = false,
        }
    }
    if !clean || roster.len() as i64 != count {
        roster = sqlx::query_as::<_, (String, String, String)>(
            "SELECT m.id, m.employee_no, m.name FROM poll_electorate e JOIN members m ON m.id = e.member_id \
             WHERE e.poll_id = $1 ORDER BY m.name_pinyin, m.employee_no",
        )
        .bind(poll_id)
        .fetch_all(&store.read)
        .await?
        .into_iter()
        .map(|(member_id, employee_no, name)| Elector { member_id, employee_no, name })
        .collect();
    }
    let roster = std::sync::Arc::new(roster);
    store.caches.electorates.put(poll_id.to_string(), gen, roster.clone());
    Ok(roster)
}
