//! A simulator served from its own thread, shared by the tests of one test binary.

#![allow(dead_code)]

use std::sync::OnceLock;

use chrono::NaiveDate;
use onec_sim::{SimConfig, Simulator};

pub const AS_OF: &str = "2026-11-26";
pub const AGENT: &str = "f10f9345-f6f4-11ed-89ec-000c29dddd38";

pub struct Fixture {
    pub base: String,
    pub sim: Simulator,
}

pub fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        as_of: Some(NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap()),
        ..SimConfig::default()
    }
}

/// Starts a simulator on a random port in a thread of its own, so it outlives each test's runtime.
pub fn start(config: SimConfig) -> Fixture {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let running = Simulator::spawn(config).await.unwrap();
            tx.send((running.base_url(), running.sim().clone()))
                .unwrap();
            std::future::pending::<()>().await;
            drop(running);
        });
    });
    let (base, sim) = rx.recv().unwrap();
    Fixture { base, sim }
}

pub fn shared() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| start(config(1)))
}

/// Percent-encodes a decoded request the way the original portal's requests reached 1C (Node's URL
/// parser): UTF-8 everywhere, space as %20, `'` as %27 in the query only, `$ , / ( ) = :` left as is.
pub fn wire(decoded: &str) -> String {
    let (path, query) = decoded.split_once('?').unwrap_or((decoded, ""));
    let enc = |s: &str, quote: bool| {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                ' ' => out.push_str("%20"),
                '\'' if quote => out.push_str("%27"),
                '"' => out.push_str("%22"),
                c if c.is_ascii() => out.push(c),
                c => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
        }
        out
    };
    if query.is_empty() {
        enc(path, false)
    } else {
        format!("{}?{}", enc(path, false), enc(query, true))
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn rows(&self) -> Vec<serde_json::Value> {
        self.json()["value"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("no value: {}", self.text))
    }

    /// `(code, message)` of an `odata.error` body.
    pub fn error(&self) -> (String, String) {
        let j = self.json();
        let e = &j["odata.error"];
        assert_eq!(e["message"]["lang"], "ru", "{}", self.text);
        (
            e["code"].as_str().unwrap().to_string(),
            e["message"]["value"].as_str().unwrap().to_string(),
        )
    }
}

/// GET of a raw (already percent-encoded) URL relative to the OData root, as the `portal` user.
pub async fn get_raw(f: &Fixture, raw: &str) -> Reply {
    send(
        f,
        reqwest::Method::GET,
        raw,
        None,
        Some(("portal", "portal")),
    )
    .await
}

pub async fn get(f: &Fixture, decoded: &str) -> Reply {
    get_raw(f, &wire(decoded)).await
}

pub async fn send(
    f: &Fixture,
    method: reqwest::Method,
    raw: &str,
    body: Option<String>,
    auth: Option<(&str, &str)>,
) -> Reply {
    let client = reqwest::Client::new();
    let mut req = client.request(method, format!("{}{raw}", f.base));
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    if let Some(b) = body {
        req = req.header("Content-Type", "application/json").body(b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    Reply {
        status,
        headers,
        text: resp.text().await.unwrap(),
    }
}
