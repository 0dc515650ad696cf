//! Postgres stopping while the portal runs: `/health` says so with 503, and recovers when
//! Postgres is back, without a restart. Uses the runner's own throw-away cluster, so stopping it
//! disturbs nobody.

use std::time::Duration;

use skazka_app::{AppState, PostgresTarget};
use skazka_config::Config;
use skazka_local::TempCluster;
use skazka_testkit::{StatusCode, get};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_follows_postgres_down_and_back() {
    let cluster = tokio::task::spawn_blocking(TempCluster::create)
        .await
        .unwrap()
        .expect("PostgreSQL server binaries (Debian package postgresql) are needed");
    let sim = skazka_testkit::simulator().await;
    let postgres = PostgresTarget {
        config: cluster.admin_config(),
        origin: "temporary cluster",
    };
    let config = Config::from_lookup(|_| None).unwrap();
    let state = AppState::init(
        config,
        skazka_app::Uses::ALL,
        Some(skazka_testkit::sim_endpoint(&sim)),
        Some(postgres),
    )
    .await
    .unwrap();
    skazka_store::migrate(state.db()).await.unwrap();
    let router = skazka_local::router(state);

    let up = get(&router, "/health", None).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.body);

    let cluster = tokio::task::spawn_blocking(move || cluster.stop().map(|()| cluster))
        .await
        .unwrap()
        .unwrap();
    let down = get(&router, "/health", None).await;
    assert_eq!(
        down.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        down.body
    );
    let health = down.json();
    assert_eq!(health["backends"]["postgres"]["reachable"], false);
    assert_eq!(health["backends"]["pings"]["reachable"], false);
    assert_eq!(health["backends"]["onec"]["reachable"], true);

    let _cluster = tokio::task::spawn_blocking(move || cluster.start().map(|()| cluster))
        .await
        .unwrap()
        .unwrap();
    // Pooled connections died with the server; the pool notices and opens new ones.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        status = get(&router, "/health", None).await.status;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, StatusCode::OK);
}
