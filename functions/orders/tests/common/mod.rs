//! What the orders tests share: people with real session tokens, requests through the function's
//! router, and the simulator's orders read from its own tables (never through the portal's
//! client), so expectations are computed independently.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use onec_client::Guid;
use onec_sim::db::{Db, col, tcol};
use onec_sim::demo;
use onec_sim::schema as s;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::{Identity, Role};
use skazka_testkit::{Reply, TestApp, send};
use uuid::Uuid;

pub const JSON: &str = "application/json";

pub fn guid(u: Uuid) -> Guid {
    Guid::parse(&u.to_string()).unwrap()
}

pub fn person(role: Role, onec_ref: Option<Uuid>, partners: &[Uuid]) -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        role,
        name: format!("Тест {role}"),
        onec_ref: onec_ref.map(guid),
        partners: partners.iter().copied().map(guid).collect(),
        impersonator: None,
    }
}

pub fn agent() -> Identity {
    person(Role::Agent, Some(demo::DEMO_AGENT), &[])
}

pub fn client() -> Identity {
    person(Role::Client, None, &[demo::DEMO_CLIENT_PARTNER])
}

/// The demo supervisor, synced from the simulator, with its team set to `team` (a team is looked
/// up per request in the accounts, not carried in the token).
pub async fn supervisor_of(app: &TestApp, team: &[Uuid]) -> Identity {
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    skazka_accounts::store::set_team(app.state.db(), demo::DEMO_SUPERVISOR, Some(team))
        .await
        .expect("team");
    Identity {
        user_id: demo::DEMO_SUPERVISOR,
        ..person(Role::Supervisor, Some(demo::DEMO_SUPERVISOR), &[])
    }
}

pub async fn get_as(app: &TestApp, who: &Identity, path: &str, accept: Option<&str>) -> Reply {
    let token = app.state.sessions().issue(who).unwrap().token;
    let mut request =
        axum::http::Request::get(path).header("authorization", format!("Bearer {token}"));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let router = skazka_orders::router(app.state.clone());
    send(&router, request.body(axum::body::Body::empty()).unwrap()).await
}

pub async fn json_as(app: &TestApp, who: &Identity, path: &str) -> Value {
    let reply = get_as(app, who, path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// The number of 1C calls a response's `Server-Timing` reports.
pub fn onec_calls(reply: &Reply) -> u32 {
    let timing = reply.header("server-timing");
    let desc = timing
        .split("desc=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no onec entry: {timing}"));
    desc.split(' ').next().unwrap().parse().unwrap()
}

/// An order as the simulator stores it.
#[derive(Debug, Clone)]
pub struct SimOrder {
    pub id: Uuid,
    pub agent: Option<Uuid>,
    pub partner: Option<Uuid>,
    pub date: NaiveDateTime,
    pub shipment: Option<NaiveDateTime>,
    pub status: String,
    pub deleted: bool,
    pub total: Decimal,
    /// (amount, cancelled) per line.
    pub lines: Vec<(Decimal, bool)>,
}

pub fn sim_orders(db: &Db) -> Vec<SimOrder> {
    let t = db.table(s::ORDERS);
    let c = |f| col(s::ORDERS, f);
    let (sum, cancelled) = (
        tcol(s::ORDERS, "Товары", "Сумма"),
        tcol(s::ORDERS, "Товары", "Отменено"),
    );
    t.rows
        .iter()
        .map(|r| SimOrder {
            id: r[0].as_guid().unwrap(),
            agent: r[c("Менеджер")].as_guid(),
            partner: r[c("Партнер")].as_guid(),
            date: r[c("Date")].as_date().unwrap(),
            shipment: r[c("ДатаОтгрузки")].as_date(),
            status: r[c("Статус")].as_str().unwrap_or("").to_owned(),
            deleted: r[c("DeletionMark")].as_bool(),
            total: r[c("СуммаДокумента")].as_num(),
            lines: r[c("Товары")]
                .as_table()
                .iter()
                .map(|l| (l[sum].as_num(), l[cancelled].as_bool()))
                .collect(),
        })
        .collect()
}

pub fn in_range(t: Option<NaiveDateTime>, from: NaiveDate, to: NaiveDate) -> bool {
    t.is_some_and(|t| t.date() >= from && t.date() <= to)
}

/// §5.2, restated independently: the deletion mark cancels; the three open statuses are
/// "created"; the rest is "completed" unless every line is cancelled.
pub fn expected_status(o: &SimOrder) -> &'static str {
    if o.deleted {
        "cancelled"
    } else if ["НеСогласован", "КОбеспечению", "КОтгрузке"].contains(&o.status.as_str())
    {
        "created"
    } else if !o.lines.is_empty() && o.lines.iter().all(|(_, c)| *c) {
        "cancelled"
    } else {
        "completed"
    }
}

pub fn listed(list: &Value) -> Vec<Value> {
    list["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["orders"].as_array().unwrap().clone())
        .collect()
}

pub fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal text: {v}"))
        .parse()
        .unwrap()
}

pub fn ids(list: &Value) -> BTreeSet<String> {
    listed(list)
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}
