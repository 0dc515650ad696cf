//! Figures read straight from the simulator's own tables, for tests that check the portal's
//! answers against the base rather than against the portal's own client.

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::{Db, col};
use crate::schema as s;

/// A sale document's remaining debt in the settlements register: receipts less payments, active
/// records only.
pub fn sale_debt(db: &Db, sale: Uuid) -> Decimal {
    let rec = s::records_of(s::SETTLEMENTS);
    let (object, kind, debt, active) = (
        col(&rec, "ЗаказКлиента"),
        col(&rec, "RecordType"),
        col(&rec, "Долг"),
        col(&rec, "Active"),
    );
    db.table(&rec)
        .rows
        .iter()
        .filter(|r| r[active].as_bool() && r[object].as_guid() == Some(sale))
        .map(|r| match r[kind].as_str() {
            Some("Expense") => -r[debt].as_num(),
            _ => r[debt].as_num(),
        })
        .sum()
}

/// Free stock of a product at a warehouse from the stock register's active records: on hand
/// less both reserves (docs/onec.md §3.13).
pub fn free_stock(db: &Db, product: Uuid, warehouse: Uuid) -> Decimal {
    let rec = s::records_of(s::STOCK);
    let c = |f: &str| col(&rec, f);
    let (p, w, kind, active) = (c("Номенклатура"), c("Склад"), c("RecordType"), c("Active"));
    let (on_hand, from_stock, for_order) =
        (c("ВНаличии"), c("ВРезервеСоСклада"), c("ВРезервеПодЗаказ"));
    db.table(&rec)
        .rows
        .iter()
        .filter(|r| {
            r[active].as_bool()
                && r[p].as_guid() == Some(product)
                && r[w].as_guid() == Some(warehouse)
        })
        .map(|r| {
            let free = r[on_hand].as_num() - r[from_stock].as_num() - r[for_order].as_num();
            match r[kind].as_str() {
                Some("Expense") => -free,
                _ => free,
            }
        })
        .sum()
}

/// A product's latest price of a kind from the price register's active records (the one with
/// the latest period), `None` when it has none.
pub fn latest_price(db: &Db, product: Uuid, kind: Uuid) -> Option<Decimal> {
    let rec = s::records_of(s::PRICES);
    let c = |f: &str| col(&rec, f);
    let (p, k, price, period, active) = (
        c("Номенклатура"),
        c("ВидЦены"),
        c("Цена"),
        c("Period"),
        c("Active"),
    );
    db.table(&rec)
        .rows
        .iter()
        .filter(|r| {
            r[active].as_bool() && r[p].as_guid() == Some(product) && r[k].as_guid() == Some(kind)
        })
        .max_by_key(|r| r[period].as_date())
        .map(|r| r[price].as_num())
}

/// The agent (1C user) with the most posted sale documents, and how many: the benchmarks' worst
/// case for one person's pages.
pub fn busiest_agent(db: &Db) -> Option<(Uuid, usize)> {
    let (agent, posted) = (col(s::SALES, "Менеджер"), col(s::SALES, "Posted"));
    let mut by_agent: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for r in &db.table(s::SALES).rows {
        if let (Some(a), true) = (r[agent].as_guid(), r[posted].as_bool()) {
            *by_agent.entry(a).or_default() += 1;
        }
    }
    by_agent.into_iter().max_by_key(|(a, n)| (*n, *a))
}

/// Where and when Агент Плюс says an order was taken, as the simulator stores it (the additional
/// attributes of the order, docs/onec.md §3.16).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Taken {
    /// Degrees, from 1C's `ddmm.mmmm`.
    pub latitude: f64,
    pub longitude: f64,
    pub started: chrono::NaiveDateTime,
    pub stopped: chrono::NaiveDateTime,
}

/// [`Taken`] of `order`, when Агент Плюс wrote all four attributes.
pub fn agent_plus(db: &Db, order: Uuid) -> Option<Taken> {
    use crate::demo::{ATTR_LATITUDE, ATTR_LONGITUDE, ATTR_STARTED, ATTR_STOPPED};
    use crate::value::Value;
    let c = |f| col(s::EXTRA_INFO, f);
    let value = |prop: Uuid| {
        db.table(s::EXTRA_INFO)
            .rows
            .iter()
            .find(|r| {
                r[c("Объект")].as_guid() == Some(order) && r[c("Свойство")].as_guid() == Some(prop)
            })
            .map(|r| r[c("Значение")].clone())
    };
    // `5317.4000` is 53° 17.4′.
    let degrees = |v: Value| {
        let ddmm: f64 = v.as_str()?.parse().ok()?;
        let whole = (ddmm / 100.0).trunc();
        Some(whole + (ddmm - whole * 100.0) / 60.0)
    };
    Some(Taken {
        latitude: degrees(value(ATTR_LATITUDE)?)?,
        longitude: degrees(value(ATTR_LONGITUDE)?)?,
        started: value(ATTR_STARTED)?.as_date()?,
        stopped: value(ATTR_STOPPED)?.as_date()?,
    })
}
