//! With `SENTRY_DSN` set, an error logged while serving an invocation reaches Sentry before the
//! handler returns (Lambda may freeze the process right after): a local stand-in for Sentry's
//! ingest endpoint has the event as soon as the invocation ends.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::{get, post};
use lambda_http::{Body, Service};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_events_are_flushed_before_the_invocation_ends() {
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let ingest = Router::new().route(
        "/api/{project}/envelope/",
        post(move |body: String| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                "{}"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, ingest).await });

    let dsn = format!("http://publickey@127.0.0.1:{port}/42");
    let _telemetry = skazka_telemetry::init(&skazka_telemetry::Options {
        json: true,
        sentry_dsn: Some(&dsn),
        environment: "test",
        service: "sentry-test",
    });

    let router = Router::new().route(
        "/boom",
        get(|| async { skazka_web::AppError::Internal("the database is on fire".into()) }),
    );
    let mut handler = skazka_lambda::handler(router);
    let request = lambda_http::http::Request::get("/boom")
        .body(Body::Empty)
        .unwrap();
    let response = handler.call(request).await.unwrap();
    assert_eq!(response.status(), 500);

    let events = received.lock().unwrap().clone();
    assert!(
        events.iter().any(|e| e.contains("internal error")),
        "no event reached the stand-in before the invocation ended: {events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e.contains("\"environment\":\"test\""))
    );
}
