//! Connecting, pool settings and migrations for both databases.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::{Crypto, Result, StoreError};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// A write transaction.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The handle every repository function takes: one shared value, so a clone (every request
/// clones the application state a few times) is one reference count, not one per pool and cache.
#[derive(Clone, Debug)]
pub struct Store(std::sync::Arc<StoreInner>);

impl std::ops::Deref for Store {
    type Target = StoreInner;
    fn deref(&self) -> &StoreInner {
        &self.0
    }
}

/// What a [`Store`] holds.
#[derive(Debug)]
pub struct StoreInner {
    /// Readers: many connections.
    pub(crate) read: AnyPool,
    /// Writers: one connection on SQLite (SQLite has one writer; queueing here avoids
    /// SQLITE_BUSY), the same pool as readers on PostgreSQL.
    pub(crate) write: AnyPool,
    pub kind: DbKind,
    pub crypto: std::sync::Arc<Crypto>,
    pub url: std::sync::Arc<str>,
    /// The group-commit ballot writer, started on first use.
    pub(crate) ballot_box: std::sync::Arc<std::sync::OnceLock<crate::congress::polls::BallotBox>>,
    /// API token lookups that arrive together, answered by one statement; started on first use.
    pub(crate) token_lookups: std::sync::Arc<std::sync::OnceLock<crate::platform::accounts::TokenLookups>>,
    /// Schools by id and by code for a few seconds: every school route looks its school up.
    pub(crate) school_cache: crate::platform::tenancy::SchoolCache,
    /// Signed-in sessions, roster pages and group lists (`cache.rs`).
    pub(crate) caches: std::sync::Arc<Caches>,
}

/// The read caches of one store.
#[derive(Debug)]
pub(crate) struct Caches {
    pub sessions: crate::platform::cache::ReadCache<crate::platform::accounts::CachedSession>,
    pub tokens: crate::platform::cache::ReadCache<crate::platform::accounts::User>,
    pub polls: crate::platform::cache::ReadCache<crate::congress::polls::Poll>,
    pub roster: crate::platform::cache::ReadCache<(Vec<crate::members::MemberRow>, i64)>,
    pub group_refs: crate::platform::cache::ReadCache<Vec<crate::platform::tenancy::GroupRef>>,
    pub electorates: crate::platform::cache::ReadCache<std::sync::Arc<Vec<crate::congress::polls::Elector>>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            sessions: crate::platform::cache::ReadCache::new(10_000),
            tokens: crate::platform::cache::ReadCache::new(10_000),
            polls: crate::platform::cache::ReadCache::new(1_000),
            roster: crate::platform::cache::ReadCache::new(2_000),
            group_refs: crate::platform::cache::ReadCache::new(2_000),
            electorates: crate::platform::cache::ReadCache::new(200),
        }
    }
}

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "polls", include_str!("../../migrations/0002_polls.sql")),
    (3, "roster_speed", include_str!("../../migrations/0003_roster_speed.sql")),
    (4, "drop_redundant_index", include_str!("../../migrations/0004_drop_redundant_index.sql")),
    (5, "congress", include_str!("../../migrations/0005_congress.sql")),
    (6, "proposals", include_str!("../../migrations/0006_proposals.sql")),
    (7, "evaluations", include_str!("../../migrations/0007_evaluations.sql")),
    (8, "congress_sessions", include_str!("../../migrations/0008_congress_sessions.sql")),
    (9, "congress_settings", include_str!("../../migrations/0009_congress_settings.sql")),
    (10, "delegate_list_confirmations", include_str!("../../migrations/0010_delegate_list_confirmations.sql")),
    (11, "interim_requests", include_str!("../../migrations/0011_interim_requests.sql")),
    (12, "blind_index_128", include_str!("../../migrations/0012_blind_index_128.sql")),
    (13, "proposal_responders", include_str!("../../migrations/0013_proposal_responders.sql")),
    (14, "sealed_ballots", include_str!("../../migrations/0014_sealed_ballots.sql")),
    (16, "security", include_str!("../../migrations/0016_security.sql")),
    (18, "dues_payment_bounds", include_str!("../../migrations/0018_dues_payment_bounds.sql")),
    (19, "poll_details", include_str!("../../migrations/0019_poll_details.sql")),
    (20, "activation_codes", include_str!("../../migrations/0020_activation_codes.sql")),
    (21, "notifications", include_str!("../../migrations/0021_notifications.sql")),
    (22, "activities", include_str!("../../migrations/0022_activities.sql")),
    (23, "notices", include_str!("../../migrations/0023_notices.sql")),
    (24, "library", include_str!("../../migrations/0024_library.sql")),
    (25, "ballot_bytes", include_str!("../../migrations/0025_ballot_bytes.sql")),
    (26, "finance", include_str!("../../migrations/0026_finance.sql")),
    (30, "care", include_str!("../../migrations/0030_care.sql")),
    (34, "transparency", include_str!("../../migrations/0034_transparency.sql")),
    (35, "plans", include_str!("../../migrations/0035_plans.sql")),
    (36, "summaries", include_str!("../../migrations/0036_summaries.sql")),
    (38, "activity_photos", include_str!("../../migrations/0038_activity_photos.sql")),
    (41, "district_hierarchy", include_str!("../../migrations/0041_district_hierarchy.sql")),
    (42, "school_figures", include_str!("../../migrations/0042_school_figures.sql")),
];

