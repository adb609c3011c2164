//! Scheduled work (the email digest, the group robots' queue) runs on one app server at a time:
//! a lease row per job names its holder until it expires. A server takes the lease when it is
//! free or expired (or already its own), in one statement both databases run atomically, so two
//! servers ticking together never both win.

use crate::{now_ms, Result, Store};

/// Takes (or renews) the lease `name` for `holder` until `now + ttl_ms`; true when this holder
/// has it now.
pub async fn acquire(store: &Store, name: &str, holder: &str, ttl_ms: i64) -> Result<bool> {
    acquire_at(store, name, holder, ttl_ms, now_ms()).await
}

/// [`acquire`] at a given instant (tests move time forward instead of sleeping).
pub async fn acquire_at(store: &Store, name: &str, holder: &str, ttl_ms: i64, now: i64) -> Result<bool> {
    let r = sqlx::query(
        "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
         WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder",
    )
    .bind(name)
    .bind(holder)
    .bind(now.saturating_add(ttl_ms))
    .bind(now)
    .execute(&store.write)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives the lease back (only its holder can).
pub async fn release(store: &Store, name: &str, holder: &str) -> Result<()> {
    sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(&store.write)
        .await?;
    Ok(())
}

/// The current holder of a lease and its expiry, if any.
pub async fn holder(store: &Store, name: &str) -> Result<Option<(String, i64)>> {
    Ok(sqlx::query_as("SELECT holder, expires_at FROM leases WHERE name = $1")
        .bind(name)
        .fetch_optional(&store.write)
        .await?)
}
