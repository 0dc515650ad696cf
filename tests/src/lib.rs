//! The test harness. Every test gets fresh state: its own Postgres database (created, migrated,
//! and dropped when the test ends), the 1C simulator with `small` demo data, and the cache and
//! ping store the environment asks for (in-process and Postgres by default).
//!
//! Postgres: `TEST_DATABASE_URL` names the server and an admin database (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); test databases are named
//! `skazka_test_<run>_<random>`, `<run>` from `SKAZKA_TEST_RUN` (set by `scripts/test`, which
//! drops whatever a killed run left behind).

use std::collections::HashMap;
use std::str::FromStr;

use axum::Router;
use axum::body::Body;
use http_body_util::BodyExt;
use lambda_http::{Adapter, Context, LambdaEvent, Service, request::LambdaRequest};
use onec_sim::{RunningSim, SimConfig, Simulator};
use skazka_app::{AppState, OnecEndpoint, OnecKind, PostgresTarget, Uses};
use skazka_config::{Config, Secret};
use skazka_store::tokio_postgres::{self, NoTls};
use tower::ServiceExt;

pub mod chromium;
pub mod jar;
pub mod openapi;
pub mod people;
pub mod redis_keys;
pub mod runtime;

pub use axum::http::{HeaderMap, StatusCode};
pub use jar::{Browser, csrf_of};

/// The admin connection used to create and drop test databases.
pub fn admin_config() -> tokio_postgres::Config {
    let url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    tokio_postgres::Config::from_str(&url).expect("TEST_DATABASE_URL must be a Postgres URL")
}

async fn admin_client(config: &tokio_postgres::Config) -> tokio_postgres::Client {
    let (client, connection) = config.connect(NoTls).await.unwrap_or_else(|e| {
        panic!("Postgres must answer at TEST_DATABASE_URL (scripts/test starts it): {e}")
    });
    tokio::spawn(connection);
    client
}

/// A fresh database, dropped (with its connections) when this value is dropped.
pub struct TestDb {
    pub name: String,
    pub config: tokio_postgres::Config,
    admin: tokio_postgres::Config,
}

impl TestDb {
    pub async fn create() -> TestDb {
        let admin = admin_config();
        let run = std::env::var("SKAZKA_TEST_RUN")
            .ok()
            .filter(|r| r.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| "adhoc".to_owned());
        let random = uuid::Uuid::new_v4().simple().to_string();
        let name = format!("skazka_test_{run}_{}", &random[..12]).to_lowercase();
        admin_client(&admin)
            .await
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        let mut config = admin.clone();
        config.dbname(&name);
        TestDb {
            name,
            config,
            admin,
        }
    }
}

impl TestDb {
    /// The database's URL (the admin URL with this database's name), for a process of its own.
    pub fn url(&self) -> String {
        let admin = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL must be a URL");
        url.set_path(&format!("/{}", self.name));
        url.to_string()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Drop may run inside a runtime: do the async work on a thread of its own.
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let (client, connection) = admin.connect(NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
            })
        })
        .join();
        if !matches!(done, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {done:?}", self.name);
        }
    }
}

/// A running app for one test. Drop order: state, then the database, the simulator, and the
/// app's Redis keys.
pub struct TestApp {
    pub state: AppState,
    pub db: TestDb,
    pub sim: RunningSim,
    /// With `REDIS_URL` (and no `REDIS_PREFIX` of the test's own): the prefix only this app's
    /// keys carry, deleted with it.
    pub redis_keys: Option<redis_keys::TestKeys>,
}

/// The simulator with `small` demo data.
pub async fn simulator() -> RunningSim {
    Simulator::spawn(SimConfig::default())
        .await
        .expect("simulator starts")
}

/// The 1C endpoint of a running simulator.
pub fn sim_endpoint(sim: &RunningSim) -> OnecEndpoint {
    let config = SimConfig::default();
    OnecEndpoint {
        kind: OnecKind::Simulator,
        url: url::Url::parse(&sim.base_url()).expect("simulator URL"),
        user: config.user,
        password: Secret::new(config.password),
    }
}

/// Fresh state with the default local backends (in-process cache, pings in Postgres).
pub async fn app() -> TestApp {
    app_with(&[]).await
}

/// Fresh state, configured by `vars` (as environment variables would, e.g. `REDIS_URL`), with
/// every backend. Migrations are applied.
pub async fn app_with(vars: &[(&str, &str)]) -> TestApp {
    app_using(Uses::ALL, vars).await
}

/// [`app_with`], against a simulator made from `sim` (e.g. the `large` scale).
pub async fn app_with_sim(vars: &[(&str, &str)], sim: SimConfig) -> TestApp {
    app_built(Uses::ALL, vars, sim).await
}

/// Fresh state with only the backends a function `uses` (as its Lambda cold start builds it),
/// configured by `vars`. Migrations are applied to the test database whether or not it is used.
pub async fn app_using(uses: Uses, vars: &[(&str, &str)]) -> TestApp {
    app_built(uses, vars, SimConfig::default()).await
}

