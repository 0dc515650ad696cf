//! The reports function (one Lambda): sales reports under `/reports/sales*`.
//!
//! ```text
//! handlers (Viewer → Whose) → service (Reader::read → onec-client → turnovers, posted sales)
//!          → report (merged, sorted, totals, change, by day) → views (HTML + SVG) | JSON | XLSX | CSV
//! ```
//!
//! - [`period`]: presets and custom ranges, and the previous period of the same length;
//! - [`service`]: 1C reads through `skazka_reads` (three requests a page, per chunk of agents);
//! - [`figures`]: sums, the cached turnover rows, merging one partner's or product's keys;
//! - [`precompute`]: closed days kept in Postgres by [`precompute::refresh`], read with the live rest;
//! - [`report`]: the four reports; [`export`]: their tables as XLSX and CSV;
//! - [`handlers`]: one handler over [`handlers::SalesReport`], what differs between the reports;
//! - [`openapi`]: this function's part of the portal's OpenAPI description;
//! - [`views`] and [`chart`]: the phone-first Russian pages with server-drawn SVG charts.

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use skazka_app::{AppState, Uses};
use skazka_session::Verifier;

pub mod chart;
pub mod export;
pub mod figures;
pub mod handlers;
pub mod openapi;
pub mod period;
pub mod precompute;
pub mod report;
pub mod service;
pub mod views;

use service::ReportsService;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "reports";

/// The backends this function uses: 1C for the sales, Postgres for a supervisor's team (looked up
/// per request by the session) and the pre-computed days, and the cache every function has.
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// The function's state, built once per cold start.
#[derive(Clone)]
pub struct ReportsState {
    pub app: AppState,
    pub reports: ReportsService,
}

impl ReportsState {
    pub fn new(app: &AppState) -> Self {
        ReportsState {
            app: app.clone(),
            reports: ReportsService::new(
                app.onec_client().clone(),
                app.reader().clone(),
                Some(precompute::Store::new(app.db().clone())),
            ),
        }
    }
}

impl FromRef<ReportsState> for ReportsService {
    fn from_ref(state: &ReportsState) -> Self {
        state.reports.clone()
    }
}

impl FromRef<ReportsState> for Verifier {
    fn from_ref(state: &ReportsState) -> Self {
        state.app.sessions().clone()
    }
}

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'. Each report also answers
/// `/…/export.xlsx` and `/…/export.csv`.
pub fn routes(app: &AppState) -> Router<AppState> {
    use crate::report::{ClientsGoodsReport, ClientsReport, GoodsReport, TeamReport};
    use handlers::{index, report};
    Router::new()
        .route("/reports/sales", get(index))
        .route("/reports/sales/clients", get(report::<ClientsReport>))
        .route(
            "/reports/sales/clients/{export}",
            get(report::<ClientsReport>),
        )
        .route("/reports/sales/goods", get(report::<GoodsReport>))
        .route("/reports/sales/goods/{export}", get(report::<GoodsReport>))
        .route(
            "/reports/sales/clients-goods",
            get(report::<ClientsGoodsReport>),
        )
        .route(
            "/reports/sales/clients-goods/{export}",
            get(report::<ClientsGoodsReport>),
        )
        .route("/reports/sales/team", get(report::<TeamReport>))
        .route("/reports/sales/team/{export}", get(report::<TeamReport>))
        .with_state(ReportsState::new(app))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(app: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&app), app)
}
