//! Serving a function's router in AWS Lambda: API Gateway HTTP API (v2) events in, through
//! `lambda_http`, into the same axum `Router` the local runner mounts, and Sentry flushed before
//! each invocation ends (Lambda may freeze the process right after).

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use lambda_http::{Request, Service};
use tower::ServiceExt;

pub use lambda_http;

use skazka_app::{AppState, OnecEndpoint, OnecKind, PostgresTarget, Uses};
use skazka_config::Config;

/// How long an invocation waits for Sentry to send what it holds.
pub const SENTRY_FLUSH: Duration = Duration::from_secs(2);

/// The function's Lambda handler: the router, then a Sentry flush. `lambda_http::run` takes it;
/// tests feed it events through [`lambda_http::Adapter`] exactly as the runtime does.
pub fn handler(
    router: Router,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone {
    lambda_http::service_fn(move |request: Request| {
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await;
            skazka_telemetry::flush_sentry(SENTRY_FLUSH).await;
            response
        }
    })
}

/// Runs the Lambda event loop with [`handler`].
pub async fn run(router: Router) -> Result<(), lambda_http::Error> {
    lambda_http::run(handler(router)).await
}

/// A cold start: reads and validates the configuration (a bad one stops the function with a
/// message naming each variable; only the backends it `uses` are required), starts telemetry
/// (JSON logs, Sentry when configured) and builds the state, opening those backends now.
pub async fn init(
    service: &'static str,
    uses: Uses,
) -> Result<(skazka_telemetry::Guard, AppState), lambda_http::Error> {
    let config = match Config::for_lambda(uses) {
        Ok(config) => config,
        Err(e) => {
            // No subscriber yet: stderr reaches CloudWatch all the same. The message names every
            // bad variable; the error returned only ends the cold start.
            eprintln!("{service}: {e}");
            return Err("invalid configuration (see the message above)".into());
        }
    };
    let guard = skazka_telemetry::init(&skazka_telemetry::Options {
        json: true,
        sentry_dsn: config.sentry_dsn.as_ref().map(|s| s.expose()),
        environment: &config.environment,
        service,
    });
    let onec = config.onec.clone().map(|onec| OnecEndpoint {
        kind: OnecKind::OData,
        url: onec.url,
        user: onec.user,
        password: onec.password,
    });
    let postgres = config.database.clone().map(|database| PostgresTarget {
        config: database.config,
        origin: "DATABASE_URL",
    });
    let state = AppState::init(config, uses, onec, postgres).await?;
    tracing::info!(service, "cold start done");
    Ok((guard, state))
}
