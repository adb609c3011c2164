//! The append-only, hash-chained audit log.
//!
//! Each entry carries `hash = HMAC(audit key, prev_hash, seq, at, school, actor, action, target,
//! detail)`. The head row (last seq and hash) is itself MAC'd, so an edit, an insertion, a
//! deletion, a reordering or a truncation of the tail is found by `verify`, and nobody without the
//! key (which is never in the database) can rebuild a consistent chain. Appending takes the head
//! row for update first, which serialises appenders across app servers on PostgreSQL.

use crate::{now_ms, Crypto, Result, Store, StoreError, Tx};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub school_id: Option<&'a str>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: String,
}

impl<'a> Event<'a> {
    pub fn new(school_id: Option<&'a str>, actor: &'a str, action: &'a str, target: &'a str) -> Self {
        Event { school_id, actor, action, target, detail: String::new() }
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

fn entry_hash(c: &Crypto, prev: &str, seq: i64, at: i64, e: &Event<'_>) -> String {
    c.audit_mac(&[
        prev.as_bytes(),
        &seq.to_be_bytes(),
        &at.to_be_bytes(),
        e.school_id.unwrap_or("").as_bytes(),
        e.actor.as_bytes(),
        e.action.as_bytes(),
        e.target.as_bytes(),
        e.detail.as_bytes(),
    ])
}

fn head_mac(c: &Crypto, seq: i64, hash: &str) -> String {
    c.audit_mac(&[b"head", &seq.to_be_bytes(), hash.as_bytes()])
}

/// Creates the head row on a new database.
pub(crate) async fn ensure_head(store: &Store) -> Result<()> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT seq FROM audit_head WHERE id = 1").fetch_optional(&store.write).await?;
    if row.is_none() {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&store.write).await?;
        if n == 0 {
            sqlx::query("INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, 0, $1, $2)")
                .bind(GENESIS)
                .bind(head_mac(&store.crypto, 0, GENESIS))
                .execute(&store.write)
                .await?;
        }
    }
    Ok(())
}

/// Appends an entry inside the caller's transaction, so the change and its record commit together.
pub async fn append(tx: &mut Tx, crypto: &Crypto, e: &Event<'_>) -> Result<i64> {
    let (prev_seq, prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1, hash")
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Invalid("audit head missing".into()))?;
    let seq = prev_seq + 1;
    let at = now_ms();
    let hash = entry_hash(crypto, &prev_hash, seq, at, e);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, school_id, actor, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(at)
    .bind(e.school_id.map(str::to_string))
    .bind(e.actor)
    .bind(e.action)
    .bind(e.target)
    .bind(&e.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1, mac = $2 WHERE id = 1")
        .bind(&hash)
        .bind(head_mac(crypto, seq, &hash))
        .execute(&mut **tx)
        .await?;
    Ok(seq)
}

/// Appends an entry in its own transaction (logins, denials, reveals, exports).
pub async fn record(store: &Store, e: &Event<'_>) -> Result<i64> {
    let mut tx = store.begin().await?;
    let seq = append(&mut tx, &store.crypto, e).await?;
    tx.commit().await?;
    Ok(seq)
}

/// The outcome of `verify`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64 },
    Broken { seq: i64, reason: String },
}

