//! The group-commit ballot writer: ballots queue and are written in batches, one durable
//! transaction per batch (eligibility, has-voted rows, sealed ballots, one audit entry), each voter
//! answered only after the commit; and paper ballots added after double entry.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use tokio::sync::{mpsc, oneshot};

use super::sealed;
use crate::platform::audit::{self, Event};
use crate::{new_id, new_secret, now_ms, Result, Store, Tx};

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
