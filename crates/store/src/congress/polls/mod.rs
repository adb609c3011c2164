//! Polls and secret ballots: definitions, electorate, the has-voted rows, ballot storage and the
//! group-commit writer that makes 1,000 voters in a minute cheap while every acknowledged ballot
//! is durable.
//!
//! Secrecy (ballots.md, ADR 007): a ballot row is (poll, random row id, sealed) and nothing else;
//! the tracker, the paper flag and the content are inside one AES-GCM ciphertext padded to one
//! size per poll (`sealed.rs`), stored as bytes, under a key the database never holds. "Member X has voted" is a
//! separate row written in the same transaction (its primary key makes a second ballot
//! impossible, across app servers too): whoever reads the database files can pair that row with
//! a ballot row, but the ballot row tells nothing without the key. The audit log records only
//! how many ballots a group held.

use std::collections::HashMap;

use jiaogong_domain::congress::ballots::PollStatus;

use crate::{new_id, now_ms, Result, Store, StoreError, Tx};

mod details;
mod packed;
mod poll;
pub mod sealed;
mod turnout;
mod writer;
pub use details::{
    add_attachment, attachment, attachments, close_if_due, details, due_polls, set_details, Attachment, PollDetails,
};
pub use packed::{ballots_packed, ballots_packed_on, PackedBallots, PackedReader, PACKED_CHUNK};
pub use poll::Poll;
use poll::POLL_COLS;
pub use turnout::{live_turnout, turnout, Elector, LiveTurnout};
pub use writer::{add_paper_ballots, BallotBox, CastError};

