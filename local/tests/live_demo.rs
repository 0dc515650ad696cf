//! The local runner left running under a fast demo clock: the simulator posts the working day's
//! orders as it goes, and the demo agent's list shows a new one without a restart (within the
//! list's minute of freshness).

use std::time::{Duration, Instant};

mod common;

use axum::body::Body;
use common::runner_signed_in;
use skazka_testkit::send;

#[tokio::test(flavor = "multi_thread")]
async fn a_new_order_appears_in_the_demo_agents_list_while_the_runner_runs() {
    // SAFETY: this test binary holds this one test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("ONEC_SIM_CLOCK_SPEED", "600");
        std::env::set_var("ONEC_SIM_CLOCK_START", "10:00");
    }
    let (runner, _db, token) = runner_signed_in(0).await;
    let count = || async {
        let request = axum::http::Request::get("/orders")
            .header("accept", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let reply = send(&runner.router, request).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["count"].as_u64().unwrap()
    };

    let before = count().await;
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut after = before;
    while after <= before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(2)).await;
        after = count().await;
    }
    assert!(
        after > before,
        "no new order in the demo agent's list: {before} before, {after} after"
    );
    println!("the demo agent's list went from {before} to {after} orders without a restart");
}
