//! The prewarm function's binary, started as Lambda starts it, handles an EventBridge schedule
//! event (`tests/fixtures/eventbridge/scheduled.json`).

#[tokio::test]
async fn the_binary_handles_a_scheduled_event_under_the_runtime_api() {
    let invoked = skazka_testkit::runtime::invoke_binary(
        env!("CARGO_BIN_EXE_skazka-prewarm"),
        &[("SKAZKA_ENV", "test".to_owned())],
        &skazka_testkit::fixture("eventbridge/scheduled.json"),
        std::time::Duration::from_secs(60),
    )
    .await;
    assert_eq!(invoked.response["service"], skazka_prewarm::SERVICE);
}
