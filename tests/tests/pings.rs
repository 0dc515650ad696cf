//! The ping store, both implementations, through one suite: Postgres (a fresh database) and
//! DynamoDB (moto at `DYNAMODB_ENDPOINT`, a fresh table per test).

use chrono::{DateTime, Duration, TimeZone, Utc};
use skazka_config::PingsSettings;
use skazka_pings::{DEFAULT_RETENTION, DynamoPings, Ping, PingStore, PostgresPings, Recorded};
use uuid::Uuid;

fn ping(agent: &str, at: DateTime<Utc>, latitude: f64) -> Ping {
    Ping {
        id: Uuid::new_v4(),
        agent: agent.to_owned(),
        at,
        latitude,
        longitude: 69.39,
        accuracy_m: Some(12.5),
        speed_mps: None,
        battery: Some(0.8),
    }
}

/// A time to the millisecond (what both stores keep).
fn millis(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(t.timestamp_millis()).unwrap()
}

async fn exercise(store: &dyn PingStore) {
    store.check().await.expect("backend answers");
    let now = Utc::now();
    let t0 = millis(now - Duration::hours(1));
    let track: Vec<Ping> = (0..60)
        .map(|i| {
            ping(
                "agent-a",
                t0 + Duration::minutes(i),
                53.28 + i as f64 * 0.001,
            )
        })
        .collect();

    // More than one DynamoDB write batch (25) and get batch (100 keys across the two calls).
    let first = store.record(&track[..40]).await.unwrap();
    assert_eq!(
        first,
        Recorded {
            stored: 40,
            duplicates: 0
        }
    );

    // A resent batch with new pings in it: only the new ones are stored.
    let again = store.record(&track).await.unwrap();
    assert_eq!(
        again,
        Recorded {
            stored: 20,
            duplicates: 40
        }
    );

    // The same ping twice in one batch is stored once.
    let twin = ping("agent-b", t0, 51.16);
    let twice = store.record(&[twin.clone(), twin.clone()]).await.unwrap();
    assert_eq!(
        twice,
        Recorded {
            stored: 1,
            duplicates: 1
        }
    );

    let hour = store
        .between("agent-a", t0, t0 + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(hour.len(), 30, "end is exclusive");
    assert_eq!(hour[0], track[0], "every field read back");
    assert!(hour.windows(2).all(|w| w[0].at < w[1].at), "oldest first");
    let b = store
        .between("agent-b", t0, t0 + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(b, vec![twin]);

    // A range across midnight UTC reads both days.
    let midnight = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let recent = now.date_naive() - chrono::Days::new(2);
    let midnight = midnight.with_timezone(&Utc) + (recent - midnight.date_naive());
    let late = ping("agent-d", midnight - Duration::minutes(5), 50.0);
    let early = ping("agent-d", midnight + Duration::minutes(5), 50.1);
    store.record(&[early.clone(), late.clone()]).await.unwrap();
    let night = store
        .between(
            "agent-d",
            midnight - Duration::hours(1),
            midnight + Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(night, vec![late, early]);

    // Expired pings are not read back, even when the store still has them.
    let old = millis(now - store.retention() - Duration::days(1));
    store.record(&[ping("agent-c", old, 50.0)]).await.unwrap();
    let expired = store
        .between(
            "agent-c",
            old - Duration::hours(1),
            old + Duration::hours(1),
        )
        .await
        .unwrap();
    assert!(expired.is_empty());

    // An invalid ping refuses the batch (the API validates before it stores).
    let bad = Ping {
        latitude: 123.0,
        ..ping("agent-a", now, 0.0)
    };
    assert!(store.record(&[bad]).await.is_err());
}

#[tokio::test]
async fn postgres_pings() {
    let app = skazka_testkit::app().await;
    let store = PostgresPings::new(app.state.db().clone(), DEFAULT_RETENTION);
    assert_eq!(store.kind(), "postgres");
    exercise(&store).await;
}

fn emulator() -> url::Url {
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run scripts/test, which starts moto_server and sets it",
    );
    url::Url::parse(&endpoint).unwrap()
}

#[tokio::test]
async fn dynamodb_pings() {
    let settings = PingsSettings {
        table: format!("skazka-pings-{}", Uuid::new_v4().simple()),
        endpoint: Some(emulator()),
    };
    let store = DynamoPings::connect(&settings, DEFAULT_RETENTION).await;
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
    let settings = PingsSettings {
        table: "skazka-no-such-table".to_owned(),
        endpoint: Some(emulator()),
    };
    let store = DynamoPings::connect(&settings, DEFAULT_RETENTION).await;
    assert!(store.check().await.is_err());
}