/// Walks the whole chain in order and checks every link and the head.
pub async fn verify(store: &Store) -> Result<Verdict> {
    type Row = (i64, i64, Option<String>, String, String, String, String, String, String);
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, at, school_id, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000",
        )
        .bind(expected_seq)
        .fetch_all(&store.read)
        .await?;
        if rows.is_empty() {
            break;
        }
        for (seq, at, school, actor, action, target, detail, prev_hash, hash) in rows {
            if seq != expected_seq {
                return Ok(Verdict::Broken {
                    seq: expected_seq,
                    reason: format!("entry {expected_seq} is missing (next present is {seq})"),
                });
            }
            if prev_hash != prev {
                return Ok(Verdict::Broken { seq, reason: "link to the previous entry does not match".into() });
            }
            let e = Event { school_id: school.as_deref(), actor: &actor, action: &action, target: &target, detail };
            if entry_hash(&store.crypto, &prev, seq, at, &e) != hash {
                return Ok(Verdict::Broken { seq, reason: "entry content does not match its hash".into() });
            }
            prev = hash;
            expected_seq += 1;
        }
    }
    let count = expected_seq - 1;
    // Rows before seq 1 (negative or zero) would be insertions outside the chain.
    let (outside,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE seq < 1").fetch_one(&store.read).await?;
    if outside > 0 {
        return Ok(Verdict::Broken { seq: 0, reason: "entries outside the chain".into() });
    }
    let head: Option<(i64, String, String)> =
        sqlx::query_as("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetch_optional(&store.read).await?;
    match head {
        None => Ok(Verdict::Broken { seq: count + 1, reason: "the chain head is missing".into() }),
        Some((seq, hash, mac)) => {
            if mac != head_mac(&store.crypto, seq, &hash) {
                Ok(Verdict::Broken { seq, reason: "the chain head was altered".into() })
            } else if seq != count || hash != prev {
                Ok(Verdict::Broken {
                    seq: count + 1,
                    reason: format!("the log ends at entry {count} but the head says {seq}: entries were truncated"),
                })
            } else {
                Ok(Verdict::Intact { entries: count })
            }
        }
    }
}

/// One entry for display.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// The newest entries of a school.
pub async fn recent(store: &Store, school_id: &str, limit: i64) -> Result<Vec<Entry>> {
    Ok(sqlx::query_as(
        "SELECT seq, at, actor, action, target, detail FROM audit_log WHERE school_id = $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(school_id)
    .bind(limit)
    .fetch_all(&store.read)
    .await?)
}

/// What the audit page filters by; empty strings and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The actor's login name, exactly.
    pub actor: String,
    /// An action (`member.update`) or a family of actions (`member` matches `member.*`).
    pub action: String,
    /// Entries at or after this instant (Unix ms).
    pub from_ms: Option<i64>,
    /// Entries before this instant (Unix ms).
    pub until_ms: Option<i64>,
}

/// One entry with the names of the people it is about, for reading.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Named {
    pub seq: i64,
    pub at: i64,
    /// The login name as recorded.
    pub actor: String,
    /// The actor's name when an account has that login name.
    pub actor_name: Option<String>,
    pub action: String,
    pub target: String,
    /// The member's or account's name when the target is one of them.
    pub target_name: Option<String>,
    pub detail: String,
}

const NAMED_FROM: &str = " FROM audit_log a \
     LEFT JOIN users u ON u.username = a.actor \
     LEFT JOIN members m ON m.id = a.target \
     LEFT JOIN users tu ON tu.id = a.target \
     LEFT JOIN users tn ON tn.username = a.target \
     WHERE a.school_id = $1 AND ($2 = '' OR a.actor = $2) AND ($3 = '' OR a.action = $3 OR a.action LIKE $4) \
     AND a.at >= $5 AND a.at < $6";

/// A page of a school's entries matching `f`, newest first, with the total count.
pub async fn search(store: &Store, school_id: &str, f: &Filter, offset: i64, limit: i64) -> Result<(Vec<Named>, i64)> {
    // The family pattern: action codes are lower-case letters, digits, '_' and '.', and '_' is a
    // LIKE wildcard, so anything else in the filter makes it match nothing.
    let family = if !f.action.is_empty() && f.action.bytes().all(|b| b.is_ascii_lowercase() || b == b'.') {
        format!("{}.%", f.action)
    } else {
        String::new()
    };
    let (from, until) = (f.from_ms.unwrap_or(i64::MIN), f.until_ms.unwrap_or(i64::MAX));
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*){NAMED_FROM}"))
        .bind(school_id)
        .bind(&f.actor)
        .bind(&f.action)
        .bind(&family)
        .bind(from)
        .bind(until)
        .fetch_one(&store.read)
        .await?;
    let rows = sqlx::query_as(&format!(
        "SELECT a.seq, a.at, a.actor, u.display_name AS actor_name, a.action, a.target, \
         COALESCE(m.name, tu.display_name, tn.display_name) AS target_name, a.detail{NAMED_FROM} ORDER BY a.seq DESC LIMIT $7 OFFSET $8"
    ))
    .bind(school_id)
    .bind(&f.actor)
    .bind(&f.action)
    .bind(&family)
    .bind(from)
    .bind(until)
    .bind(limit.clamp(0, 100_000))
    .bind(offset.max(0))
    .fetch_all(&store.read)
    .await?;
    Ok((rows, total))
}

/// The people who appear as actors in a school's log: (login name, name if an account has it).
pub async fn actors(store: &Store, school_id: &str) -> Result<Vec<(String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT a.actor, MAX(u.display_name) FROM audit_log a LEFT JOIN users u ON u.username = a.actor \
         WHERE a.school_id = $1 GROUP BY a.actor ORDER BY a.actor",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// The actions that appear in a school's log.
pub async fn actions(store: &Store, school_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT action FROM audit_log WHERE school_id = $1 ORDER BY action")
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}
