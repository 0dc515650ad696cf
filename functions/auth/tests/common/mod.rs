//! Helpers for the auth function's tests: a demo-ready app (accounts synced from the simulator,
//! the demo client), and a tiny browser keeping cookies between requests.

#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use onec_client::Guid;
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

/// Requests through a router, keeping cookies like a browser.
pub struct Browser {
    pub router: Router,
    pub jar: BTreeMap<String, String>,
    /// Every response seen, for "no password in any response".
    pub seen: Vec<String>,
}

impl Browser {
    pub fn new(router: Router) -> Self {
        Browser {
            router,
            jar: BTreeMap::new(),
            seen: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Reply {
        let mut request = request;
        if !self.jar.is_empty() {
            request = request.header("cookie", self.cookie_header());
        }
        let reply = send(&self.router, request.body(body).unwrap()).await;
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attrs) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        self.seen
            .push(format!("{:?}\n{}", reply.headers, reply.body));
        reply
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(axum::http::Request::get(path), Body::empty())
            .await
    }

    pub async fn get_json(&mut self, path: &str) -> Reply {
        self.send(
            axum::http::Request::get(path).header("accept", "application/json"),
            Body::empty(),
        )
        .await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            axum::http::Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// Opens `/login`, signs in, and returns the sign-in answer.
    pub async fn sign_in(&mut self, phone: &str, password: &str) -> Reply {
        let form = self.get("/login").await;
        let csrf = csrf_of(&form.body);
        self.post_form(
            "/login",
            &[("csrf", &csrf), ("phone", phone), ("password", password)],
        )
        .await
    }
}

/// The CSRF token of the first form in `html`.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
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
