//! How public answers are cached at the edge, and how employees' are not.
//!
//! A public answer is the same document for everyone: `Cache-Control` from configuration
//! (`public, max-age=60, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400` by
//! default), a strong `ETag` (a hash of the body) with `304 Not Modified` on a matching
//! `If-None-Match`, and never a `Set-Cookie`, signed in or not. Employees' answers are
//! `private, no-store`.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The largest public answer hashed for its ETag (a sitemap of every product fits).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// `Cache-Control` of employees' answers.
pub const PRIVATE: &str = "private, no-store";

/// Middleware for the public routes; `policy` is the configured `Cache-Control`.
pub async fn public(State(policy): State<HeaderValue>, request: Request, next: Next) -> Response {
    let cacheable = matches!(*request.method(), Method::GET | Method::HEAD);
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    response.headers_mut().remove(header::SET_COOKIE);
    if !cacheable || !cacheable_status(response.status()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            return skazka_web::AppError::Internal(format!("public body: {e}")).into_response();
        }
    };
    let tag = etag(&bytes);
    parts.headers.insert(header::ETAG, tag.clone());
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts.headers.insert(header::CACHE_CONTROL, policy);
    }
    if parts.status == StatusCode::OK && asked.is_some_and(|a| matches(&a, &tag)) {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        copy_headers(&parts.headers, not_modified.headers_mut());
        return not_modified;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Answers worth keeping at the edge: pages, and permanent redirects to a product's current
/// address. Errors are not (the edge serves the last good page instead: `stale-if-error`).
fn cacheable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::OK | StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
    )
}

/// A strong validator: the first 128 bits of the body's SHA-256.
fn etag(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
}

/// `If-None-Match`: `*` or a list of tags (weak comparison, as RFC 9110 §13.1.2 asks).
fn matches(asked: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(asked) = asked.to_str() else {
        return false;
    };
    let tag = tag.to_str().unwrap_or_default();
    asked
        .split(',')
        .map(str::trim)
        .any(|a| a == "*" || a.trim_start_matches("W/") == tag)
}

/// What a 304 repeats of the 200 (RFC 9110 §15.4.5).
fn copy_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for name in [
        header::CACHE_CONTROL,
        header::ETAG,
        header::VARY,
        header::CONTENT_LOCATION,
        header::EXPIRES,
    ] {
        if let Some(v) = from.get(&name) {
            to.insert(name, v.clone());
        }
    }
}

/// Marks an employee's answer as nobody else's.
pub fn private(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        let tag = etag(b"page");
        let t = tag.to_str().unwrap().to_owned();
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert!(matches(&v(&t), &tag));
        assert!(matches(&v(&format!("\"x\", W/{t}")), &tag));
        assert!(matches(&v("*"), &tag));
        assert!(!matches(&v("\"other\""), &tag));
        assert_ne!(etag(b"page"), etag(b"page2"));
    }
}
