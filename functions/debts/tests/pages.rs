//! The debts pages end to end against the simulator: a signed-in person (a real session token),
//! the router in the shared shell, the 1C client, the cache. Expectations are computed from the
//! simulator's own sale documents and payments, not through the portal's client nor its register.

mod common;

use std::collections::{BTreeMap, HashMap};

use onec_sim::demo;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::Role;
use uuid::Uuid;

use common::*;

/// The report's sums add up: per client, per bucket, and the top-level `total`.
fn assert_adds_up(report: &Value) {
    let docs = listed(report);
    let total: Decimal = docs.values().copied().sum();
    assert_eq!(dec(&report["total"]), total);
    let buckets: Decimal = ["not_due", "days_1_7", "days_8_30", "days_31_60", "over_60"]
        .iter()
        .map(|b| dec(&report["buckets"][b]))
        .sum();
    assert_eq!(buckets, total, "the buckets split the total");
    for c in report["clients"].as_array().unwrap() {
        let docs: Decimal = c["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| dec(&d["debt"]))
            .sum();
        assert_eq!(dec(&c["debt"]), docs, "{}", c["partner"]["name"]);
    }
}

#[tokio::test]
async fn an_agents_debts_are_invoiced_minus_paid_per_document_and_only_theirs() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let want = sim.read(|db| expected_debts(db, |s| s.agent == Some(demo::DEMO_AGENT)));
    assert!(want.len() > 3, "the demo agent's clients owe something");

    let report = json_as(&app, &agent(), "/debts").await;
    assert_eq!(listed(&report), want);
    assert_adds_up(&report);
    assert!(report["stale"].is_null());
    assert!(report.get("agents").is_none(), "an agent has no team table");
    // Never a negative balance, and every document is the agent's own.
    for c in report["clients"].as_array().unwrap() {
        for d in c["documents"].as_array().unwrap() {
            assert!(dec(&d["debt"]) > Decimal::ZERO);
            assert_eq!(d["agent"], demo::DEMO_AGENT.to_string());
        }
    }

    let html = get_as(&app, &agent(), "/debts", None).await;
    assert_eq!(html.status, 200);
    assert!(
        html.body.contains("Задолженность клиентов"),
        "{}",
        html.body
    );
    assert!(html.body.contains("Срок не наступил"));
}

#[tokio::test]
async fn an_admins_everyone_is_every_owed_document_of_the_company() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let want = sim.read(|db| expected_debts(db, |_| true));
    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let report = json_as(&app, &admin, "/debts").await;
    assert_eq!(listed(&report), want);
    assert_adds_up(&report);
}

