//! Review items 1–5 of issue 12 as they were reproduced: against the running local runner (the
//! real binary on a real socket), with plain HTTP requests as curl sends them. The router-level
//! tests of every item are in `functions/auth/tests/security.rs`.

mod common;

use std::collections::BTreeMap;

use common::Portal;
use reqwest::StatusCode;
use serde_json::{Value, json};
use skazka_local::DEMO_PASSWORD;

const AGENT: &str = "+77010000001";
const SUPERVISOR: &str = "+77010000002";
/// What the runner is told CloudFront adds; requests "through CloudFront" carry it.
const ORIGIN_SECRET: &str = "black-box-origin-secret-0123456789abcdef";
/// The sign-in throttle's bounds (`skazka_auth::signin`): per phone and address, and per phone or
/// address alone.
const LIMIT: usize = 5;
const WIDE_LIMIT: usize = 20;

/// A portal started as `cargo run -p skazka-local` starts it, with the demo accounts ready.
async fn portal() -> Portal {
    let mut portal = Portal::start(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    portal.demo_ready().await;
    portal
}

/// One caller: its own cookies (kept by hand, since the `__Host-` cookies are `Secure` and this is
/// plain HTTP on loopback), never following redirects, optionally claiming a viewer address the
/// way CloudFront names it.
struct Caller {
    http: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
    /// `(address, with the origin secret)`.
    viewer: Option<(String, bool)>,
}

struct Answer {
    status: StatusCode,
    location: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

impl Caller {
    fn new(portal: &Portal) -> Caller {
        Caller {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: portal.base.clone(),
            cookies: BTreeMap::new(),
            viewer: None,
        }
    }

    /// A caller whose requests name `address` in `CloudFront-Viewer-Address`, proven by the origin
    /// secret (as CloudFront sends them) or not (a caller going round CloudFront).
    fn from_viewer(portal: &Portal, address: &str, through_cloudfront: bool) -> Caller {
        Caller {
            viewer: Some((address.to_owned(), through_cloudfront)),
            ..Caller::new(portal)
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        let mut request = request;
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header("cookie", cookie);
        }
        if let Some((address, through_cloudfront)) = &self.viewer {
            request = request.header("cloudfront-viewer-address", format!("{address}:443"));
            if *through_cloudfront {
                request = request.header("x-origin-verify", ORIGIN_SECRET);
            }
        }
        let response = request.send().await.expect("the runner answers");
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
        Answer {
            status: response.status(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap_or("<not text>").to_owned())
                .unwrap_or_default(),
            body: response.text().await.unwrap_or_default(),
        }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn get_bearer(&mut self, path: &str, token: &str) -> Answer {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept", "application/json")
            .bearer_auth(token);
        self.send(request).await
    }

    async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    async fn post_json(&mut self, path: &str, body: Value) -> Answer {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("accept", "application/json")
            .json(&body);
        self.send(request).await
    }

    /// Signs in through the form, carrying `next`.
    async fn sign_in(&mut self, phone: &str, password: &str, next: &str) -> Answer {
        let form = self.get("/login").await;
        let csrf = skazka_testkit::csrf_of(&form.body);
        let fields = [
            ("csrf", csrf.as_str()),
            ("phone", phone),
            ("password", password),
            ("next", next),
        ];
        self.post_form("/login", &fields).await
    }

    /// The phone app's sign-in.
    async fn token(&mut self, phone: &str, password: &str) -> Answer {
        let body = json!({"phone": phone, "password": password});
        self.post_json("/api/v1/auth/token", body).await
    }
}

/// Signs in with a wrong password from each caller at once; the statuses.
async fn guesses_at_once(callers: Vec<Caller>, phone: &'static str) -> Vec<StatusCode> {
    let guesses = callers.into_iter().enumerate().map(|(i, mut caller)| {
        tokio::spawn(async move { caller.token(phone, &format!("guess-{i}")).await.status })
    });
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn item_1_open_redirect_after_sign_in_is_refused() {
    let portal = portal().await;
    let bypasses = [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%09/evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/x\r\nSet-Cookie: a=b",
        "/\u{ff0f}evil.example",
    ];
    for next in bypasses {
        let mut caller = Caller::new(&portal);
        let answer = caller.sign_in(AGENT, DEMO_PASSWORD, next).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(
            answer.location, "/orders",
            "{next:?}: the agent's home page"
        );
        // Signed in for real: the session works.
        assert_eq!(
            caller.get("/profile").await.status,
            StatusCode::OK,
            "{next:?}"
        );
    }
    let mut caller = Caller::new(&portal);
    let kept = caller
        .sign_in(AGENT, DEMO_PASSWORD, "/debts?sort=days")
        .await;
    assert_eq!(
        kept.location, "/debts?sort=days",
        "a path on this site is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item_2_concurrent_guesses_are_throttled_before_the_password_check() {
    let portal = portal().await;
    // 40 wrong passwords at once for one phone from one machine: only the bound reach the check.
    let callers = (0..40).map(|_| Caller::new(&portal)).collect();
    let statuses = guesses_at_once(callers, AGENT).await;
    assert_eq!(
        (
            count(&statuses, StatusCode::UNAUTHORIZED),
            count(&statuses, StatusCode::TOO_MANY_REQUESTS)
        ),
        (LIMIT, 40 - LIMIT),
        "{statuses:?}"
    );
    // 40 at once from 40 viewers through CloudFront: the phone's wide bound holds.
    let callers = (0..40)
        .map(|i| Caller::from_viewer(&portal, &format!("198.51.100.{i}"), true))
        .collect();
    let statuses = guesses_at_once(callers, SUPERVISOR).await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        WIDE_LIMIT,
        "{statuses:?}"
    );
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        40 - WIDE_LIMIT
    );
}

#[tokio::test]
async fn item_3_a_viewer_address_is_trusted_only_from_cloudfront() {
    let portal = portal().await;
    // Around CloudFront, a new "viewer" per request and a new phone each time: all one address.
    let mut statuses = Vec::new();
    for i in 0..WIDE_LIMIT + 3 {
        let through_cloudfront = false;
        let mut caller =
            Caller::from_viewer(&portal, &format!("203.0.113.{i}"), through_cloudfront);
        let phone = format!("+77015550{i:03}");
        statuses.push(caller.token(&phone, "guess").await.status);
    }
    let (checked, throttled) = statuses.split_at(WIDE_LIMIT);
    assert!(
        checked.iter().all(|s| *s == StatusCode::UNAUTHORIZED)
            && throttled
                .iter()
                .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn item_4_a_password_change_ends_the_other_sessions() {
    let portal = portal().await;
    // The phone app signed in before the change.
    let mut phone_app = Caller::new(&portal);
    let issued = phone_app.token(AGENT, DEMO_PASSWORD).await.json();
    let access = issued["access_token"].as_str().unwrap().to_owned();
    let refresh = issued["refresh_token"].as_str().unwrap().to_owned();

    let mut browser = Caller::new(&portal);
    browser.sign_in(AGENT, DEMO_PASSWORD, "/profile").await;
    let csrf = skazka_testkit::csrf_of(&browser.get("/profile").await.body);
    let new = "a-new-secret-42";
    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "password"),
        ("current", DEMO_PASSWORD),
        ("new", new),
        ("repeat", new),
    ];
    let changed = browser.post_form("/profile", &fields).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);

    let refreshed = phone_app
        .post_json("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(
        refreshed.status,
        StatusCode::UNAUTHORIZED,
        "the old family ended"
    );
    let old = phone_app.get_bearer("/profile", &access).await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "the old access token ended"
    );
    assert_eq!(
        browser.get("/profile").await.status,
        StatusCode::OK,
        "this one stays"
    );
    let mut again = Caller::new(&portal);
    assert_eq!(again.token(AGENT, new).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item_5_strangers_cannot_lock_the_owner_out() {
    let portal = portal().await;
    // The owner's phone app is signed in before the attack.
    let mut owner = Caller::from_viewer(&portal, "203.0.113.1", true);
    let issued = owner.token(AGENT, DEMO_PASSWORD).await.json();
    let access = issued["access_token"].as_str().unwrap().to_owned();
    let refresh = issued["refresh_token"].as_str().unwrap().to_owned();

    // Five wrong passwords from one address close that address to the phone, not another's.
    let mut stranger = Caller::from_viewer(&portal, "198.51.100.1", true);
    for _ in 0..LIMIT {
        assert_eq!(
            stranger.token(AGENT, "guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = stranger.token(AGENT, DEMO_PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let mut elsewhere = Caller::from_viewer(&portal, "203.0.113.2", true);
    let fine = elsewhere.token(AGENT, DEMO_PASSWORD).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);

    // Guesses from many addresses close the phone to new devices…
    let callers = (0..WIDE_LIMIT + 2)
        .map(|i| Caller::from_viewer(&portal, &format!("198.51.100.{}", 10 + i), true))
        .collect();
    guesses_at_once(callers, AGENT).await;
    let mut new_device = Caller::from_viewer(&portal, "203.0.113.3", true);
    let closed = new_device.token(AGENT, DEMO_PASSWORD).await;
    assert_eq!(closed.status, StatusCode::TOO_MANY_REQUESTS);
    // …but not to the owner's signed-in device, nor its refresh token.
    let request = owner
        .http
        .post(format!("{}/api/v1/auth/token", owner.base))
        .header("accept", "application/json")
        .bearer_auth(&access)
        .json(&json!({"phone": AGENT, "password": DEMO_PASSWORD}));
    let again = owner.send(request).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let refreshed = owner
        .post_json("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
}
