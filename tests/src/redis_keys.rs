//! A test app's own Redis keys: a prefix no other test or run uses, and the keys under it
//! deleted when the app is dropped (Redis outlives the run: `scripts/test` keeps it running).

/// The prefix a test app's cache keys get, in the Redis at `url`.
pub struct TestKeys {
    pub url: String,
    pub prefix: String,
}

impl TestKeys {
    pub fn new(url: &str) -> TestKeys {
        let random = uuid::Uuid::new_v4().simple().to_string();
        TestKeys {
            url: url.to_owned(),
            prefix: format!("skazka-test:{}:", &random[..12]),
        }
    }
}

impl Drop for TestKeys {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        // Drop may run inside a runtime: do the async work on a thread of its own.
        let done = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(delete_under(&url, &prefix))
        })
        .join();
        if !matches!(done, Ok(Ok(_))) {
            eprintln!(
                "could not delete the test's Redis keys {}*: {done:?}",
                self.prefix
            );
        }
    }
}

/// Deletes every key that starts with `prefix`; how many there were.
async fn delete_under(url: &str, prefix: &str) -> redis::RedisResult<usize> {
    use redis::AsyncCommands;
    let mut connection = redis::Client::open(url)?
        .get_multiplexed_async_connection()
        .await?;
    let mut keys = Vec::new();
    {
        let mut found = connection
            .scan_match::<_, String>(format!("{prefix}*"))
            .await?;
        while let Some(key) = found.next_item().await {
            keys.push(key?);
        }
    }
    for chunk in keys.chunks(500) {
        let () = connection.del(chunk).await?;
    }
    Ok(keys.len())
}
