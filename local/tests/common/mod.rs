//! The runner as a user starts it: the real binary on a free port against a fresh database,
//! stopped when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use skazka_testkit::TestDb;

pub struct Portal {
    child: Child,
    stdout: Option<ChildStdout>,
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub base: String,
    /// From process start to the first line printed (the server answers from then on).
    pub ready_in: Duration,
    pub db: TestDb,
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The URL of `db` as `DATABASE_URL`.
pub fn database_url(db: &TestDb) -> String {
    let host = match db.config.get_hosts().first() {
        Some(skazka_store::tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        other => panic!("test database on {other:?}"),
    };
    let port = db.config.get_ports().first().copied().unwrap_or(5432);
    let user = db.config.get_user().unwrap_or("postgres");
    format!("postgres://{user}@{host}:{port}/{}", db.name)
}

impl Portal {
    /// Starts `skazka-local` with nothing but a database and `env`, and waits for its URL.
    pub async fn start(env: &[(&str, &str)]) -> Portal {
        let db = TestDb::create().await;
        let started = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_skazka-local"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", "0")
            .env("DATABASE_URL", database_url(&db))
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("skazka-local starts");
        let stdout = child.stdout.take().unwrap();
        let (line, stdout) = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .map(|_| (line, reader.into_inner()))
        })
        .await
        .unwrap()
        .unwrap();
        let ready_in = started.elapsed();
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
        Portal {
            child,
            stdout: Some(stdout),
            base,
            ready_in,
            db,
        }
    }

    /// Waits until the runner printed the demo sign-ins (they work from then on).
    pub async fn demo_ready(&mut self) {
        let stdout = self.stdout.take().expect("stdout not read yet");
        tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                if line.starts_with("Demo sign-ins") {
                    return;
                }
                line.clear();
            }
            panic!("the runner ended without printing the demo sign-ins");
        })
        .await
        .unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// The runner started in this process on a fresh database, with the demo accounts made, and the
/// access token of the demo sign-in `login` (an index of `skazka_local::DEMO_LOGINS`).
pub async fn runner_signed_in(login: usize) -> (skazka_local::Runner, TestDb, String) {
    use axum::body::Body;
    let db = TestDb::create().await;
    let url = db.url();
    let config =
        skazka_config::Config::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone())).unwrap();
    let runner = skazka_local::Runner::start(config)
        .await
        .expect("the runner starts");
    skazka_local::demo_accounts(&runner.state)
        .await
        .expect("demo accounts");
    let (_, phone) = skazka_local::DEMO_LOGINS[login];
    let sign_in = axum::http::Request::post("/api/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::json!({"phone": phone, "password": skazka_local::DEMO_PASSWORD})
                .to_string(),
        ))
        .unwrap();
    let token = skazka_testkit::send(&runner.router, sign_in).await.json()["access_token"]
        .as_str()
        .expect("the demo sign-in works")
        .to_owned();
    (runner, db, token)
}
