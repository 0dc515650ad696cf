//! What the catalogue tests share: an app whose catalogue was refreshed from the simulator,
//! requests through the function's router (anonymous or as an employee), and the simulator's
//! products read from its own tables, so expectations do not come from the portal's client.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::Request;
use onec_sim::db::col;
use onec_sim::demo;
use onec_sim::schema as s;
use onec_sim::value::Value;
use rust_decimal::Decimal;
use skazka_catalogue::CatalogueService;
use skazka_session::Identity;
use skazka_testkit::{Reply, TestApp, send};
use uuid::Uuid;

pub const JSON: &str = "application/json";

/// A fresh app with the catalogue refreshed once.
pub async fn refreshed() -> (TestApp, CatalogueService) {
    let app = skazka_testkit::app().await;
    let svc = skazka_catalogue::service(&app.state);
    svc.refresh().await.expect("catalogue refresh");
    (app, svc)
}

pub fn router(app: &TestApp) -> axum::Router {
    skazka_catalogue::router(app.state.clone())
}

pub async fn get(app: &TestApp, path: &str) -> Reply {
    skazka_testkit::get(&router(app), path, None).await
}

pub async fn get_json(app: &TestApp, path: &str) -> serde_json::Value {
    let reply = skazka_testkit::get(&router(app), path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// An employee: the demo agent.
pub fn employee() -> Identity {
    skazka_testkit::people::agent()
}

#[allow(unused_imports)] // each test file uses some
pub use skazka_testkit::people::{client, dec};

/// A request as `who`, with the session cookie the browser sends.
pub async fn get_as(app: &TestApp, who: &Identity, path: &str) -> Reply {
    let token = skazka_testkit::people::token(app, who);
    let request = Request::get(path)
        .header(
            "cookie",
            format!("{}={token}", skazka_session::ACCESS_COOKIE),
        )
        .body(Body::empty())
        .unwrap();
    send(&router(app), request).await
}

/// A JSON request as `who` (the bearer token of the sign-in API).
pub async fn json_as(app: &TestApp, who: &Identity, path: &str) -> serde_json::Value {
    skazka_testkit::people::json_as(&router(app), app, who, path).await
}

/// The problems of `value` against the catalogue's schema `name`.
pub fn undescribed(name: &str, value: &serde_json::Value) -> Vec<String> {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(skazka_catalogue::openapi::ApiDoc::openapi()).unwrap();
    skazka_testkit::openapi::check(&doc, name, value)
}

/// A product of the simulator's base, read from its own table.
#[derive(Clone, Debug)]
pub struct SimProduct {
    pub id: Uuid,
    pub name: String,
    pub code: String,
    pub folder: Option<Uuid>,
    pub deleted: bool,
    pub hidden: bool,
}

/// Every product (not folders) of the simulator's base.
pub fn sim_products(app: &TestApp) -> Vec<SimProduct> {
    app.sim.sim().read(|db| {
        let c = |f| col(s::PRODUCTS, f);
        let attrs = c("ДополнительныеРеквизиты");
        db.table(s::PRODUCTS)
            .rows
            .iter()
            .filter(|r| !r[c("IsFolder")].as_bool())
            .map(|r| {
                let hidden = r[attrs].as_table().iter().any(|a| {
                    a.iter()
                        .any(|v| v.as_guid() == Some(demo::ATTR_HIDE_PRODUCT))
                        && a.iter().any(Value::as_bool)
                });
                SimProduct {
                    id: r[c("Ref_Key")].as_guid().unwrap(),
                    name: r[c("Description")].as_str().unwrap_or_default().to_owned(),
                    code: r[c("Code")].as_str().unwrap_or_default().to_owned(),
                    folder: r[c("Parent")].as_guid().filter(|g| !g.is_nil()),
                    deleted: r[c("DeletionMark")].as_bool(),
                    hidden,
                }
            })
            .collect()
    })
}

pub fn visible(app: &TestApp) -> Vec<SimProduct> {
    sim_products(app)
        .into_iter()
        .filter(|p| !p.deleted && !p.hidden)
        .collect()
}

pub fn free_stock(app: &TestApp, product: Uuid) -> Decimal {
    app.sim
        .sim()
        .read(|db| onec_sim::inspect::free_stock(db, product, demo::MAIN_WAREHOUSE))
}

pub fn main_price(app: &TestApp, product: Uuid) -> Option<Decimal> {
    app.sim
        .sim()
        .read(|db| onec_sim::inspect::latest_price(db, product, demo::MAIN_PRICE_KIND))
}

/// 1C requests the simulator has answered so far.
pub fn onec_requests(app: &TestApp) -> u64 {
    app.sim.sim().stats().requests
}
