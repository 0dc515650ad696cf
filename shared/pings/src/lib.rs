//! Agents' location pings: one trait, [`PingStore`], kept in DynamoDB in AWS ([`DynamoPings`])
//! or in Postgres locally ([`PostgresPings`]). Pings expire after [`RETENTION`]; both
//! implementations ignore expired pings when reading (DynamoDB's TTL deletes them days late).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

mod dynamo;
mod postgres;

pub use dynamo::DynamoPings;
pub use postgres::PostgresPings;

/// How long a ping is kept.
pub const RETENTION: Duration = Duration::days(90);

/// One position report from an agent's phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ping {
    /// The agent's 1C user ref.
    pub agent: String,
    pub at: DateTime<Utc>,
    pub latitude: f64,
    pub longitude: f64,
    /// Reported accuracy in metres, when the device gave one.
    pub accuracy_m: Option<f32>,
}

impl Ping {
    /// When the ping stops being kept.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.at + RETENTION
    }

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

/// Where pings are kept.
#[async_trait::async_trait]
pub trait PingStore: Send + Sync + 'static {
    /// `dynamodb` or `postgres`.
    fn kind(&self) -> &'static str;
    /// Where (table name, endpoint), without credentials.
    fn location(&self) -> String;
    /// Stores a ping; a second ping of one agent at the same instant replaces the first.
    async fn record(&self, ping: &Ping) -> Result<(), PingError>;
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
