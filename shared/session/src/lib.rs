//! Sessions that every function verifies itself, with no call to the auth function.
//!
//! - A signed-in person holds a short-lived **access token** (HS256 JWT, `kid` header naming the
//!   key so keys can rotate; keys from `SESSION_KEYS`) in the `skazka_session` cookie
//!   (`HttpOnly; Secure; SameSite=Lax`) or in `Authorization: Bearer …` (the phone app). Its claims
//!   carry who the person is: role, the 1C user ref, a client's partners. A supervisor's team is
//!   looked up per request ([`teams`]), so the token stays small whatever the team. The auth function issues it ([`Verifier::issue`]) and rotates the refresh
//!   token stored in Postgres; this crate only verifies ([`tokens`]).
//! - Revocation reaches every function at once: sign-out and "sign out everywhere" write markers
//!   into the shared cache ([`Verifier::revoke_session`], [`Verifier::revoke_user`]), checked on
//!   every request (one cache read per marker, no Postgres, no auth call). A marker lives as long
//!   as the tokens it revokes could ([`revocation`]).
//!
//! For handlers ([`extractors`]):
//! - [`Session`] is an extractor: a signed-in person, or the request is refused — an HTML request
//!   is redirected to `/login?next=…` (or, when a refresh cookie is present on a GET, through
//!   `/api/v1/auth/refresh?next=…`, which rotates the tokens and comes back, marked: a marked
//!   request still without a session lost its cookie and goes to `/login` with a message, never
//!   round again), a JSON request gets
//!   `401` with `WWW-Authenticate: Bearer`. `Option<Session>` never refuses (public pages).
//! - [`Scope`] is an extractor: what the person may see (`Scope::Agent { agent }`,
//!   `Scope::Supervisor { team }`, `Scope::Client { partners }`, `Scope::Admin`). A
//!   supervisor's team is looked up per request. Pages take `skazka_viewer::Viewer`, built on it,
//!   which also picks one agent of the team (`?agent=`); never a raw id from the URL.
//! - [`Session::require`] answers `403` (page or problem, never data) for a role that may not open
//!   a page; [`Session::check_csrf`] answers `403` for a state-changing cookie request without the
//!   form's token ([`Session::csrf_token`], put in a hidden `csrf` field or an `X-CSRF-Token`
//!   header). Bearer requests need no CSRF token.
//! - [`chrome`] gives the shared layout what it shows about the viewer; the navigation itself
//!   lives with the layout (`skazka_web::layout`).
//!
//! State: the router's state must give a [`Verifier`] (`impl FromRef<S> for Verifier`), built
//! [`Verifier::with_teams`] where supervisors open pages; the portal's `AppState` does.

pub mod cookies;
pub mod extractors;
pub mod revocation;
pub mod teams;
pub mod tokens;

pub use cookies::{ACCESS_COOKIE, REFRESH_COOKIE, cookie, random_token, set_cookie, token_of};
pub use extractors::{
    COOKIE_LOST_REASON, REFRESHED_PARAM, Scope, Session, SessionRejection, Via, mark_refreshed,
    safe_next,
};
pub use onec_client::Guid;
pub use skazka_web::{CSRF_FIELD, Role};
pub use teams::{TEAM_POLICY, TeamError, TeamSource};
pub use tokens::{Identity, Impersonator, Issued, Verifier, VerifyError};

/// The sign-in page.
pub const LOGIN_PATH: &str = "/login";
/// Rotates the refresh cookie and redirects to `next` (GET, browsers), or answers new tokens
/// (POST JSON, the phone app).
pub const REFRESH_PATH: &str = "/api/v1/auth/refresh";
/// The tokens' `iss`.
pub const ISSUER: &str = "skazka";

/// The layout's chrome for a viewer (`None`: not signed in): the navigation their role may
/// open, their name, and while an admin impersonates them the banner with the way back.
pub fn chrome(session: Option<&Session>) -> skazka_web::Chrome {
    skazka_web::Chrome::for_person(session.map(Session::person).as_ref())
}

#[cfg(test)]
mod tests;
