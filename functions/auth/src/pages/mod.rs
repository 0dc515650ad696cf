//! The pages: `/login`, `/register`, `/logout`, `/profile`, and the browsers' refresh bounce; here
//! what they share (the session cookies, the anonymous forms' CSRF token, uncached HTML answers).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::Markup;
use serde::Deserialize;
use skazka_app::AppState;
use skazka_session::{
    ACCESS_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH, REFRESHABLE_COOKIE, cookie, mark_refreshed,
    safe_next, set_cookie, set_cookie_at,
};
use skazka_web::AppError;

use crate::signin::{self, RefreshRefusal, Started};

mod login;
mod logout;
mod profile;
mod register;

pub use login::{login, login_form};
pub use logout::{logout, logout_page};
pub use profile::{profile, profile_post};
pub use register::{MAX_NAME, MAX_PHONE, register, register_form};

/// The anonymous forms' CSRF cookie (double submit: the form carries a MAC of it).
pub const FORM_COOKIE: &str = "__Host-skazka_form";

/// Cookies that carry a started session: the access token (every path), the refresh token (only
/// the auth routes that use it) and the flag that a refresh is possible (every path).
pub fn session_cookies(state: &AppState, started: &Started) -> [HeaderValue; 3] {
    let settings = state.sessions().settings();
    [
        set_cookie(
            ACCESS_COOKIE,
            &started.access.token,
            Some(settings.access_ttl),
        ),
        set_cookie_at(
            REFRESH_COOKIE,
            &started.refresh.token,
            REFRESH_COOKIE_PATH,
            Some(settings.absolute_timeout),
        ),
        set_cookie(REFRESHABLE_COOKIE, "1", Some(settings.absolute_timeout)),
    ]
}

/// Cookies that end a session in this browser.
pub fn cleared_cookies() -> [HeaderValue; 3] {
    let gone = Some(std::time::Duration::ZERO);
    [
        set_cookie(ACCESS_COOKIE, "", gone),
        set_cookie_at(REFRESH_COOKIE, "", REFRESH_COOKIE_PATH, gone),
        set_cookie(REFRESHABLE_COOKIE, "", gone),
    ]
}

/// A 303 to `to` with cookies.
pub fn see_other(to: &str, cookies: &[HeaderValue]) -> Response {
    let mut response = Redirect::to(to).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The anonymous form token: the cookie's value (made now when absent) and its MAC for the form.
fn form_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, FORM_COOKIE) {
        Some(nonce) => (state.sessions().mac("form", nonce), None),
        None => {
            let nonce = skazka_session::random_token();
            (
                state.sessions().mac("form", &nonce),
                Some(set_cookie(FORM_COOKIE, &nonce, None)),
            )
        }
    }
}

fn check_form_token(
    state: &AppState,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<(), AppError> {
    match cookie(headers, FORM_COOKIE) {
        Some(nonce) if state.sessions().verify_mac("form", nonce, submitted) => Ok(()),
        _ => {
            tracing::warn!("anonymous form without a valid CSRF token refused");
            Err(AppError::Forbidden)
        }
    }
}

fn html_response(status: StatusCode, markup: Markup, set: Option<HeaderValue>) -> Response {
    let mut response = (status, markup).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(set) = set {
        response.headers_mut().append(header::SET_COOKIE, set);
    }
    response
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
    /// Why the person was sent to sign in (`cookie`: the session cookie did not come back).
    #[serde(default)]
    reason: Option<String>,
}

/// `GET /api/v1/auth/refresh?next=`: a browser whose access token expired comes here (the
/// session extractor sends it); the refresh cookie is rotated and it goes back to `next`.
pub async fn browser_refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_owned();
    let login = format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
    );
    let Some(token) = cookie(&headers, REFRESH_COOKIE) else {
        return Ok(see_other(&login, &cleared_cookies()));
    };
    match signin::refresh(&state, token).await {
        // Marked: if the access cookie does not come back (too large, cookies disabled), the
        // session extractor sends the browser to the sign-in page rather than here again.
        Ok(started) => Ok(see_other(
            &mark_refreshed(&next),
            &session_cookies(&state, &started),
        )),
        Err(RefreshRefusal::Failed(e)) => Err(e),
        Err(refusal) => {
            tracing::info!(?refusal, "browser refresh refused");
            Ok(see_other(&login, &cleared_cookies()))
        }
    }
}
