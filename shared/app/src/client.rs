//! Who is calling, by address: the sign-in throttle and the bound on 1C reads count per address.

use axum::extract::FromRequestParts;
use http::request::Parts;
use http::{Extensions, HeaderMap};
use lambda_http::request::RequestContext;
use skazka_config::{ORIGIN_SECRET_HEADER, Secret};
use skazka_session::constant_time_eq;

use crate::AppState;

/// The caller's address (an extractor): the viewer CloudFront names, on a request that proves it
/// came through CloudFront; else API Gateway's source IP in Lambda, the socket's peer locally,
/// `unknown` otherwise.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(
            &parts.headers,
            &parts.extensions,
            state.config().origin_secret.as_ref(),
        )))
    }
}

/// Whether the request carries CloudFront's origin header with the configured secret.
fn from_cloudfront(headers: &HeaderMap, secret: Option<&Secret>) -> bool {
    let (Some(secret), Some(sent)) = (secret, headers.get(ORIGIN_SECRET_HEADER)) else {
        return false;
    };
    constant_time_eq(sent.as_bytes(), secret.expose().as_bytes())
}

/// See [`ClientAddress`].
pub fn client_address(
    headers: &HeaderMap,
    extensions: &Extensions,
    origin_secret: Option<&Secret>,
) -> String {
    // Behind CloudFront, API Gateway's source IP is an edge's: CloudFront names the viewer in
    // `CloudFront-Viewer-Address` (ip:port). Anyone can send that header, so it counts only
    // beside the origin secret that CloudFront adds and a caller going round it does not know.
    if from_cloudfront(headers, origin_secret)
        && let Some(viewer) = headers
            .get("cloudfront-viewer-address")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit_once(':').map(|(ip, _)| ip.trim().to_owned()))
            .filter(|ip| !ip.is_empty())
    {
        return viewer;
    }
    if let Some(RequestContext::ApiGatewayV2(ctx)) = extensions.get::<RequestContext>()
        && let Some(ip) = &ctx.http.source_ip
    {
        return ip.clone();
    }
    if let Some(axum::extract::ConnectInfo(addr)) =
        extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        return addr.ip().to_string();
    }
    UNKNOWN.to_owned()
}

/// The address of a request whose origin cannot be told (a test's `oneshot`).
pub const UNKNOWN: &str = "unknown";