#[tokio::test]
async fn sorted_by_debt_overdue_or_client_and_searched_by_client() {
    let app = skazka_testkit::app().await;
    let by_debt = json_as(&app, &agent(), "/debts?sort=debt").await;
    let clients = by_debt["clients"].as_array().unwrap();
    assert!(clients.len() > 1);
    let debts: Vec<Decimal> = clients.iter().map(|c| dec(&c["debt"])).collect();
    assert!(debts.windows(2).all(|w| w[0] >= w[1]), "{debts:?}");

    let by_overdue = json_as(&app, &agent(), "/debts?sort=overdue").await;
    let days: Vec<i64> = by_overdue["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["max_days_overdue"].as_i64().unwrap_or(i64::MIN))
        .collect();
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");

    let by_client = json_as(&app, &agent(), "/debts?sort=client").await;
    let names: Vec<String> = by_client["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["partner"]["name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");

    // A part of one client's name, in another case, finds that client only.
    let name = clients[0]["partner"]["name"].as_str().unwrap().to_owned();
    let part: String = name
        .chars()
        .skip(1)
        .take(6)
        .collect::<String>()
        .to_uppercase();
    let q = percent_encode(&part);
    let found = json_as(&app, &agent(), &format!("/debts?q={q}")).await;
    let found_names: Vec<&str> = found["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["partner"]["name"].as_str().unwrap())
        .collect();
    assert!(
        found_names.contains(&name.as_str()),
        "{part}: {found_names:?}"
    );
    assert_adds_up(&found);

    let bad = get_as(&app, &agent(), "/debts?sort=sideways", Some(JSON)).await;
    assert_eq!(bad.status, 400);
}

fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn a_client_sees_its_own_partners_debts_without_internal_fields() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let want = sim.read(|db| expected_debts(db, |s| s.partner == Some(demo::DEMO_CLIENT_PARTNER)));
    let report = json_as(&app, &client(), "/my/debts").await;
    assert_eq!(listed(&report), want);
    assert_adds_up(&report);
    let text = report.to_string();
    assert!(!text.contains("\"agent\""), "no internal fields: {text}");

    // The agents' pages are not a client's; another partner's page is not found.
    assert_eq!(
        get_as(&app, &client(), "/debts", Some(JSON)).await.status,
        403
    );
    let other = sim
        .read(sim_sales)
        .into_iter()
        .find_map(|s| s.partner.filter(|p| *p != demo::DEMO_CLIENT_PARTNER));
    let other = other.expect("another partner");
    let page = get_as(
        &app,
        &client(),
        &format!("/my/debts/clients/{other}"),
        Some(JSON),
    )
    .await;
    assert_eq!(page.status, 404);
    let own = json_as(
        &app,
        &client(),
        &format!("/my/debts/clients/{}", demo::DEMO_CLIENT_PARTNER),
    )
    .await;
    assert_eq!(dec(&own["total"]), dec(&report["total"]));
}

#[tokio::test]
async fn a_client_page_lists_its_documents_and_90_days_of_payments() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let report = json_as(&app, &agent(), "/debts").await;
    let partner: Uuid = report["clients"][0]["partner"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let page = json_as(&app, &agent(), &format!("/debts/clients/{partner}")).await;
    let want = sim.read(|db| {
        expected_debts(db, |s| {
            s.agent == Some(demo::DEMO_AGENT) && s.partner == Some(partner)
        })
    });
    let docs: HashMap<Uuid, Decimal> = page["client"]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap().parse().unwrap(), dec(&d["debt"])))
        .collect();
    assert_eq!(docs, want);
    assert_eq!(dec(&page["total"]), want.values().copied().sum::<Decimal>());

    let since = sim.now().date() - chrono::Days::new(90);
    let paid: Decimal = sim.read(|db| {
        sim_payments(db)
            .into_iter()
            .filter(|p| p.counts && p.partner == Some(partner) && p.date.date() >= since)
            .map(|p| p.amount)
            .sum()
    });
    assert_eq!(dec(&page["paid"]), paid);

    let html = get_as(&app, &agent(), &format!("/debts/clients/{partner}"), None).await;
    assert_eq!(html.status, 200);
    assert!(
        html.body.contains("/sales/"),
        "documents link to their sale pages"
    );
    assert!(html.body.contains("Оплаты за 90 дней"));

    // A partner the agent never sold to is outside the scope.
    let outsider = sim.read(sim_sales).into_iter().find_map(|s| {
        let theirs = s.agent != Some(demo::DEMO_AGENT);
        s.partner.filter(|_| theirs)
    });
    let outsider = outsider.unwrap();
    let sold_to_agent = sim
        .read(sim_sales)
        .iter()
        .any(|s| s.agent == Some(demo::DEMO_AGENT) && s.partner == Some(outsider));
    if !sold_to_agent {
        let r = get_as(
            &app,
            &agent(),
            &format!("/debts/clients/{outsider}"),
            Some(JSON),
        )
        .await;
        assert_eq!(r.status, 404);
    }
}

