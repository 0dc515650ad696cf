//! Load test (a bench, not a test; loopback only): 200 simulated phones post ping batches to the
//! local runner's router on a loopback port for 60 s (`LOAD_SECONDS`, `LOAD_PHONES` override),
//! each a batch of 20 every 10 s (`LOAD_INTERVAL_MS`; a real phone sends about once a minute),
//! with the pings in DynamoDB (moto at `DYNAMODB_ENDPOINT`, a fresh table). Like the app, a phone
//! keeps a batch until it is answered `202` (resending with back-off), so after the run every
//! stored ping has been answered once. Prints pings per second, p50/p99 latency of a batch, and
//! whether the store holds exactly what was answered (nothing lost, nothing doubled).
//!
//! ```sh
//! DYNAMODB_ENDPOINT=http://127.0.0.1:5000 cargo bench -p skazka-tracking --bench pings_load
//! ```
//!
//! Measured (`--profile dev`, moto, 2 shared cores): 200 phones, 60 s, 1 200 batches, none resent,
//! 24 000 pings answered and 24 000 stored, 400 pings/s, p50 35 ms, p99 209 ms. At a batch every
//! 5 s moto (one Python process) saturates: its answers pass the store's 2 s attempt timeout, the
//! phones resend, and reading the table back takes minutes.

use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use serde_json::json;
use skazka_session::{Identity, Role};
use uuid::Uuid;

const BATCH: usize = 20;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let seconds = env_or("LOAD_SECONDS", 60);
    let phones = env_or("LOAD_PHONES", 200) as usize;
    let interval = Duration::from_millis(env_or("LOAD_INTERVAL_MS", 10_000));
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect("DYNAMODB_ENDPOINT (moto) is needed");
    let table = format!("skazka-load-{}", Uuid::new_v4().simple());
    let app =
        skazka_testkit::app_with(&[("PINGS_TABLE", &table), ("DYNAMODB_ENDPOINT", &endpoint)])
            .await;
    let settings = app.state.config().pings.clone().unwrap();
    skazka_pings::DynamoPings::connect(&settings, skazka_pings::DEFAULT_RETENTION)
        .await
        .ensure_table()
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = skazka_local::router(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let url = format!("http://{addr}/api/v1/tracking/pings");
    let http = reqwest::Client::new();

    let started = Utc::now();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..phones)
        .map(|_| {
            let agent = Uuid::new_v4();
            let identity = Identity {
                user_id: Uuid::new_v4(),
                session_id: Uuid::new_v4(),
                role: Role::Agent,
                name: "Нагрузка".into(),
                onec_ref: Some(onec_client::Guid::parse(&agent.to_string()).unwrap()),
                partners: vec![],
                impersonator: None,
            };
            let token = app.state.sessions().issue(&identity).unwrap().token;
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let (mut accepted, mut failures, mut latencies) = (0u64, 0u64, Vec::new());
                let mut answered = 0u64;
                // Phones do not send in step: each starts at its own moment of the interval.
                let offset = (agent.as_u128() % interval.as_millis().max(1)) as u64;
                let mut next = Instant::now() + Duration::from_millis(offset);
                while next < deadline {
                    tokio::time::sleep_until(next.into()).await;
                    next += interval;
                    let pings: Vec<_> = (0..BATCH)
                        .map(|i| {
                            let ts = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
                            json!({"id": Uuid::new_v4(), "ts": ts, "lat": 53.29 + i as f64 * 1e-4,
                                   "lon": 69.39, "accuracy_m": 5})
                        })
                        .collect();
                    // Like the phone: a batch without a 202 (a 503 when the store was too slow,
                    // possibly after storing part of it) is kept and sent again with back-off
                    // until it is answered; the ids make the resend harmless.
                    let body = json!({"pings": pings});
                    let mut attempt = 0u32;
                    loop {
                        let t = Instant::now();
                        let reply = http.post(&url).bearer_auth(&token).json(&body).send().await;
                        latencies.push(t.elapsed());
                        match reply {
                            Ok(r) if r.status() == 202 => {
                                let v: serde_json::Value = r.json().await.unwrap_or_default();
                                accepted += v["accepted"].as_u64().unwrap_or(0);
                                // A resend after a 503 finds what the failed try stored.
                                answered += v["accepted"].as_u64().unwrap_or(0)
                                    + v["duplicates"].as_u64().unwrap_or(0);
                                break;
                            }
                            _ => {
                                failures += 1;
                                attempt += 1;
                                let wait = Duration::from_millis(250 << attempt.min(4));
                                tokio::time::sleep(wait).await;
                            }
                        }
                    }
                }
                (agent, accepted, answered, failures, latencies)
            })
        })
        .collect();
    let mut accepted = 0;
    let mut failures = 0;
    let mut answered = 0;
    let mut latencies = Vec::new();
    let mut agents = Vec::new();
    for task in tasks {
        let (agent, a, n, f, l) = task.await.unwrap();
        accepted += a;
        answered += n;
        failures += f;
        latencies.extend(l);
        agents.push(agent);
    }
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    let mut stored = 0;
    let (from, to) = (
        started - chrono::Duration::minutes(1),
        Utc::now() + chrono::Duration::minutes(1),
    );
    for agent in agents {
        // The emulator may still be busy right after the load: a read that times out is retried.
        let mut tries = 0;
        let pings = loop {
            match app
                .state
                .pings()
                .between(&agent.to_string(), from, to)
                .await
            {
                Ok(pings) => break pings,
                Err(e) if tries < 5 => {
                    tries += 1;
                    eprintln!("reading back: {e}; again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => panic!("reading back the stored pings: {e}"),
            }
        };
        stored += pings.len() as u64;
    }
    println!(
        "phones {phones}, {seconds} s, a batch of {BATCH} every {interval:?} each: {} requests",
        latencies.len()
    );
    println!("requests without a 202 (resent): {failures}");
    println!(
        "answered pings (accepted + duplicates of resends) {answered}, stored {stored}: {}",
        if answered == stored {
            "equal"
        } else {
            "DIFFERENT"
        }
    );
    println!("pings/s answered: {:.0}", answered as f64 / seconds as f64);
    println!("batch latency p50 {:?}, p99 {:?}", pct(0.50), pct(0.99));
    println!(
        "accepted {accepted} (stored beyond it: written by tries answered 503, found on resend)"
    );
}
