//! The in-process cache: a map with expiry, bounded in size. The local runner's default; in
//! Lambda each container would have its own, which is why AWS uses Redis.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::{Cache, CacheError, Entry};

pub struct MemoryCache {
    capacity: usize,
    map: Mutex<HashMap<String, (Entry, Instant)>>,
    counters: Mutex<HashMap<String, (u64, Instant)>>,
}

impl MemoryCache {
    /// A cache that holds at most `capacity` keys (expired ones are dropped first, then the
    /// oldest).
    pub fn new(capacity: usize) -> Self {
        MemoryCache {
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
            counters: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Entry, Instant)>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        MemoryCache::new(10_000)
    }
}

#[async_trait::async_trait]
impl Cache for MemoryCache {
    fn kind(&self) -> &'static str {
        "memory"
    }

    fn location(&self) -> String {
        "in-process".to_owned()
    }

    async fn get(&self, key: &str) -> Result<Option<Entry>, CacheError> {
        let mut map = self.map();
        match map.get(key) {
            Some((entry, until)) if *until > Instant::now() => Ok(Some(entry.clone())),
            Some(_) => {
                map.remove(key);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn put(&self, key: &str, entry: &Entry, keep: Duration) -> Result<(), CacheError> {
        let now = Instant::now();
        let mut map = self.map();
        if map.len() >= self.capacity && !map.contains_key(key) {
            map.retain(|_, (_, until)| *until > now);
            if map.len() >= self.capacity
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (e, _))| e.stored_at_ms)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(key.to_owned(), (entry.clone(), now + keep));
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.map().remove(key);
        Ok(())
    }

    async fn increment(&self, key: &str, window: Duration) -> Result<u64, CacheError> {
        let now = Instant::now();
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        if counters.len() >= self.capacity {
            counters.retain(|_, (_, until)| *until > now);
        }
        let counter = counters.entry(key.to_owned()).or_insert((0, now + window));
        if counter.1 <= now {
            *counter = (0, now + window);
        }
        counter.0 += 1;
        Ok(counter.0)
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn expires_and_stays_bounded() {
        let cache = MemoryCache::new(2);
        let e = Entry::new(b"v".to_vec());
        cache.put("a", &e, Duration::ZERO).await.unwrap();
        assert_eq!(cache.get("a").await.unwrap(), None);
        for k in ["a", "b", "c"] {
            cache.put(k, &e, Duration::from_secs(60)).await.unwrap();
        }
        assert_eq!(cache.map().len(), 2);
        cache.delete("c").await.unwrap();
        assert_eq!(cache.get("c").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_counter_counts_within_its_window_and_starts_again_after() {
        let cache = MemoryCache::new(10);
        let window = Duration::from_millis(50);
        assert_eq!(cache.increment("n", window).await.unwrap(), 1);
        assert_eq!(cache.increment("n", window).await.unwrap(), 2);
        assert_eq!(cache.increment("m", window).await.unwrap(), 1);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(cache.increment("n", window).await.unwrap(), 1);
    }
}
