//! Reads routed to a PostgreSQL streaming replica (ADR 036).
//!
//! [`ReadPool`] is what `store.read` is: every repository function reads through it unchanged.
//! It answers from the primary unless the current task runs inside [`on_replica`] (the web layer
//! wraps GET requests of sessions that have not written in the last seconds) and the replica is
//! healthy. Health is kept by [`spawn_health_check`]: connectivity and replay lag against a
//! threshold. A replica that cannot give a connection is marked down at once and the read goes
//! to the primary, so a stopped replica costs nothing but its connect timeout, once.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt, TryStreamExt};
use sqlx::any::{Any, AnyConnectOptions, AnyPoolOptions, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::pool::PoolConnection;
use sqlx::{AnyPool, Describe, Either, Execute, Executor};

tokio::task_local! {
    /// True inside a request whose reads may be served by the replica.
    static REPLICA_ELIGIBLE: bool;
}

/// Runs `f` with its reads allowed on the replica (when there is a healthy one).
pub async fn on_replica<F: std::future::Future>(f: F) -> F::Output {
    REPLICA_ELIGIBLE.scope(true, f).await
}

/// Runs `f` with its reads on the primary, even inside [`on_replica`] (a read that must see a
/// write made elsewhere a moment ago: a session created by another server).
pub async fn on_primary<F: std::future::Future>(f: F) -> F::Output {
    REPLICA_ELIGIBLE.scope(false, f).await
}

/// True when the current task's reads would go to the replica.
pub fn reading_replica_allowed() -> bool {
    REPLICA_ELIGIBLE.try_with(|v| *v).unwrap_or(false)
}

/// The replica's pool and what is known of its health.
#[derive(Debug)]
pub struct Replica {
    pool: AnyPool,
    healthy: AtomicBool,
    /// Replay lag at the last check, in milliseconds (-1: unknown / unreachable).
    lag_ms: AtomicI64,
    /// Lag above this takes the replica out of service.
    pub max_lag: Duration,
    served: AtomicU64,
    fallbacks: AtomicU64,
}

/// Counters of the read routing, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicaStats {
    pub configured: bool,
    pub healthy: bool,
    pub lag_ms: i64,
    /// Reads answered by the replica.
    pub served: u64,
    /// Replica-eligible reads answered by the primary because the replica was down or behind.
    pub fallbacks: u64,
}

/// The pool reads go through: the primary's readers, and a replica when configured.
#[derive(Debug, Clone)]
pub struct ReadPool {
    primary: AnyPool,
    replica: Option<Arc<Replica>>,
}

impl ReadPool {
    pub(crate) fn primary_only(primary: AnyPool) -> ReadPool {
        ReadPool { primary, replica: None }
    }

    pub(crate) fn with_replica(primary: AnyPool, replica: Arc<Replica>) -> ReadPool {
        ReadPool { primary, replica: Some(replica) }
    }

    /// The primary's read pool, whatever the task.
    pub fn primary(&self) -> &AnyPool {
        &self.primary
    }

    /// The replica, when configured.
    pub fn replica(&self) -> Option<&Arc<Replica>> {
        self.replica.as_ref()
    }

    /// The replica to use for this read, if any.
    fn chosen(&self) -> Option<&Arc<Replica>> {
        let r = self.replica.as_ref()?;
        if !reading_replica_allowed() {
            return None;
        }
        if r.healthy.load(Ordering::Relaxed) {
            Some(r)
        } else {
            r.fallbacks.fetch_add(1, Ordering::Relaxed);
            None
        }
    }

    /// A connection for reading: the replica's when this task may use it and it answers.
    pub async fn acquire(&self) -> Result<PoolConnection<Any>, sqlx::Error> {
        match self.chosen() {
            Some(r) => acquire_or_fall_back(r.clone(), self.primary.clone()).await,
            None => self.primary.acquire().await,
        }
    }

    pub async fn close(&self) {
        self.primary.close().await;
        if let Some(r) = &self.replica {
            r.pool.close().await;
        }
    }

    pub fn stats(&self) -> ReplicaStats {
        match &self.replica {
            None => ReplicaStats::default(),
            Some(r) => ReplicaStats {
                configured: true,
                healthy: r.healthy.load(Ordering::Relaxed),
                lag_ms: r.lag_ms.load(Ordering::Relaxed),
                served: r.served.load(Ordering::Relaxed),
                fallbacks: r.fallbacks.load(Ordering::Relaxed),
            },
        }
    }
}

/// True for errors that mean "this database cannot be reached", not "this query is wrong".
fn unreachable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_))
}