pub async fn create(
    tx: &mut Tx,
    school_id: &str,
    kind: &str,
    title: &str,
    definition: &str,
    electorate: &[String],
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO polls (id, school_id, kind, title, definition, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7)")
        .bind(&id)
        .bind(school_id)
        .bind(kind)
        .bind(title)
        .bind(definition)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    for chunk in electorate.chunks(400) {
        let mut sql = String::from("INSERT INTO poll_electorate (poll_id, member_id) SELECT $1, m.id FROM members m WHERE m.school_id = $2 AND m.id IN (");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", i + 3));
        }
        sql.push(')');
        let mut q = sqlx::query(&sql).bind(&id).bind(school_id);
        for m in chunk {
            q = q.bind(m.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(id)
}

/// How many members a poll's electorate holds (inside the creating transaction).
pub async fn electorate_count_tx(tx: &mut Tx, poll_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM poll_electorate WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n)
}

/// A poll of a school.
/// Through the same brief cache as [`by_id`]: the chair's live turnout reads it every few seconds.
pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Poll> {
    let p = by_id(store, id).await?;
    if p.school_id != school_id {
        return Err(StoreError::NotFound);
    }
    Ok(p)
}

/// A poll by id alone (routes that carry only the poll id); the caller checks the school's scope.
/// Cached briefly (`cache.rs`): a change of status is a committed write, and the ballot writer
/// checks the status again inside its own transaction.
pub async fn by_id(store: &Store, id: &str) -> Result<Poll> {
    let gen = crate::platform::cache::read_gen();
    if let Some(p) = store.caches.polls.get(id, gen) {
        return Ok(p);
    }
    let p: Poll = sqlx::query_as(&format!("SELECT {POLL_COLS} FROM polls WHERE id = $1"))
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    store.caches.polls.put(id.to_string(), gen, p.clone());
    Ok(p)
}

pub async fn list(store: &Store, school_id: &str) -> Result<Vec<Poll>> {
    Ok(sqlx::query_as(&format!("SELECT {POLL_COLS} FROM polls WHERE school_id = $1 ORDER BY created_at DESC"))
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

/// Open polls a member may vote in, with whether they already voted.
pub async fn open_for_member(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<(Poll, bool)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        poll: Poll,
        voted: i64,
    }
    // One statement: the polls and whether this member already voted in each.
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {POLL_COLS}, CAST(CASE WHEN EXISTS (SELECT 1 FROM poll_voted v WHERE v.poll_id = p.id AND v.member_id = $2) THEN 1 ELSE 0 END AS BIGINT) AS voted \
         FROM polls p WHERE p.school_id = $1 AND p.status = 'open' \
         AND EXISTS (SELECT 1 FROM poll_electorate e WHERE e.poll_id = p.id AND e.member_id = $2) ORDER BY p.opened_at DESC"
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(|r| (r.poll, r.voted == 1)).collect())
}

pub async fn has_voted(store: &Store, poll_id: &str, member_id: &str) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM poll_voted WHERE poll_id = $1 AND member_id = $2")
        .bind(poll_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(r.is_some())
}

/// Polls a member voted in (the "my votes" list: never the choices).
pub async fn voted_by(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<Poll>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {POLL_COLS} FROM polls p WHERE p.school_id = $1 AND EXISTS (SELECT 1 FROM poll_voted v WHERE v.poll_id = p.id AND v.member_id = $2) ORDER BY p.created_at DESC"
    ))
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Moves a poll draft → open → closed; false when it was not in the expected state.
pub async fn set_status(tx: &mut Tx, school_id: &str, id: &str, from: PollStatus, to: PollStatus) -> Result<bool> {
    let col = if to.is_open() { "opened_at" } else { "closed_at" };
    let r = sqlx::query(&format!(
        "UPDATE polls SET status = $1, {col} = $2 WHERE school_id = $3 AND id = $4 AND status = $5"
    ))
    .bind(to.as_str())
    .bind(now_ms())
    .bind(school_id)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Replaces the stored definition (the close step records the final counts in it).
pub async fn set_definition(tx: &mut Tx, id: &str, definition: &str) -> Result<()> {
    sqlx::query("UPDATE polls SET definition = $1 WHERE id = $2").bind(definition).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// How many paper ballots a poll holds (the flag is sealed: every ballot is opened).
pub async fn paper_count(store: &Store, poll_id: &str) -> Result<i64> {
    let packed = ballots_packed(store, poll_id).await?;
    Ok(packed.byte_rows().iter().filter(|r| r.2).count() as i64)
}

/// Every ballot of a poll, opened, in tracker order: (tracker, content JSON, paper).
pub async fn ballots(store: &Store, poll_id: &str) -> Result<Vec<(String, String, i64)>> {
    let mut packed = ballots_packed(store, poll_id).await?;
    packed.sort_by_tracker();
    Ok(packed
        .byte_rows()
        .into_iter()
        .map(|(t, c, p)| (t.to_string(), String::from_utf8_lossy(c).into_owned(), i64::from(p)))
        .collect())
}

/// Seals the ballots stored in plain text before migration 0014 (`ballots_legacy`), then
/// erases them: on SQLite with `secure_delete` (the freed cells and pages are zeroed) and a
/// truncating checkpoint of the WAL; on PostgreSQL the table is truncated (new, empty files).
/// Idempotent: once the old table is empty this is one count.
pub async fn seal_legacy(store: &Store) -> Result<()> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballots_legacy").fetch_one(&store.write).await?;
    if n == 0 {
        return Ok(());
    }
    let mut conn = store.write.acquire().await?;
    if store.kind == crate::DbKind::Sqlite {
        sqlx::query("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
    }
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT l.poll_id, l.tracker, l.content, l.paper, p.definition FROM ballots_legacy l JOIN polls p ON p.id = l.poll_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut slots: HashMap<String, usize> = HashMap::new();
    for (poll_id, tracker, content, paper, definition) in &rows {
        let slot = *slots.entry(poll_id.clone()).or_insert_with(|| sealed::slot_of(definition));
        let id = new_id();
        let seal = sealed::seal(&store.crypto, poll_id, &id, slot, tracker, content, *paper == 1)?;
        sqlx::query("INSERT INTO ballots (poll_id, id, sealed) VALUES ($1, $2, $3)")
            .bind(poll_id)
            .bind(&id)
            .bind(&seal)
            .execute(&mut *tx)
            .await?;
    }
    let erase = match store.kind {
        crate::DbKind::Sqlite => "DELETE FROM ballots_legacy",
        crate::DbKind::Postgres => "TRUNCATE ballots_legacy",
    };
    sqlx::query(erase).execute(&mut *tx).await?;
    tx.commit().await?;
    if store.kind == crate::DbKind::Sqlite {
        sqlx::query("PRAGMA secure_delete = OFF").execute(&mut *conn).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *conn).await?;
    }
    tracing::info!("sealed {} ballots stored before migration 0014", rows.len());
    Ok(())
}

/// Decodes the ballots sealed as base64 text before migration 0025 (`ballots_base64`) into
/// bytes in `ballots`, with the same ids (each seal is bound to its poll and row id, and opens
/// as before), then empties the old table. A seal that is not base64 stays where it is, and the
/// start-up stops saying so. Idempotent: once the old table is empty this is one count.
pub async fn unpack_base64(store: &Store) -> Result<()> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballots_base64").fetch_one(&store.write).await?;
    if n == 0 {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT poll_id, id, sealed FROM ballots_base64").fetch_all(&mut *tx).await?;
    for (poll_id, id, text) in &rows {
        let bytes = sealed::from_base64(text).map_err(|_| {
            StoreError::Invalid(format!("ballot {id} of poll {poll_id} in ballots_base64 is not base64"))
        })?;
        sqlx::query("INSERT INTO ballots (poll_id, id, sealed) VALUES ($1, $2, $3)")
            .bind(poll_id)
            .bind(id)
            .bind(bytes)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM ballots_base64").execute(&mut *tx).await?;
    tx.commit().await?;
    tracing::info!("{} ballots stored as base64 text are now stored as bytes", rows.len());
    Ok(())
}

/// Ties a poll to the congress session it is voted in.
pub async fn set_session(tx: &mut Tx, poll_id: &str, session_id: &str) -> Result<()> {
    sqlx::query("UPDATE polls SET session_id = $1 WHERE id = $2")
        .bind(session_id)
        .bind(poll_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The congress session of a poll, if it is voted in one.
pub async fn session_of(store: &Store, poll_id: &str) -> Result<Option<String>> {
    let r: Option<(Option<String>,)> =
        sqlx::query_as("SELECT session_id FROM polls WHERE id = $1").bind(poll_id).fetch_optional(&store.read).await?;
    Ok(r.and_then(|r| r.0))
}

/// Polls voted in a session.
pub async fn of_session(store: &Store, school_id: &str, session_id: &str) -> Result<Vec<Poll>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {POLL_COLS} FROM polls WHERE school_id = $1 AND session_id = $2 ORDER BY created_at"
    ))
    .bind(school_id)
    .bind(session_id)
    .fetch_all(&store.read)
    .await?)
}
