//! The Redis cache (ElastiCache in AWS). One multiplexed connection, opened at start-up and
//! re-opened by the connection manager when Redis comes back after an outage.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

use crate::{Cache, CacheError, Entry};

/// Every Redis command gives up after this long: a slow cache must not slow pages down.
const TIMEOUT: Duration = Duration::from_millis(500);

pub struct RedisCache {
    client: redis::Client,
    location: String,
    prefix: String,
    connection: OnceCell<ConnectionManager>,
}

impl RedisCache {
    /// A cache on the Redis at `url`; keys get `prefix` (e.g. `skazka:`). Connects now; when
    /// Redis does not answer yet, the first use connects.
    pub async fn connect(url: &str, location: String, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let cache = RedisCache {
            client,
            location,
            prefix: prefix.to_owned(),
            connection: OnceCell::new(),
        };
        if let Err(e) = cache.connection().await {
            tracing::warn!(error = %e, location = %cache.location, "redis not reachable at start-up");
        }
        Ok(cache)
    }

    async fn connection(&self) -> Result<ConnectionManager, CacheError> {
        let connection = self
            .connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT))
                    .set_number_of_retries(1);
                tokio::time::timeout(
                    TIMEOUT * 2,
                    ConnectionManager::new_with_config(self.client.clone(), config),
                )
                .await
                .map_err(|_| CacheError::Timeout(TIMEOUT * 2))?
                .map_err(CacheError::from)
            })
            .await?;
        Ok(connection.clone())
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }
}

async fn bounded<T>(
    fut: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> Result<T, CacheError> {
    tokio::time::timeout(TIMEOUT, fut)
        .await
        .map_err(|_| CacheError::Timeout(TIMEOUT))?
        .map_err(CacheError::from)
}

#[async_trait::async_trait]
impl Cache for RedisCache {
    fn kind(&self) -> &'static str {
        "redis"
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    async fn get(&self, key: &str) -> Result<Option<Entry>, CacheError> {
        let mut c = self.connection().await?;
        let bytes: Option<Vec<u8>> = bounded(c.get(self.key(key))).await?;
        bytes.map(|b| Entry::decode(&b)).transpose()
    }

    async fn put(&self, key: &str, entry: &Entry, keep: Duration) -> Result<(), CacheError> {
        let mut c = self.connection().await?;
        let millis = keep.as_millis().max(1) as u64;
        bounded(c.pset_ex::<_, _, ()>(self.key(key), entry.encode(), millis)).await
    }

    async fn delete(&self, key: &str) -> Result<(), CacheError> {
        let mut c = self.connection().await?;
        bounded(c.del::<_, ()>(self.key(key))).await
    }

    async fn increment(&self, key: &str, window: Duration) -> Result<u64, CacheError> {
        let mut c = self.connection().await?;
        // One round trip; `NX` sets the expiry only when the counter was just created, so the
        // window is fixed from its first event.
        let (count,): (u64,) = bounded(
            redis::pipe()
                .atomic()
                .incr(self.key(key), 1u64)
                .cmd("PEXPIRE")
                .arg(self.key(key))
                .arg(window.as_millis().max(1) as u64)
                .arg("NX")
                .ignore()
                .query_async(&mut c),
        )
        .await?;
        Ok(count)
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut c = self.connection().await?;
        let pong: String = bounded(redis::cmd("PING").query_async(&mut c)).await?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(CacheError::Corrupt(format!("PING answered {pong:?}")))
        }
    }
}
