//! A tiny browser over a router: requests that keep cookies between them, as a browser would,
//! and every response kept (for "no password in any response" checks).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;

use crate::{Reply, send};

/// Requests through a router, keeping cookies like a browser (each sent only under its `Path`).
pub struct Browser {
    pub router: Router,
    /// Cookie name → value.
    pub jar: BTreeMap<String, String>,
    /// Cookie name → the `Path` it was set with.
    pub paths: BTreeMap<String, String>,
    /// Every response seen, for "no password in any response".
    pub seen: Vec<String>,
}

impl Browser {
    pub fn new(router: Router) -> Self {
        Browser {
            router,
            jar: BTreeMap::new(),
            paths: BTreeMap::new(),
            seen: Vec::new(),
        }
    }

    fn cookie_header(&self, path: &str) -> String {
        self.jar
            .iter()
            .filter(|(k, _)| {
                let scope = self.paths.get(*k).map_or("/", String::as_str);
                path.starts_with(scope)
            })
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, request: axum::http::request::Builder, body: Body) -> Reply {
        let mut request = request;
        let path = request
            .uri_ref()
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        let cookies = self.cookie_header(&path);
        if !cookies.is_empty() {
            request = request.header("cookie", cookies);
        }
        let reply = send(&self.router, request.body(body).unwrap()).await;
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, attrs) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let path = attrs
                .split(';')
                .filter_map(|a| a.trim().strip_prefix("Path="))
                .next()
                .unwrap_or("/");
            if attrs.contains("Max-Age=0") {
                self.jar.remove(name);
                self.paths.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
                self.paths.insert(name.to_owned(), path.to_owned());
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
