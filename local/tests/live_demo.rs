//! The local runner left running under a fast demo clock: the simulator posts the working day's
//! orders as it goes, and the demo agent's list shows a new one without a restart (within the
//! list's minute of freshness).

use std::time::{Duration, Instant};

use axum::body::Body;
use skazka_config::Config;
use skazka_local::Runner;
use skazka_testkit::{TestDb, send};

#[tokio::test(flavor = "multi_thread")]
async fn a_new_order_appears_in_the_demo_agents_list_while_the_runner_runs() {
    // SAFETY: this test binary holds this one test, so no other thread reads the environment.
    unsafe {
        std::env::set_var("ONEC_SIM_CLOCK_SPEED", "600");
        std::env::set_var("ONEC_SIM_CLOCK_START", "10:00");
    }
    let db = TestDb::create().await;
    let url = db.url();
    let config = Config::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone())).unwrap();
    let runner = Runner::start(config).await.expect("the runner starts");
    skazka_local::demo_accounts(&runner.state)
        .await
        .expect("demo accounts");
    let (_, phone) = skazka_local::DEMO_LOGINS[0];
    let sign_in = axum::http::Request::post("/api/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::json!({
                "phone": phone,
                "password": skazka_local::DEMO_PASSWORD,
                "device_id": "live-demo-test",
            })
            .to_string(),
        ))
        .unwrap();
    let token = send(&runner.router, sign_in).await.json()["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned();
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
