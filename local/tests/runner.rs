//! The runner as a user starts it: the real binary, its printed URL, the home page and `/health`,
//! and the start-up time.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use skazka_testkit::TestDb;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_serves_home_and_health_quickly() {
    let db = TestDb::create().await;
    let url = {
        let host = match db.config.get_hosts().first() {
            Some(skazka_store::tokio_postgres::config::Host::Tcp(h)) => h.clone(),
            other => panic!("test database on {other:?}"),
        };
        let port = db.config.get_ports().first().copied().unwrap_or(5432);
        let user = db.config.get_user().unwrap_or("postgres");
        format!("postgres://{user}@{host}:{port}/{}", db.name)
    };
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_skazka-local"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORT", "0")
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("skazka-local starts");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .unwrap()
    .unwrap();
    let ready = started.elapsed();
    assert!(
        line.starts_with("Skazka portal: http://127.0.0.1:"),
        "{line}"
    );
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    eprintln!("ready in {ready:?}: {line}");
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
    drop(running);
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
