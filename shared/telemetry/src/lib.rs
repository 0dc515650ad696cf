//! Telemetry: logs (JSON in Lambda, readable locally), a request id on every log line and every
//! response, the `Server-Timing` header, and Sentry when a DSN is configured.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Level;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub mod onec_calls;

/// The header that carries the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What [`init`] needs to know.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// JSON lines (CloudWatch) instead of readable text.
    pub json: bool,
    /// `SENTRY_DSN`, when present.
    pub sentry_dsn: Option<&'a str>,
    /// `local`, `dev`, `prod`: tags Sentry events.
    pub environment: &'a str,
    /// The service name on every line (`auth`, `catalogue`, `local`…).
    pub service: &'static str,
}

/// Keeps Sentry alive; drop it last (it flushes on drop).
#[must_use = "dropping the guard stops Sentry"]
pub struct Guard {
    _sentry: Option<sentry::ClientInitGuard>,
}

/// Installs the global subscriber (once; later calls only return a guard) and Sentry.
/// The level comes from `RUST_LOG` (default `info`).
pub fn init(options: &Options<'_>) -> Guard {
    let sentry = options.sentry_dsn.map(|dsn| {
        sentry::init(
            sentry::ClientOptions::new()
                .dsn(dsn)
                .environment(options.environment.to_owned())
                .maybe_release(sentry::release_name!())
                .server_name(options.service)
                .send_default_pii(false),
        )
    });

    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Error events go to Sentry as issues; lower levels ride along as breadcrumbs.
    let sentry_layers = sentry.as_ref().map(|_| {
        use sentry::integrations::tracing::{BreadcrumbLayer, ErrorLayer};
        use tracing_subscriber::Layer;
        ErrorLayer::new()
            .with_filter(LevelFilter::ERROR)
            .and_then(BreadcrumbLayer::new().with_filter(LevelFilter::INFO))
    });
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(sentry_layers);
    let result = if options.json {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .flatten_event(true)
                    .with_target(true),
            )
            .try_init()
    } else {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_ansi(std::io::stderr().is_terminal())
                    .compact()
                    .with_target(false),
            )
            .try_init()
    };
    if result.is_ok() {
        tracing::debug!(
            service = options.service,
            json = options.json,
            sentry = sentry.is_some(),
            "telemetry ready"
        );
    }
    Guard { _sentry: sentry }
}

/// Sends what Sentry still holds, waiting at most `timeout`; a no-op without Sentry. Lambda calls
/// it before an invocation ends, since the process may be frozen right after.
pub async fn flush_sentry(timeout: Duration) {
    if let Some(client) = sentry::Hub::current().client()
        && client.is_enabled()
    {
        // `flush` blocks its thread while the transport drains: keep it off the async workers.
        let _ = tokio::task::spawn_blocking(move || client.flush(Some(timeout))).await;
    }
}

/// Gives every request an id (kept from `x-request-id` when the caller sent one), opens a span
/// carrying it so every log line of the request has it, and echoes it in the response.
///
/// Apply with `router.layer(telemetry::request_layers())`… in this order (outermost first):
/// set id → trace → propagate id.
pub fn request_id_layer() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::x_request_id(MakeRequestUuid)
}

/// Copies the request id to the response.
pub fn propagate_request_id_layer() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::x_request_id()
}

/// The request span (with `request_id`, method and path) and one log line per response.
pub fn trace_layer() -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    fn(&Request) -> tracing::Span,
> {
    TraceLayer::new_for_http()
        .make_span_with(request_span as fn(&Request) -> tracing::Span)
        .on_response(tower_http::trace::DefaultOnResponse::new().level(Level::INFO))
        .on_request(tower_http::trace::DefaultOnRequest::new().level(Level::DEBUG))
}

fn request_span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// Middleware: measures the request and writes `Server-Timing`: `app` (the whole handler) and
/// `onec` (the 1C calls made while serving it: their summed time, count and rows, as counted by the
/// 1C client), and logs the same figures.
pub async fn server_timing(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (mut response, calls) = onec_calls::measure(next.run(request)).await;
    let app_ms = started.elapsed().as_secs_f64() * 1000.0;
    let value = format!("app;dur={app_ms:.1}, {}", calls.server_timing());
    if calls.calls > 0 {
        tracing::info!(
            onec_calls = calls.calls,
            onec_retries = calls.retries,
            onec_errors = calls.errors,
            onec_ms = calls.total_time.as_secs_f64() * 1000.0,
            app_ms,
            "1C calls"
        );
    }
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append("server-timing", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn flush_without_sentry_is_a_no_op() {
        flush_sentry(Duration::from_millis(10)).await;
    }

    #[test]
    fn init_twice_does_not_panic() {
        let options = Options {
            service: "test",
            environment: "test",
            ..Options::default()
        };
        let _a = init(&options);
        let _b = init(&options);
    }
}
