//! The migrate function's handler on a fresh database: applies every migration once, then none.

use lambda_runtime::{Context, LambdaEvent};
use skazka_testkit::TestDb;

#[tokio::test]
async fn applies_pending_migrations_once() {
    let db = TestDb::create().await;
    let pool = skazka_store::pool(&db.config, 1).unwrap();
    let event = || LambdaEvent::new(serde_json::json!({}), Context::default());

    let first = skazka_migrate::handle(&pool, event()).await.unwrap();
    let known: Vec<String> = skazka_store::known_migrations()
        .iter()
        .map(|m| format!("V{}__{}", m.version, m.name))
        .collect();
    assert_eq!(first.applied, known, "every migration, in order");
    assert_eq!(first.applied[0], "V1__location_pings");
    assert_eq!(first.known, known.len());

    let second = skazka_migrate::handle(&pool, event()).await.unwrap();
    assert!(second.applied.is_empty());
    let json = serde_json::to_value(&second).unwrap();
    assert_eq!(json["applied"], serde_json::json!([]));
}

#[tokio::test]
async fn the_binary_applies_migrations_under_the_runtime_api() {
    let db = TestDb::create().await;
    let env = [
        ("DATABASE_URL", db.url()),
        ("SKAZKA_ENV", "test".to_owned()),
    ];
    let invoked = skazka_testkit::runtime::invoke_binary(
        env!("CARGO_BIN_EXE_skazka-migrate"),
        &env,
        "{}",
        std::time::Duration::from_secs(60),
    )
    .await;
    assert_eq!(
        invoked.response["known"].as_u64().unwrap() as usize,
        skazka_store::known_migrations().len()
    );
    assert_eq!(invoked.response["applied"][0], "V1__location_pings");
}
