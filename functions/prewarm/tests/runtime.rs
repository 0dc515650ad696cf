//! The prewarm function's binary, started as Lambda starts it against the test's backends,
//! handles an EventBridge schedule event (`tests/fixtures/eventbridge/scheduled.json`): one run of
//! every step.

#[tokio::test]
async fn the_binary_handles_a_scheduled_event_under_the_runtime_api() {
    let app = skazka_testkit::app().await;
    let invoked = skazka_testkit::runtime::invoke_binary(
        env!("CARGO_BIN_EXE_skazka-prewarm"),
        &skazka_testkit::runtime::lambda_env(&app),
        &skazka_testkit::fixture("eventbridge/scheduled.json"),
        std::time::Duration::from_secs(120),
    )
    .await;
    assert_eq!(invoked.response["service"], skazka_prewarm::SERVICE);
    assert_eq!(invoked.response["ran"], true, "{:?}", invoked.response);
    let steps = invoked.response["summary"]["steps"].as_array().unwrap();
    assert!(steps.iter().all(|s| s["error"].is_null()), "{steps:?}");
}
