//! The list page's server time with a warm and a cold cache, and requests per second on the local
//! runner, against the simulator (`small` demo base). Run by hand:
//!
//! ```sh
//! cargo bench -p skazka-orders --bench list            # ORDERS_BENCH_N=300 ORDERS_BENCH_SECS=5
//! ```
//!
//! Server time is the `app;dur=` entry of `Server-Timing` (the whole handler, 1C included).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Days;
use onec_client::Guid;
use onec_client::model::OrderDate;
use onec_sim::demo;
use skazka_orders::service::list_key;
use skazka_session::{Identity, Role};
use skazka_testkit::send;
use skazka_viewer::{Team, Viewer};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn app_ms(timing: &str) -> f64 {
    timing
        .split(',')
        .find_map(|e| e.trim().strip_prefix("app;dur="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no app entry: {timing}"))
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<22} n={:<4} median {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        ms.len(),
        pick(0.5),
        pick(0.99),
        pick(1.0)
    );
}

#[tokio::main]
async fn main() {
    let n = env_or("ORDERS_BENCH_N", 300) as usize;
    let secs = env_or("ORDERS_BENCH_SECS", 5);
    let app = skazka_testkit::app().await;
    let agent = Guid::from_uuid(demo::DEMO_AGENT);
    let identity = Identity {
        user_id: uuid::Uuid::new_v4(),
        session_id: uuid::Uuid::new_v4(),
        role: Role::Agent,
        name: "Бенчмарк".into(),
        onec_ref: Some(agent),
        partners: vec![],
        impersonator: None,
    };
    let token = app.state.sessions().issue(&identity).unwrap().token;
    let to = app.sim.sim().as_of();
    let from = to - Days::new(6);
    let path = format!("/orders?from={from}&to={to}");
    let router = skazka_orders::router(app.state.clone());
    let request = || {
        axum::http::Request::get(&path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let first = send(&router, request()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let rows: serde_json::Value = {
        let r = send(
            &router,
            axum::http::Request::get(&path)
                .header("authorization", format!("Bearer {token}"))
                .header("accept", "application/json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
        r.json()
    };
    println!(
        "list page: a week of the demo agent's orders ({} orders, {} bytes of HTML)",
        rows["count"],
        first.body.len()
    );

    let mut warm = Vec::with_capacity(n);
    for _ in 0..n {
        let r = send(&router, request()).await;
        warm.push(app_ms(r.header("server-timing")));
    }
    report("warm cache (HTML)", warm);

    let key = list_key(
        &Viewer::Agent {
            agent,
            team: Team::Own,
        },
        OrderDate::Taken,
        from,
        to,
    );
    let mut cold = Vec::with_capacity(n / 3);
    for _ in 0..(n / 3).max(10) {
        app.state.cache().backend().delete(&key).await.unwrap();
        let r = send(&router, request()).await;
        assert!(
            r.header("server-timing").contains("\"1 calls"),
            "one 1C call"
        );
        cold.push(app_ms(r.header("server-timing")));
    }
    report("cold cache (HTML)", cold);

    // Requests per second over HTTP on the local runner's router (every function, the shell),
    // warm cache, 16 connections.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let local = skazka_local::router(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, local).await.unwrap() });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}{path}");
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (client, url, token, done) =
                (client.clone(), url.clone(), token.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let r = client.get(&url).bearer_auth(&token).send().await.unwrap();
                    assert!(r.status().is_success());
                    let _ = r.bytes().await.unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let total = done.load(Ordering::Relaxed);
    println!(
        "local runner, warm cache, 16 connections: {total} requests in {:.1} s = {:.0} requests/s",
        started.elapsed().as_secs_f64(),
        total as f64 / started.elapsed().as_secs_f64()
    );
}
