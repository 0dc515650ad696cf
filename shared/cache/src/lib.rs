//! The cache: one trait, [`Cache`], with a Redis implementation (ElastiCache in AWS) and an
//! in-process one (the local default), and [`CacheHandle::get_or_fetch`] on top of either:
//! a fresh value is served; concurrent misses of one key make one fetch (single flight); a value
//! past its TTL but still kept is served, with its age, when the fetch fails.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

mod memory;
mod redis_cache;

pub use memory::MemoryCache;
pub use redis_cache::RedisCache;

/// A cache failure (the backend is unreachable or answered something unreadable).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cached value is corrupt: {0}")]
    Corrupt(String),
}

/// A stored value and when it was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Milliseconds since the Unix epoch.
    pub stored_at_ms: u64,
    pub value: Vec<u8>,
}

impl Entry {
    pub fn new(value: Vec<u8>) -> Self {
        Entry {
            stored_at_ms: now_ms(),
            value,
        }
    }

    /// How long ago it was stored.
    pub fn age(&self) -> Duration {
        Duration::from_millis(now_ms().saturating_sub(self.stored_at_ms))
    }

    /// The wire form: 8 bytes of `stored_at_ms` (big-endian), then the value.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.value.len());
        out.extend_from_slice(&self.stored_at_ms.to_be_bytes());
        out.extend_from_slice(&self.value);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, CacheError> {
        if bytes.len() < 8 {
            return Err(CacheError::Corrupt(format!("{} bytes", bytes.len())));
        }
        let (at, value) = bytes.split_at(8);
        let mut stamp = [0u8; 8];
        stamp.copy_from_slice(at);
        Ok(Entry {
            stored_at_ms: u64::from_be_bytes(stamp),
            value: value.to_vec(),
        })
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// A key-value store with expiry. Values are bytes; [`CacheHandle`] adds the typed layer.
#[async_trait::async_trait]
pub trait Cache: Send + Sync + 'static {
    /// `memory` or `redis`.
    fn kind(&self) -> &'static str;
    /// Where it is, without credentials (for `/health` and logs).
    fn location(&self) -> String;
    async fn get(&self, key: &str) -> Result<Option<Entry>, CacheError>;
    /// Stores `entry`, dropped after `keep`.
    async fn put(&self, key: &str, entry: &Entry, keep: Duration) -> Result<(), CacheError>;
    async fn delete(&self, key: &str) -> Result<(), CacheError>;
    /// Adds one to the counter under `key` and returns its new value; a new counter starts at 1
    /// and is dropped `window` after it started (fixed-window rate limits).
    async fn increment(&self, key: &str, window: Duration) -> Result<u64, CacheError>;
    /// Whether the backend answers.
    async fn ping(&self) -> Result<(), CacheError>;
}

/// How long a value is fresh, and how long it is kept to be served when the source fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub ttl: Duration,
    pub keep: Duration,
}

impl Policy {
    pub const fn new(ttl: Duration, keep: Duration) -> Self {
        Policy { ttl, keep }
    }
}

/// Whether a value came fresh or is a kept one served because the source failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    Fresh,
    /// Served because the fetch failed; `age` since it was stored.
    Stale {
        age: Duration,
    },
}

/// A value from [`CacheHandle::get_or_fetch`].
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    pub freshness: Freshness,
    /// When the value was stored (ms since the Unix epoch).
    pub stored_at_ms: u64,
}

