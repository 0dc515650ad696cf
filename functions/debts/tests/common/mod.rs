//! What the debts tests share: people with real session tokens, requests through the function's
//! router, and the simulator's sale documents and payments read from its own tables (never
//! through the portal's client), so expectations are computed independently.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::collections::HashMap;

use chrono::NaiveDateTime;
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
    let router = skazka_debts::router(app.state.clone());
    skazka_testkit::people::get_as(&router, app, who, path, accept).await
}

pub async fn json_as(app: &TestApp, who: &Identity, path: &str) -> Value {
    let router = skazka_debts::router(app.state.clone());
    skazka_testkit::people::json_as(&router, app, who, path).await
}

/// A sale document as the simulator stores it.
#[derive(Debug, Clone)]
pub struct SimSale {
    pub id: Uuid,
    pub agent: Option<Uuid>,
    pub partner: Option<Uuid>,
    pub posted: bool,
    pub deleted: bool,
    pub total: Decimal,
}

pub fn sim_sales(db: &Db) -> Vec<SimSale> {
    let c = |f| col(s::SALES, f);
    db.table(s::SALES)
        .rows
        .iter()
        .map(|r| SimSale {
            id: r[0].as_guid().unwrap(),
            agent: r[c("Менеджер")].as_guid(),
            partner: r[c("Партнер")].as_guid(),
            posted: r[c("Posted")].as_bool(),
            deleted: r[c("DeletionMark")].as_bool(),
            total: r[c("СуммаДокумента")].as_num(),
        })
        .collect()
}

/// A client payment (cash or bank receipt) as the simulator stores it.
#[derive(Debug, Clone)]
pub struct SimPayment {
    pub partner: Option<Uuid>,
    pub date: NaiveDateTime,
    pub amount: Decimal,
    pub counts: bool,
    /// (sale, amount) per allocation row.
    pub allocations: Vec<(Uuid, Decimal)>,
}

pub fn sim_payments(db: &Db) -> Vec<SimPayment> {
    [s::CASH_RECEIPTS, s::BANK_RECEIPTS]
        .into_iter()
        .flat_map(|set| {
            let c = |f| col(set, f);
            let (object, sum) = (
                tcol(set, "РасшифровкаПлатежа", "ОбъектРасчетов"),
                tcol(set, "РасшифровкаПлатежа", "Сумма"),
            );
            db.table(set).rows.iter().map(move |r| SimPayment {
                partner: r[c("Партнер")].as_guid(),
                date: r[c("Date")].as_date().unwrap(),
                amount: r[c("СуммаДокумента")].as_num(),
                counts: r[c("Posted")].as_bool() && !r[c("DeletionMark")].as_bool(),
                allocations: r[c("РасшифровкаПлатежа")]
                    .as_table()
                    .iter()
                    .filter_map(|l| Some((l[object].as_guid()?, l[sum].as_num())))
                    .collect(),
            })
        })
        .collect()
}

/// Invoiced minus paid per posted sale document of those `keep` accepts, only where something is
/// still owed: the debts pages' expectation, from the documents themselves.
pub fn expected_debts(db: &Db, keep: impl Fn(&SimSale) -> bool) -> HashMap<Uuid, Decimal> {
    let mut paid: HashMap<Uuid, Decimal> = HashMap::new();
    for p in sim_payments(db).into_iter().filter(|p| p.counts) {
        for (sale, amount) in p.allocations {
            *paid.entry(sale).or_default() += amount;
        }
    }
    sim_sales(db)
        .into_iter()
        .filter(|s| s.posted && !s.deleted && keep(s))
        .map(|s| (s.id, s.total - paid.get(&s.id).copied().unwrap_or_default()))
        .filter(|(_, debt)| *debt > Decimal::ZERO)
        .collect()
}

/// Every listed document's id and debt.
pub fn listed(report: &Value) -> HashMap<Uuid, Decimal> {
    report["clients"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["documents"].as_array().unwrap().clone())
        .map(|d| (d["id"].as_str().unwrap().parse().unwrap(), dec(&d["debt"])))
        .collect()
}
