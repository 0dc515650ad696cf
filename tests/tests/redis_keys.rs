//! A test app that uses Redis keeps to keys of its own and deletes them when it is dropped, so
//! tests (and runs) sharing the one Redis never read each other's cache.

use std::time::Duration;

use redis::AsyncCommands;
use skazka_cache::Policy;

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

async fn keys_under(prefix: &str) -> Vec<String> {
    let mut redis = redis::Client::open(redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("Redis at REDIS_URL (scripts/test starts it)");
    redis.keys(format!("{prefix}*")).await.unwrap()
}

#[tokio::test]
async fn two_apps_on_one_redis_see_only_their_own_keys_and_leave_none_behind() {
    let url = redis_url();
    let first = skazka_testkit::app_with(&[("REDIS_URL", &url)]).await;
    let second = skazka_testkit::app_with(&[("REDIS_URL", &url)]).await;
    let policy = Policy::new(Duration::from_secs(60), Duration::from_secs(600));
    first.state.cache().store("team", policy, &"first's").await;

    let prefix = first.redis_keys.as_ref().unwrap().prefix.clone();
    assert_ne!(prefix, second.redis_keys.as_ref().unwrap().prefix);
    assert_eq!(keys_under(&prefix).await, [format!("{prefix}team")]);
    let seen = second.state.cache().kept::<String>("team", policy).await;
    assert!(seen.is_none(), "the second app read the first's key");

    drop(first);
    assert!(keys_under(&prefix).await.is_empty(), "keys left behind");
}
