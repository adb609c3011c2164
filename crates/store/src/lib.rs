//! The database layer: one pool over SQLite (default, WAL) or PostgreSQL, the migrations, one
//! repository module per area, the hash-chained audit log and field encryption.
//!
//! Every query is written once in the SQL subset both databases accept (`$1` placeholders,
//! TEXT ids, BIGINT integers) and run through sqlx's `Any` driver. Every query that reads
//! tenant data takes the school id, so a foreign id can only ever come back as "not found".

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod activities;
pub mod care;
pub mod congress;
pub mod district;
pub mod finance;
pub mod members;
pub mod plans;
pub mod platform;
pub mod transparency;

pub use platform::crypto::Crypto;
pub use platform::db::{newer_database_message, schema_level, DbKind, OpenOptions, Store, StoreInner, Tx, APP_VERSION};

use rand::RngCore;

/// Errors of the store. The web layer maps them to messages; none of them carries SQL text to
/// the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("the secret key is not 64 hex digits")]
    BadKey,
    #[error("decryption failed")]
    Crypto,
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A total of stored amounts that no `i64` of fen can hold: a stored amount is wrong.
    #[error("{0}")]
    Money(#[from] jiaogong_domain::platform::money::MoneyOverflow),
}

impl StoreError {
    /// True when the error is a unique-constraint violation (a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                matches!(e.kind(), sqlx::error::ErrorKind::UniqueViolation) || e.message().contains("UNIQUE")
            }
            StoreError::Conflict(_) => true,
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Maps a database error to `Conflict(what)` when it is a unique-constraint violation.
pub(crate) fn unique_as(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            StoreError::Conflict(what.into())
        } else {
            e
        }
    }
}

/// A random 128-bit id as 32 hex characters. Random, not time-ordered: ids must not leak order.
pub fn new_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Ids for rows written together (an import): 32 hex digits like [`new_id`], a random 80-bit
/// prefix shared by the sequence and a 48-bit counter, so that they sort together and a B-tree
/// index takes them as appends instead of at random places.
pub struct IdSequence {
    prefix: String,
    n: u64,
}

impl IdSequence {
    pub fn new() -> Self {
        let mut b = [0u8; 10];
        rand::thread_rng().fill_bytes(&mut b);
        IdSequence { prefix: hex::encode(b), n: 0 }
    }

    pub fn next_id(&mut self) -> String {
        self.n += 1;
        format!("{}{:012x}", self.prefix, self.n)
    }
}

impl Default for IdSequence {
    fn default() -> Self {
        Self::new()
    }
}

/// A random 256-bit secret as hex (session tokens, API tokens, CSRF tokens).
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a secret, as stored in the database instead of the secret itself.
pub fn hash_secret(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Today in China (UTC+8).
pub fn today_cn() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Midnight of a day in China (UTC+8) as Unix ms; 0 for a day chrono cannot place.
pub fn cn_day_start_ms(d: chrono::NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000).unwrap_or(0)
}

/// Commits a write transaction; read caches forget what was read before it.
pub async fn commit(tx: Tx) -> Result<()> {
    tx.commit().await?;
    platform::cache::bump_all();
    Ok(())
}