/// The one place the two dialects differ in the schema: SQLite's WITHOUT ROWID keeps ballot rows
/// in row id order instead of insertion order, and SQLite calls PostgreSQL's BYTEA a BLOB.
fn dialect(kind: DbKind, sql: &str) -> String {
    match kind {
        DbKind::Sqlite => sql.replace("/*WITHOUT_ROWID*/", "WITHOUT ROWID").replace("BYTEA", "BLOB"),
        DbKind::Postgres => sql.to_string(),
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn open(url: &str, crypto: Crypto) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("postgres") {
            DbKind::Postgres
        } else if url.starts_with("sqlite:") {
            DbKind::Sqlite
        } else {
            return Err(StoreError::Invalid(format!("unsupported database url: {url}")));
        };
        let store = match kind {
            DbKind::Sqlite => {
                if let Some(path) = crate::platform::files::sqlite_path(url) {
                    crate::platform::files::secure_sqlite(&path)?;
                }
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                let opts = AnyConnectOptions::from_str(&url)?;
                let read = sqlite_pool(read_connections(), "NORMAL").connect_with(opts.clone()).await?;
                // Every write commit is fsynced before it is acknowledged (ballots.md); group
                // commit keeps that affordable.
                let write = sqlite_pool(1, "FULL").connect_with(opts).await?;
                Store(std::sync::Arc::new(StoreInner {
                    read,
                    write,
                    kind,
                    crypto: std::sync::Arc::new(crypto),
                    url: url.into(),
                    ballot_box: Default::default(),
                    token_lookups: Default::default(),
                    school_cache: Default::default(),
                    caches: Default::default(),
                }))
            }
            DbKind::Postgres => {
                let opts = AnyConnectOptions::from_str(url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Store(std::sync::Arc::new(StoreInner {
                    read: pool.clone(),
                    write: pool,
                    kind,
                    crypto: std::sync::Arc::new(crypto),
                    url: url.into(),
                    ballot_box: Default::default(),
                    token_lookups: Default::default(),
                    school_cache: Default::default(),
                    caches: Default::default(),
                }))
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        drop(conn);
        for (version, name, sql) in MIGRATIONS {
            let done: Option<(i64,)> = sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&self.write)
                .await?;
            if done.is_some() {
                continue;
            }
            let mut tx = self.write.begin().await?;
            sqlx::raw_sql(&dialect(self.kind, sql)).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        crate::platform::audit::ensure_head(self).await?;
        // Ballots stored in plain text before migration 0014 are sealed now (a migration cannot:
        // the key is not in the database).
        crate::congress::polls::seal_legacy(self).await?;
        // Ballots sealed as base64 text before migration 0025 are decoded into bytes.
        crate::congress::polls::unpack_base64(self).await?;
        Ok(())
    }

    /// The ballot writer of this store (one per process and database).
    pub fn ballot_box(&self) -> &crate::congress::polls::BallotBox {
        self.ballot_box.get_or_init(|| crate::congress::polls::BallotBox::start(self.clone()))
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }

    /// The pool for reads.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// True when the database has no school and no user yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.read).await?;
        Ok(n == 0)
    }

    /// The application's tables (without the migration bookkeeping), by name.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let sql = match self.kind {
            DbKind::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            DbKind::Postgres => "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|r| r.0).filter(|t| t != "schema_migrations").collect())
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// SQLite readers: one connection per core this process may run on (at least 2, at most 8).
/// Each connection is a thread of its own; more runnable threads than cores only make every
/// query wait longer for the CPU (a thousand ballots' authentications would push the chair's
/// live turnout to the back of the scheduler), while the pool's own queue is first come, first
/// served.
fn read_connections() -> u32 {
    std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2).clamp(2, 8)
}

fn sqlite_pool(max: u32, synchronous: &'static str) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                // The writer gets a 64 MB page cache so a large import does not spill the same
                // B-tree pages to the WAL over and over, and keeps statement journals in memory:
                // a multi-row INSERT inside a transaction journals every page it first touches
                // (4 + 4,096 bytes each), which on a temporary file was two writes per page, 390,000
                // for a 60,000-row import. Readers keep SQLite's defaults.
                let cache = if synchronous == "FULL" { "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;" } else { "" };
                let pragmas = format!(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; {cache}"
                );
                conn.execute(pragmas.as_str()).await?;
                Ok(())
            })
        })
}
