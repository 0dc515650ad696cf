//! A tiny browser over a router: requests that keep cookies between them, as a browser would,
//! and every response kept (for "no password in any response" checks).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;

use crate::{Reply, send};

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
