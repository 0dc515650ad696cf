//! Migrations: applied in order on a fresh database, recorded, and applied once.

use skazka_testkit::TestDb;

#[tokio::test]
async fn applied_in_order_recorded_and_idempotent() {
    let db = TestDb::create().await;
    let pool = skazka_store::pool(&db.config, 2).unwrap();
    let known = skazka_store::known_migrations();
    assert!(!known.is_empty());
    assert!(known.windows(2).all(|w| w[0].version < w[1].version));

    let first = skazka_store::migrate(&pool).await.unwrap();
    assert_eq!(first, known);
    let again = skazka_store::migrate(&pool).await.unwrap();
    assert!(again.is_empty());

    let client = pool.get().await.unwrap();
    let recorded: Vec<i32> = client
        .query(
            "SELECT version FROM refinery_schema_history ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        recorded,
        known.iter().map(|m| m.version).collect::<Vec<_>>()
    );
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'location_pings'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 1);
}
