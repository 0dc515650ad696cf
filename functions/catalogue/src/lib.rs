//! The catalogue function (one Lambda): the public catalogue and the home page (`/`,
//! `/catalogue*`, `/sitemap.xml`, `/robots.txt`, `/api/v1/catalogue*`), and the employees' stock
//! and price tables.
//!
//! ```text
//! 1C ──(refresh job: sync, offers)──► Postgres copy + cached stock/prices/deliveries
//!                                      │
//! handlers (public, one document for everyone) ── store + offers → domain (Card, ProductPage) → views | JSON
//! staff (employees, private) ── the same + live per-product reads → fragment | tables | XLSX
//! ```
//!
//! - [`sync`]: the incremental copy of products, folders, manufacturers, units and files;
//! - [`offers`]: stock, prices and deliveries as cached sets ([`offers::Offers::refresh`]);
//! - [`store`]: the listing, search, a product, the sitemap from the copy;
//! - [`listing`]: the listing's parameters and links; [`text`]: search text and slugs;
//! - [`edge`]: `Cache-Control`, `ETag` and `304` for public answers, `no-store` for employees';
//! - [`views`] (public) and [`staff`] (employees: handlers and views);
//! - [`openapi`]: this function's part of the portal's OpenAPI description.

use axum::Router;
use axum::extract::FromRef;
use axum::http::HeaderValue;
use axum::routing::get;
use skazka_app::{AppState, Uses};
use skazka_session::Verifier;

pub mod domain;
pub mod edge;
pub mod error;
pub mod handlers;
pub mod listing;
pub mod offers;
pub mod openapi;
pub mod service;
pub mod staff;
pub mod store;
pub mod sync;
pub mod text;
pub mod views;

pub use service::{CatalogueService, RefreshReport};

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "catalogue";

/// The backends this function uses: Postgres for the copy and the site settings, 1C for stock,
/// prices and a product seen first, and the cache.
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// The function's state, built once per cold start.
#[derive(Clone)]
pub struct CatalogueState {
    pub app: AppState,
    pub catalogue: CatalogueService,
}

impl CatalogueState {
    pub fn new(app: &AppState) -> Self {
        CatalogueState {
            app: app.clone(),
            catalogue: service(app),
        }
    }
}

/// The catalogue service on an app's backends (also what the scheduled refresh runs).
pub fn service(app: &AppState) -> CatalogueService {
    CatalogueService::new(
        store::Store::new(app.db().clone()),
        app.onec_client().clone(),
        app.reader().clone(),
        app.config().catalogue.clone(),
    )
}

impl FromRef<CatalogueState> for CatalogueService {
    fn from_ref(state: &CatalogueState) -> Self {
        state.catalogue.clone()
    }
}

impl FromRef<CatalogueState> for Verifier {
    fn from_ref(state: &CatalogueState) -> Self {
        state.app.sessions().clone()
    }
}

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'.
pub fn routes(app: &AppState) -> Router<AppState> {
    use handlers::*;
    let state = CatalogueState::new(app);
    let policy = HeaderValue::from_str(&state.catalogue.config.cache_control)
        .expect("CATALOGUE_CACHE_CONTROL is checked ASCII at start-up");
    let public = Router::new()
        .route("/", get(home))
        .route("/catalogue", get(catalogue))
        .route("/catalogue/{item}", get(product))
        .route("/catalogue/files/{id}", get(file))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/api/v1/catalogue", get(api_catalogue))
        .route("/api/v1/catalogue/{id}", get(api_product))
        .route_layer(axum::middleware::from_fn_with_state(policy, edge::public));
    let staff = Router::new()
        .route("/catalogue/{item}/staff", get(staff::product_fragment))
        .route("/catalogue/stock", get(staff::stock))
        .route("/catalogue/stock/{export}", get(staff::stock))
        .route("/catalogue/prices", get(staff::prices))
        .route("/catalogue/prices/{export}", get(staff::prices));
    public.merge(staff).with_state(state)
}

/// The function's whole router: its routes in the shared shell.
pub fn router(app: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&app), app)
}
