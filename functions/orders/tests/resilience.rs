//! The orders pages when 1C is slow, down or answering garbage: kept data with its age, a friendly
//! 503 when nothing is kept, a breaker that stops waiting for a 1C that keeps failing, and 1C
//! calls bounded per page.

mod common;

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use onec_client::model::OrderDate;
use onec_sim::{Change, FaultMode, Faults, NewLine, demo};
use rust_decimal::Decimal;
use skazka_cache::Entry;
use skazka_orders::service::list_key;
use skazka_testkit::TestApp;
use skazka_viewer::{Team, Viewer};

use common::*;

/// Puts a list's cached value back in time, as if it were fetched `age` ago.
async fn age_list(app: &TestApp, viewer: &Viewer, date: OrderDate, day: NaiveDate, age: Duration) {
    let key = list_key(viewer, date, day, day);
    let backend = app.state.cache().backend();
    let entry = backend.get(&key).await.unwrap().expect("cached");
    let older = Entry {
        stored_at_ms: entry.stored_at_ms - age.as_millis() as u64,
        value: entry.value,
    };
    backend
        .put(&key, &older, Duration::from_secs(3600))
        .await
        .unwrap();
}

#[tokio::test]
async fn kept_data_with_a_banner_when_1c_is_down_and_503_without() {
    // The failures below open the breaker; a short open period lets the last read probe 1C.
    let app = skazka_testkit::app_with(&[("ONEC_BREAKER_OPEN_MS", "200")]).await;
    let sim = app.sim.sim().clone();
    let day = sim.as_of();
    let path = format!("/orders?from={day}&to={day}");
    let fresh = json_as(&app, &agent(), &path).await;
    let viewer = Viewer::Agent {
        agent: guid(demo::DEMO_AGENT),
        team: Team::Own,
    };
    age_list(
        &app,
        &viewer,
        OrderDate::Taken,
        day,
        Duration::from_secs(600),
    )
    .await;

    for mode in [FaultMode::Maintenance, FaultMode::Html] {
        sim.set_faults(Faults {
            mode: Some(mode),
            ..Faults::default()
        });
        let kept = json_as(&app, &agent(), &path).await;
        assert_eq!(ids(&kept), ids(&fresh), "{mode:?}");
        let age = kept["stale"]["age_seconds"].as_u64().unwrap();
        assert!((600..700).contains(&age), "{age}");
        let page = get_as(&app, &agent(), &path, None).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("1С сейчас недоступна. Показаны данные на"),
            "{}",
            page.body
        );
        assert!(page.body.contains("10 минут назад"), "banner says how old");

        // Nothing kept for another day: a friendly 503, never 1C's own text.
        let other = day - Days::new(40);
        let r = get_as(
            &app,
            &agent(),
            &format!("/orders?from={other}&to={other}"),
            None,
        )
        .await;
        assert_eq!(r.status, 503, "{mode:?}");
        assert!(r.body.contains("Учётная система сейчас недоступна"));
        assert!(
            !r.body.contains("odata") && !r.body.contains("Технологический"),
            "{}",
            r.body
        );
        let r = get_as(
            &app,
            &agent(),
            &format!("/orders?from={other}&to={other}"),
            Some(JSON),
        )
        .await;
        assert_eq!(r.status, 503);
        assert_eq!(r.header("content-type"), "application/problem+json");
    }
    sim.reset_faults();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = json_as(&app, &agent(), &path).await;
    assert!(again["stale"].is_null(), "fresh again once 1C is back");
}

/// Posts `n` orders of the demo agent shipping on `day`.
fn post_orders(sim: &onec_sim::Simulator, n: usize, day: NaiveDate) {
    for _ in 0..n {
        sim.apply(Change::PostOrder {
            agent: demo::DEMO_AGENT,
            partner: demo::DEMO_CLIENT_PARTNER,
            lines: vec![NewLine {
                product: demo::DEMO_PRODUCT,
                quantity: Decimal::from(2),
                price: Some(Decimal::from(1500)),
            }],
            status: None,
            shipment_date: Some(day),
        })
        .unwrap();
    }
}

#[tokio::test]
async fn list_calls_to_1c_do_not_grow_with_the_rows() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let few_day = sim.as_of() + Days::new(60);
    let many_day = sim.as_of() + Days::new(61);
    post_orders(&sim, 5, few_day);
    post_orders(&sim, 500, many_day);
    let mut calls = Vec::new();
    for (day, n) in [(few_day, 5), (many_day, 500)] {
        let path = format!("/orders/by-shipment?from={day}&to={day}");
        let r = get_as(&app, &agent(), &path, Some(JSON)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["count"], n);
        calls.push(onec_calls(&r));
        let html = get_as(&app, &agent(), &path, None).await;
        assert_eq!(onec_calls(&html), 0, "served from the cache");
    }
    assert_eq!(calls[0], calls[1], "5 and 500 orders: {calls:?}");
    assert_eq!(calls[0], 1);
}

#[tokio::test]
async fn concurrent_misses_make_one_1c_call() {
    let app = skazka_testkit::app().await;
    let day = app.sim.sim().as_of() - Days::new(2);
    let before = app.sim.sim().stats().requests;
    let path = format!("/orders?from={day}&to={day}");
    let who = agent();
    let replies =
        futures::future::join_all((0..8).map(|_| get_as(&app, &who, &path, Some(JSON)))).await;
    assert!(replies.iter().all(|r| r.status == 200));
    assert_eq!(app.sim.sim().stats().requests - before, 1);
}

