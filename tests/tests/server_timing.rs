//! `Server-Timing` reports the 1C calls a request made, as the 1C client counted them.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use onec_client::model::names;
use skazka_app::AppState;
use skazka_testkit::{StatusCode, get as fetch};

async fn count_warehouses(State(state): State<AppState>) -> String {
    let client = state.onec_client();
    let first = client.count(names::WAREHOUSES, None).await.unwrap();
    let second = client.count(names::WAREHOUSES, None).await.unwrap();
    assert_eq!(first, second);
    first.to_string()
}

#[tokio::test]
async fn one_c_calls_are_counted_per_request() {
    let app = skazka_testkit::app().await;
    let routes = Router::new().route("/count", get(count_warehouses));
    let router = skazka_app::shell("test", routes, app.state.clone());

    let reply = fetch(&router, "/count", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let timing = reply.header("server-timing");
    assert!(timing.starts_with("app;dur="), "{timing}");
    assert!(timing.contains(", onec;dur="), "{timing}");
    assert!(timing.contains("desc=\"2 calls"), "{timing}");

    // A request that makes no 1C call says so.
    let health = fetch(&router, "/health", None).await;
    assert!(
        health.header("server-timing").contains("desc=\"0 calls"),
        "{}",
        health.header("server-timing")
    );
}
