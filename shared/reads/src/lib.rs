//! The one way a page reads 1C: through the cache, within a time budget, behind a breaker.
//!
//! ```text
//! Reader::read(key, policy, fetch) ──► fresh in the cache?  ──► Served { value, stale: None }
//!                                  └─► breaker open?        ──► kept value with its age, or 503
//!                                  └─► fetch from 1C (single flight, at most `budget`)
//!                                         ok   ──► stored, served fresh
//!                                         fail ──► kept value with its age, or 503
//! ```
//!
//! - A value is fresh for its [`Policy`]'s `ttl` and kept for `keep` to be served when 1C fails;
//!   the page then shows [`skazka_web::stale_banner`] and its JSON carries [`Stale`].
//! - After `breaker_failures` outages in a row the [`Breaker`] opens: pages stop waiting for 1C
//!   and answer at once from what is kept (or the friendly 503), while one request at a time
//!   probes whether 1C is back; the first success closes it.
//! - Keys name whose data and which query (`orders:v1:list:taken:agent:<guid>:<from>:<to>`),
//!   never a URL; bump a feature's key version when its cached type changes shape.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use onec_client::OnecError;
use onec_client::model::BaseTz;
use serde::Serialize;
use serde::de::DeserializeOwned;
use skazka_cache::{CacheHandle, Fetched, Freshness};
use skazka_config::ReadSettings;
use skazka_web::AppError;

mod breaker;
mod quota;

pub use breaker::{Admission, Breaker};
pub use quota::on_behalf_of;
pub use skazka_cache::Policy;
pub use skazka_web::Stale;

/// Documents and lists that change during the working day: fresh a minute, kept a week.
pub const LIVE: Policy = Policy::new(Duration::from_secs(60), Duration::from_secs(7 * 86_400));
/// Reference data that hardly ever changes (1C users, property refs): fresh an hour, kept a month.
pub const REFERENCE: Policy =
    Policy::new(Duration::from_secs(3_600), Duration::from_secs(30 * 86_400));

/// Why a read has no data.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Absent, or not the viewer's: the page is "not found".
    #[error("not found")]
    NotFound,
    /// 1C failed and nothing is kept.
    #[error("1C unavailable: {0}")]
    Onec(#[from] OnecError),
    #[error("1C did not answer within {0:?}")]
    Timeout(Duration),
    /// The breaker is open (1C keeps failing) and nothing is kept.
    #[error("1C is failing; not asked (breaker open) and nothing kept")]
    BreakerOpen,
    /// The person used up their reads of 1C for this minute ([`on_behalf_of`]) and nothing is
    /// kept; `retry_after` is when the next minute starts.
    #[error("too many 1C reads this minute; retry in {retry_after:?}")]
    Throttled { retry_after: Duration },
}

impl ReadError {
    /// Whether this says 1C is out of reach or broken (counts towards opening the breaker), rather
    /// than "no such document" or a query 1C refused (a bug of ours that asking less won't fix).
    fn is_outage(&self) -> bool {
        match self {
            ReadError::NotFound | ReadError::BreakerOpen | ReadError::Throttled { .. } => false,
            ReadError::Timeout(_) => true,
            ReadError::Onec(e) => match e {
                OnecError::OData { status, .. } => *status >= 500,
                OnecError::InvalidName(_) | OnecError::Config(_) | OnecError::Decode { .. } => {
                    false
                }
                _ => true,
            },
        }
    }
}

impl From<ReadError> for AppError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::NotFound => AppError::NotFound,
            ReadError::Throttled { retry_after } => AppError::TooManyRequests {
                retry_after_s: retry_after.as_secs(),
            },
            other => AppError::Unavailable(other.to_string()),
        }
    }
}

/// A value and, when it is kept data served because 1C failed, how old it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Served<T> {
    pub value: T,
    pub stale: Option<Stale>,
}

impl<T> Served<T> {
    pub fn fresh(value: T) -> Self {
        Served { value, stale: None }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Served<U> {
        Served {
            value: f(self.value),
            stale: self.stale,
        }
    }

    /// `None` inside (a document that is not there, or not the viewer's) → [`ReadError::NotFound`].
    pub fn found<U>(self) -> Result<Served<U>, ReadError>
    where
        T: Into<Option<U>>,
    {
        match self.value.into() {
            Some(value) => Ok(Served {
                value,
                stale: self.stale,
            }),
            None => Err(ReadError::NotFound),
        }
    }

    /// The older of two staleness marks: a page built from several reads is as old as its oldest.
    pub fn oldest(a: Option<Stale>, b: Option<Stale>) -> Option<Stale> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if a.age_seconds >= b.age_seconds { a } else { b }),
            (a, b) => a.or(b),
        }
    }
}

