//! Agents' location pings: one trait, [`PingStore`], kept in DynamoDB in AWS ([`DynamoPings`])
//! or in Postgres locally ([`PostgresPings`]). A ping's id (a UUID the phone makes) is its key:
//! a batch sent twice stores nothing twice. Pings expire after the store's retention
//! ([`DEFAULT_RETENTION`] unless configured); both implementations ignore expired pings when
//! reading (DynamoDB's TTL deletes them days late).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "dynamodb")]
mod dynamo;
mod postgres;

#[cfg(feature = "dynamodb")]
pub use dynamo::DynamoPings;
pub use postgres::PostgresPings;

/// How long a ping is kept unless `PINGS_RETENTION_DAYS` says otherwise.
pub const DEFAULT_RETENTION: Duration = Duration::days(90);

/// One position report from an agent's phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ping {
    /// The phone's id for this ping: the key that makes a resent batch harmless.
    pub id: Uuid,
    /// The agent's 1C user ref.
    pub agent: String,
    pub at: DateTime<Utc>,
    pub latitude: f64,
    pub longitude: f64,
    /// Reported accuracy in metres, when the device gave one.
    pub accuracy_m: Option<f32>,
    /// Speed in metres per second, when the device gave one.
    pub speed_mps: Option<f32>,
    /// Battery level, 0 to 1, when the device gave one.
    pub battery: Option<f32>,
}

impl Ping {
    fn validate(&self) -> Result<(), PingError> {
        if self.agent.is_empty() {
            return Err(PingError::Invalid("empty agent".into()));
        }
        if !(-90.0..=90.0).contains(&self.latitude) || !(-180.0..=180.0).contains(&self.longitude) {
            return Err(PingError::Invalid(format!(
                "position out of range: {}, {}",
                self.latitude, self.longitude
            )));
        }
        Ok(())
    }
}

/// What a batch did to the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// Pings stored now.
    pub stored: usize,
    /// Pings the store already had (or that came twice in the batch): not stored again.
    pub duplicates: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum PingError {
    #[error("invalid ping: {0}")]
    Invalid(String),
    #[error("postgres: {0}")]
    Postgres(#[from] skazka_store::StoreError),
    #[error("dynamodb: {0}")]
    Dynamo(String),
    #[error("stored ping is unreadable: {0}")]
    Corrupt(String),
}

impl From<skazka_store::tokio_postgres::Error> for PingError {
    fn from(e: skazka_store::tokio_postgres::Error) -> Self {
        PingError::Postgres(e.into())
    }
}

/// The pings of a batch with each id once (the first wins).
fn unique(pings: &[Ping]) -> Vec<&Ping> {
    let mut seen = std::collections::HashSet::with_capacity(pings.len());
    pings.iter().filter(|p| seen.insert(p.id)).collect()
}

/// Where pings are kept.
#[async_trait::async_trait]
pub trait PingStore: Send + Sync + 'static {
    /// `dynamodb` or `postgres`.
    fn kind(&self) -> &'static str;
    /// Where (table name, endpoint), without credentials.
    fn location(&self) -> String;
    /// How long a ping is kept after its time.
    fn retention(&self) -> Duration;
    /// Stores a batch; a ping whose id the store already has is counted, not stored again. The
    /// whole batch is refused if one ping is invalid (callers validate first).
    async fn record(&self, pings: &[Ping]) -> Result<Recorded, PingError>;
    /// An agent's unexpired pings with `from <= at < to`, oldest first.
    async fn between(
        &self,
        agent: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ping>, PingError>;
    /// Whether the backend answers.
    async fn check(&self) -> Result<(), PingError>;
}
