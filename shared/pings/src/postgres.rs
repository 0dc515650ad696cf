//! Pings in Postgres (table `location_pings`, see `migrations/`).

use chrono::{DateTime, Utc};
use skazka_store::PgPool;

use crate::{Ping, PingError, PingStore};

pub struct PostgresPings {
    pool: PgPool,
}

impl PostgresPings {
    pub fn new(pool: PgPool) -> Self {
        PostgresPings { pool }
    }
}

#[async_trait::async_trait]
impl PingStore for PostgresPings {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn location(&self) -> String {
        "table location_pings".to_owned()
    }

    async fn record(&self, ping: &Ping) -> Result<(), PingError> {
        ping.validate()?;
        let client = self
            .pool
            .get()
            .await
            .map_err(skazka_store::StoreError::from)?;
        client
            .execute(
                "INSERT INTO location_pings (agent, at, latitude, longitude, accuracy_m, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (agent, at) DO UPDATE SET
                   latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
                   accuracy_m = EXCLUDED.accuracy_m, expires_at = EXCLUDED.expires_at",
                &[
                    &ping.agent,
                    &ping.at,
                    &ping.latitude,
                    &ping.longitude,
                    &ping.accuracy_m,
                    &ping.expires_at(),
                ],
            )
            .await?;
        Ok(())
    }

    async fn between(
        &self,
        agent: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ping>, PingError> {
        let client = self
            .pool
            .get()
            .await
            .map_err(skazka_store::StoreError::from)?;
        let rows = client
            .query(
                "SELECT agent, at, latitude, longitude, accuracy_m FROM location_pings
                 WHERE agent = $1 AND at >= $2 AND at < $3 AND expires_at > now()
                 ORDER BY at",
                &[&agent, &from, &to],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Ping {
                agent: r.get(0),
                at: r.get(1),
                latitude: r.get(2),
                longitude: r.get(3),
                accuracy_m: r.get(4),
            })
            .collect())
    }

    async fn check(&self) -> Result<(), PingError> {
        let client = self
            .pool
            .get()
            .await
            .map_err(skazka_store::StoreError::from)?;
        client
            .simple_query("SELECT 1 FROM location_pings LIMIT 1")
            .await?;
        Ok(())
    }
}
