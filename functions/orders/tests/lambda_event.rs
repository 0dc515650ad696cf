//! The orders function's Lambda wiring: API Gateway HTTP API (v2) events from `tests/fixtures`
//! through the function's Lambda handler in-process, as the runtime would deliver them.

use skazka_testkit::{body_json, fixture, invoke, lambda_header};

#[tokio::test]
async fn health_event_answers_json_with_every_backend() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_orders::router(app.state.clone()));
    let response = invoke(handler, &fixture("apigw-v2/health.json")).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let health = body_json(&response);
    assert_eq!(health["service"], skazka_orders::SERVICE);
    assert_eq!(health["status"], "ok", "{health}");
    for backend in ["onec", "postgres", "cache", "pings"] {
        assert_eq!(
            health["backends"][backend]["reachable"], true,
            "{backend}: {health}"
        );
    }
    assert!(!lambda_header(&response, "x-request-id").is_empty());
    assert!(lambda_header(&response, "server-timing").starts_with("app;dur="));
}

#[tokio::test]
async fn malformed_order_id_answers_not_found_before_the_session() {
    let app = skazka_testkit::app().await;
    let handler = skazka_lambda::handler(skazka_orders::router(app.state.clone()));
    let response = invoke(handler, &fixture("apigw-v2/orders-missing.json")).await;
    assert_eq!(response["statusCode"], 404, "{response}");
    assert_eq!(
        lambda_header(&response, "content-type"),
        "application/problem+json"
    );
    let problem = body_json(&response);
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["instance"], "/orders/by-date");
    assert_eq!(problem["title"], "Страница не найдена");
    assert_eq!(lambda_header(&response, "x-frame-options"), "DENY");
}
