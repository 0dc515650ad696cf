//! The portal's one OpenAPI description: the committed `static/openapi.json` is exactly what the
//! code generates, and the running portal serves it at `/api/v1/openapi.json`. (`scripts/test`
//! validates it against the OpenAPI 3.1 schema with openapi-spec-validator.)

use axum::body::Body;
use skazka_testkit::send;

#[test]
fn the_committed_document_is_the_generated_one() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../static/openapi.json"
    ))
    .expect("static/openapi.json");
    let generated = skazka_local::openapi::committed_text();
    assert!(
        committed == generated,
        "static/openapi.json is out of date: run \
         `cargo run -p skazka-local --bin skazka-openapi > static/openapi.json`"
    );
}

#[test]
fn every_json_route_of_the_routers_is_described() {
    let doc = skazka_local::openapi::document();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/orders",
        "/orders/{id}",
        "/my/orders",
        "/sales/{id}",
        "/debts",
        "/debts/clients/{id}",
        "/my/debts",
        "/my/debts/clients/{id}",
        "/reports/sales/clients",
        "/reports/sales/goods",
        "/reports/sales/clients-goods",
        "/reports/sales/team",
        "/api/v1/catalogue",
        "/api/v1/catalogue/{id}",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/revoke",
        "/api/v1/tracking/pings",
        "/tracking",
        "/tracking/team",
    ] {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    // Every error answer is a problem body with its schema.
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // No function's schema hides another's of the same name.
    assert_eq!(
        skazka_local::openapi::clashing_names(),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn the_portal_serves_it() {
    let app = skazka_testkit::app().await;
    let router = skazka_local::router(app.state.clone());
    let request = axum::http::Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.json(), skazka_local::openapi::document());
}