async fn acquire_or_fall_back(r: Arc<Replica>, primary: AnyPool) -> Result<PoolConnection<Any>, sqlx::Error> {
    match r.pool.acquire().await {
        Ok(c) => {
            r.served.fetch_add(1, Ordering::Relaxed);
            Ok(c)
        }
        Err(e) if unreachable(&e) => {
            r.healthy.store(false, Ordering::Relaxed);
            r.lag_ms.store(-1, Ordering::Relaxed);
            r.fallbacks.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("read replica unreachable, reading from the primary: {e}");
            primary.acquire().await
        }
        Err(e) => Err(e),
    }
}

impl<'p> Executor<'p> for &'_ ReadPool {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(self, query: E) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match self.chosen() {
            None => self.primary.fetch_many(query),
            Some(r) => {
                // Nothing reads through a stream of its own here; the rows of one query are
                // gathered on the connection chosen, then handed out.
                let (r, primary) = (r.clone(), self.primary.clone());
                futures_util::stream::once(async move {
                    let mut conn = acquire_or_fall_back(r, primary).await?;
                    conn.fetch_many(query).try_collect::<Vec<_>>().await
                })
                .map(|res| match res {
                    Ok(items) => futures_util::stream::iter(items.into_iter().map(Ok)).left_stream(),
                    Err(e) => futures_util::stream::once(async move { Err(e) }).right_stream(),
                })
                .flatten()
                .boxed()
            }
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match self.chosen() {
            None => self.primary.fetch_optional(query),
            Some(r) => {
                let (r, primary) = (r.clone(), self.primary.clone());
                async move { acquire_or_fall_back(r, primary).await?.fetch_optional(query).await }.boxed()
            }
        }
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement<'q>, sqlx::Error>>
    where
        'p: 'e,
    {
        self.primary.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(self, sql: &'q str) -> BoxFuture<'e, Result<Describe<Any>, sqlx::Error>>
    where
        'p: 'e,
    {
        self.primary.describe(sql)
    }
}

/// Connects the replica pool (lazily: a replica down at start does not stop the server).
pub(crate) fn connect_replica(url: &str, max_lag: Duration) -> crate::Result<Arc<Replica>> {
    if !url.starts_with("postgres") {
        return Err(bad_url(url));
    }
    let opts = AnyConnectOptions::from_str(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(2))
        .idle_timeout(Duration::from_secs(60))
        .connect_lazy_with(opts);
    Ok(Arc::new(Replica {
        pool,
        healthy: AtomicBool::new(false),
        lag_ms: AtomicI64::new(-1),
        max_lag,
        served: AtomicU64::new(0),
        fallbacks: AtomicU64::new(0),
    }))
}

fn bad_url(url: &str) -> crate::StoreError {
    let shown = url.split('@').next_back().unwrap_or("");
    crate::StoreError::Invalid(format!("read database url is not a postgres:// URL: …{shown}"))
}

impl Replica {
    /// Measures the replica once and updates its health. The lag is zero when the replica has
    /// replayed everything the primary has written, else the age of its last replayed commit.
    pub async fn check(&self, primary: &AnyPool) -> bool {
        let measured = tokio::time::timeout(Duration::from_secs(3), self.measure(primary)).await;
        let lag = match measured {
            Ok(Ok(ms)) => ms,
            Ok(Err(e)) => {
                tracing::debug!("read replica check failed: {e}");
                -1
            }
            Err(_) => -1,
        };
        let healthy = lag >= 0 && lag <= i64::try_from(self.max_lag.as_millis()).unwrap_or(i64::MAX);
        let was = self.healthy.swap(healthy, Ordering::Relaxed);
        if was != healthy {
            if healthy {
                tracing::info!("read replica in service (lag {lag} ms)");
            } else {
                tracing::warn!("read replica out of service (lag {lag} ms; -1: unreachable); reading from the primary");
            }
        }
        self.lag_ms.store(lag, Ordering::Relaxed);
        healthy
    }

    async fn measure(&self, primary: &AnyPool) -> Result<i64, sqlx::Error> {
        let (lsn,): (String,) = sqlx::query_as("SELECT CAST(pg_current_wal_lsn() AS TEXT)").fetch_one(primary).await?;
        let (recovering, behind, age_ms): (bool, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT pg_is_in_recovery(), \
                    CAST(pg_wal_lsn_diff(CAST($1 AS pg_lsn), pg_last_wal_replay_lsn()) AS BIGINT), \
                    CAST(EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) * 1000 AS BIGINT)",
        )
        .bind(lsn)
        .fetch_one(&self.pool)
        .await?;
        if !recovering {
            // Not a standby (promoted, or the wrong URL): its data may have diverged.
            return Ok(-1);
        }
        Ok(match behind {
            Some(b) if b <= 0 => 0,
            _ => age_ms.unwrap_or(-1).max(0),
        })
    }
}

/// Checks the replica every `every` until the store is dropped.
pub fn spawn_health_check(store: &crate::Store, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
    let replica = store.read.replica()?.clone();
    let primary = store.read.primary().clone();
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if primary.is_closed() {
                break;
            }
            replica.check(&primary).await;
        }
    }))
}
