//! Pings in Postgres (table `location_pings`, see `migrations/`): the local default.

use chrono::{DateTime, Duration, Utc};
use skazka_store::PgPool;
use uuid::Uuid;

use crate::{Ping, PingError, PingStore, Recorded, unique};

pub struct PostgresPings {
    pool: PgPool,
    retention: Duration,
}

impl PostgresPings {
    pub fn new(pool: PgPool, retention: Duration) -> Self {
        PostgresPings { pool, retention }
    }

    async fn client(&self) -> Result<skazka_store::Client, PingError> {
        Ok(self
            .pool
            .get()
            .await
            .map_err(skazka_store::StoreError::from)?)
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

    fn retention(&self) -> Duration {
        self.retention
    }

    async fn record(&self, pings: &[Ping]) -> Result<Recorded, PingError> {
        pings.iter().try_for_each(Ping::validate)?;
        let once = unique(pings);
        if once.is_empty() {
            return Ok(Recorded {
                stored: 0,
                duplicates: pings.len(),
            });
        }
        // One statement for the whole batch; the primary key (id) turns a resent ping into a
        // skipped row, and the row count says how many were new.
        let ids: Vec<Uuid> = once.iter().map(|p| p.id).collect();
        let agents: Vec<&str> = once.iter().map(|p| p.agent.as_str()).collect();
        let ats: Vec<DateTime<Utc>> = once.iter().map(|p| p.at).collect();
        let lats: Vec<f64> = once.iter().map(|p| p.latitude).collect();
        let lons: Vec<f64> = once.iter().map(|p| p.longitude).collect();
        let accs: Vec<Option<f32>> = once.iter().map(|p| p.accuracy_m).collect();
        let speeds: Vec<Option<f32>> = once.iter().map(|p| p.speed_mps).collect();
        let batteries: Vec<Option<f32>> = once.iter().map(|p| p.battery).collect();
        let expires: Vec<DateTime<Utc>> = once.iter().map(|p| p.at + self.retention).collect();
        let stored = self
            .client()
            .await?
            .execute(
                "INSERT INTO location_pings
                   (id, agent, at, latitude, longitude, accuracy_m, speed_mps, battery, expires_at)
                 SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::float8[],
                   $5::float8[], $6::real[], $7::real[], $8::real[], $9::timestamptz[])
                 ON CONFLICT (id) DO NOTHING",
                &[
                    &ids, &agents, &ats, &lats, &lons, &accs, &speeds, &batteries, &expires,
                ],
            )
            .await? as usize;
        Ok(Recorded {
            stored,
            duplicates: pings.len() - stored,
        })
    }

    async fn between(
        &self,
        agent: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ping>, PingError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, agent, at, latitude, longitude, accuracy_m, speed_mps, battery
                 FROM location_pings
                 WHERE agent = $1 AND at >= $2 AND at < $3 AND expires_at > now()
                 ORDER BY at, id",
                &[&agent, &from, &to],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Ping {
                id: r.get(0),
                agent: r.get(1),
                at: r.get(2),
                latitude: r.get(3),
                longitude: r.get(4),
                accuracy_m: r.get(5),
                speed_mps: r.get(6),
                battery: r.get(7),
            })
            .collect())
    }

    async fn check(&self) -> Result<(), PingError> {
        self.client()
            .await?
            .simple_query("SELECT 1 FROM location_pings LIMIT 1")
            .await?;
        Ok(())
    }
}
