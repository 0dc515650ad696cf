//! The three agent reports end to end against the simulator: a signed-in agent, the router in the
//! shared shell, the 1C client, the cache. Every expectation is summed from the simulator's own
//! posted sale documents (their lines), not from the turnovers register the reports read.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use onec_sim::demo;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::Role;

use common::*;

fn month(to: NaiveDate) -> (NaiveDate, NaiveDate) {
    (to - Days::new(29), to)
}

#[tokio::test]
async fn by_clients_equals_the_simulators_sales_one_row_per_partner() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let (from, to) = month(sim.as_of());
    let lines = lines_of(&sim.read(sim_lines), &[demo::DEMO_AGENT], from, to);
    assert!(lines.len() > 10, "the demo agent sold that month");

    let report = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/clients?from={from}&to={to}"),
    )
    .await;
    let expected = sums_by(&lines, |l| l.partner);
    assert_eq!(shown(&report["rows"]), expected);
    // One row per partner, even one that sold through two contracts (two analytics keys).
    let ids: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), ids.iter().collect::<BTreeSet<_>>().len());
    let mut contracts: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    for l in &lines {
        contracts.entry(l.partner).or_default().insert(l.contract);
    }
    assert!(
        contracts.values().any(|c| c.len() > 1),
        "the demo has a partner buying through two contracts in the range"
    );

    let t = total(&lines);
    assert_eq!(Sums::of(&report["totals"]), t);
    assert_eq!(
        dec(&report["total"]),
        t.revenue,
        "the grand total is a decimal string"
    );
    assert_eq!(dec(&report["totals"]["discount"]), t.manual + t.auto);
    let shares: Decimal = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| dec(&r["share"]))
        .sum();
    assert!(
        (shares - Decimal::ONE_HUNDRED).abs() < Decimal::ONE,
        "{shares}"
    );
    // Revenue first, largest first (§6.3).
    let revenue: Vec<Decimal> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| dec(&r["revenue"]))
        .collect();
    assert!(revenue.windows(2).all(|w| w[0] >= w[1]), "{revenue:?}");
    assert!(report["stale"].is_null());
}

#[tokio::test]
async fn the_change_and_the_days_come_from_the_same_sales() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let (from, to) = month(sim.as_of());
    let all = sim.read(sim_lines);
    let report = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/clients?from={from}&to={to}"),
    )
    .await;

    let before = lines_of(
        &all,
        &[demo::DEMO_AGENT],
        from - Days::new(30),
        from - Days::new(1),
    );
    let change = &report["change"];
    assert_eq!(change["previous_from"], (from - Days::new(30)).to_string());
    assert_eq!(change["previous_to"], (from - Days::new(1)).to_string());
    assert_eq!(dec(&change["previous"]), total(&before).revenue);
    let now = total(&lines_of(&all, &[demo::DEMO_AGENT], from, to)).revenue;
    assert_eq!(dec(&change["delta"]), now - total(&before).revenue);

    let days = report["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "every day of the period, sales or not");
    for d in days {
        let date: NaiveDate = d["date"].as_str().unwrap().parse().unwrap();
        let sold = total(&lines_of(&all, &[demo::DEMO_AGENT], date, date)).revenue;
        assert_eq!(dec(&d["revenue"]), sold, "{date}");
    }
}

#[tokio::test]
async fn by_goods_groups_by_manufacturer_and_shows_products_without_one() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(89);
    let lines = lines_of(&sim.read(sim_lines), &[demo::DEMO_AGENT], from, to);
    assert!(
        lines.iter().any(|l| l.maker.is_none()),
        "the agent sold a product without a manufacturer"
    );

    let report = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/goods?from={from}&to={to}"),
    )
    .await;
    let groups = report["groups"].as_array().unwrap();
    let by_maker: BTreeMap<String, Sums> = groups
        .iter()
        .map(|g| (g["id"].as_str().unwrap_or("none").to_owned(), Sums::of(g)))
        .collect();
    assert_eq!(by_maker, sums_by(&lines, |l| l.maker));
    let none = groups
        .iter()
        .find(|g| g["id"].is_null())
        .expect("the group without a manufacturer");
    assert_eq!(none["name"], "Без производителя");
    for g in groups {
        let maker = g["id"].as_str().map(|s| s.parse::<uuid::Uuid>().unwrap());
        let of_maker: Vec<SimLine> = lines.iter().filter(|l| l.maker == maker).cloned().collect();
        assert_eq!(
            shown(&g["products"]),
            sums_by(&of_maker, |l| l.product),
            "{}",
            g["name"]
        );
    }
    assert_eq!(Sums::of(&report["totals"]), total(&lines));

    // The manufacturer filter: one group, its totals.
    let maker = groups.iter().find_map(|g| g["id"].as_str()).unwrap();
    let filtered = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/goods?from={from}&to={to}&maker={maker}"),
    )
    .await;
    assert_eq!(filtered["groups"].as_array().unwrap().len(), 1);
    assert_eq!(
        Sums::of(&filtered["groups"][0]),
        Sums::of(&filtered["totals"])
    );
    assert_eq!(Sums::of(&filtered["totals"]), by_maker[maker]);
    assert!(
        filtered["makers"].as_array().unwrap().len() > 1,
        "the filter still offers every manufacturer"
    );
    let without = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/goods?from={from}&to={to}&maker=none"),
    )
    .await;
    assert_eq!(Sums::of(&without["totals"]), by_maker["none"]);
}

