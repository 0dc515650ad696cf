//! The client against each fault the simulator injects: a typed error or a successful retry,
//! never a panic or a wait past the timeout; retries for reads only.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{Fixture, guid, small, start};
use onec_client::{ClientConfig, OnecClient, OnecError, RetryPolicy, metrics};
use onec_sim::{FaultMode, Faults, demo};

/// One simulator for this binary; tests take turns because faults are global to it.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| start(small()))
}

fn turn() -> &'static tokio::sync::Mutex<()> {
    static L: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    L.get_or_init(|| tokio::sync::Mutex::new(()))
}

fn client(timeout_ms: u64, attempts: u32) -> OnecClient {
    let mut c = ClientConfig::new(&fixture().base, "portal", "portal");
    c.timeout = Duration::from_millis(timeout_ms);
    c.retry = RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
    };
    OnecClient::new(c).unwrap()
}

fn set(mode: Option<FaultMode>, latency_ms: u64, error_rate: f64) {
    fixture().sim.set_faults(Faults {
        mode,
        latency_ms,
        error_rate,
    });
}

/// Runs one read under `faults`, returning its result, the HTTP requests the simulator saw and
/// the elapsed time.
async fn read_under(
    c: &OnecClient,
    mode: Option<FaultMode>,
    latency_ms: u64,
) -> (Result<usize, OnecError>, u64, Duration) {
    set(mode, latency_ms, 0.0);
    let before = fixture().sim.stats().requests;
    let t = Instant::now();
    let res = c.warehouses().await.map(|w| w.len());
    let elapsed = t.elapsed();
    let seen = fixture().sim.stats().requests - before;
    fixture().sim.reset_faults();
    (res, seen, elapsed)
}

#[tokio::test]
async fn maintenance_is_typed_and_retried() {
    let _t = turn().lock().await;
    let (res, seen, _) = read_under(&client(2000, 3), Some(FaultMode::Maintenance), 0).await;
    match res {
        Err(e @ OnecError::Maintenance(_)) => assert!(e.is_retryable() && e.is_unavailable()),
        other => panic!("{other:?}"),
    }
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn unavailable_is_typed_and_retried() {
    let _t = turn().lock().await;
    let (res, seen, _) = read_under(&client(2000, 3), Some(FaultMode::Unavailable), 0).await;
    assert!(
        matches!(res, Err(OnecError::Unavailable { status: 503 })),
        "{res:?}"
    );
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn html_with_200_is_not_data() {
    let _t = turn().lock().await;
    let (res, seen, _) = read_under(&client(2000, 3), Some(FaultMode::Html), 0).await;
    assert!(
        matches!(res, Err(OnecError::NotOData { status: 200, .. })),
        "{res:?}"
    );
    assert_eq!(seen, 1, "an HTML page will not heal by asking again");
}

#[tokio::test]
async fn truncated_json_is_typed_and_retried() {
    let _t = turn().lock().await;
    let (res, seen, _) = read_under(&client(2000, 3), Some(FaultMode::Truncated), 0).await;
    assert!(matches!(res, Err(OnecError::Truncated(_))), "{res:?}");
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn stalled_body_times_out_on_time() {
    let _t = turn().lock().await;
    let (res, seen, elapsed) = read_under(&client(300, 2), Some(FaultMode::Stall), 0).await;
    assert!(matches!(res, Err(OnecError::Timeout(_))), "{res:?}");
    assert_eq!(seen, 2);
    // Two attempts of 300 ms plus tiny backoff and slack for a loaded machine: never the stall.
    assert!(
        elapsed < Duration::from_millis(2 * 300 + 1500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn latency_within_and_past_the_timeout() {
    let _t = turn().lock().await;
    let (res, seen, _) = read_under(&client(3000, 3), None, 150).await;
    assert!(res.is_ok_and(|n| n > 0));
    assert_eq!(seen, 1);
    let (res, seen, elapsed) = read_under(&client(200, 2), None, 5000).await;
    assert!(matches!(res, Err(OnecError::Timeout(_))), "{res:?}");
    assert_eq!(seen, 2);
    assert!(
        elapsed < Duration::from_millis(2 * 200 + 1500),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn error_rate_is_absorbed_by_retries() {
    let _t = turn().lock().await;
    // 10 attempts at a 30 % failure rate: a read fails with p ≈ 6e-6; 30 reads all succeed the
    // first time with p ≈ 2e-5.
    let c = client(3000, 10);
    set(None, 0, 0.3);
    let ((), stats) = metrics::scope(async {
        for _ in 0..30 {
            let rows = c
                .warehouses()
                .await
                .expect("retries absorb a 30 % error rate");
            assert!(!rows.is_empty());
        }
    })
    .await;
    fixture().sim.reset_faults();
    assert!(stats.retries > 0, "{stats:?}");
    assert_eq!(stats.calls, 30 + stats.retries);
    assert_eq!(stats.errors, 0);
}

#[tokio::test]
async fn writes_are_never_retried() {
    let _t = turn().lock().await;
    let c = client(2000, 5);
    // Take the attribute rows while the base is healthy, then PATCH into a failing web tier.
    let user = guid(demo::DEMO_ADMIN);
    set(None, 0, 1.0);
    let before = fixture().sim.stats().requests;
    let body = serde_json::json!({"Description": "x"});
    let res: Result<serde_json::Value, _> =
        c.patch(onec_client::model::names::USERS, user, &body).await;
    let seen = fixture().sim.stats().requests - before;
    fixture().sim.reset_faults();
    assert!(
        matches!(res, Err(OnecError::Unavailable { status: 503 })),
        "{res:?}"
    );
    assert_eq!(seen, 1, "a PATCH must go out once");
    // The same failure on a read is retried.
    let (res, seen, _) = {
        set(None, 0, 1.0);
        let before = fixture().sim.stats().requests;
        let r = c.warehouses().await;
        let seen = fixture().sim.stats().requests - before;
        fixture().sim.reset_faults();
        (r, seen, ())
    };
    assert!(res.is_err());
    assert_eq!(seen, 5);
}
