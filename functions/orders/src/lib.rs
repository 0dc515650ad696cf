//! The orders function (one Lambda): `/orders*`, `/sales/*`, `/my/orders*` — the first feature
//! built end to end, and the shape later features copy:
//!
//! ```text
//! handlers (session Scope → Viewer) → service (cache.get_or_fetch → onec-client → 1C)
//!          → domain types → views (maud HTML) or the same value as JSON
//! ```
//!
//! - [`viewer`]: whose documents a request may read, from the session's scope only.
//! - [`service`]: 1C → [`domain`] types through the cache: bounded 1C calls per page, single
//!   flight, the last good data (with its age) when 1C fails, a 503 when nothing is kept.
//! - [`list`]: a list's range, presets, search, sort and grouping by day.
//! - [`views`], [`format`]: the phone-first Russian pages; [`e1c`]: links into the 1C client.
//! - [`openapi`]: the JSON answers' description, served at `/orders/openapi.json`.

use axum::Router;
use axum::routing::get;
use skazka_app::AppState;

pub mod domain;
pub mod e1c;
pub mod format;
pub mod handlers;
pub mod list;
pub mod openapi;
pub mod service;
pub mod viewer;
pub mod views;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "orders";

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orders", get(handlers::agent_taken))
        .route("/orders/by-shipment", get(handlers::agent_shipment))
        .route("/orders/openapi.json", get(openapi::handler))
        .route("/orders/{id}", get(handlers::agent_order))
        .route("/sales/{id}", get(handlers::sale))
        .route("/my/orders", get(handlers::client_taken))
        .route("/my/orders/by-shipment", get(handlers::client_shipment))
        .route("/my/orders/{id}", get(handlers::client_order))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(), state)
}
