//! The portal's typed client of 1C:Enterprise's standard OData interface (UT 11).
//!
//! - [`query`]: a typed query builder ([`Query`], [`filter::Expr`]) and its exact wire encoding;
//!   no API takes raw query text, so user input cannot change a query's shape.
//! - [`decode`]: 1C's JSON conventions (Int64 strings, empty sentinels, composites).
//! - [`OnecClient`]: pooled HTTP, Basic auth, session reuse, timeouts, read-only retries,
//!   paging stream, chunked id lists, tracing and per-scope call counting ([`metrics`]).
//! - [`model`]: the domain records the portal reads and one typed request function per request
//!   of docs/onec.md §7/§8. Cyrillic names live only in `model` (and its `names` table).

pub mod client;
pub mod decode;
pub mod error;
pub mod filter;
pub mod guid;
pub mod metrics;
pub mod model;
pub mod name;
pub mod query;

pub use client::{ClientConfig, OnecClient, RetryPolicy};
pub use error::OnecError;
pub use filter::{Expr, Literal, field};
pub use guid::Guid;
pub use name::{Name, Path};
pub use query::{Order, Query, Resource, VirtualTable};
