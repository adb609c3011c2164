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
    /// Readers: many connections; on PostgreSQL, a streaming replica for requests allowed to
    /// use it (`replica.rs`).
    pub(crate) read: crate::platform::replica::ReadPool,
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
    (39, "assessment", include_str!("../../migrations/0039_assessment.sql")),
    (40, "submissions", include_str!("../../migrations/0040_submissions.sql")),
    (41, "district_hierarchy", include_str!("../../migrations/0041_district_hierarchy.sql")),
    (42, "school_figures", include_str!("../../migrations/0042_school_figures.sql")),
    (43, "app_meta", include_str!("../../migrations/0043_app_meta.sql")),
];

/// The version of this program, recorded in the database on every start (ADR 037).
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The highest migration this program knows.
pub fn schema_level() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

/// How to open a store beyond its URL.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// A PostgreSQL streaming replica for read-only requests (`serve --read-database-url`).
    pub read_url: Option<String>,
    /// Replay lag above which the replica is taken out of service.
    pub replica_max_lag: Option<Duration>,
    /// Where a backup is written before migrations run on a database holding data.
    pub migration_backup_dir: Option<std::path::PathBuf>,
}

/// The refusal to run on a database written by a newer version.
pub fn newer_database_message(found: &str) -> String {
    format!(
        "数据库由更新版本的教工之家写入（{found}；本程序为 {APP_VERSION}，迁移级别 {}）。为免损坏数据，本程序不会打开它：请安装与数据库相同或更新的版本后再启动",
        schema_level()
    )
}

/// Compares dotted version numbers (`0.10.1` > `0.9.3`); text that is not a number counts as 0.
fn version_newer(a: &str, b: &str) -> bool {
    let parse = |v: &str| -> Vec<u64> { v.split(['.', '-', '+']).take(3).map(|p| p.parse().unwrap_or(0)).collect() };
    parse(a) > parse(b)
}

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
        Store::open_with(url, crypto, OpenOptions::default()).await
    }

    /// Opens the database at `url` with a read replica and a migration backup directory.
    pub async fn open_with(url: &str, crypto: Crypto, options: OpenOptions) -> Result<Store> {
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
                if options.read_url.is_some() {
                    return Err(StoreError::Invalid("a read replica needs PostgreSQL as the primary database".into()));
                }
                Store(std::sync::Arc::new(StoreInner {
                    read: crate::platform::replica::ReadPool::primary_only(read),
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
                let read = match &options.read_url {
                    Some(u) => crate::platform::replica::ReadPool::with_replica(
                        pool.clone(),
                        crate::platform::replica::connect_replica(
                            u,
                            options.replica_max_lag.unwrap_or(Duration::from_secs(5)),
                        )?,
                    ),
                    None => crate::platform::replica::ReadPool::primary_only(pool.clone()),
                };
                Store(std::sync::Arc::new(StoreInner {
                    read,
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
        store.migrate(options.migration_backup_dir.as_deref()).await?;
        if let Some(r) = store.read.replica() {
            // Known state before the first request: in service only if it answers and keeps up.
            r.check(store.read.primary()).await;
        }
        Ok(store)
    }

    /// Refuses a database written by a newer version: a migration this program does not know,
    /// or a newer program version recorded in `app_meta`.
    async fn refuse_newer(&self, applied: &[i64]) -> Result<()> {
        if let Some(v) = applied.iter().find(|v| !MIGRATIONS.iter().any(|m| m.0 == **v)) {
            return Err(StoreError::Invalid(newer_database_message(&format!("迁移 {v}"))));
        }
        if applied.contains(&43) {
            let found: Option<(String,)> = sqlx::query_as("SELECT value FROM app_meta WHERE key = 'app_version'")
                .fetch_optional(&self.write)
                .await?;
            if let Some((v,)) = found {
                if version_newer(&v, APP_VERSION) {
                    return Err(StoreError::Invalid(newer_database_message(&format!("版本 {v}"))));
                }
            }
        }
        Ok(())
    }

    async fn migrate(&self, backup_dir: Option<&std::path::Path>) -> Result<()> {
        let mut conn = self.write.acquire().await?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        drop(conn);
        let applied: Vec<i64> = sqlx::query_as::<_, (i64,)>("SELECT version FROM schema_migrations")
            .fetch_all(&self.write)
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        self.refuse_newer(&applied).await?;
        let pending = MIGRATIONS.iter().filter(|m| !applied.contains(&m.0)).count();
        if let Some(dir) = backup_dir {
            if pending > 0 && !applied.is_empty() && self.holds_data().await? {
                let from = applied.iter().max().copied().unwrap_or(0);
                let path = crate::platform::scheduled_backup::write_before_migration(self, dir, from).await?;
                tracing::info!("backup before migrating from level {from}: {}", path.display());
            }
        }
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) {
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
        self.record_version().await?;
        crate::platform::audit::ensure_head(self).await?;
        // Ballots stored in plain text before migration 0014 are sealed now (a migration cannot:
        // the key is not in the database).
        crate::congress::polls::seal_legacy(self).await?;
        // Ballots sealed as base64 text before migration 0025 are decoded into bytes.
        crate::congress::polls::unpack_base64(self).await?;
        Ok(())
    }

    /// Records this program's version and migration level (only ever moved forward).
    async fn record_version(&self) -> Result<()> {
        let mut tx = self.write.begin().await?;
        for (key, value) in [("app_version", APP_VERSION.to_string()), ("schema_level", schema_level().to_string())] {
            // An upsert: servers of a group starting together each record the same values.
            sqlx::query(
                "INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// True when the users table exists and holds a row (a database worth a backup).
    async fn holds_data(&self) -> Result<bool> {
        if !self.table_names().await?.iter().any(|t| t == "users") {
            return Ok(false);
        }
        Ok(!self.is_empty().await?)
    }

    /// The ballot writer of this store (one per process and database).
    pub fn ballot_box(&self) -> &crate::congress::polls::BallotBox {
        self.ballot_box.get_or_init(|| crate::congress::polls::BallotBox::start(self.clone()))
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }

    /// The pool for reads (the replica's inside a replica-eligible request).
    pub fn reader(&self) -> &crate::platform::replica::ReadPool {
        &self.read
    }

    /// The primary's pools: (readers, writers). Metrics report their use.
    pub fn pools(&self) -> (&AnyPool, &AnyPool) {
        (self.read.primary(), &self.write)
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
