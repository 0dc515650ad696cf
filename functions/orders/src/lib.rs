//! The orders function (one Lambda): `/orders*`, `/sales/*`, `/my/orders*` — the first feature
//! built end to end, and the shape later features copy:
//!
//! ```text
//! handlers (Viewer) → service (Reader::read → onec-client → 1C)
//!          → domain types → views (maud HTML) or the same value as JSON
//! ```
//!
//! - whose documents a request may read comes from `skazka_viewer::Viewer` (the session only);
//! - [`service`]: 1C → [`domain`] types through `skazka_reads` (the cache, the time budget, the
//!   breaker, the last good data with its age when 1C fails, a 503 when nothing is kept);
//! - [`team`]: the team's day a supervisor sees before picking an agent.
//! - [`list`]: a list's range, presets, search, sort and grouping by day.
//! - [`views`]: the phone-first Russian pages; [`e1c`]: links into the 1C client.
//! - [`openapi`]: this function's part of the portal's OpenAPI description.

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use skazka_app::{AppState, Uses};
use skazka_session::Verifier;

pub mod domain;
pub mod e1c;
pub mod handlers;
pub mod list;
pub mod openapi;
pub mod service;
pub mod team;
pub mod views;

use e1c::E1cLinks;
use service::OrdersService;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "orders";

/// The backends this function uses: 1C for the documents, Postgres for a supervisor's team (looked
/// up per request, cached), and the cache every function has.
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// The function's state, built once per cold start: the shared state and the orders service.
#[derive(Clone)]
pub struct OrdersState {
    pub app: AppState,
    pub orders: OrdersService,
}

impl OrdersState {
    pub fn new(app: &AppState) -> Self {
        let c = app.config();
        let links = E1cLinks::from_config(
            c.onec_e1c_server.as_deref(),
            c.onec_e1c_base.as_deref(),
            &app.onec().url,
        );
        let orders = OrdersService::new(app.onec_client().clone(), app.reader().clone(), links);
        OrdersState {
            app: app.clone(),
            orders,
        }
    }
}

impl FromRef<OrdersState> for OrdersService {
    fn from_ref(state: &OrdersState) -> Self {
        state.orders.clone()
    }
}

impl FromRef<OrdersState> for Verifier {
    fn from_ref(state: &OrdersState) -> Self {
        state.app.sessions().clone()
    }
}

/// This function's own routes with its state (without `/health` and the fallback, which
/// [`router`] adds), so the local runner can mount them beside the other functions'.
pub fn routes(app: &AppState) -> Router<AppState> {
    let lists = handlers::LISTS
        .iter()
        .fold(Router::new(), |r, l| r.route(l.path, get(handlers::list)));
    lists
        .route("/orders/{id}", get(handlers::order))
        .route("/my/orders/{id}", get(handlers::order))
        .route("/sales/{id}", get(handlers::sale))
        .with_state(OrdersState::new(app))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(app: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&app), app)
}