async fn app_built(uses: Uses, vars: &[(&str, &str)], sim: SimConfig) -> TestApp {
    let mut vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let redis_keys = match (vars.get("REDIS_URL"), vars.get("REDIS_PREFIX")) {
        (Some(url), None) => Some(redis_keys::TestKeys::new(url)),
        _ => None,
    };
    if let Some(keys) = &redis_keys {
        vars.insert("REDIS_PREFIX".into(), keys.prefix.clone());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("test configuration");
    let db = TestDb::create().await;
    let sim = Simulator::spawn(sim).await.expect("simulator starts");
    let postgres = PostgresTarget {
        config: db.config.clone(),
        origin: "test database",
    };
    let state = AppState::init(
        config,
        uses,
        Some(sim_endpoint(&sim)),
        Some(postgres.clone()),
    )
    .await
    .expect("state");
    let pool = skazka_store::pool(&postgres.config, 1).expect("pool");
    skazka_store::migrate(&pool).await.expect("migrations");
    TestApp {
        state,
        db,
        sim,
        redis_keys,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or(""))
            .unwrap_or("")
    }
}

/// GETs `path` from `router`, with `Accept: accept` when given.
pub async fn get(router: &Router, path: &str, accept: Option<&str>) -> Reply {
    let mut request = axum::http::Request::get(path);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    send(router, request.body(Body::empty()).expect("request")).await
}

/// Sends any request through `router`.
pub async fn send(router: &Router, request: axum::http::Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A fixture's text (`tests/fixtures/<path>`).
pub fn fixture(path: &str) -> String {
    let full = format!("{}/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("fixture {full}: {e}"))
}

/// Feeds an API Gateway HTTP API (v2) event through a Lambda handler exactly as the runtime does
/// (`lambda_http`'s adapter: event JSON → `Request` → handler → API Gateway response), and
/// returns the response event as JSON, with `body` decoded from base64 when it was encoded.
pub async fn invoke<S>(handler: S, event_json: &str) -> serde_json::Value
where
    S: Service<lambda_http::Request, Response = axum::response::Response> + Send,
    S::Future: Send + 'static,
    S::Error: std::fmt::Debug,
{
    let request: LambdaRequest = serde_json::from_str(event_json).expect("an API Gateway v2 event");
    let mut adapter = Adapter::from(handler);
    let event = LambdaEvent::new(request, Context::default());
    std::future::poll_fn(|cx| adapter.poll_ready(cx))
        .await
        .expect("ready");
    let response = adapter.call(event).await.expect("handler");
    let mut json = serde_json::to_value(&response).expect("response serializes");
    decode_lambda_body(&mut json);
    json
}

/// Decodes a Lambda response event's `body` in place when it is base64.
pub fn decode_lambda_body(json: &mut serde_json::Value) {
    if json["isBase64Encoded"] == serde_json::Value::Bool(true)
        && let Some(encoded) = json["body"].as_str()
    {
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64 body");
        json["body"] = serde_json::Value::String(String::from_utf8_lossy(&decoded).into_owned());
    }
}

/// The JSON body of an invoked Lambda response.
pub fn body_json(response: &serde_json::Value) -> serde_json::Value {
    let body = response["body"].as_str().expect("a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A response header of an invoked Lambda response.
pub fn lambda_header<'a>(response: &'a serde_json::Value, name: &str) -> &'a str {
    response["headers"][name].as_str().unwrap_or("")
}

/// A function's `/health` through its Lambda handler: JSON naming exactly the backends the
/// function uses (the cache always), each reachable, with a request id and `Server-Timing` on the
/// response.
pub async fn assert_health_event<S>(handler: S, service: &str, uses: Uses)
where
    S: Service<lambda_http::Request, Response = axum::response::Response> + Send,
    S::Future: Send + 'static,
    S::Error: std::fmt::Debug,
{
    let response = invoke(handler, &fixture("apigw-v2/health.json")).await;
    assert_eq!(response["statusCode"], 200, "{response}");
    let health = body_json(&response);
    assert_eq!(health["service"], service);
    assert_eq!(health["status"], "ok", "{health}");
    let expected = [
        ("onec", uses.onec),
        ("postgres", uses.postgres),
        ("cache", true),
        ("pings", uses.pings),
    ];
    for (backend, used) in expected {
        if used {
            assert_eq!(
                health["backends"][backend]["reachable"], true,
                "{backend}: {health}"
            );
        } else {
            assert!(
                health["backends"].get(backend).is_none(),
                "{backend} is not used by {service}: {health}"
            );
        }
    }
    assert!(!lambda_header(&response, "x-request-id").is_empty());
    assert!(lambda_header(&response, "server-timing").starts_with("app;dur="));
}

/// A path of the function's group that nothing serves, asked for JSON through its Lambda handler:
/// the shared 404 problem body, with frame denial.
pub async fn assert_missing_problem<S>(handler: S, event_fixture: &str, instance: &str)
where
    S: Service<lambda_http::Request, Response = axum::response::Response> + Send,
    S::Future: Send + 'static,
    S::Error: std::fmt::Debug,
{
    let response = invoke(handler, &fixture(event_fixture)).await;
    assert_eq!(response["statusCode"], 404, "{response}");
    assert_eq!(
        lambda_header(&response, "content-type"),
        "application/problem+json"
    );
    let problem = body_json(&response);
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["instance"], instance);
    assert_eq!(problem["title"], "Страница не найдена");
    assert_eq!(lambda_header(&response, "x-frame-options"), "DENY");
}
