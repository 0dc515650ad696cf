//! Debts change when a payment is posted: a page is never more than five minutes behind 1C.
//! The time passing is simulated by ageing the cache entry, as the orders' resilience tests do.

mod common;

use std::time::Duration;

use onec_sim::{Change, FaultMode, Faults, demo};
use rust_decimal::Decimal;
use skazka_cache::Entry;
use skazka_debts::service::{FRESHNESS, open_key};
use skazka_testkit::TestApp;
use skazka_viewer::{Team, Viewer};

use common::*;

async fn age(app: &TestApp, key: &str, by: Duration) {
    let backend = app.state.cache().backend();
    let entry = backend.get(key).await.unwrap().expect("cached");
    let older = Entry {
        stored_at_ms: entry.stored_at_ms - by.as_millis() as u64,
        value: entry.value,
    };
    backend
        .put(key, &older, Duration::from_secs(3600))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_payment_shows_on_debts_within_the_freshness_bound() {
    assert!(
        FRESHNESS.ttl <= Duration::from_secs(300),
        "at most 5 minutes behind"
    );
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let before = json_as(&app, &agent(), "/debts").await;
    let docs = listed(&before);
    let (&sale, &debt) = docs
        .iter()
        .max_by_key(|(_, d)| **d)
        .expect("an open document");
    let part = (debt / Decimal::from(3)).round_dp(2);

    sim.apply(Change::PostPayment { sale, amount: part })
        .unwrap();
    // Within the bound the kept page may still show the old debt…
    let cached = json_as(&app, &agent(), "/debts").await;
    assert_eq!(listed(&cached)[&sale], debt);

    // …and once the bound has passed it shows the payment.
    let viewer = Viewer::Agent {
        agent: guid(demo::DEMO_AGENT),
        team: Team::Own,
    };
    age(
        &app,
        &open_key(&viewer),
        FRESHNESS.ttl + Duration::from_secs(1),
    )
    .await;
    let after = json_as(&app, &agent(), "/debts").await;
    assert_eq!(listed(&after)[&sale], debt - part);
    assert_eq!(dec(&after["total"]), dec(&before["total"]) - part);

    // Paying the rest closes the document: it leaves the list.
    sim.apply(Change::PostPayment {
        sale,
        amount: debt - part,
    })
    .unwrap();
    age(
        &app,
        &open_key(&viewer),
        FRESHNESS.ttl + Duration::from_secs(1),
    )
    .await;
    let paid = json_as(&app, &agent(), "/debts").await;
    assert!(!listed(&paid).contains_key(&sale));
}

#[tokio::test]
async fn kept_debts_with_their_age_when_1c_is_down() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let fresh = json_as(&app, &agent(), "/debts").await;
    let viewer = Viewer::Agent {
        agent: guid(demo::DEMO_AGENT),
        team: Team::Own,
    };
    age(&app, &open_key(&viewer), Duration::from_secs(600)).await;
    sim.set_faults(Faults {
        mode: Some(FaultMode::Maintenance),
        ..Faults::default()
    });
    let kept = json_as(&app, &agent(), "/debts").await;
    assert_eq!(kept["total"], fresh["total"]);
    assert!(
        kept["stale"]["age_seconds"].as_u64().unwrap() >= 600,
        "{}",
        kept["stale"]
    );
    let html = get_as(&app, &agent(), "/debts", None).await;
    assert_eq!(html.status, 200);
    assert!(
        html.body.contains("1С сейчас недоступна"),
        "the stale banner"
    );

    // Nothing kept for a client: the friendly 503.
    let none = get_as(&app, &client(), "/my/debts", Some(JSON)).await;
    assert_eq!(none.status, 503);
}
