//! The ping store, both implementations, through the one trait: Postgres (a fresh database) and
//! DynamoDB (moto at `DYNAMODB_ENDPOINT`, a fresh table per test).

use chrono::{DateTime, Duration, TimeZone, Utc};
use skazka_config::PingsSettings;
use skazka_pings::{DynamoPings, Ping, PingStore, PostgresPings};

fn ping(agent: &str, at: DateTime<Utc>, latitude: f64) -> Ping {
    Ping {
        agent: agent.to_owned(),
        at,
        latitude,
        longitude: 69.39,
        accuracy_m: Some(12.5),
    }
}

async fn exercise(store: &dyn PingStore) {
    store.check().await.expect("backend answers");
    let now = Utc::now();
    let t0 = Utc
        .timestamp_millis_opt(now.timestamp_millis() - 3_600_000)
        .unwrap();
    for i in 0..5 {
        store
            .record(&ping(
                "agent-a",
                t0 + Duration::minutes(i),
                53.28 + i as f64 * 0.001,
            ))
            .await
            .unwrap();
    }
    store.record(&ping("agent-b", t0, 51.16)).await.unwrap();
    // Same agent and instant: replaced, not doubled.
    store.record(&ping("agent-a", t0, 53.0)).await.unwrap();

    let day = store
        .between("agent-a", t0, t0 + Duration::minutes(4))
        .await
        .unwrap();
    assert_eq!(day.len(), 4, "end is exclusive: {day:?}");
    assert_eq!(day[0].latitude, 53.0);
    assert_eq!(day[0].at, t0);
    assert_eq!(day[0].accuracy_m, Some(12.5));
    assert!(day.windows(2).all(|w| w[0].at < w[1].at));
    assert_eq!(
        store
            .between("agent-b", t0, t0 + Duration::hours(1))
            .await
            .unwrap()
            .len(),
        1
    );

    // Expired pings are not read back, even when the store still has them.
    let old = now - skazka_pings::RETENTION - Duration::days(1);
    store.record(&ping("agent-c", old, 50.0)).await.unwrap();
    assert!(
        store
            .between(
                "agent-c",
                old - Duration::hours(1),
                old + Duration::hours(1)
            )
            .await
            .unwrap()
            .is_empty()
    );

    let bad = Ping {
        latitude: 123.0,
        ..ping("agent-a", now, 0.0)
    };
    assert!(store.record(&bad).await.is_err());
}

#[tokio::test]
async fn postgres_pings() {
    let app = skazka_testkit::app().await;
    let store = PostgresPings::new(app.state.db().clone());
    assert_eq!(store.kind(), "postgres");
    exercise(&store).await;
}

#[tokio::test]
async fn dynamodb_pings() {
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run scripts/test, which starts moto_server and sets it",
    );
    let settings = PingsSettings {
        table: format!("skazka-pings-{}", uuid::Uuid::new_v4().simple()),
        endpoint: Some(url::Url::parse(&endpoint).unwrap()),
    };
    let store = DynamoPings::connect(&settings).await;
    store.ensure_table().await.unwrap();
    store
        .ensure_table()
        .await
        .expect("ensure_table twice is fine");
    assert_eq!(store.kind(), "dynamodb");
    exercise(&store).await;
}

#[tokio::test]
async fn dynamodb_missing_table_fails_the_check() {
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run scripts/test, which starts moto_server and sets it",
    );
    let settings = PingsSettings {
        table: "skazka-no-such-table".to_owned(),
        endpoint: Some(url::Url::parse(&endpoint).unwrap()),
    };
    let store = DynamoPings::connect(&settings).await;
    assert!(store.check().await.is_err());
}
