//! The debts function (one Lambda): `/debts*`, `/my/debts*` — what clients owe, aged.
//!
//! ```text
//! handlers (Viewer) → service (Reader::read → onec-client → 1C)
//!          → domain (grouped, aged, sorted) → views (maud HTML) or the same value as JSON
//! ```
//!
//! - whose documents a request may read comes from `skazka_viewer::Viewer` (the session only), and
//!   goes into the 1C query ([`service`]);
//! - [`ageing`]: days overdue and the ageing buckets;
//! - [`domain`]: the pages' values; [`views`]: the phone-first Russian pages.
//! - [`openapi`]: this function's part of the portal's OpenAPI description.

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use skazka_app::{AppState, Uses};
use skazka_session::Verifier;

pub mod ageing;
pub mod domain;
pub mod handlers;
pub mod openapi;
pub mod service;
pub mod views;

use service::DebtsService;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "debts";

/// The backends this function uses: 1C for the documents, Postgres for a supervisor's team (looked
/// up per request), and the cache every function has.
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// The function's state, built once per cold start: the shared state and the debts service.
#[derive(Clone)]
pub struct DebtsState {
    pub app: AppState,
    pub debts: DebtsService,
}

impl DebtsState {
    pub fn new(app: &AppState) -> Self {
        DebtsState {
            app: app.clone(),
            debts: service(app),
        }
    }
}

/// The debts service on the shared state's 1C client and reader (the scheduled refresh builds
/// one too).
pub fn service(app: &AppState) -> DebtsService {
    DebtsService::new(app.onec_client().clone(), app.reader().clone())
}

impl FromRef<DebtsState> for DebtsService {
    fn from_ref(state: &DebtsState) -> Self {
        state.debts.clone()
    }
}

impl FromRef<DebtsState> for Verifier {
    fn from_ref(state: &DebtsState) -> Self {
        state.app.sessions().clone()
    }
}

/// This function's own routes with its state (without `/health` and the fallback, which
/// [`router`] adds), so the local runner can mount them beside the other functions'.
pub fn routes(app: &AppState) -> Router<AppState> {
    Router::new()
        .route("/debts", get(handlers::list))
        .route("/my/debts", get(handlers::list))
        .route("/debts/clients/{id}", get(handlers::client))
        .route("/my/debts/clients/{id}", get(handlers::client))
        .with_state(DebtsState::new(app))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&state), state)
}
