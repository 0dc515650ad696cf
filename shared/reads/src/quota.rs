//! How many reads one person may send to 1C in a minute.
//!
//! Every new date range and every made-up GUID on a detail page misses the cache and costs a
//! 1C call, so one account could keep 1C busy for everyone. The shell runs each request
//! [`on_behalf_of`] the signed-in person; [`crate::Reader::read`] counts the reads that miss the
//! cache (fresh answers from the cache do not count) in a per-minute window in the shared cache,
//! so the bound holds across every Lambda instance. Past it the read fails with
//! [`crate::ReadError::Throttled`], the friendly 429 with `Retry-After`. Background jobs run on
//! behalf of nobody and are not bounded.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use skazka_cache::CacheHandle;

const WINDOW: Duration = Duration::from_secs(60);

tokio::task_local! {
    static ASKER: Option<String>;
}

/// Runs `fut` with its 1C reads counted against `asker` (a stable id of the signed-in person or,
/// signed out, of the address;
/// `None`: not bounded).
pub async fn on_behalf_of<F: Future>(asker: Option<String>, fut: F) -> F::Output {
    ASKER.scope(asker, fut).await
}

/// The person the current request reads for, if any.
fn asker() -> Option<String> {
    ASKER.try_with(Clone::clone).ok().flatten()
}

/// The per-person bound.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Quota {
    pub per_minute: u32,
}

impl Quota {
    /// Takes one read from the current asker's minute; `Err(wait)` when the minute is used up,
    /// with how long until the next one starts.
    pub(crate) async fn take(&self, cache: &CacheHandle) -> Result<(), Duration> {
        let Some(asker) = asker() else {
            return Ok(());
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let minute = now.as_secs() / WINDOW.as_secs();
        let key = format!("reads:quota:v1:{asker}:{minute}");
        // A cache that cannot count lets the read through: the bound protects 1C, it must not
        // take pages down with Redis.
        match cache.count(&key, WINDOW).await {
            Some(n) if n > u64::from(self.per_minute) => {
                let next = (minute + 1) * WINDOW.as_secs();
                Err(Duration::from_secs(
                    next.saturating_sub(now.as_secs()).max(1),
                ))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use skazka_cache::MemoryCache;
    use std::sync::Arc;

    #[tokio::test]
    async fn only_reads_on_behalf_of_someone_are_bounded() {
        let cache = CacheHandle::new(Arc::new(MemoryCache::new(100)));
        let quota = Quota { per_minute: 2 };
        for _ in 0..5 {
            assert!(quota.take(&cache).await.is_ok(), "nobody: unbounded");
        }
        on_behalf_of(Some("a".into()), async {
            assert!(quota.take(&cache).await.is_ok());
            assert!(quota.take(&cache).await.is_ok());
            let wait = quota
                .take(&cache)
                .await
                .expect_err("third read in the minute");
            assert!(wait <= WINDOW && wait >= Duration::from_secs(1));
        })
        .await;
        on_behalf_of(Some("b".into()), async {
            assert!(
                quota.take(&cache).await.is_ok(),
                "another person's own minute"
            );
        })
        .await;
    }
}
