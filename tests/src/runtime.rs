//! A Lambda Runtime API of our own, so a function's real binary can be run as Lambda runs it: the
//! process starts with `AWS_LAMBDA_RUNTIME_API` pointing here, asks for the next invocation, gets
//! an API Gateway event, and posts its answer back. [`invoke_binary`] does one such round and
//! reports how long the process took from start to its answer (init included).
//!
//! Only what `lambda_runtime` uses is served: `GET …/invocation/next`, `POST …/{id}/response`,
//! `POST …/{id}/error` and `POST …/init/error`.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tokio::sync::{Notify, oneshot};

const PREFIX: &str = "/2018-06-01/runtime";

/// What the function answered, and when.
#[derive(Debug)]
pub struct Invoked {
    /// The response event (`statusCode`, `headers`, `body`…) as the function posted it.
    pub response: serde_json::Value,
    /// From the process's start to its answer: the cold start and the first invocation.
    pub first_answer: Duration,
}

struct Shared {
    event: Mutex<Option<String>>,
    answer: Mutex<Option<oneshot::Sender<Result<Bytes, String>>>>,
    /// Wakes nobody: a second `next` after the only event waits until the process is killed.
    idle: Notify,
}

async fn next(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let event = shared.event.lock().unwrap().take();
    let Some(event) = event else {
        shared.idle.notified().await;
        return StatusCode::GONE.into_response();
    };
    let mut headers = HeaderMap::new();
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        + Duration::from_secs(30);
    headers.insert(
        "lambda-runtime-aws-request-id",
        HeaderValue::from_static("req-1"),
    );
    headers.insert(
        "lambda-runtime-deadline-ms",
        HeaderValue::from_str(&deadline.as_millis().to_string()).expect("digits"),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:eu-central-1:000000000000:function:skazka-test"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    (headers, event).into_response()
}

fn settle(shared: &Shared, outcome: Result<Bytes, String>) -> StatusCode {
    if let Some(tx) = shared.answer.lock().unwrap().take() {
        let _ = tx.send(outcome);
    }
    StatusCode::ACCEPTED
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(_id): Path<String>,
    body: Bytes,
) -> StatusCode {
    settle(&shared, Ok(body))
}

async fn error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    settle(&shared, Err(String::from_utf8_lossy(&body).into_owned()))
}

/// Runs the function binary at `binary` with `env` (its configuration) under a Runtime API that
/// delivers `event_json` once, and returns its answer. Panics when the process fails to answer
/// within `timeout`, reports an error, or exits first.
pub async fn invoke_binary(
    binary: &str,
    env: &[(&str, String)],
    event_json: &str,
    timeout: Duration,
) -> Invoked {
    let (tx, rx) = oneshot::channel();
    let shared = Arc::new(Shared {
        event: Mutex::new(Some(event_json.to_owned())),
        answer: Mutex::new(Some(tx)),
        idle: Notify::new(),
    });
    let api = Router::new()
        .route(&format!("{PREFIX}/invocation/next"), get(next))
        .route(
            &format!("{PREFIX}/invocation/{{id}}/response"),
            post(response),
        )
        .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
        .route(&format!("{PREFIX}/init/error"), post(error))
        .with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, api).await });

    let log = std::env::temp_dir().join(format!("skazka-runtime-{}.log", uuid::Uuid::new_v4()));
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "skazka-test")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/skazka-test")
        .env("AWS_REGION", "eu-central-1")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{binary} does not start: {e}"));
    let outcome = tokio::select! {
        answer = tokio::time::timeout(timeout, rx) => answer,
        status = child.wait() => panic!(
            "{binary} exited before answering: {status:?}; stderr:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        ),
    };
    let first_answer = started.elapsed();
    let _ = child.kill().await;
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    server.abort();
    let body = match outcome {
        Err(_) => panic!("{binary} did not answer within {timeout:?}; stderr:\n{stderr}"),
        Ok(Err(_)) => panic!("{binary}: the runtime API lost the answer"),
        Ok(Ok(Err(error))) => panic!("{binary} reported an error: {error}; stderr:\n{stderr}"),
        Ok(Ok(Ok(body))) => body,
    };
    let mut response: serde_json::Value = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("{binary} answered something not JSON ({e})"));
    crate::decode_lambda_body(&mut response);
    Invoked {
        response,
        first_answer,
    }
}

/// The configuration a function's binary gets in a test, as Lambda would give it: the test's
/// simulator as 1C, its database, fixed session keys.
pub fn lambda_env(app: &crate::TestApp) -> Vec<(&'static str, String)> {
    let sim = onec_sim::SimConfig::default();
    vec![
        ("ONEC_URL", app.sim.base_url()),
        ("ONEC_USER", sim.user),
        ("ONEC_PASSWORD", sim.password),
        ("DATABASE_URL", app.db.url()),
        (
            "SESSION_KEYS",
            "test:0123456789abcdef0123456789abcdef".to_owned(),
        ),
        ("SKAZKA_ENV", "test".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ]
}

/// A function's real binary, started as Lambda starts it against the test's backends, answers
/// the `/health` event with its service's name and every backend it uses reachable. Prints the
/// time from process start to that answer.
pub async fn assert_binary_answers_health(binary: &str, service: &str, app: &crate::TestApp) {
    let invoked = invoke_binary(
        binary,
        &lambda_env(app),
        &crate::fixture("apigw-v2/health.json"),
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(
        invoked.response["statusCode"], 200,
        "{:?}",
        invoked.response
    );
    let health = crate::body_json(&invoked.response);
    assert_eq!(health["service"], service);
    assert_eq!(health["status"], "ok", "{health}");
    println!(
        "{service}: process start to first answer {:?} (debug build)",
        invoked.first_answer
    );
}