/// Reads 1C data through the cache; one per process, shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct Reader {
    cache: CacheHandle,
    breaker: Arc<Breaker>,
    budget: Duration,
    quota: quota::Quota,
    tz: BaseTz,
}

impl Reader {
    pub fn new(cache: CacheHandle, settings: &ReadSettings, tz: BaseTz) -> Self {
        Reader {
            cache,
            breaker: Arc::new(Breaker::new(
                settings.breaker_failures,
                settings.breaker_open,
            )),
            budget: settings.budget,
            quota: quota::Quota {
                per_minute: settings.per_person_per_minute,
            },
            tz,
        }
    }

    /// The base's time zone (dates of kept data are shown in it).
    pub fn tz(&self) -> BaseTz {
        self.tz
    }

    pub fn cache(&self) -> &CacheHandle {
        &self.cache
    }

    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }

    /// The value under `key`: fresh from the cache, else from `fetch` (one call for concurrent
    /// misses, at most the budget long), else — when 1C fails or the breaker is open — what is
    /// kept, with its age. With nothing kept, the error ([`ReadError`] → a 503 page).
    pub async fn read<T, F, Fut>(
        &self,
        key: &str,
        policy: Policy,
        fetch: F,
    ) -> Result<Served<T>, ReadError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ReadError>>,
    {
        let kept = match self.cache.kept::<T>(key, policy).await {
            Some(hit) if hit.freshness == Freshness::Fresh => return Ok(Served::fresh(hit.value)),
            other => other,
        };
        let admission = self.breaker.admit();
        if admission == Admission::Refused {
            return match kept {
                Some(k) => Ok(self.served(k, key)),
                None => Err(ReadError::BreakerOpen),
            };
        }
        let outcome = Outcome::new(&self.breaker, admission);
        // Past the person's minute: the 429, not kept data (whose banner would blame 1C). 1C was
        // not asked, so the breaker learns nothing (a probe's turn is freed on drop).
        if let Err(retry_after) = self.quota.take(&self.cache).await {
            return Err(ReadError::Throttled { retry_after });
        }
        let budget = self.budget;
        let fetched = self
            .cache
            .get_or_fetch(key, policy, || async {
                let result = match tokio::time::timeout(budget, fetch()).await {
                    Ok(result) => result,
                    Err(_) => Err(ReadError::Timeout(budget)),
                };
                outcome.record(&result);
                result
            })
            .await;
        match fetched {
            Ok(f) => Ok(self.served(f, key)),
            Err(e) => {
                tracing::warn!(error = %e, key, "1C read failed, nothing kept");
                Err(e)
            }
        }
    }

    fn served<T>(&self, fetched: Fetched<T>, key: &str) -> Served<T> {
        let stale = match fetched.freshness {
            Freshness::Fresh => None,
            Freshness::Stale { age } => {
                tracing::warn!(key, age_s = age.as_secs(), "serving kept data");
                Some(self.stale(fetched.stored_at_ms, age))
            }
        };
        Served {
            value: fetched.value,
            stale,
        }
    }

    fn stale(&self, stored_at_ms: u64, age: Duration) -> Stale {
        let as_of = Utc
            .timestamp_millis_opt(stored_at_ms as i64)
            .single()
            .unwrap_or_else(Utc::now)
            .with_timezone(&self.tz.0)
            .fixed_offset();
        Stale {
            as_of,
            age_seconds: age.as_secs(),
        }
    }
}

/// Tells the breaker how a read that went to 1C ended; a probe dropped unanswered frees its turn.
struct Outcome<'a> {
    breaker: &'a Breaker,
    probe: bool,
    recorded: AtomicBool,
}

impl<'a> Outcome<'a> {
    fn new(breaker: &'a Breaker, admission: Admission) -> Self {
        Outcome {
            breaker,
            probe: admission == Admission::Probe,
            recorded: AtomicBool::new(false),
        }
    }

    fn record<T>(&self, result: &Result<T, ReadError>) {
        self.recorded.store(true, Ordering::Relaxed);
        match result {
            Err(e) if e.is_outage() => self.breaker.failed(),
            _ => self.breaker.succeeded(),
        }
    }
}

impl Drop for Outcome<'_> {
    fn drop(&mut self) {
        if self.probe && !self.recorded.load(Ordering::Relaxed) {
            self.breaker.abandoned();
        }
    }
}
