//! What the reports tests share: people with real session tokens, requests through the function's
//! router, and the simulator's posted sales read from its own tables (never through the portal's
//! client or the turnovers register), so expectations are computed independently.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
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
    let router = skazka_reports::router(app.state.clone());
    skazka_testkit::people::get_as(&router, app, who, path, accept).await
}

pub async fn json_as(app: &TestApp, who: &Identity, path: &str) -> Value {
    let router = skazka_reports::router(app.state.clone());
    skazka_testkit::people::json_as(&router, app, who, path).await
}

/// A file's status, headers and bytes (an export is not text).
pub struct File {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl File {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

pub async fn file_as(app: &TestApp, who: &Identity, path: &str) -> File {
    use tower::ServiceExt;
    let token = skazka_testkit::people::token(app, who);
    let request = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = skazka_reports::router(app.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    File {
        status,
        headers,
        bytes,
    }
}

/// The sums a report row carries, restated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub quantity: Decimal,
    pub revenue: Decimal,
    pub manual: Decimal,
    pub auto: Decimal,
}

impl Sums {
    pub fn add(&mut self, o: &Sums) {
        self.quantity += o.quantity;
        self.revenue += o.revenue;
        self.manual += o.manual;
        self.auto += o.auto;
    }

    /// A JSON row's (or totals') sums.
    pub fn of(v: &Value) -> Sums {
        Sums {
            quantity: dec(&v["quantity"]),
            revenue: dec(&v["revenue"]),
            manual: dec(&v["manual_discount"]),
            auto: dec(&v["auto_discount"]),
        }
    }
}

/// A line of a posted sale, with what the reports group it by.
#[derive(Clone, Debug)]
pub struct SimLine {
    pub sale: Uuid,
    pub agent: Option<Uuid>,
    pub partner: Option<Uuid>,
    /// The sale's contract: one partner may sell through several (several analytics keys).
    pub contract: Option<Uuid>,
    pub date: NaiveDate,
    pub product: Option<Uuid>,
    pub maker: Option<Uuid>,
    pub sums: Sums,
}

/// Every line of every posted, not deleted sale document.
pub fn sim_lines(db: &Db) -> Vec<SimLine> {
    let makers: HashMap<Uuid, Option<Uuid>> = db
        .table(s::PRODUCTS)
        .rows
        .iter()
        .map(|r| {
            (
                r[0].as_guid().unwrap(),
                r[col(s::PRODUCTS, "Производитель")]
                    .as_guid()
                    .filter(|g| !g.is_nil()),
            )
        })
        .collect();
    let c = |f| col(s::SALES, f);
    let t = |f| tcol(s::SALES, "Товары", f);
    let mut out = Vec::new();
    for r in &db.table(s::SALES).rows {
        if !r[c("Posted")].as_bool() || r[c("DeletionMark")].as_bool() {
            continue;
        }
        for l in r[c("Товары")].as_table() {
            let product = l[t("Номенклатура")].as_guid();
            out.push(SimLine {
                sale: r[0].as_guid().unwrap(),
                agent: r[c("Менеджер")].as_guid(),
                partner: r[c("Партнер")].as_guid(),
                contract: r[c("Договор")].as_guid(),
                date: r[c("Date")].as_date().unwrap().date(),
                maker: product.and_then(|p| makers.get(&p).copied().flatten()),
                product,
                sums: Sums {
                    quantity: l[t("Количество")].as_num(),
                    revenue: l[t("СуммаСНДС")].as_num(),
                    manual: l[t("СуммаРучнойСкидки")].as_num(),
                    auto: l[t("СуммаАвтоматическойСкидки")].as_num(),
                },
            });
        }
    }
    out
}

/// Lines of `agents` (everyone when empty) within `from..=to`.
pub fn lines_of(
    lines: &[SimLine],
    agents: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<SimLine> {
    lines
        .iter()
        .filter(|l| l.date >= from && l.date <= to)
        .filter(|l| agents.is_empty() || l.agent.is_some_and(|a| agents.contains(&a)))
        .cloned()
        .collect()
}

/// Sums of lines by a key, as strings (refs as the JSON carries them; `none` for no ref).
pub fn sums_by(
    lines: &[SimLine],
    key: impl Fn(&SimLine) -> Option<Uuid>,
) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    for l in lines {
        let k = key(l).map_or("none".to_owned(), |u| u.to_string());
        out.entry(k).or_default().add(&l.sums);
    }
    out
}

pub fn total(lines: &[SimLine]) -> Sums {
    let mut t = Sums::default();
    for l in lines {
        t.add(&l.sums);
    }
    t
}

/// A JSON report's rows by id (`none` when the row has no ref).
pub fn shown(rows: &Value) -> BTreeMap<String, Sums> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap_or("none").to_owned(), Sums::of(r)))
        .collect()
}

/// The number of 1C calls a response's `Server-Timing` reports.
pub fn onec_calls(reply: &Reply) -> u32 {
    let timing = reply.header("server-timing");
    let Some(desc) = timing.split("desc=\"").nth(1) else {
        return 0;
    };
    desc.split(' ').next().unwrap().parse().unwrap()
}
