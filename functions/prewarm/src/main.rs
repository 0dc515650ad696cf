//! The prewarm function in AWS Lambda (EventBridge Scheduler): state built once per cold start,
//! then one run per event.

use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    let (_telemetry, state) =
        skazka_lambda::init(skazka_prewarm::SERVICE, skazka_prewarm::USES).await?;
    let prewarm = skazka_prewarm::Prewarm::new(&state);
    let prewarm = &prewarm;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let outcome = skazka_prewarm::handle(prewarm, event).await;
        // A failed step was logged at `error`: send it before Lambda freezes the process.
        skazka_telemetry::flush_sentry(std::time::Duration::from_secs(2)).await;
        outcome.map_err(lambda_runtime::Error::from)
    }))
    .await
}