#[tokio::test]
async fn by_clients_and_goods_nests_each_clients_products() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let (from, to) = month(sim.as_of());
    let lines = lines_of(&sim.read(sim_lines), &[demo::DEMO_AGENT], from, to);
    let report = json_as(
        &app,
        &agent(),
        &format!("/reports/sales/clients-goods?from={from}&to={to}"),
    )
    .await;
    let clients = report["clients"].as_array().unwrap();
    let by_client: BTreeMap<String, Sums> = clients
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), Sums::of(c)))
        .collect();
    assert_eq!(by_client, sums_by(&lines, |l| l.partner));
    for c in clients {
        let partner: uuid::Uuid = c["id"].as_str().unwrap().parse().unwrap();
        let bought: Vec<SimLine> = lines
            .iter()
            .filter(|l| l.partner == Some(partner))
            .cloned()
            .collect();
        assert_eq!(shown(&c["products"]), sums_by(&bought, |l| l.product));
    }
    assert_eq!(Sums::of(&report["totals"]), total(&lines));
}

#[tokio::test]
async fn pages_sort_chart_and_read_1c_a_bounded_number_of_times() {
    let app = skazka_testkit::app().await;
    let to = app.sim.sim().as_of();
    let from = to - Days::new(29);
    let path = format!("/reports/sales/clients?from={from}&to={to}&sort=name");
    let cold = get_as(&app, &agent(), &path, Some(JSON)).await;
    assert_eq!(cold.status, 200);
    assert!(
        onec_calls(&cold) <= 3,
        "three reads whatever the rows: {}",
        onec_calls(&cold)
    );
    let names: Vec<String> = cold.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name");

    let page = get_as(&app, &agent(), &path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/html"));
    for want in [
        "<svg",
        "Итого",
        "Выручка по дням",
        "К прошлому периоду",
        "format=xlsx",
        "format=csv",
        "Прошлый месяц",
        "sort=quantity",
    ] {
        assert!(page.body.contains(want), "{want}");
    }
    assert!(!page.body.contains("<script"), "no script");

    let index = get_as(&app, &agent(), "/reports/sales", None).await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("/reports/sales/goods"));
    assert!(
        !index.body.contains("/reports/sales/team"),
        "agents have no team report"
    );

    let bad = get_as(
        &app,
        &agent(),
        "/reports/sales/clients?from=2024-13-01",
        Some(JSON),
    )
    .await;
    assert_eq!(bad.status, 400);
    let client = person(Role::Client, None, &[demo::DEMO_CLIENT_PARTNER]);
    assert_eq!(
        get_as(&app, &client, "/reports/sales/clients", None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn presets_name_their_periods() {
    let app = skazka_testkit::app().await;
    let today = app.sim.sim().as_of();
    let r: Value = json_as(&app, &agent(), "/reports/sales/clients?preset=today").await;
    assert_eq!(r["from"], today.to_string());
    assert_eq!(r["to"], today.to_string());
    let r: Value = json_as(&app, &agent(), "/reports/sales/goods").await;
    assert_eq!(r["to"], today.to_string(), "this month so far by default");
}

#[tokio::test]
async fn json_answers_are_described_by_the_openapi_document() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(skazka_reports::openapi::ApiDoc::openapi()).unwrap();
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let (from, to) = month(sim.as_of());
    let supervisor = supervisor_of(&app, &[demo::DEMO_AGENT]).await;
    for (path, name, who) in [
        ("clients", "ClientsReport", agent()),
        ("goods", "GoodsReport", agent()),
        ("clients-goods", "ClientsGoodsReport", agent()),
        ("team", "TeamReport", supervisor),
    ] {
        let report = json_as(
            &app,
            &who,
            &format!("/reports/sales/{path}?from={from}&to={to}"),
        )
        .await;
        assert_eq!(
            skazka_testkit::openapi::check(&doc, name, &report),
            Vec::<String>::new(),
            "{path}"
        );
    }
}
