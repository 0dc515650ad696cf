//! The tracking function's Lambda wiring: API Gateway HTTP API (v2) events from `tests/fixtures`
//! through the function's Lambda handler in-process, as the runtime would deliver them.

use skazka_testkit::{assert_health_event, assert_missing_problem};

#[tokio::test]
async fn health_event_answers_json_with_the_backends_it_uses() {
    let app = skazka_testkit::app_using(skazka_tracking::USES, &[]).await;
    let handler = skazka_lambda::handler(skazka_tracking::router(app.state.clone()));
    assert_health_event(handler, skazka_tracking::SERVICE, skazka_tracking::USES).await;
}

#[tokio::test]
async fn unbuilt_path_answers_not_found() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_tracking::router(app.state.clone()));
    assert_missing_problem(
        handler,
        "apigw-v2/tracking-missing.json",
        "/api/v1/tracking/nothing-here",
    )
    .await;
}

#[tokio::test]
async fn the_binary_answers_an_event_under_the_runtime_api() {
    let app = skazka_testkit::app_using(skazka_tracking::USES, &[]).await;
    skazka_testkit::runtime::assert_binary_answers_health(
        env!("CARGO_BIN_EXE_skazka-tracking"),
        skazka_tracking::SERVICE,
        &app,
    )
    .await;
}
