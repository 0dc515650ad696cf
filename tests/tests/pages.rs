//! The whole portal as the local runner mounts it: the home page in the shared layout, errors by
//! `Accept`, security headers, request ids, `Server-Timing` and static files.

use skazka_testkit::{StatusCode, get, send};

async fn portal() -> (skazka_testkit::TestApp, axum::Router) {
    let app = skazka_testkit::app().await;
    let router = skazka_local::router(app.state.clone());
    (app, router)
}

#[tokio::test]
async fn home_page_is_the_russian_layout_with_security_headers() {
    let (_app, router) = portal().await;
    let reply = get(&router, "/", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert!(reply.body.starts_with("<!DOCTYPE html><html lang=\"ru\">"));
    assert!(
        reply
            .body
            .contains("<a class=\"brand\" href=\"/\">Сказка</a>")
    );
    assert!(reply.body.contains("/static/css/skazka.css"));
    let csp = reply.header("content-security-policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        reply
            .header("strict-transport-security")
            .starts_with("max-age=")
    );
    assert_eq!(reply.header("x-content-type-options"), "nosniff");
    assert_eq!(reply.header("x-frame-options"), "DENY");
    assert_eq!(
        reply.header("referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert!(reply.header("server-timing").starts_with("app;dur="));
    assert_eq!(reply.header("x-request-id").len(), 36);
}

#[tokio::test]
async fn a_callers_request_id_is_kept() {
    let (_app, router) = portal().await;
    let request = axum::http::Request::get("/health")
        .header("x-request-id", "test-4711")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.header("x-request-id"), "test-4711");
}

#[tokio::test]
async fn unknown_paths_answer_a_russian_page_or_a_problem() {
    let (_app, router) = portal().await;
    let html = get(&router, "/orders/by-date", None).await;
    assert_eq!(html.status, StatusCode::NOT_FOUND);
    assert!(html.header("content-type").starts_with("text/html"));
    assert!(html.body.contains("Страница не найдена"));
    assert!(html.body.contains("На главную"));
    assert!(html.body.contains(html.header("x-request-id")));

    let json = get(&router, "/api/v1/catalogue/items", Some("application/json")).await;
    assert_eq!(json.status, StatusCode::NOT_FOUND);
    assert_eq!(json.header("content-type"), "application/problem+json");
    let problem = json.json();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Страница не найдена");
    assert_eq!(problem["instance"], "/api/v1/catalogue/items");
    assert_eq!(problem["request_id"], json.header("x-request-id"));
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let (_app, router) = portal().await;
    let request = axum::http::Request::delete("/")
        .header("accept", "application/json")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(reply.header("allow").contains("GET"));
    assert_eq!(reply.json()["status"], 405);
}

#[tokio::test]
async fn static_files_are_served() {
    let (_app, router) = portal().await;
    let css = get(&router, "/static/css/skazka.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
    let missing = get(&router, "/static/nope.css", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
