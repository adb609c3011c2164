//! Password hashing and checking, bounded: argon2 takes about 19 MiB and a core's worth of time
//! per call, so at most one call per core runs at once. A request that cannot start within
//! [`WAIT`] gets "服务器繁忙，请稍后再试" instead of queueing without bound (200 parallel logins
//! once drove the server to 814 MB).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use jiaogong_store::platform::accounts;
use tokio::sync::Semaphore;

/// How long a request waits for a free hashing slot.
pub const WAIT: Duration = Duration::from_secs(5);

/// All slots stayed taken for [`WAIT`]: the caller answers "try again shortly".
#[derive(Debug, Clone, Copy)]
pub struct Busy;

struct Slots {
    permits: Semaphore,
    limit: usize,
    running: AtomicUsize,
    peak: AtomicUsize,
}

fn slots() -> &'static Slots {
    static SLOTS: OnceLock<Slots> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let limit = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Slots { permits: Semaphore::new(limit), limit, running: AtomicUsize::new(0), peak: AtomicUsize::new(0) }
    })
}

/// The most hashes that run at once (the number of cores).
pub fn limit() -> usize {
    slots().limit
}

/// The most hashes that ran at once since the process started.
pub fn peak() -> usize {
    slots().peak.load(Ordering::Relaxed)
}

/// Runs `f` on a blocking thread once a slot is free.
async fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    let s = slots();
    let _permit = match tokio::time::timeout(WAIT, s.permits.acquire()).await {
        Ok(Ok(p)) => p,
        _ => return Err(Busy),
    };
    let now = s.running.fetch_add(1, Ordering::AcqRel) + 1;
    s.peak.fetch_max(now, Ordering::AcqRel);
    let out = tokio::task::spawn_blocking(f).await;
    s.running.fetch_sub(1, Ordering::AcqRel);
    out.map_err(|_| Busy)
}

/// Checks a password against a stored hash.
pub async fn verify(password: String, hash: String) -> Result<bool, Busy> {
    bounded(move || accounts::verify_password(&password, &hash)).await
}

/// Hashes a new password.
pub async fn hash(password: String) -> Result<jiaogong_store::Result<String>, Busy> {
    bounded(move || accounts::hash_password(&password)).await
}
