//! The tracking function (one Lambda): `/tracking*`, `/api/v1/tracking/*`.
//!
//! - [`intake`]: `POST /api/v1/tracking/pings`, the phone app's batches of positions, validated
//!   one by one and stored once each (the ping id is the key) through `skazka_pings`.
//! - [`day`]: an agent's day derived from its orders and ping track (durations, gaps, distances,
//!   time in the field, flags), pure and tested by hand; [`service`] reads it (1C, pings);
//!   [`handlers`]: `/tracking?agent=&date=`, the day as a page or JSON; [`team`]:
//!   `/tracking/team?date=`, every agent of the team in one table.

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use skazka_app::{AppState, Uses};
use skazka_session::Verifier;

pub mod day;
pub mod handlers;
pub mod intake;
pub mod openapi;
pub mod service;
pub mod team;
pub mod views;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "tracking";

/// The backends this function uses: 1C (orders, clients' positions), the ping store, and
/// Postgres for a supervisor's team (looked up per request).
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres().pings();

/// The function's state, built once per cold start.
#[derive(Clone)]
pub struct TrackingState {
    pub app: AppState,
    pub days: service::DayService,
}

impl TrackingState {
    pub fn new(app: &AppState) -> Self {
        let days = service::DayService::new(app.onec_client().clone(), app.reader().clone());
        TrackingState {
            app: app.clone(),
            days,
        }
    }
}

impl FromRef<TrackingState> for Verifier {
    fn from_ref(state: &TrackingState) -> Self {
        state.app.sessions().clone()
    }
}

/// This function's own routes with its state (without `/health` and the fallback, which
/// [`router`] adds), so the local runner can mount them beside the other functions'.
pub fn routes(app: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/tracking/pings", post(intake::post))
        .route("/tracking", get(handlers::day))
        .route("/tracking/team", get(team::team))
        .with_state(TrackingState::new(app))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&state), state)
}
