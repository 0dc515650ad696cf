//! What the orders tests share: people with real session tokens, requests through the function's
//! router, and the simulator's orders read from its own tables (never through the portal's
//! client), so expectations are computed independently.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use onec_sim::db::{Db, col, tcol};
use onec_sim::schema as s;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::Identity;
use skazka_testkit::{Reply, TestApp};
use uuid::Uuid;

#[allow(unused_imports)] // each test file uses some
pub use skazka_testkit::people::{JSON, agent, client, dec, guid, person, supervisor_of};

/// `GET path` through this function's router as `who`.
pub async fn get_as(app: &TestApp, who: &Identity, path: &str, accept: Option<&str>) -> Reply {
    let router = skazka_orders::router(app.state.clone());
    skazka_testkit::people::get_as(&router, app, who, path, accept).await
}

pub async fn json_as(app: &TestApp, who: &Identity, path: &str) -> Value {
    let router = skazka_orders::router(app.state.clone());
    skazka_testkit::people::json_as(&router, app, who, path).await
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

pub fn ids(list: &Value) -> BTreeSet<String> {
    listed(list)
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}
