//! The prewarm function: run by an EventBridge schedule. Later it fills the cache with stock,
//! prices and closed-period reports ahead of time; for now it runs and logs each tick.

use lambda_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

/// The service name in logs and Sentry.
pub const SERVICE: &str = "prewarm";

/// One scheduled tick. Answers what it did (nothing to warm yet).
pub async fn handle(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let payload = &event.payload;
    let source = payload["source"].as_str().unwrap_or("unknown");
    let time = payload["time"].as_str().unwrap_or("");
    tracing::info!(
        request_id = %event.context.request_id,
        source,
        time,
        "prewarm tick: nothing is scheduled for warming yet"
    );
    Ok(json!({ "service": SERVICE, "warmed": 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_scheduled_event_is_handled() {
        let raw = include_str!("../../../tests/fixtures/eventbridge/scheduled.json");
        let payload: Value = serde_json::from_str(raw).unwrap();
        let event = LambdaEvent::new(payload, lambda_runtime::Context::default());
        let out = handle(event).await.unwrap();
        assert_eq!(out["warmed"], 0);
    }
}
