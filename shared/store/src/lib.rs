//! The Postgres store: a connection pool (deadpool-postgres over tokio-postgres) and the
//! migrations in `migrations/`, applied in order and recorded by refinery.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime, Timeouts};
use tokio_postgres::NoTls;

pub use deadpool_postgres::{Object as Client, Pool as PgPool};
pub use tokio_postgres;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("cannot build the pool: {0}")]
    Build(#[from] deadpool_postgres::BuildError),
    #[error("migrations: {0}")]
    Migrations(#[from] refinery::Error),
}

/// How long to wait for a connection, to open one, or to check one before reuse.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A pool on `config`. No connection is opened here: call [`warm_up`] during init.
pub fn pool(config: &tokio_postgres::Config, max_size: usize) -> Result<Pool, StoreError> {
    let mut config = config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("skazka");
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            // Checks that a pooled connection is still open before handing it out, so a server
            // restart costs one failed check, not one failed request per stale connection.
            recycling_method: RecyclingMethod::Verified,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(max_size)
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(CONNECT_TIMEOUT),
            create: Some(CONNECT_TIMEOUT),
            recycle: Some(CONNECT_TIMEOUT),
        })
        .build()?;
    Ok(pool)
}

/// Opens one connection now (during init, not on the first request).
pub async fn warm_up(pool: &Pool) -> Result<(), StoreError> {
    let client = pool.get().await?;
    client.simple_query("SELECT 1").await?;
    Ok(())
}

/// Whether Postgres answers: a connection from the pool and `SELECT 1`.
pub async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let client = pool.get().await?;
    client.simple_query("SELECT 1").await?;
    Ok(())
}

/// A migration that has been applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub version: i32,
    pub name: String,
}

/// Applies the migrations not yet applied, in order, and records them (table
/// `refinery_schema_history`). Returns the ones applied by this call.
pub async fn migrate(pool: &Pool) -> Result<Vec<Applied>, StoreError> {
    let mut client = pool.get().await?;
    let report = embedded::migrations::runner()
        .set_grouped(false)
        .run_async(&mut **client)
        .await?;
    let applied: Vec<Applied> = report
        .applied_migrations()
        .iter()
        .map(|m| Applied {
            version: m.version(),
            name: m.name().to_owned(),
        })
        .collect();
    for m in &applied {
        tracing::info!(version = m.version, name = %m.name, "migration applied");
    }
    Ok(applied)
}

/// The migrations this build carries, in order.
pub fn known_migrations() -> Vec<Applied> {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| Applied {
            version: m.version(),
            name: m.name().to_owned(),
        })
        .collect()
}
