//! The catalogue function's Lambda wiring: API Gateway HTTP API (v2) events from `tests/fixtures`
//! through the function's Lambda handler in-process, as the runtime would deliver them.

use skazka_testkit::{assert_health_event, body_json, fixture, invoke, lambda_header};

#[tokio::test]
async fn health_event_answers_json_with_the_backends_it_uses() {
    let app = skazka_testkit::app_using(skazka_catalogue::USES, &[]).await;
    let handler = skazka_lambda::handler(skazka_catalogue::router(app.state.clone()));
    assert_health_event(handler, skazka_catalogue::SERVICE, skazka_catalogue::USES).await;
}

#[tokio::test]
async fn unbuilt_path_answers_not_found() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_catalogue::router(app.state.clone()));
    let response = invoke(handler, &fixture("apigw-v2/catalogue-missing.json")).await;
    assert_eq!(response["statusCode"], 404, "{response}");
    assert!(lambda_header(&response, "content-type").starts_with("text/html"));
    let body = response["body"].as_str().unwrap();
    assert!(body.contains("<html lang=\"ru\">"), "{body}");
    assert!(body.contains("Страница не найдена"), "{body}");
    assert_eq!(lambda_header(&response, "x-frame-options"), "DENY");
}

#[tokio::test]
async fn home_page_event_answers_the_russian_layout() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_catalogue::router(app.state.clone()));
    let response = invoke(handler, &fixture("apigw-v2/catalogue-home.json")).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    assert!(lambda_header(&response, "content-type").starts_with("text/html"));
    let body = response["body"].as_str().unwrap();
    assert!(body.contains("<html lang=\"ru\">"), "{body}");
    assert!(body.contains("Сказка"), "{body}");
    assert!(lambda_header(&response, "content-security-policy").contains("default-src 'self'"));
}

#[tokio::test]
async fn post_to_health_is_method_not_allowed() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_catalogue::router(app.state.clone()));
    let response = invoke(handler, &fixture("apigw-v2/post-health.json")).await;
    assert_eq!(response["statusCode"], 405, "{response}");
    assert_eq!(body_json(&response)["status"], 405);
}

#[tokio::test]
async fn the_binary_answers_an_event_under_the_runtime_api() {
    let app = skazka_testkit::app_using(skazka_catalogue::USES, &[]).await;
    skazka_testkit::runtime::assert_binary_answers_health(
        env!("CARGO_BIN_EXE_skazka-catalogue"),
        skazka_catalogue::SERVICE,
        &app,
    )
    .await;
}
