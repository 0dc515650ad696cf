//! `/debts` for the busiest agent (the most posted sale documents) and for an admin (everyone):
//! server time with a cold and a warm cache, and the 1C calls and rows of a cold page, against
//! the simulator. Run by hand:
//!
//! ```sh
//! cargo bench -p skazka-debts --bench debts                    # DEBTS_BENCH_SCALE=large|small
//! ```
//!
//! Server time is the `app;dur=` entry of `Server-Timing` (the whole handler, 1C included).
//! Then the scheduled company refresh (`DebtsService::refresh_company`, as the prewarm runs it)
//! and the admin's page again. Figures: the function's README.

use std::time::Instant;

use onec_client::Guid;
use onec_sim::{Scale, SimConfig, demo};
use skazka_session::{Identity, Role};
use skazka_testkit::{TestApp, send};
use uuid::Uuid;

fn entry<'a>(timing: &'a str, name: &str) -> &'a str {
    timing
        .split(',')
        .map(str::trim)
        .find(|e| e.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} entry: {timing}"))
}

fn person(role: Role, onec_ref: Uuid) -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        role,
        name: "Бенчмарк".into(),
        onec_ref: Some(Guid::from_uuid(onec_ref)),
        partners: Vec::new(),
        impersonator: None,
    }
}

async fn page(app: &TestApp, who: &Identity, label: &str) {
    let token = app.state.sessions().issue(who).unwrap().token;
    let router = skazka_debts::router(app.state.clone());
    for run in ["cold", "warm"] {
        let request = axum::http::Request::get("/debts")
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .body(axum::body::Body::empty())
            .unwrap();
        let started = Instant::now();
        let reply = send(&router, request).await;
        let wall = started.elapsed();
        if reply.status != 200 {
            // The admin's whole company can exceed the read budget on a large base: say so.
            println!("{label:<28} {run}: {} after {wall:.1?}", reply.status);
            continue;
        }
        let timing = reply.header("server-timing");
        let json = reply.json();
        println!(
            "{label:<28} {run}: {:<16} {:<34} wall {:>8.1?}  total {} ({} clients)",
            entry(timing, "app;"),
            entry(timing, "onec;"),
            wall,
            json["total"],
            json["clients"].as_array().map_or(0, Vec::len),
        );
    }
}

#[tokio::main]
async fn main() {
    let scale = match std::env::var("DEBTS_BENCH_SCALE").as_deref() {
        Ok("small") => Scale::Small,
        _ => Scale::Large,
    };
    let sim = SimConfig {
        scale,
        ..SimConfig::default()
    };
    let started = Instant::now();
    let app = skazka_testkit::app_with_sim(&[], sim).await;
    println!("{scale:?} base ready in {:?}", started.elapsed());
    let (busiest, sales) = app
        .sim
        .sim()
        .read(onec_sim::inspect::busiest_agent)
        .expect("agents with sales");
    println!("busiest agent {busiest}: {sales} posted sales");
    page(&app, &person(Role::Agent, busiest), "busiest agent").await;
    let admin = person(Role::Admin, demo::DEMO_ADMIN);
    page(&app, &admin, "admin (everyone)").await;

    // What the scheduled refresh does every five minutes: then the admin's page reads the cache.
    let svc = skazka_debts::service(&app.state);
    let started = Instant::now();
    let refreshed = svc.refresh_company().await.expect("company refresh");
    println!(
        "scheduled company refresh: {:.1?} ({} open documents, {} partners, {} agents named)",
        started.elapsed(),
        refreshed.documents,
        refreshed.partners,
        refreshed.agents
    );
    page(&app, &admin, "admin after the refresh").await;
}
