//! Security headers on every response: a strict CSP, HSTS, nosniff, a referrer policy and no
//! framing. A handler that sets one of them itself keeps its own value.

use axum::Router;
use http::{HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only the portal's own scripts, styles and images; no inline script, no plugins, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// [`CONTENT_SECURITY_POLICY`] with images also from `origin` (a map's tile server), for the pages
/// that show a map; everything else as strict.
pub fn csp_with_images_from(origin: &str) -> String {
    CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:",
        &format!("img-src 'self' data: {origin}"),
    )
}

const HEADERS: [(&str, &str); 6] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), payment=()"),
];

/// Adds the security headers to every response of `router`.
pub fn security_headers<S: Clone + Send + Sync + 'static>(mut router: Router<S>) -> Router<S> {
    for (name, value) in HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
}
