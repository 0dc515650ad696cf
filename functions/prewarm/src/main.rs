//! The prewarm function in AWS Lambda (EventBridge schedule).

use lambda_runtime::service_fn;
use skazka_config::Config;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = Config::from_env().map_err(|e| {
        eprintln!("prewarm: {e}");
        "invalid configuration (see the message above)"
    })?;
    let _telemetry = skazka_telemetry::init(&skazka_telemetry::Options {
        json: config.in_lambda(),
        sentry_dsn: config.sentry_dsn.as_ref().map(|s| s.expose()),
        environment: &config.environment,
        service: skazka_prewarm::SERVICE,
    });
    lambda_runtime::run(service_fn(skazka_prewarm::handle)).await
}
