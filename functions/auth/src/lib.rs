//! The auth function (one Lambda): sign-in, sign-out, profile and administration — `/login`,
//! `/register`, `/logout`, `/profile`, `/admin/*`, `/api/v1/auth/*`.
//!
//! - Sign-in checks a phone and password (Argon2id), throttled (attempts reserved atomically
//!   before the password check, given back when it is right; 5 per phone and address, 20 per
//!   phone with a growing delay, 20 per address in 15 minutes → `429` with `Retry-After`; see
//!   [`signin`] and the README's Security section), with one answer for an unknown phone
//!   and a wrong password. It starts a session: a refresh-token family in Postgres and a signed
//!   access token (see `skazka_session`), as `HttpOnly; Secure; SameSite=Lax` cookies for a
//!   browser or as JSON for the phone app.
//! - Every other function verifies the access token itself; this function only issues, rotates
//!   and revokes.
//! - Forms carry a CSRF token: a MAC of the session id, or for the anonymous forms a MAC of a
//!   random cookie (double submit).

use axum::Router;
use axum::routing::{get, post};
use skazka_app::{AppState, Uses};

pub mod admin;
pub mod api;
pub mod pages;
pub mod signin;

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "auth";

/// The backends this function uses: Postgres (accounts, sessions) and 1C (the user sync, site
/// settings checked against 1C).
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'.
pub fn routes(_app: &AppState) -> Router<AppState> {
    Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/register", get(pages::register_form).post(pages::register))
        .route("/logout", get(pages::logout_page).post(pages::logout))
        .route("/profile", get(pages::profile).post(pages::profile_post))
        .route("/admin", get(admin::home))
        .route("/admin/users", get(admin::users::list))
        .route(
            "/admin/users/new",
            get(admin::users::new_client_form).post(admin::users::new_client),
        )
        .route(
            "/admin/users/{id}",
            get(admin::user::show).post(admin::user::act),
        )
        .route("/admin/sync", get(admin::sync::show).post(admin::sync::run))
        .route("/admin/sync/run", post(admin::sync::request))
        .route(
            "/admin/settings",
            get(admin::settings::show).post(admin::settings::save),
        )
        .route("/admin/audit", get(admin::audit::show))
        .route("/api/v1/auth/token", post(api::token))
        .route(
            "/api/v1/auth/refresh",
            get(pages::browser_refresh).post(api::refresh),
        )
        .route("/api/v1/auth/revoke", post(api::revoke))
        .route("/api/v1/openapi.json", get(openapi))
        .route(skazka_web::LOGOUT_ACTION, post(pages::logout))
}

/// The portal's OpenAPI description, as committed (`skazka_local::openapi` generates it from every
/// function's types; served here so that no function links every other).
const OPENAPI: &str = include_str!("../../../static/openapi.json");

/// `GET /api/v1/openapi.json`.
async fn openapi() -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        OPENAPI,
    )
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&state), state)
}
