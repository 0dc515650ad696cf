//! The runner as a user starts it: the real binary, its printed URL, the home page and `/health`,
//! and the start-up time.

mod common;

use std::process::Command;
use std::time::Duration;

use common::Portal;

#[tokio::test]
async fn the_binary_serves_home_and_health_quickly() {
    let portal = Portal::start(&[]).await;
    let (base, ready, db) = (&portal.base, portal.ready_in, &portal.db);
    eprintln!("ready in {ready:?}: {base}");
    assert!(ready < Duration::from_secs(2), "start-up took {ready:?}");

    let client = reqwest::Client::new();
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(body.contains("<html lang=\"ru\">") && body.contains("Сказка"));

    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["backends"]["onec"]["kind"], "simulator");
    let location = health["backends"]["postgres"]["location"].as_str().unwrap();
    assert!(location.contains(&db.name), "{location}");
}

#[test]
fn a_bad_variable_is_named_and_stops_the_runner() {
    let output = Command::new(env!("CARGO_BIN_EXE_skazka-local"))
        .env_clear()
        .env("PORT", "http")
        .env("REDIS_URL", "localhost:6379")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("PORT: expected a TCP port number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("REDIS_URL: expected a redis://"),
        "{stderr}"
    );
}
