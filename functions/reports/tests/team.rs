//! The team's report: each agent's sales equal the simulator's, the team total is the sum of its
//! agents' own reports, and only supervisors and admins open it.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use onec_sim::demo;
use rust_decimal::Decimal;
use skazka_session::Role;

use common::*;

#[tokio::test]
async fn a_supervisors_team_report_equals_the_simulator_and_its_agents_reports() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let mut team = vec![demo::DEMO_AGENT];
    team.extend(sim.demo().other_agents.iter().take(3).copied());
    let supervisor = supervisor_of(&app, &team).await;
    let to = sim.as_of();
    let from = to - Days::new(29);
    let lines = lines_of(&sim.read(sim_lines), &team, from, to);

    let path = format!("/reports/sales/team?from={from}&to={to}");
    let report = json_as(&app, &supervisor, &path).await;
    let agents = report["agents"].as_array().unwrap();
    assert_eq!(
        agents.len(),
        team.len(),
        "every agent of the team, sales or not"
    );
    assert_eq!(shown(&report["agents"]), {
        let mut want = sums_by(&lines, |l| l.agent);
        for a in &team {
            want.entry(a.to_string()).or_default();
        }
        want
    });
    for a in agents {
        let id: uuid::Uuid = a["id"].as_str().unwrap().parse().unwrap();
        let mine: Vec<&SimLine> = lines.iter().filter(|l| l.agent == Some(id)).collect();
        let clients: BTreeSet<_> = mine.iter().map(|l| l.partner).collect();
        let sales: BTreeSet<_> = mine.iter().map(|l| l.sale).collect();
        assert_eq!(
            a["clients"].as_u64().unwrap() as usize,
            clients.len(),
            "{id}"
        );
        assert_eq!(a["orders"].as_u64().unwrap() as usize, sales.len(), "{id}");
    }
    assert_eq!(Sums::of(&report["totals"]), total(&lines));
    assert_eq!(dec(&report["total"]), total(&lines).revenue);

    // The team total is the sum of each agent's own report (picked by the supervisor).
    let mut sum = Decimal::ZERO;
    let mut by_agent = BTreeMap::new();
    for a in &team {
        let own = json_as(
            &app,
            &supervisor,
            &format!("/reports/sales/clients?from={from}&to={to}&agent={a}"),
        )
        .await;
        sum += dec(&own["total"]);
        by_agent.insert(a.to_string(), dec(&own["total"]));
    }
    assert_eq!(sum, dec(&report["total"]));
    for a in agents {
        assert_eq!(dec(&a["revenue"]), by_agent[a["id"].as_str().unwrap()]);
    }

    let page = get_as(&app, &supervisor, &path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Итого по команде"));
    assert!(page.body.contains("<svg"));
    let index = get_as(&app, &supervisor, "/reports/sales", None).await;
    assert!(index.body.contains("/reports/sales/team"));
}

#[tokio::test]
async fn only_supervisors_and_admins_see_a_team() {
    let app = skazka_testkit::app().await;
    let to = app.sim.sim().as_of();
    let from = to - Days::new(6);
    let path = format!("/reports/sales/team?from={from}&to={to}");
    assert_eq!(get_as(&app, &agent(), &path, Some(JSON)).await.status, 403);
    let client = person(Role::Client, None, &[demo::DEMO_CLIENT_PARTNER]);
    assert_eq!(get_as(&app, &client, &path, Some(JSON)).await.status, 403);

    // An admin's team is everyone: the total is every agent's sales.
    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let sim = app.sim.sim().clone();
    let lines = lines_of(&sim.read(sim_lines), &[], from, to);
    let report = json_as(&app, &admin, &path).await;
    assert_eq!(Sums::of(&report["totals"]), total(&lines));
    let sales: BTreeSet<_> = lines.iter().map(|l| l.sale).collect();
    assert_eq!(report["orders"].as_u64().unwrap() as usize, sales.len());

    // A supervisor may not pick an agent outside the team.
    let supervisor = supervisor_of(&app, &[demo::DEMO_AGENT]).await;
    let outsider = sim.demo().other_agents[0];
    let picked = get_as(
        &app,
        &supervisor,
        &format!("/reports/sales/clients?agent={outsider}"),
        Some(JSON),
    )
    .await;
    assert_eq!(picked.status, 403);
}
