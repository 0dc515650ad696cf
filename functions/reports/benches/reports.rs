//! At `large` scale, for the busiest agent (the most posted sales): a quarter's report by clients
//! and goods all live and with the closed days pre-computed, and `/debts`; server time and 1C calls
//! of each, cold (nothing cached) and warm. Run by hand:
//!
//! ```sh
//! cargo bench -p skazka-reports --bench reports                # REPORTS_BENCH_SCALE=large|small
//! ```
//!
//! Server time is the `app;dur=` entry of `Server-Timing` (the whole handler, 1C included); the
//! 1C calls are its `onec` entry. Figures are in the README ("Sales reports and debts: figures").

use std::time::Instant;

use chrono::Days;
use onec_client::Guid;
use onec_sim::{Scale, SimConfig};
use skazka_reports::precompute::{Span, refresh};
use skazka_session::{Identity, Role};
use skazka_testkit::send;
use uuid::Uuid;

fn entry<'a>(timing: &'a str, name: &str) -> &'a str {
    timing
        .split(',')
        .map(str::trim)
        .find(|e| e.starts_with(name))
        .unwrap_or_else(|| panic!("no {name} entry: {timing}"))
}

fn agent(onec_ref: Uuid) -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        role: Role::Agent,
        name: "Бенчмарк".into(),
        onec_ref: Some(Guid::from_uuid(onec_ref)),
        partners: Vec::new(),
        impersonator: None,
    }
}

/// Opens `path` twice (cold, then warm) and prints its figures.
async fn measure(router: &axum::Router, token: &str, path: &str, label: &str) {
    for run in ["cold", "warm"] {
        let request = axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .body(axum::body::Body::empty())
            .unwrap();
        let started = Instant::now();
        let reply = send(router, request).await;
        let wall = started.elapsed();
        if reply.status != 200 {
            println!("{label:<36} {run}: {} after {wall:.1?}", reply.status);
            continue;
        }
        let timing = reply.header("server-timing");
        println!(
            "{label:<36} {run}: {:<16} {:<34} total {}",
            entry(timing, "app;"),
            entry(timing, "onec;"),
            reply.json()["total"],
        );
    }
}

#[tokio::main]
async fn main() {
    let scale = match std::env::var("REPORTS_BENCH_SCALE").as_deref() {
        Ok("small") => Scale::Small,
        _ => Scale::Large,
    };
    let started = Instant::now();
    let sim = SimConfig {
        scale,
        ..SimConfig::default()
    };
    let app = skazka_testkit::app_with_sim(&[], sim).await;
    println!("{scale:?} base ready in {:.1?}", started.elapsed());
    let (busiest, sales) = app
        .sim
        .sim()
        .read(onec_sim::inspect::busiest_agent)
        .expect("agents with sales");
    println!("busiest agent {busiest}: {sales} posted sales");
    let token = app.state.sessions().issue(&agent(busiest)).unwrap().token;

    // A quarter up to today: with nothing computed every day is read live from 1C.
    let today = app.sim.sim().as_of();
    let from = today - Days::new(91);
    let path = format!("/reports/sales/clients-goods?from={from}&to={today}");
    let reports = skazka_reports::router(app.state.clone());
    measure(&reports, &token, &path, "quarter, clients-goods, all live").await;

    // The refresh job computes the closed days of the quarter and of the previous quarter it is
    // compared with; the same report then reads only today live (a range of its own, so the first
    // answer is cold again).
    let started = Instant::now();
    let done = refresh(
        app.state.onec_client(),
        app.state.db(),
        today,
        Span::Since(from - Days::new(92)),
    )
    .await
    .expect("pre-computation");
    println!(
        "pre-computed {} closed days ({} rows) in {:.1?}",
        done.days,
        done.rows,
        started.elapsed()
    );
    measure(&reports, &token, &path, "quarter, clients-goods, computed").await;

    let debts = skazka_debts::router(app.state.clone());
    measure(&debts, &token, "/debts", "/debts").await;
}