/// The agents with the most open debt, besides the demo agent.
fn other_agents(db: &onec_sim::db::Db) -> Vec<Uuid> {
    let mut by_agent: BTreeMap<Uuid, usize> = BTreeMap::new();
    for s in sim_sales(db) {
        if let Some(a) = s.agent.filter(|a| *a != demo::DEMO_AGENT) {
            *by_agent.entry(a).or_default() += 1;
        }
    }
    let mut agents: Vec<(Uuid, usize)> = by_agent.into_iter().collect();
    agents.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    agents.into_iter().map(|(a, _)| a).collect()
}

#[tokio::test]
async fn a_supervisor_sees_the_team_with_per_agent_subtotals_and_picks_one() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let (other, outsider) = sim.read(|db| {
        let o = other_agents(db);
        (o[0], o[1])
    });
    let team = [demo::DEMO_AGENT, other];
    let supervisor = supervisor_of(&app, &team).await;
    let want = sim.read(|db| expected_debts(db, |s| s.agent.is_some_and(|a| team.contains(&a))));

    let report = json_as(&app, &supervisor, "/debts").await;
    assert_eq!(listed(&report), want);
    assert_adds_up(&report);
    let agents = report["agents"].as_array().expect("the team's subtotals");
    assert_eq!(agents.len(), 2);
    let subtotals: Decimal = agents.iter().map(|a| dec(&a["debt"])).sum();
    assert_eq!(subtotals, dec(&report["total"]));

    let one = json_as(
        &app,
        &supervisor,
        &format!("/debts?agent={}", demo::DEMO_AGENT),
    )
    .await;
    let mine = json_as(&app, &agent(), "/debts").await;
    assert_eq!(listed(&one), listed(&mine));
    let row = agents
        .iter()
        .find(|a| a["agent"] == demo::DEMO_AGENT.to_string())
        .unwrap();
    assert_eq!(dec(&row["debt"]), dec(&one["total"]));

    let html = get_as(&app, &supervisor, "/debts", None).await;
    assert!(html.body.contains("По агентам"));
    assert!(html.body.contains("agent-picker"), "the shared picker");
    // The team's client page links each document to its agent's sale page.
    let partner = report["clients"][0]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = get_as(
        &app,
        &supervisor,
        &format!("/debts/clients/{partner}"),
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("?agent="), "sale links name the agent");
    // A picked agent is kept in the client's links.
    let picked = get_as(
        &app,
        &supervisor,
        &format!("/debts?agent={}", demo::DEMO_AGENT),
        None,
    )
    .await;
    assert!(picked.body.contains("/clients/"));
    assert!(picked.body.contains(&format!("agent={}", demo::DEMO_AGENT)));

    let denied = get_as(
        &app,
        &supervisor,
        &format!("/debts?agent={outsider}"),
        Some(JSON),
    )
    .await;
    assert_eq!(denied.status, 403);

    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let theirs = json_as(&app, &admin, &format!("/debts?agent={outsider}")).await;
    let want = sim.read(|db| expected_debts(db, |s| s.agent == Some(outsider)));
    assert_eq!(listed(&theirs), want);
}

#[tokio::test]
async fn json_answers_are_described_by_the_openapi_document() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(skazka_debts::openapi::ApiDoc::openapi()).unwrap();
    let check = |name: &str, value: &serde_json::Value| {
        assert_eq!(
            skazka_testkit::openapi::check(&doc, name, value),
            Vec::<String>::new(),
            "{name}"
        );
    };
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let other = sim.read(|db| other_agents(db)[0]);
    let supervisor = supervisor_of(&app, &[demo::DEMO_AGENT, other]).await;
    let report = json_as(&app, &supervisor, "/debts").await;
    check("DebtsReport", &report);
    let partner = report["clients"][0]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = json_as(&app, &supervisor, &format!("/debts/clients/{partner}")).await;
    check("ClientPage", &page);
    check("DebtsReport", &json_as(&app, &agent(), "/debts").await);
    check("DebtsReport", &json_as(&app, &client(), "/my/debts").await);
}
