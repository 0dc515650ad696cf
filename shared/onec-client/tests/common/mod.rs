//! A simulator served from its own thread (so it outlives each test's runtime) and client helpers.

#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use chrono::NaiveDate;
use onec_client::{ClientConfig, Guid, OnecClient, RetryPolicy};
use onec_sim::{SimConfig, Simulator};

pub const AS_OF: (i32, u32, u32) = (2026, 11, 26);

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

pub struct Fixture {
    pub base: String,
    pub sim: Simulator,
}

pub fn start(config: SimConfig) -> Fixture {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let running = Simulator::spawn(config).await.unwrap();
            tx.send((running.base_url(), running.sim().clone()))
                .unwrap();
            std::future::pending::<()>().await;
            drop(running);
        });
    });
    let (base, sim) = rx.recv().unwrap();
    Fixture { base, sim }
}

pub fn small() -> SimConfig {
    SimConfig {
        as_of: Some(as_of()),
        ..SimConfig::default()
    }
}

/// One simulator shared by the tests of one test binary.
pub fn shared() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| start(small()))
}

pub fn config(base: &str) -> ClientConfig {
    let mut c = ClientConfig::new(base, "portal", "portal");
    c.timeout = Duration::from_secs(20);
    c.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    };
    c
}

pub fn client(base: &str) -> OnecClient {
    OnecClient::new(config(base)).unwrap()
}

pub fn guid(u: uuid::Uuid) -> Guid {
    Guid::from_uuid(u)
}