/// A cache backend plus the single-flight table. Cheap to clone.
#[derive(Clone)]
pub struct CacheHandle {
    backend: Arc<dyn Cache>,
    flights: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl CacheHandle {
    pub fn new(backend: Arc<dyn Cache>) -> Self {
        CacheHandle {
            backend,
            flights: Arc::default(),
        }
    }

    pub fn backend(&self) -> &dyn Cache {
        self.backend.as_ref()
    }

    /// A fresh cached value, or `fetch`'s value (stored), or — when `fetch` fails — a kept stale
    /// value, or `fetch`'s error. A cache that cannot be reached is logged and treated as empty.
    pub async fn get_or_fetch<T, E, F, Fut>(
        &self,
        key: &str,
        policy: Policy,
        fetch: F,
    ) -> Result<Fetched<T>, E>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(hit) = self.fresh(key, policy).await {
            return Ok(hit);
        }
        let flight = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(key.to_owned()).or_default().clone()
        };
        let result = {
            let _turn = flight.lock().await;
            // Whoever held the turn before may have filled it.
            match self.fresh(key, policy).await {
                Some(hit) => Ok(hit),
                None => self.fetch_and_store(key, policy, fetch).await,
            }
        };
        {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            // Only the table and this call hold it: nobody waits, forget the key.
            if Arc::strong_count(&flight) == 2 {
                flights.remove(key);
            }
        }
        result
    }

    /// Stores `value` under `key` as fresh now (a refresh job's write); returns when it was stored.
    /// A failed write is logged: the next read fetches again.
    pub async fn store<T: Serialize>(&self, key: &str, policy: Policy, value: &T) -> u64 {
        let entry = match serde_json::to_vec(value) {
            Ok(bytes) => Entry::new(bytes),
            Err(e) => {
                tracing::error!(error = %e, key, "value cannot be cached");
                return now_ms();
            }
        };
        if let Err(e) = self.backend.put(key, &entry, policy.keep).await {
            tracing::warn!(error = %e, key, "cache write failed");
        }
        entry.stored_at_ms
    }

    /// Counts one more event in the window named by `key` (see [`Cache::increment`]); `None`
    /// when the cache cannot be reached (logged), so a limit built on it lets the request pass.
    pub async fn count(&self, key: &str, window: Duration) -> Option<u64> {
        match self.backend.increment(key, window).await {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, key, "cache counter failed");
                None
            }
        }
    }

    /// What is kept under `key` without fetching: fresh within the policy's `ttl`, else stale with
    /// its age (served when the source cannot be asked).
    pub async fn kept<T: DeserializeOwned>(&self, key: &str, policy: Policy) -> Option<Fetched<T>> {
        let entry = self.read(key).await?;
        let value = decode(key, &entry)?;
        let age = entry.age();
        Some(Fetched {
            value,
            freshness: if age < policy.ttl {
                Freshness::Fresh
            } else {
                Freshness::Stale { age }
            },
            stored_at_ms: entry.stored_at_ms,
        })
    }

    async fn read(&self, key: &str) -> Option<Entry> {
        match self.backend.get(key).await {
            Ok(entry) => entry,
            Err(e) => {
                tracing::warn!(error = %e, key, "cache read failed");
                None
            }
        }
    }

    async fn fresh<T: DeserializeOwned>(&self, key: &str, policy: Policy) -> Option<Fetched<T>> {
        let entry = self.read(key).await?;
        if entry.age() >= policy.ttl {
            return None;
        }
        decode(key, &entry).map(|value| Fetched {
            value,
            freshness: Freshness::Fresh,
            stored_at_ms: entry.stored_at_ms,
        })
    }

    async fn fetch_and_store<T, E, F, Fut>(
        &self,
        key: &str,
        policy: Policy,
        fetch: F,
    ) -> Result<Fetched<T>, E>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        match fetch().await {
            Ok(value) => {
                let stored_at_ms = self.store(key, policy, &value).await;
                Ok(Fetched {
                    value,
                    freshness: Freshness::Fresh,
                    stored_at_ms,
                })
            }
            Err(error) => {
                let Some(entry) = self.read(key).await else {
                    return Err(error);
                };
                match decode(key, &entry) {
                    Some(value) => Ok(Fetched {
                        value,
                        freshness: Freshness::Stale { age: entry.age() },
                        stored_at_ms: entry.stored_at_ms,
                    }),
                    None => Err(error),
                }
            }
        }
    }
}

fn decode<T: DeserializeOwned>(key: &str, entry: &Entry) -> Option<T> {
    match serde_json::from_slice(&entry.value) {
        Ok(value) => Some(value),
        Err(e) => {
            // A value written by an older build with another shape: treat as a miss.
            tracing::warn!(error = %e, key, "cached value has another shape");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn entry_round_trips() {
        let entry = Entry::new(b"{\"a\":1}".to_vec());
        assert_eq!(Entry::decode(&entry.encode()).unwrap(), entry);
        assert!(Entry::decode(b"short").is_err());
    }

    #[tokio::test]
    async fn concurrent_misses_make_one_fetch() {
        let cache = CacheHandle::new(Arc::new(MemoryCache::new(100)));
        let fetches = Arc::new(AtomicU32::new(0));
        let policy = Policy::new(Duration::from_secs(60), Duration::from_secs(600));
        let calls = (0..8).map(|_| {
            let cache = cache.clone();
            let fetches = fetches.clone();
            async move {
                cache
                    .get_or_fetch("k", policy, || async {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, String>(vec![1, 2, 3])
                    })
                    .await
            }
        });
        let results = futures_join_all(calls).await;
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        for r in results {
            assert_eq!(r.unwrap().value, vec![1, 2, 3]);
        }
        assert!(cache.flights.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn stale_value_is_served_when_the_fetch_fails() {
        let cache = CacheHandle::new(Arc::new(MemoryCache::new(100)));
        let policy = Policy::new(Duration::ZERO, Duration::from_secs(600));
        let first = cache
            .get_or_fetch("k", policy, || async { Ok::<_, String>(7_u32) })
            .await
            .unwrap();
        assert_eq!(first.freshness, Freshness::Fresh);
        let second = cache
            .get_or_fetch("k", policy, || async {
                Err::<u32, _>("1C down".to_owned())
            })
            .await
            .unwrap();
        assert_eq!(second.value, 7);
        assert!(matches!(second.freshness, Freshness::Stale { .. }));
        let missing = cache
            .get_or_fetch("other", policy, || async {
                Err::<u32, _>("1C down".to_owned())
            })
            .await;
        assert_eq!(missing.unwrap_err(), "1C down");
    }

    async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = futures.map(tokio::spawn).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }
}
