//! The session's cookies: reading them from a request, `Set-Cookie` values, and which token a
//! request carries (bearer first, then the session cookie).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, header};

use crate::extractors::Via;

// Cookie names carry the browser-enforced prefixes: a `__Host-` cookie is accepted only when
// set `Secure`, with `Path=/` and no `Domain`, so a sibling subdomain or a plain-HTTP page cannot
// plant or shadow it; a `__Secure-` cookie only when set `Secure`.

/// The access token's cookie: sent with every request of the site.
pub const ACCESS_COOKIE: &str = "__Host-skazka_session";
/// The refresh token's cookie. `__Host-` would force `Path=/` and send the long-lived token with
/// every request of the site (and to every function's logs and handlers); it is only needed on
/// the auth function's routes, so it is `__Secure-` with `Path=`[`REFRESH_COOKIE_PATH`] instead.
pub const REFRESH_COOKIE: &str = "__Secure-skazka_refresh";
/// Where the browser sends the refresh cookie: the refresh route and the sign-out route
/// (`/api/v1/auth/logout`), which ends the family it names.
pub const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
/// A flag (no secret) beside the refresh cookie, sent everywhere with the same lifetime: a page
/// that cannot see the refresh cookie learns from it that going through the refresh route may
/// work before sending the browser to `/login`.
pub const REFRESHABLE_COOKIE: &str = "__Host-skazka_refreshable";

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly; Secure; SameSite=Lax; Path=/`, for `max_age` (`None`: a
/// browser-session cookie; zero: delete).
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
    set_cookie_at(name, value, "/", max_age)
}

/// A `Set-Cookie` value as [`set_cookie`], sent by the browser only under `path`.
pub fn set_cookie_at(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<Duration>,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path={path}; HttpOnly; Secure; SameSite=Lax");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The token a request carries: `Authorization: Bearer …` first, else the session cookie.
pub fn token_of(headers: &HeaderMap) -> Option<(&str, Via)> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match bearer {
        Some(token) => Some((token, Via::Bearer)),
        None => cookie(headers, ACCESS_COOKIE).map(|t| (t, Via::Cookie)),
    }
}

/// A random URL-safe token of 32 bytes (refresh tokens, CSRF cookies).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}
