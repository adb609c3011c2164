//! The inbox messages other areas' steps cause: a poll opened (every eligible voter), a proposal
//! assigned to a member to answer, a proposal replied to (its proposer). Each writes in the
//! caller's transaction, so a message exists exactly when its cause does.

use crate::{new_id, now_ms, Result, Tx};

/// Every voter of the poll gets a message linking to the vote page. Urgent: a vote has a
/// deadline, so it does not wait for the daily digest.
pub async fn poll_opened(tx: &mut Tx, school_id: &str, poll_id: &str, title: &str) -> Result<u64> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT member_id FROM poll_electorate WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_all(&mut **tx)
        .await?;
    let link = format!("/polls/{poll_id}");
    for (m,) in &rows {
        insert(tx, school_id, m, "poll.opened", &link, title, true).await?;
    }
    Ok(rows.len() as u64)
}

/// The member named to answer a proposal for the department gets a message.
pub async fn proposal_assigned(tx: &mut Tx, school_id: &str, proposal_id: &str, member_id: &str) -> Result<()> {
    proposal_message(tx, school_id, proposal_id, member_id, "proposal.assigned").await
}

/// The proposer gets a message when their proposal is answered.
pub async fn proposal_replied(tx: &mut Tx, school_id: &str, proposal_id: &str, member_id: &str) -> Result<()> {
    proposal_message(tx, school_id, proposal_id, member_id, "proposal.replied").await
}

async fn proposal_message(tx: &mut Tx, school_id: &str, proposal_id: &str, member_id: &str, kind: &str) -> Result<()> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT s.code, p.title FROM proposals p JOIN schools s ON s.id = p.school_id WHERE p.school_id = $1 AND p.id = $2",
    )
    .bind(school_id)
    .bind(proposal_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((code, title)) = row else { return Ok(()) };
    let link = format!("/s/{code}/proposals/{proposal_id}");
    insert(tx, school_id, member_id, kind, &link, &title, false).await
}

async fn insert(
    tx: &mut Tx,
    school_id: &str,
    member_id: &str,
    kind: &str,
    link: &str,
    title: &str,
    urgent: bool,
) -> Result<()> {
    // The same row `notify::send` writes.
    sqlx::query(
        "INSERT INTO notifications (id, school_id, member_id, kind, link, title, body, urgent, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8)",
    )
    .bind(new_id())
    .bind(school_id)
    .bind(member_id)
    .bind(kind)
    .bind(link)
    .bind(title)
    .bind(i32::from(urgent))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
