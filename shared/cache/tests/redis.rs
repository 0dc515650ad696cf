//! The Redis cache against a real Redis (`REDIS_URL`, default redis://127.0.0.1:6379).

use std::sync::Arc;
use std::time::Duration;

use skazka_cache::{Cache, CacheHandle, Entry, Freshness, Policy, RedisCache};

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

async fn cache() -> RedisCache {
    // A prefix of its own per run, so parallel runs never see each other's keys.
    let prefix = format!("skazka-test:{}:", std::process::id());
    RedisCache::connect(&redis_url(), "test".into(), &prefix)
        .await
        .expect("redis client")
}

#[tokio::test]
async fn put_get_expire_delete() {
    let cache = cache().await;
    cache
        .ping()
        .await
        .expect("Redis must answer on REDIS_URL (scripts/test starts it)");
    let entry = Entry::new(b"hello".to_vec());
    cache
        .put("a", &entry, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(cache.get("a").await.unwrap(), Some(entry.clone()));
    cache
        .put("b", &entry, Duration::from_millis(20))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(cache.get("b").await.unwrap(), None);
    cache.delete("a").await.unwrap();
    assert_eq!(cache.get("a").await.unwrap(), None);
}

#[tokio::test]
async fn get_or_fetch_over_redis() {
    let handle = CacheHandle::new(Arc::new(cache().await));
    let policy = Policy::new(Duration::from_secs(30), Duration::from_secs(60));
    let key = "typed";
    handle.backend().delete(key).await.unwrap();
    let first = handle
        .get_or_fetch(key, policy, || async {
            Ok::<_, String>("значение".to_owned())
        })
        .await
        .unwrap();
    let second = handle
        .get_or_fetch(key, policy, || async {
            Err::<String, _>("must not be called".to_owned())
        })
        .await
        .unwrap();
    assert_eq!(first.value, second.value);
    assert_eq!(second.freshness, Freshness::Fresh);
    assert_eq!(first.stored_at_ms, second.stored_at_ms);
    handle.backend().delete(key).await.unwrap();
}

#[tokio::test]
async fn unreachable_redis_is_an_error_not_a_hang() {
    let cache = RedisCache::connect("redis://127.0.0.1:1", "nowhere".into(), "x:")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    assert!(cache.ping().await.is_err());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_counter_is_atomic_and_its_window_is_fixed_from_the_first_event() {
    let cache = Arc::new(cache().await);
    let window = Duration::from_millis(400);
    cache.delete("counter").await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let cache = cache.clone();
        tasks.spawn(async move { cache.increment("counter", window).await.unwrap() });
    }
    let mut counts = tasks.join_all().await;
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<u64>>(),
        "every event counted once"
    );
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(cache.increment("counter", window).await.unwrap(), 1);
    cache.delete("counter").await.unwrap();
}
