//! The debts function (one Lambda). Debts: `/debts*`, `/my/debts*`.
//!
//! Its pages come in later issues; for now it answers `/health` and, for every other path, the
//! shared "not found" page or problem.

use axum::Router;
use skazka_app::{AppState, Uses};

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "debts";

/// The backends this function uses: none yet but the cache.
pub const USES: Uses = Uses::CACHE_ONLY;

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'.
pub fn routes(_app: &AppState) -> Router<AppState> {
    Router::new()
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&state), state)
}
