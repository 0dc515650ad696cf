//! Content negotiation: HTML by default, JSON when the client prefers it.

use std::convert::Infallible;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use http::request::Parts;
use maud::Markup;
use serde::Serialize;

/// The representation a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

impl Format {
    /// Reads `Accept`: JSON when `application/json` (or `application/problem+json`, or any
    /// `+json` type) is preferred over `text/html` by q-value; HTML otherwise, and when there is
    /// no `Accept` at all.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut best_json = 0.0_f32;
        let mut best_html = 0.0_f32;
        for value in headers.get_all(http::header::ACCEPT) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                if media == "application/json" || media.ends_with("+json") {
                    best_json = best_json.max(q);
                } else if media == "text/html"
                    || media == "application/xhtml+xml"
                    || media == "text/*"
                {
                    best_html = best_html.max(q);
                }
            }
        }
        if best_json > 0.0 && best_json > best_html {
            Format::Json
        } else {
            Format::Html
        }
    }

    /// Answers `value` as JSON, or as the HTML page `html` builds from it.
    pub fn respond<T: Serialize>(self, value: &T, html: impl FnOnce(&T) -> Markup) -> Response {
        match self {
            Format::Json => Json(value).into_response(),
            Format::Html => html(value).into_response(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Format::from_headers(&parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(accept: &str) -> Format {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::ACCEPT, accept.parse().unwrap());
        Format::from_headers(&headers)
    }

    #[test]
    fn html_unless_json_is_preferred() {
        assert_eq!(Format::from_headers(&HeaderMap::new()), Format::Html);
        assert_eq!(format("*/*"), Format::Html);
        assert_eq!(
            format("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            Format::Html
        );
        assert_eq!(format("application/json"), Format::Json);
        assert_eq!(format("application/problem+json"), Format::Json);
        assert_eq!(format("text/html;q=0.5, application/json"), Format::Json);
        assert_eq!(format("text/html, application/json;q=0.9"), Format::Html);
        assert_eq!(format("application/json;q=0"), Format::Html);
    }
}
