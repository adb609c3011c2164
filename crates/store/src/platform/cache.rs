//! Short-lived read caches for what every page asks again and again: the signed-in session and
//! the roster lists. A cached value is used only while it is younger than its time to live and
//! its generation is current. The generation is taken before the database is read, and every
//! committed write in this process moves it, so this server never serves a value read before one
//! of its own writes. Other servers sharing a PostgreSQL database see a change within the time
//! to live.
//! (docs/adr/011-read-caches.md)

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long another server's change can go unseen.
pub const TTL: Duration = Duration::from_secs(2);

/// A bounded map of values stamped with the generation and time they were read at.
pub struct ReadCache<V> {
    map: Mutex<HashMap<String, Entry<V>>>,
    cap: usize,
}

struct Entry<V> {
    gen: u64,
    at: Instant,
    /// A caller was told to read the value again ([`ReadCache::get_refreshing`]).
    refreshing: bool,
    v: V,
}

impl<V: Clone> ReadCache<V> {
    pub fn new(cap: usize) -> Self {
        ReadCache { map: Mutex::new(HashMap::new()), cap }
    }

    /// The value under `key` if it was read at generation `gen` less than [`TTL`] ago.
    pub fn get(&self, key: &str, gen: u64) -> Option<V> {
        let map = self.map.lock().ok()?;
        let e = map.get(key)?;
        (e.gen == gen && e.at.elapsed() < TTL).then(|| e.v.clone())
    }

    /// Like [`ReadCache::get`], for values that are worth reading again ahead of time: past half
    /// its time to live a value is still served, and the first caller to see it so is told to
    /// read it again (`true`); the others are served the current value meanwhile. A value is
    /// never served past its time to live or its generation.
    pub fn get_refreshing(&self, key: &str, gen: u64) -> Option<(V, bool)> {
        let mut map = self.map.lock().ok()?;
        let e = map.get_mut(key)?;
        let age = e.at.elapsed();
        if e.gen != gen || age >= TTL {
            return None;
        }
        let refresh = age >= TTL / 2 && !std::mem::replace(&mut e.refreshing, true);
        Some((e.v.clone(), refresh))
    }

    pub fn put(&self, key: String, gen: u64, v: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= self.cap {
                map.clear();
            }
            // A read that began before a write does not replace one that began after it.
            if map.get(&key).is_some_and(|e| e.gen > gen) {
                return;
            }
            map.insert(key, Entry { gen, at: Instant::now(), refreshing: false, v });
        }
    }

    pub fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

impl<V> std::fmt::Debug for ReadCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("cap", &self.cap).finish()
    }
}

/// Moved after every committed write transaction (and every write outside one that a cache
/// depends on): a value read before a write committed is never served after it.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Called after every commit (`crate::commit`), after writes to users or sessions outside a
/// transaction, and after a restore.
pub fn bump_all() {
    WRITES.fetch_add(1, Ordering::AcqRel);
}

/// The generation of anything read from the database. Coarse on purpose: one counter for all
/// schools and tables cannot miss a write path, and a page costs one read per write.
pub fn read_gen() -> u64 {
    WRITES.load(Ordering::Acquire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_at_its_generation() {
        let c: ReadCache<i32> = ReadCache::new(10);
        c.put("k".into(), 1, 7);
        assert_eq!(c.get("k", 1), Some(7));
        assert_eq!(c.get("k", 2), None);
        assert_eq!(c.get("other", 1), None);
    }

    #[test]
    fn the_cache_never_grows_past_its_bound() {
        let c: ReadCache<usize> = ReadCache::new(3);
        for i in 0..10 {
            c.put(i.to_string(), 0, i);
        }
        assert!(c.map.lock().unwrap().len() <= 3);
        assert_eq!(c.get("9", 0), Some(9));
    }

    #[test]
    fn a_value_past_half_its_life_is_read_again_by_one_caller_only() {
        let c: ReadCache<i32> = ReadCache::new(10);
        c.put("k".into(), 1, 7);
        assert_eq!(c.get_refreshing("k", 1), Some((7, false)), "a young value needs no new reading");
        // Age the entry past half its time to live.
        c.map.lock().unwrap().get_mut("k").unwrap().at = Instant::now() - TTL / 2;
        assert_eq!(c.get_refreshing("k", 1), Some((7, true)), "the first caller reads it again");
        assert_eq!(c.get_refreshing("k", 1), Some((7, false)), "the others are served meanwhile");
        assert_eq!(c.get_refreshing("k", 2), None, "never across a write");
        c.put("k".into(), 1, 8);
        assert_eq!(c.get_refreshing("k", 1), Some((8, false)), "the new reading is served fresh");
        c.map.lock().unwrap().get_mut("k").unwrap().at = Instant::now() - TTL;
        assert_eq!(c.get_refreshing("k", 1), None, "never past its time to live");
    }

    #[test]
    fn an_older_reading_does_not_replace_a_newer_one() {
        let c: ReadCache<i32> = ReadCache::new(10);
        c.put("k".into(), 5, 50);
        c.put("k".into(), 4, 40);
        assert_eq!(c.get("k", 5), Some(50));
    }

    #[test]
    fn a_write_moves_the_generation() {
        let before = read_gen();
        bump_all();
        assert_ne!(read_gen(), before);
    }
}
