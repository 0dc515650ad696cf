//! `POST /api/v1/tracking/pings` on both stores: what is accepted, what is refused and why, that a
//! resent batch stores nothing twice, and the problems for bodies that are not a batch.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::{JSON, Store, admin, agent, app, client, post_pings, supervisor};
use serde_json::{Value, json};
use uuid::Uuid;

fn ping(minutes_ago: i64, lat: f64) -> Value {
    let ts =
        (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339_opts(SecondsFormat::Millis, true);
    json!({"id": Uuid::new_v4(), "ts": ts, "lat": lat, "lon": 69.39, "accuracy_m": 8.0,
           "speed_mps": 1.2, "battery": 0.8})
}

async fn accepts_once_and_counts(store: Store) {
    let app = app(store).await;
    let me = agent();
    let mut pings: Vec<Value> = (0..30)
        .map(|i| ping(60 - i, 53.28 + i as f64 * 1e-4))
        .collect();
    let mut far_future = ping(0, 53.0);
    far_future["ts"] = json!((Utc::now() + Duration::hours(1)).to_rfc3339());
    let mut no_lat = ping(5, 0.0);
    no_lat.as_object_mut().unwrap().remove("lat");
    let bad_lon = json!({"id": Uuid::new_v4(), "ts": Utc::now().to_rfc3339(), "lat": 53.0, "lon": 200.0, "accuracy_m": 5});
    let mut batch = pings.clone();
    batch.extend([
        far_future.clone(),
        no_lat.clone(),
        bad_lon.clone(),
        ping(60 * 24 * 8, 53.0),
    ]);

    let reply = post_pings(&app, Some(&me), JSON, json!({"pings": batch}).to_string()).await;
    assert_eq!(reply.status, 202, "{}", reply.body);
    let answer = reply.json();
    {
        use utoipa::OpenApi;
        let doc = serde_json::to_value(skazka_tracking::openapi::ApiDoc::openapi()).unwrap();
        let problems = skazka_testkit::openapi::check(&doc, "Accepted", &answer);
        assert_eq!(problems, Vec::<String>::new(), "described");
    }
    assert_eq!(answer["accepted"], 30);
    assert_eq!(answer["duplicates"], 0);
    let reasons: Vec<(String, String)> = answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 4);
    assert_eq!(
        reasons[0],
        (
            far_future["id"].as_str().unwrap().to_owned(),
            "ts_in_future".into()
        )
    );
    assert_eq!(reasons[1].1, "missing_lat");
    assert_eq!(reasons[2].1, "lon_out_of_range");
    assert_eq!(reasons[3].1, "ts_too_old");

    // The answer was lost; the phone sends the batch again with five new pings.
    pings.extend((0..5).map(|i| ping(20 - i, 53.3)));
    let reply = post_pings(&app, Some(&me), JSON, json!({"pings": pings}).to_string()).await;
    assert_eq!(reply.status, 202);
    assert_eq!(
        reply.json(),
        json!({"accepted": 5, "duplicates": 30, "rejected": []})
    );

    let stored = app
        .state
        .pings()
        .between(
            &common::guid(onec_sim::demo::DEMO_AGENT).to_string(),
            Utc::now() - Duration::days(1),
            Utc::now() + Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 35, "stored once each");
    assert!(stored.windows(2).all(|w| w[0].at <= w[1].at));
}

#[tokio::test]
async fn postgres_accepts_once_and_counts() {
    accepts_once_and_counts(Store::Postgres).await;
}

#[tokio::test]
async fn dynamodb_accepts_once_and_counts() {
    accepts_once_and_counts(Store::Dynamo).await;
}

#[tokio::test]
async fn only_agents_send_pings() {
    let app = app(Store::Postgres).await;
    let body = json!({"pings": [ping(1, 53.0)]}).to_string();
    let reply = post_pings(&app, None, JSON, body.clone()).await;
    assert_eq!(reply.status, 401);
    for who in [supervisor(), admin(), client()] {
        let reply = post_pings(&app, Some(&who), JSON, body.clone()).await;
        assert_eq!(reply.status, 403, "{:?}", who.role);
        assert_eq!(reply.header("content-type"), "application/problem+json");
    }
}

#[tokio::test]
async fn bodies_that_are_not_a_batch_are_clear_problems() {
    let app = app(Store::Postgres).await;
    let me = agent();
    let problem = |reply: &skazka_testkit::Reply, status: u16| {
        assert_eq!(reply.status, status, "{}", reply.body);
        assert_eq!(reply.header("content-type"), "application/problem+json");
        let p = reply.json();
        assert_eq!(p["status"], status);
        assert!(!p["detail"].as_str().unwrap().is_empty());
    };
    let ok = json!({"pings": [ping(1, 53.0)]}).to_string();
    problem(
        &post_pings(&app, Some(&me), "text/plain", ok.clone()).await,
        415,
    );
    problem(
        &post_pings(&app, Some(&me), JSON, "{\"pings\": [").await,
        400,
    );
    problem(
        &post_pings(&app, Some(&me), JSON, "{\"points\": []}").await,
        400,
    );
    problem(
        &post_pings(&app, Some(&me), JSON, "x".repeat(300 * 1024)).await,
        413,
    );
    let many: Vec<Value> = (0..501).map(|_| json!({})).collect();
    problem(
        &post_pings(&app, Some(&me), JSON, json!({"pings": many}).to_string()).await,
        413,
    );
    // With a charset it is still JSON.
    let reply = post_pings(&app, Some(&me), "application/json; charset=utf-8", ok).await;
    assert_eq!(reply.status, 202);
}
