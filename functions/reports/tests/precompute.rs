//! Pre-computed closed days: after `refresh` a report reads them from Postgres and the open days
//! live, and every figure equals the all-live report; with nothing computed it is all live.

mod common;

use chrono::Days;
use onec_sim::demo;
use serde_json::Value;
use skazka_reports::precompute::{Span, refresh, refresh_scheduled};

use common::*;

/// A report without what says how it was read, its decimals compared by value (`648` and
/// `648.0` are the same quantity; Postgres sums keep a scale 1C's JSON does not).
fn figures(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("computed");
    o.remove("stale");
    by_value(v)
}

fn by_value(v: Value) -> Value {
    match v {
        Value::String(s) => match s.parse::<rust_decimal::Decimal>() {
            Ok(d) if !s.contains('-') || s.starts_with('-') => {
                Value::String(d.normalize().to_string())
            }
            _ => Value::String(s),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(by_value).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, by_value(v))).collect()),
        other => other,
    }
}

#[tokio::test]
async fn precomputed_reports_equal_the_live_ones() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let today = sim.as_of();
    let from = today - Days::new(29);
    let paths: Vec<String> = ["clients", "goods", "clients-goods", "team"]
        .iter()
        .map(|r| format!("/reports/sales/{r}?from={from}&to={today}"))
        .collect();
    let supervisor = supervisor_of(&app, &[demo::DEMO_AGENT, sim.demo().other_agents[0]]).await;
    let who = |p: &str| {
        if p.contains("/team") {
            supervisor.clone()
        } else {
            agent()
        }
    };

    let mut live = Vec::new();
    for p in &paths {
        let r = json_as(&app, &who(p), p).await;
        assert!(r["computed"].is_null(), "nothing computed yet: all live");
        live.push(figures(r));
    }

    // The whole history once (the two periods the reports read), then the recent days again.
    let onec = app.state.onec_client();
    let done = refresh(
        onec,
        app.state.db(),
        today,
        Span::Since(from - Days::new(30)),
    )
    .await
    .unwrap();
    assert_eq!(done.days, 59, "closed days only: today stays live");
    assert!(done.rows > 0);
    let again = refresh_scheduled(onec, app.state.db(), today, from)
        .await
        .unwrap();
    assert_eq!(
        again.days, 3,
        "once history is there, the last three closed days"
    );

    for (p, want) in paths.iter().zip(&live) {
        let r = json_as(&app, &who(p), p).await;
        assert_eq!(
            r["computed"]["through"],
            (today - Days::new(1)).to_string(),
            "{p}"
        );
        // When, in the base's time zone (the simulator's is UTC+5), like every time shown.
        let at = r["computed"]["at"].as_str().unwrap();
        assert!(at.ends_with("+05:00"), "{at}");
        assert_eq!(&figures(r), want, "{p}");
    }
    let page = get_as(&app, &agent(), &paths[0], None).await;
    assert!(page.body.contains("посчитаны заранее"));
    assert!(!page.body.contains("UTC"), "no time in UTC on the page");
}
