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
