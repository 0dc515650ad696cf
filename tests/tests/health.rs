//! `/health` names each backend and whether it answers; 503 when a required one does not.

use std::str::FromStr;

use skazka_app::{AppState, PostgresTarget, Uses};
use skazka_config::Config;
use skazka_testkit::{StatusCode, get};

fn dynamodb_endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run scripts/test, which starts moto_server and sets it",
    )
}

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

#[tokio::test]
async fn local_defaults_are_all_reachable() {
    let app = skazka_testkit::app().await;
    let router = skazka_local::router(app.state.clone());
    let reply = get(&router, "/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.header("cache-control"), "no-store");
    let health = reply.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["backends"]["onec"]["kind"], "simulator");
    assert_eq!(health["backends"]["postgres"]["kind"], "postgres");
    assert_eq!(health["backends"]["cache"]["kind"], "memory");
    assert_eq!(health["backends"]["pings"]["kind"], "postgres");
    for backend in ["onec", "postgres", "cache", "pings"] {
        assert_eq!(health["backends"][backend]["reachable"], true, "{health}");
    }
}

#[tokio::test]
async fn redis_and_dynamodb_when_configured() {
    let table = format!("skazka-pings-{}", uuid::Uuid::new_v4().simple());
    let endpoint = dynamodb_endpoint();
    let app = skazka_testkit::app_with(&[
        ("REDIS_URL", &redis_url()),
        ("PINGS_TABLE", &table),
        ("DYNAMODB_ENDPOINT", &endpoint),
    ])
    .await;
    let settings = app.state.config().pings.clone().unwrap();
    skazka_pings::DynamoPings::connect(&settings, skazka_pings::DEFAULT_RETENTION)
        .await
        .ensure_table()
        .await
        .unwrap();
    let router = skazka_local::router(app.state.clone());
    let health = get(&router, "/health", None).await.json();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["backends"]["cache"]["kind"], "redis");
    assert_eq!(health["backends"]["pings"]["kind"], "dynamodb");
    assert!(
        health["backends"]["pings"]["location"]
            .as_str()
            .unwrap()
            .contains(&table)
    );
}

#[tokio::test]
async fn postgres_down_is_503_and_names_postgres() {
    let app = skazka_testkit::app().await;
    // The same state, but Postgres on a port where nothing listens.
    let config = Config::from_lookup(|_| None).unwrap();
    let postgres = PostgresTarget {
        config: skazka_store::tokio_postgres::Config::from_str(
            "postgres://postgres@127.0.0.1:1/nowhere",
        )
        .unwrap(),
        origin: "test",
    };
    let state = AppState::init(
        config,
        Uses::ALL,
        Some(app.state.onec().clone()),
        Some(postgres),
    )
    .await
    .unwrap();
    let router = skazka_local::router(state);
    let started = std::time::Instant::now();
    let reply = get(&router, "/health", None).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let health = reply.json();
    assert_eq!(health["status"], "unavailable");
    assert_eq!(health["backends"]["postgres"]["reachable"], false);
    assert!(health["backends"]["postgres"]["error"].is_string());
    // The home page still answers (without the catalogue's groups).
    assert_eq!(get(&router, "/", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn onec_down_is_degraded_not_unavailable() {
    let app = skazka_testkit::app().await;
    app.sim.set_faults(onec_sim::Faults {
        mode: Some(onec_sim::FaultMode::Unavailable),
        ..onec_sim::Faults::default()
    });
    let router = skazka_local::router(app.state.clone());
    let reply = get(&router, "/health", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let health = reply.json();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["backends"]["onec"]["reachable"], false);
    assert_eq!(health["backends"]["onec"]["required"], false);
}

#[tokio::test]
async fn a_function_that_uses_neither_starts_without_postgres_or_dynamodb() {
    // Nothing configured but the cache: no 1C, no database, no table.
    let config = Config::from_lookup(|_| None).unwrap();
    let state = AppState::init(config, Uses::CACHE_ONLY, None, None)
        .await
        .expect("a cache-only function starts with nothing else configured");
    let router = skazka_app::shell("cache-only", axum::Router::new(), state);
    let reply = get(&router, "/health", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let health = reply.json();
    let listed: Vec<&String> = health["backends"].as_object().unwrap().keys().collect();
    assert_eq!(listed, ["cache"], "{health}");
    assert_eq!(
        get(&router, "/nothing", None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_function_that_uses_postgres_does_not_start_without_it() {
    let config = Config::from_lookup(|_| None).unwrap();
    let missing = AppState::init(config, Uses::CACHE_ONLY.postgres(), None, None).await;
    assert!(matches!(
        missing,
        Err(skazka_app::InitError::Missing("Postgres"))
    ));
}