/// The median of a few timings.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn once_the_breaker_opens_pages_answer_at_once_and_fresh_again_when_1c_is_back() {
    let app = skazka_testkit::app_with(&[
        ("ONEC_READ_BUDGET_MS", "1500"),
        ("ONEC_BREAKER_FAILURES", "2"),
        ("ONEC_BREAKER_OPEN_MS", "3000"),
    ])
    .await;
    let sim = app.sim.sim().clone();
    let day = sim.as_of();
    let kept_path = format!("/orders?from={day}&to={day}");
    json_as(&app, &agent(), &kept_path).await;
    let viewer = Viewer::Agent {
        agent: guid(demo::DEMO_AGENT),
        team: Team::Own,
    };
    age_list(
        &app,
        &viewer,
        OrderDate::Taken,
        day,
        Duration::from_secs(120),
    )
    .await;
    let new_range = |n: u64| {
        let d = day - Days::new(30 + n);
        format!("/orders?from={d}&to={d}")
    };

    // 1C stalls: the first pages of new ranges wait out the budget, then 503.
    sim.set_faults(Faults {
        mode: Some(FaultMode::Stall),
        ..Faults::default()
    });
    for n in 0..2 {
        let started = Instant::now();
        let r = get_as(&app, &agent(), &new_range(n), Some(JSON)).await;
        assert_eq!(r.status, 503);
        assert!(
            started.elapsed() >= Duration::from_millis(1400),
            "waited the budget"
        );
    }

    // Open: kept data and the friendly 503 at once, without asking 1C.
    let requests = sim.stats().requests;
    let mut kept_times = Vec::new();
    let mut missing_times = Vec::new();
    for n in 0..5 {
        let started = Instant::now();
        let kept = json_as(&app, &agent(), &kept_path).await;
        kept_times.push(started.elapsed());
        assert!(kept["stale"]["age_seconds"].as_u64().unwrap() >= 120);
        let started = Instant::now();
        let page = get_as(&app, &agent(), &new_range(10 + n), None).await;
        missing_times.push(started.elapsed());
        assert_eq!(page.status, 503);
        assert!(page.body.contains("Учётная система сейчас недоступна"));
    }
    let (kept, missing) = (median(kept_times), median(missing_times));
    println!("breaker open: kept data in {kept:?}, the 503 page in {missing:?} (median of 5)");
    assert!(kept < Duration::from_millis(100), "kept data: {kept:?}");
    assert!(
        missing < Duration::from_millis(100),
        "503 page: {missing:?}"
    );
    assert_eq!(sim.stats().requests, requests, "no 1C call while open");

    // 1C is back: once the open period is over, the first page probes and is fresh.
    sim.reset_faults();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let again = json_as(&app, &agent(), &kept_path).await;
    assert!(again["stale"].is_null(), "fresh again: {again}");
    let other = json_as(&app, &agent(), &new_range(0)).await;
    assert!(other["stale"].is_null());
}

/// Review item 12: each new range or made-up GUID misses the cache and costs 1C a read, so a
/// person's reads of 1C are bounded per minute; past the bound a friendly 429, while cached pages
/// and other people are unaffected.
#[tokio::test]
async fn item_12_uncached_1c_reads_are_bounded_per_person() {
    let app = skazka_testkit::app_with(&[("ONEC_READS_PER_MINUTE", "4")]).await;
    let flooder = agent();
    let day = app.sim.sim().as_of();
    let first = format!("/orders?from={day}&to={day}");
    assert_eq!(get_as(&app, &flooder, &first, None).await.status, 200);

    // New ranges and made-up GUIDs, one after another: within a minute's bound, then 429. (A run
    // that crosses a minute boundary gets a fresh minute once, hence more tries than the bound.)
    let mut refused = None;
    for back in 1..=12u64 {
        let path = if back % 2 == 0 {
            let d = day - Days::new(back);
            format!("/orders?from={d}&to={d}")
        } else {
            format!("/orders/{}", uuid::Uuid::new_v4())
        };
        let reply = get_as(&app, &flooder, &path, None).await;
        if reply.status == 429 {
            refused = Some((path, reply));
            break;
        }
        assert!(
            [200, 404].contains(&reply.status.as_u16()),
            "{path}: {}",
            reply.status
        );
    }
    let (path, page) = refused.expect("a 429 within 12 new pages at 4 reads a minute");
    assert!(
        page.body.contains("Слишком много запросов"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Повторите через"), "{}", page.body);
    let wait: u64 = page.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(onec_calls(&page), 0, "refused before asking 1C");
    let problem = get_as(&app, &flooder, &path, Some(JSON)).await;
    assert_eq!(problem.status, 429);
    assert_eq!(problem.header("content-type"), "application/problem+json");
    assert_eq!(problem.json()["status"], 429);

    // What is cached still answers; another person has a minute of their own.
    assert_eq!(get_as(&app, &flooder, &first, None).await.status, 200);
    assert_ne!(get_as(&app, &agent(), &path, None).await.status, 429);
}
