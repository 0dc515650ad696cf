//! The migration command in AWS Lambda.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;
use skazka_config::Config;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = Config::from_env().map_err(|e| {
        eprintln!("migrate: {e}");
        "invalid configuration (see the message above)"
    })?;
    let _telemetry = skazka_telemetry::init(&skazka_telemetry::Options {
        json: config.in_lambda(),
        sentry_dsn: config.sentry_dsn.as_ref().map(|s| s.expose()),
        environment: &config.environment,
        service: skazka_migrate::SERVICE,
    });
    let Some(database) = &config.database else {
        eprintln!("migrate: DATABASE_URL: expected a Postgres URL (required)");
        return Err("DATABASE_URL is required".into());
    };
    let pool = skazka_store::pool(&database.config, 1)?;
    let pool = &pool;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        skazka_migrate::handle(pool, event)
    }))
    .await
}
