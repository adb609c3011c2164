//! Paper ballots and the officials of a vote: sheets handed out (the member is marked as having
//! voted in the same transaction, so nobody votes twice), the two counters' independent entries,
//! the scrutineers (监票人) and counters (计票人) named on the result sheet, and runoff rounds.

use crate::congress::polls::Poll;
use crate::{Result, Store, Tx};

/// Hands paper sheets to members of the electorate who have not voted; returns those who got one.
/// A member already marked as voted (online or on paper) or outside the electorate is skipped.
pub async fn issue(tx: &mut Tx, poll_id: &str, member_ids: &[String]) -> Result<Vec<String>> {
    let mut issued = Vec::new();
    for m in member_ids {
        let eligible: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM poll_electorate e WHERE e.poll_id = $1 AND e.member_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM poll_voted v WHERE v.poll_id = e.poll_id AND v.member_id = e.member_id)",
        )
        .bind(poll_id)
        .bind(m)
        .fetch_optional(&mut **tx)
        .await?;
        if eligible.is_none() {
            continue;
        }
        sqlx::query("INSERT INTO poll_voted (poll_id, member_id) VALUES ($1, $2)")
            .bind(poll_id)
            .bind(m)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO paper_issued (poll_id, member_id) VALUES ($1, $2)")
            .bind(poll_id)
            .bind(m)
            .execute(&mut **tx)
            .await?;
        issued.push(m.clone());
    }
    Ok(issued)
}

/// Paper sheets handed out.
pub async fn issued_count(store: &Store, poll_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM paper_issued WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_one(&store.read)
        .await?;
    Ok(n)
}

/// (pass, account id, name) of the counters who took a pass.
pub async fn counters(store: &Store, poll_id: &str) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT pass, account_id, name FROM paper_counters WHERE poll_id = $1 ORDER BY pass")
        .bind(poll_id)
        .fetch_all(&store.read)
        .await?)
}

/// What became of a counter's claim to a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassClaim {
    /// The account took the free pass now.
    Taken,
    /// The account already held it.
    Held,
    /// Another account holds it, or this account holds the other pass.
    Refused,
}

impl PassClaim {
    /// Whether the account may enter sheets in the pass.
    pub fn allowed(self) -> bool {
        self != PassClaim::Refused
    }
}

/// Takes a pass (1 or 2) for an account. Refused when another account holds it, or when this
/// account already holds the other pass: the two entries must come from two people.
pub async fn claim_pass(tx: &mut Tx, poll_id: &str, pass: i64, account_id: &str, name: &str) -> Result<PassClaim> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT pass, account_id FROM paper_counters WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_all(&mut **tx)
        .await?;
    if let Some((_, holder)) = rows.iter().find(|(p, _)| *p == pass) {
        return Ok(if holder == account_id { PassClaim::Held } else { PassClaim::Refused });
    }
    if rows.iter().any(|(_, a)| a == account_id) {
        return Ok(PassClaim::Refused);
    }
    sqlx::query("INSERT INTO paper_counters (poll_id, pass, account_id, name) VALUES ($1, $2, $3, $4)")
        .bind(poll_id)
        .bind(pass)
        .bind(account_id)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(PassClaim::Taken)
}

/// Enters (or corrects) one sheet in one pass.
pub async fn enter(tx: &mut Tx, poll_id: &str, pass: i64, sheet: &str, content: &str) -> Result<()> {
    sqlx::query("DELETE FROM paper_entries WHERE poll_id = $1 AND pass = $2 AND sheet = $3")
        .bind(poll_id)
        .bind(pass)
        .bind(sheet)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO paper_entries (poll_id, pass, sheet, content) VALUES ($1, $2, $3, $4)")
        .bind(poll_id)
        .bind(pass)
        .bind(sheet)
        .bind(content)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes one sheet from one pass; false when it was not there.
pub async fn remove(tx: &mut Tx, poll_id: &str, pass: i64, sheet: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM paper_entries WHERE poll_id = $1 AND pass = $2 AND sheet = $3")
        .bind(poll_id)
        .bind(pass)
        .bind(sheet)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// (pass, sheet, content) of every entry of a poll, in pass and sheet order.
pub async fn entries(store: &Store, poll_id: &str) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT pass, sheet, content FROM paper_entries WHERE poll_id = $1 ORDER BY pass, sheet")
        .bind(poll_id)
        .fetch_all(&store.read)
        .await?)
}

/// The same, inside a transaction (the close reads what it commits).
pub async fn entries_tx(tx: &mut Tx, poll_id: &str) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query_as("SELECT pass, sheet, content FROM paper_entries WHERE poll_id = $1 ORDER BY pass, sheet")
        .bind(poll_id)
        .fetch_all(&mut **tx)
        .await?)
}

/// Names the scrutineers (`scrutineer`) or counters (`counter`) of a vote, replacing earlier ones.
pub async fn set_officials(tx: &mut Tx, poll_id: &str, role: &str, names: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM poll_officials WHERE poll_id = $1 AND role = $2")
        .bind(poll_id)
        .bind(role)
        .execute(&mut **tx)
        .await?;
    for (i, name) in names.iter().enumerate() {
        sqlx::query("INSERT INTO poll_officials (poll_id, role, position, name) VALUES ($1, $2, $3, $4)")
            .bind(poll_id)
            .bind(role)
            .bind(i as i64)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// (role, name) of the officials of a vote, in the order they were named.
pub async fn officials(store: &Store, poll_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT role, name FROM poll_officials WHERE poll_id = $1 ORDER BY role, position")
        .bind(poll_id)
        .fetch_all(&store.read)
        .await?)
}

/// Member ids of a poll's electorate (a runoff is voted by the same people).
pub async fn electorate_ids(store: &Store, poll_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT member_id FROM poll_electorate WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_all(&store.read)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Marks `poll_id` as the runoff of `parent`.
pub async fn set_runoff_of(tx: &mut Tx, poll_id: &str, parent: &str) -> Result<()> {
    sqlx::query("UPDATE polls SET runoff_of = $1 WHERE id = $2").bind(parent).bind(poll_id).execute(&mut **tx).await?;
    Ok(())
}

/// The round before this one, if this poll is a runoff.
pub async fn runoff_parent(store: &Store, poll_id: &str) -> Result<Option<String>> {
    let r: Option<(Option<String>,)> =
        sqlx::query_as("SELECT runoff_of FROM polls WHERE id = $1").bind(poll_id).fetch_optional(&store.read).await?;
    Ok(r.and_then(|r| r.0))
}

/// The runoff rounds held after this poll.
pub async fn runoffs(store: &Store, poll_id: &str) -> Result<Vec<Poll>> {
    Ok(sqlx::query_as(
        "SELECT id, school_id, kind, title, definition, status, created_at, opened_at, closed_at FROM polls WHERE runoff_of = $1 ORDER BY created_at",
    )
    .bind(poll_id)
    .fetch_all(&store.read)
    .await?)
}

/// Member ids signed in at a session (paper sheets for everyone present at once).
pub async fn present_member_ids(store: &Store, session_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT member_id FROM attendance WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(&store.read)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Whether a member is signed in at a session.
pub async fn is_present(store: &Store, session_id: &str, member_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM attendance WHERE session_id = $1 AND member_id = $2")
        .bind(session_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(r.is_some())
}
