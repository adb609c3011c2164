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

use rand::seq::SliceRandom;
use tokio::sync::{mpsc, oneshot};

use jiaogong_domain::congress::ballots::PollStatus;

use crate::platform::audit::{self, Event};
use crate::{new_id, new_secret, now_ms, Result, Store, StoreError, Tx};

mod details;
mod packed;
mod poll;
pub mod sealed;
pub use details::{
    add_attachment, attachment, attachments, close_if_due, details, due_polls, set_details, Attachment, PollDetails,
};
pub use packed::{ballots_packed, ballots_packed_on, PackedBallots, PackedReader, PACKED_CHUNK};
pub use poll::Poll;
use poll::POLL_COLS;

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

/// Why a ballot was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CastError {
    NotOpen,
    NotEligible,
    AlreadyVoted,
    Failed(String),
}

struct Job {
    poll_id: String,
    member_id: String,
    content: String,
    reply: oneshot::Sender<std::result::Result<String, CastError>>,
}

/// The group-commit ballot writer: requests queue here and are written in batches, one durable
/// transaction per batch, and each voter is answered only after the commit.
#[derive(Clone)]
pub struct BallotBox {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for BallotBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotBox")
    }
}

impl BallotBox {
    /// Starts the writer task for this store.
    pub fn start(store: Store) -> BallotBox {
        let (tx, rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(writer(store, rx));
        BallotBox { tx }
    }

    /// Casts a ballot; returns its tracker once it is durably stored.
    pub async fn cast(
        &self,
        poll_id: &str,
        member_id: &str,
        content: String,
    ) -> std::result::Result<String, CastError> {
        let (reply, rx) = oneshot::channel();
        let job = Job { poll_id: poll_id.to_string(), member_id: member_id.to_string(), content, reply };
        self.tx.send(job).await.map_err(|_| CastError::Failed("ballot writer stopped".into()))?;
        rx.await.map_err(|_| CastError::Failed("ballot writer stopped".into()))?
    }
}

const MAX_BATCH: usize = 256;

async fn writer(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        // Whatever else is already waiting joins this commit: ballots that arrive while one group
        // is being written queue up and form the next group (no fixed pause; one yield lets the
        // requests already woken reach the queue).
        tokio::task::yield_now().await;
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        batch.shuffle(&mut rand::thread_rng());
        match write_batch(&store, &batch).await {
            Ok(results) => {
                for (job, r) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(r);
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(CastError::Failed(msg.clone())));
                }
            }
        }
    }
}

