//! The web kit every function shares: the Russian page layout, errors rendered once (an HTML page
//! or an RFC 9457 problem), content negotiation, security headers, Russian formatting and the
//! banner of kept data.

pub mod error;
pub mod format;
pub mod freshness;
pub mod headers;
pub mod layout;
pub mod negotiate;
pub mod openapi;
pub mod role;

pub use error::{AppError, Problem, not_found, render_errors};
pub use freshness::{Stale, stale_banner};
pub use headers::security_headers;
pub use layout::{
    Audience, CSRF_FIELD, Chrome, Head, LOGOUT_ACTION, Person, SECTIONS, Section, nav_links, page,
    page_full, page_with,
};
pub use negotiate::Format;
pub use role::Role;
