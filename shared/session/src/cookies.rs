//! The session's cookies: reading them from a request, `Set-Cookie` values, and which token a
//! request carries (bearer first, then the session cookie).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, header};

use crate::extractors::Via;

/// The access token's cookie.
pub const ACCESS_COOKIE: &str = "skazka_session";
/// The refresh token's cookie (read only by the auth function; its presence decides whether an
/// unauthenticated page goes through the refresh route before `/login`).
pub const REFRESH_COOKIE: &str = "skazka_refresh";

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
    let mut text = format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax");
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