/// Writes one commit group: per poll, one query for eligibility, one multi-row has-voted insert
/// (`ON CONFLICT DO NOTHING RETURNING` tells who really voted now, also against other app
/// servers), one multi-row ballot insert, one audit entry; then a single durable commit.
async fn write_batch(store: &Store, batch: &[Job]) -> Result<Vec<std::result::Result<String, CastError>>> {
    let mut results: Vec<Option<std::result::Result<String, CastError>>> = vec![None; batch.len()];
    let mut by_poll: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, job) in batch.iter().enumerate() {
        by_poll.entry(job.poll_id.as_str()).or_default().push(i);
    }
    let mut tx = store.begin().await?;
    for (poll_id, jobs) in by_poll {
        // On PostgreSQL the row is share-locked: a close waits for this group's commit, and a group
        // that starts after a close sees it (SQLite has one writer, so it is serial already).
        let lock = if store.kind == crate::DbKind::Postgres { " FOR SHARE" } else { "" };
        let row: Option<(String, String, String, Option<i64>)> =
            sqlx::query_as(&format!("SELECT status, school_id, definition, closes_at FROM polls WHERE id = $1{lock}"))
                .bind(poll_id)
                .fetch_optional(&mut *tx)
                .await?;
        // A poll past its closing time takes no ballot, even before a server has closed it.
        let now = now_ms();
        let Some((school, definition)) = row.and_then(|(status, school, def, closes_at)| {
            (status == "open" && closes_at.is_none_or(|t| t > now)).then_some((school, def))
        }) else {
            for i in jobs {
                results[i] = Some(Err(CastError::NotOpen));
            }
            continue;
        };
        let list = |n: usize, from: usize| (0..n).map(|k| format!("${}", from + k)).collect::<Vec<_>>().join(", ");
        let members: Vec<&str> = jobs.iter().map(|&i| batch[i].member_id.as_str()).collect();
        // At a congress session only delegates signed in may vote (the session votes only while
        // two thirds are present, congress.md).
        let sql = format!(
            "SELECT e.member_id FROM poll_electorate e JOIN polls p ON p.id = e.poll_id WHERE e.poll_id = $1 AND e.member_id IN ({}) \
             AND (p.session_id IS NULL OR EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = p.session_id AND a.member_id = e.member_id))",
            list(members.len(), 2)
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(poll_id);
        for m in &members {
            q = q.bind(*m);
        }
        let eligible: std::collections::HashSet<String> =
            q.fetch_all(&mut *tx).await?.into_iter().map(|r| r.0).collect();
        // The first request of a member in this group goes forward; repeats are already voted.
        let mut candidates: Vec<usize> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &i in &jobs {
            let m = batch[i].member_id.as_str();
            if !eligible.contains(m) {
                results[i] = Some(Err(CastError::NotEligible));
            } else if !seen.insert(m) {
                results[i] = Some(Err(CastError::AlreadyVoted));
            } else {
                candidates.push(i);
            }
        }
        if candidates.is_empty() {
            continue;
        }
        let values: Vec<String> = (0..candidates.len()).map(|k| format!("($1, ${})", k + 2)).collect();
        let sql = format!(
            "INSERT INTO poll_voted (poll_id, member_id) VALUES {} ON CONFLICT DO NOTHING RETURNING member_id",
            values.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(poll_id);
        for &i in &candidates {
            q = q.bind(batch[i].member_id.as_str());
        }
        let voted_now: std::collections::HashSet<String> =
            q.fetch_all(&mut *tx).await?.into_iter().map(|r| r.0).collect();
        let mut ballots: Vec<(usize, String)> = Vec::new();
        for &i in &candidates {
            if voted_now.contains(batch[i].member_id.as_str()) {
                ballots.push((i, new_secret()[..32].to_string()));
            } else {
                results[i] = Some(Err(CastError::AlreadyVoted));
            }
        }
        if ballots.is_empty() {
            continue;
        }
        let slot = sealed::slot_of(&definition);
        let mut rows = Vec::with_capacity(ballots.len());
        for (i, tracker) in &ballots {
            let id = new_id();
            let seal = sealed::seal(&store.crypto, poll_id, &id, slot, tracker, &batch[*i].content, false)?;
            rows.push((id, seal));
        }
        // Rows go in row id order, which is random: not the order of the group.
        rows.sort_unstable();
        let values: Vec<String> = (0..rows.len()).map(|k| format!("($1, ${}, ${})", 2 * k + 2, 2 * k + 3)).collect();
        let sql = format!("INSERT INTO ballots (poll_id, id, sealed) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql).bind(poll_id);
        for (id, seal) in &rows {
            q = q.bind(id.as_str()).bind(seal.as_slice());
        }
        q.execute(&mut *tx).await?;
        audit::append(
            &mut tx,
            &store.crypto,
            &Event::new(Some(&school), "voters", "poll.ballots", poll_id).detail(ballots.len().to_string()),
        )
        .await?;
        for (i, tracker) in ballots {
            results[i] = Some(Ok(tracker));
        }
    }
    tx.commit().await?;
    Ok(results.into_iter().map(|r| r.unwrap_or(Err(CastError::Failed("not processed".into())))).collect())
}

/// Adds paper ballots (after double entry agreed) with their sheet numbers as trackers, sealed
/// as online ballots are.
pub async fn add_paper_ballots(
    tx: &mut Tx,
    crypto: &crate::Crypto,
    poll_id: &str,
    ballots: &[(String, String)],
) -> Result<()> {
    let (definition,): (String,) =
        sqlx::query_as("SELECT definition FROM polls WHERE id = $1").bind(poll_id).fetch_one(&mut **tx).await?;
    let slot = sealed::slot_of(&definition);
    for (tracker, content) in ballots {
        let id = new_id();
        sqlx::query("INSERT INTO ballots (poll_id, id, sealed) VALUES ($1, $2, $3)")
            .bind(poll_id)
            .bind(&id)
            .bind(sealed::seal(crypto, poll_id, &id, slot, tracker, content, true)?)
            .execute(&mut **tx)
            .await?;
    }
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
