//! The reports when 1C fails: the kept data with its age and the banner, a friendly 503 when
//! nothing is kept.

mod common;

use std::time::Duration;

use chrono::Days;
use onec_client::model::SalesGrouping;
use onec_sim::{FaultMode, Faults, demo};
use skazka_cache::Entry;
use skazka_reports::period::Period;
use skazka_reports::service::{Whose, sales_key, turnovers_key};
use skazka_testkit::TestApp;

use common::*;

/// Puts a cached value back in time, as if it were fetched `age` ago.
async fn age(app: &TestApp, key: &str, age: Duration) {
    let backend = app.state.cache().backend();
    let entry = backend.get(key).await.unwrap().expect("cached");
    let older = Entry {
        stored_at_ms: entry.stored_at_ms - age.as_millis() as u64,
        value: entry.value,
    };
    backend
        .put(key, &older, Duration::from_secs(3600))
        .await
        .unwrap();
}

#[tokio::test]
async fn kept_reports_carry_their_age_and_a_banner_and_nothing_kept_is_a_503() {
    let app = skazka_testkit::app_with(&[("ONEC_BREAKER_OPEN_MS", "200")]).await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let period = Period {
        from: to - Days::new(6),
        to,
    };
    let path = format!(
        "/reports/sales/clients?from={}&to={}",
        period.from, period.to
    );
    let fresh = json_as(&app, &agent(), &path).await;
    let whose = Whose::Agent(guid(demo::DEMO_AGENT));
    let ten_minutes = Duration::from_secs(600);
    for p in [period, period.previous()] {
        age(
            &app,
            &turnovers_key(&whose, p, SalesGrouping::ByClients),
            ten_minutes,
        )
        .await;
    }
    age(&app, &sales_key(&whose, period), ten_minutes).await;

    sim.set_faults(Faults {
        mode: Some(FaultMode::Maintenance),
        ..Faults::default()
    });
    let kept = json_as(&app, &agent(), &path).await;
    assert_eq!(kept["rows"], fresh["rows"]);
    assert_eq!(kept["total"], fresh["total"]);
    let seconds = kept["stale"]["age_seconds"].as_u64().unwrap();
    assert!((600..700).contains(&seconds), "{seconds}");
    let page = get_as(&app, &agent(), &path, None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("1С сейчас недоступна. Показаны данные на")
    );

    let other = to - Days::new(200);
    let nothing = get_as(
        &app,
        &agent(),
        &format!("/reports/sales/goods?from={other}&to={other}"),
        None,
    )
    .await;
    assert_eq!(nothing.status, 503);
    assert!(nothing.body.contains("Учётная система сейчас недоступна"));
    sim.reset_faults();
}
