//! The one-shot migration command in AWS: a Lambda in the VPC, invoked once per deploy
//! (`aws lambda invoke --function-name <stack>-migrate out.json`), that applies the migrations
//! in `migrations/` to RDS and answers which it applied. Running it again applies nothing.

use lambda_runtime::{Error, LambdaEvent};
use serde::Serialize;
use serde_json::Value;
use skazka_store::PgPool;

/// The service name in logs and Sentry.
pub const SERVICE: &str = "migrate";

#[derive(Debug, Serialize)]
pub struct Outcome {
    /// `V<version>__<name>` of each migration applied now.
    pub applied: Vec<String>,
    /// How many migrations this build carries.
    pub known: usize,
}

/// Applies the pending migrations.
pub async fn run(pool: &PgPool) -> Result<Outcome, Error> {
    let applied = skazka_store::migrate(pool).await?;
    Ok(Outcome {
        applied: applied
            .iter()
            .map(|m| format!("V{}__{}", m.version, m.name))
            .collect(),
        known: skazka_store::known_migrations().len(),
    })
}

/// The Lambda handler: the event's content is ignored.
pub async fn handle(pool: &PgPool, _event: LambdaEvent<Value>) -> Result<Outcome, Error> {
    let outcome = run(pool).await?;
    tracing::info!(applied = ?outcome.applied, known = outcome.known, "migrations done");
    Ok(outcome)
}
