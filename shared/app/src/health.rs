//! `GET /health`: each backend, what it is, and whether it answers now. 503 when a required one
//! does not. 1C is reported but not required: pages serve cached data while 1C is away.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::AppState;

/// Each probe gives up after this long, so `/health` answers within it.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, `degraded` (an optional backend is down) or `unavailable` (a required one is).
    pub status: &'static str,
    pub service: &'static str,
    pub backends: Backends,
}

/// The function's backends: only those it uses (see [`crate::Uses`]).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Backends {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onec: Option<Backend>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postgres: Option<Backend>,
    pub cache: Backend,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pings: Option<Backend>,
}

/// One backend: what and where it is, whether the function needs it, and whether it answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Backend {
    pub kind: String,
    pub location: String,
    pub required: bool,
    pub reachable: bool,
    pub latency_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

async fn probe<E: std::fmt::Display>(
    kind: &str,
    location: String,
    required: bool,
    check: impl Future<Output = Result<(), E>>,
) -> Backend {
    let started = Instant::now();
    let outcome = tokio::time::timeout(PROBE_TIMEOUT, check).await;
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    };
    if let Some(error) = &error {
        tracing::warn!(backend = kind, %location, %error, "health probe failed");
    }
    Backend {
        kind: kind.to_owned(),
        location,
        required,
        reachable: error.is_none(),
        latency_ms: started.elapsed().as_millis() as u64,
        error,
    }
}

/// Probes the function's backends concurrently.
pub async fn check(state: &AppState, service: &'static str) -> Health {
    let uses = state.uses();
    let cache = state.cache().backend();
    let onec = async {
        if !uses.onec {
            return None;
        }
        let onec = state.onec();
        Some(
            probe(
                onec.kind.as_str(),
                onec.url.to_string(),
                false,
                state.probe_onec(),
            )
            .await,
        )
    };
    let postgres = async {
        if !uses.postgres {
            return None;
        }
        let target = state.postgres();
        let location = format!("{} ({})", target.location(), target.origin);
        Some(probe("postgres", location, true, skazka_store::ping(state.db())).await)
    };
    let pings = async {
        if !uses.pings {
            return None;
        }
        let pings = state.pings();
        Some(probe(pings.kind(), pings.location(), true, pings.check()).await)
    };
    let (onec, postgres, cache, pings) = tokio::join!(
        onec,
        postgres,
        probe(cache.kind(), cache.location(), true, cache.ping()),
        pings,
    );
    let all: Vec<&Backend> = [
        onec.as_ref(),
        postgres.as_ref(),
        Some(&cache),
        pings.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let status = if all.iter().any(|b| b.required && !b.reachable) {
        "unavailable"
    } else if all.iter().any(|b| !b.reachable) {
        "degraded"
    } else {
        "ok"
    };
    Health {
        status,
        service,
        backends: Backends {
            onec,
            postgres,
            cache,
            pings,
        },
    }
}

#[utoipa::path(
    get,
    path = "/health",
    tag = "health",
    summary = "Each backend the function uses, and whether it answers now",
    description = "No session needed. 1C is reported but not required: pages serve kept data while 1C is away.",
    security(()),
    responses(
        (status = 200, description = "Every required backend answers", body = Health),
        (status = 503, description = "A required backend does not", body = Health)
    )
)]
pub async fn handler(State(state): State<AppState>, service: &'static str) -> Response {
    let health = check(&state, service).await;
    let code = if health.status == "unavailable" {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let mut response = (code, Json(health)).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// `/health`'s part of the portal's OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(handler))]
pub struct ApiDoc;
