//! Helpers for the auth function's tests: a demo-ready app (accounts synced from the simulator,
//! the demo client); the cookie-keeping `Browser` comes from the testkit.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use onec_client::Guid;
pub use skazka_testkit::{Browser, csrf_of};
use skazka_testkit::{Reply, TestApp, send};

pub const PASSWORD: &str = "demo1234";
pub const AGENT: &str = "+77010000001";
pub const SUPERVISOR: &str = "+77010000002";
pub const CLIENT: &str = "+77010000003";
pub const ADMIN: &str = "+77010000004";

/// A fresh app (own database, simulator) with the demo accounts, configured by `vars`.
pub async fn demo_app(vars: &[(&str, &str)]) -> TestApp {
    let app = skazka_testkit::app_with(vars).await;
    demo_accounts(&app).await;
    app
}

pub async fn demo_accounts(app: &TestApp) {
    skazka_accounts::demo::ensure(
        app.state.db(),
        app.state.onec_client(),
        app.state.sessions(),
        CLIENT,
        PASSWORD,
        Guid::from_uuid(onec_sim::demo::DEMO_CLIENT_PARTNER),
    )
    .await
    .expect("demo accounts");
}

pub async fn post_json(router: &Router, path: &str, json: serde_json::Value) -> Reply {
    send(
        router,
        axum::http::Request::post(path)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap(),
    )
    .await
}

pub async fn get_bearer(router: &Router, path: &str, token: &str) -> Reply {
    send(
        router,
        axum::http::Request::get(path)
            .header("accept", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Sets a 1C user's additional attributes through the simulator's PATCH (as 1C would hold them).
pub fn set_onec_user(
    sim: &onec_sim::Simulator,
    user: uuid::Uuid,
    password: &str,
    role: Option<uuid::Uuid>,
) {
    use onec_sim::demo::*;
    let mut rows = vec![
        serde_json::json!({"LineNumber": "1", "Свойство_Key": ATTR_SITE_PASSWORD, "Значение": password, "Значение_Type": "Edm.String", "ТекстоваяСтрока": ""}),
        serde_json::json!({"LineNumber": "2", "Свойство_Key": ATTR_SHOW_ON_SITE, "Значение": true, "Значение_Type": "Edm.Boolean", "ТекстоваяСтрока": ""}),
    ];
    if let Some(role) = role {
        rows.push(serde_json::json!({"LineNumber": "3", "Свойство_Key": ATTR_SITE_ROLE, "Значение": role, "Значение_Type": "StandardODATA.Catalog_ЗначенияСвойствОбъектов", "ТекстоваяСтрока": ""}));
    }
    let body = serde_json::json!({ "ДополнительныеРеквизиты": rows });
    sim.patch(
        &format!("Catalog_Пользователи(guid'{user}')"),
        body.to_string().as_bytes(),
    )
    .expect("simulator PATCH");
}

pub fn set_onec_invalid(sim: &onec_sim::Simulator, user: uuid::Uuid, invalid: bool) {
    let body = serde_json::json!({ "Недействителен": invalid });
    sim.patch(
        &format!("Catalog_Пользователи(guid'{user}')"),
        body.to_string().as_bytes(),
    )
    .expect("simulator PATCH");
}
