//! A supervisor's and an admin's view of agents: the team's day before an agent is picked (each
//! agent's figures equal the simulator's orders), and the pick, checked against the team on every
//! page.

mod common;

use std::collections::BTreeMap;

use chrono::Days;
use onec_sim::demo;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::Role;

use common::*;

/// Each agent's (count, total of the orders that count) taken within the range, from the
/// simulator's own tables.
fn sim_team_day(
    orders: &[SimOrder],
    team: &[uuid::Uuid],
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> BTreeMap<String, (usize, Decimal)> {
    let mut out: BTreeMap<String, (usize, Decimal)> = team
        .iter()
        .map(|a| (a.to_string(), (0, Decimal::ZERO)))
        .collect();
    for o in orders.iter().filter(|o| in_range(Some(o.date), from, to)) {
        let Some(agent) = o.agent.filter(|a| team.contains(a)) else {
            continue;
        };
        let row = out.entry(agent.to_string()).or_default();
        row.0 += 1;
        // List rows: a closed order with a zero total had all its lines cancelled.
        let cancelled = o.deleted
            || (!["НеСогласован", "КОбеспечению", "КОтгрузке"].contains(&o.status.as_str())
                && o.total.is_zero());
        if !cancelled {
            row.1 += o.total;
        }
    }
    out
}

fn shown_team_day(day: &Value) -> BTreeMap<String, (usize, Decimal)> {
    day["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["agent"].as_str().unwrap().to_owned(),
                (a["count"].as_u64().unwrap() as usize, dec(&a["total"])),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_supervisor_without_a_pick_sees_each_agents_orders_of_the_range() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let mut team = vec![demo::DEMO_AGENT];
    team.extend(sim.demo().other_agents.iter().take(3).copied());
    let supervisor = supervisor_of(&app, &team).await;
    let to = sim.as_of();
    let from = to - Days::new(6);
    let orders = sim.read(sim_orders);

    let day = json_as(&app, &supervisor, &format!("/orders?from={from}&to={to}")).await;
    let expected = sim_team_day(&orders, &team, from, to);
    assert_eq!(shown_team_day(&day), expected);
    assert!(
        expected.values().any(|(n, _)| *n > 0),
        "the demo has orders in the range"
    );
    let count: usize = expected.values().map(|(n, _)| n).sum();
    let total: Decimal = expected.values().map(|(_, t)| *t).sum();
    assert_eq!(day["count"].as_u64().unwrap() as usize, count);
    assert_eq!(dec(&day["total"]), total);
    assert!(day["stale"].is_null());

    // Each agent's line equals that agent's own list of the range.
    for (agent, (n, sum)) in &expected {
        let list = json_as(
            &app,
            &supervisor,
            &format!("/orders?agent={agent}&from={from}&to={to}"),
        )
        .await;
        assert_eq!(list["count"].as_u64().unwrap() as usize, *n, "{agent}");
        assert_eq!(dec(&list["total"]), *sum, "{agent}");
    }

    // The page links each agent to their list, with the range.
    let page = get_as(
        &app,
        &supervisor,
        &format!("/orders?from={from}&to={to}"),
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    for agent in &team {
        let link = format!("/orders?from={from}&amp;to={to}&amp;agent={agent}");
        assert!(page.body.contains(&link), "{link}: {}", page.body);
    }

    // By shipment date too.
    let shipping = json_as(
        &app,
        &supervisor,
        &format!("/orders/by-shipment?from={from}&to={to}"),
    )
    .await;
    assert_eq!(shipping["date_kind"], "shipment");
}

#[tokio::test]
async fn an_admin_without_a_pick_sees_every_agent_with_orders() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let day = sim.as_of();
    let orders = sim.read(sim_orders);
    let everyone: Vec<uuid::Uuid> = {
        let mut a: Vec<uuid::Uuid> = orders.iter().filter_map(|o| o.agent).collect();
        a.sort();
        a.dedup();
        a
    };
    let expected: BTreeMap<String, (usize, Decimal)> = sim_team_day(&orders, &everyone, day, day)
        .into_iter()
        .filter(|(_, (n, _))| *n > 0)
        .collect();
    let shown = json_as(&app, &admin, &format!("/orders?from={day}&to={day}")).await;
    assert_eq!(shown_team_day(&shown), expected);
}

#[tokio::test]
async fn supervisors_pick_agents_of_their_team_only() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let other = sim.demo().other_agents[0];
    let supervisor = supervisor_of(&app, &[demo::DEMO_AGENT]).await;
    let to = sim.as_of();
    let from = to - Days::new(3);

    // Without a pick: the team's day, with the picker offering the team.
    let page = get_as(&app, &supervisor, "/orders", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Заказы команды"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!("value=\"{}\"", demo::DEMO_AGENT))
    );
    assert!(!page.body.contains(&other.to_string()), "only the team");

    let mine = json_as(
        &app,
        &supervisor,
        &format!("/orders?agent={}&from={from}&to={to}", demo::DEMO_AGENT),
    )
    .await;
    let as_agent = json_as(&app, &agent(), &format!("/orders?from={from}&to={to}")).await;
    assert_eq!(mine["agent"], demo::DEMO_AGENT.to_string());
    assert_eq!(ids(&mine), ids(&as_agent));
    let html = get_as(
        &app,
        &supervisor,
        &format!("/orders?agent={}&from={from}&to={to}", demo::DEMO_AGENT),
        None,
    )
    .await;
    assert!(
        html.body.contains(&format!("agent={}", demo::DEMO_AGENT)),
        "links keep the pick"
    );
    let order = listed(&mine)[0]["id"].as_str().unwrap().to_owned();
    let detail = json_as(
        &app,
        &supervisor,
        &format!("/orders/{order}?agent={}", demo::DEMO_AGENT),
    )
    .await;
    let stored = sim.read(sim_orders);
    let sim_order = stored.iter().find(|o| o.id.to_string() == order).unwrap();
    assert_detail_is(&detail, sim_order);
    let page = get_as(
        &app,
        &supervisor,
        &format!("/orders/{order}?agent={}", demo::DEMO_AGENT),
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(detail["order"]["number"].as_str().unwrap())
    );

    // Outside the team: refused, on every page.
    for path in [
        format!("/orders?agent={other}"),
        format!("/orders/by-shipment?agent={other}"),
        format!("/orders/{order}?agent={other}"),
    ] {
        assert_eq!(
            get_as(&app, &supervisor, &path, Some(JSON)).await.status,
            403,
            "{path}"
        );
    }
    // A team agent cannot be used to reach another agent's order.
    let others_order = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.agent == Some(other))
        .unwrap()
        .id;
    let r = get_as(
        &app,
        &supervisor,
        &format!("/orders/{others_order}?agent={}", demo::DEMO_AGENT),
        Some(JSON),
    )
    .await;
    assert_eq!(r.status, 404);

    // An admin picks any agent.
    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let theirs = json_as(
        &app,
        &admin,
        &format!("/orders?agent={other}&from={from}&to={to}"),
    )
    .await;
    assert_eq!(theirs["agent"], other.to_string());
    let detail = json_as(
        &app,
        &admin,
        &format!("/orders/{others_order}?agent={other}"),
    )
    .await;
    let sim_order = stored.iter().find(|o| o.id == others_order).unwrap();
    assert_eq!(sim_order.agent, Some(other));
    assert_detail_is(&detail, sim_order);
}

/// An order's page (JSON) shows the simulator's order: its id, total, status, every line with the
/// counted ones summed, and the internal fields staff see.
fn assert_detail_is(detail: &Value, sim: &SimOrder) {
    let order = &detail["order"];
    assert_eq!(order["id"], sim.id.to_string());
    assert_eq!(dec(&order["total"]), sim.total);
    assert_eq!(order["status"]["status"], expected_status(sim), "{order}");
    let lines = detail["lines"].as_array().unwrap();
    let shown: Vec<(Decimal, bool)> = lines
        .iter()
        .map(|l| (dec(&l["amount"]), l["cancelled"].as_bool().unwrap()))
        .collect();
    assert_eq!(shown, sim.lines);
    let counted: Decimal = sim.lines.iter().filter(|(_, c)| !c).map(|(a, _)| *a).sum();
    assert_eq!(dec(&detail["totals"]["amount"]), counted);
    assert!(order["comment"].is_string(), "staff see the agent's note");
    assert!(
        detail["onec_link"]
            .as_str()
            .unwrap()
            .contains("ЗаказКлиента")
    );
}
