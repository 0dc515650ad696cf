//! The seam between a request and the 1C client's call counter: [`measure`] runs the request
//! inside `onec_client::metrics::scope`, so every 1C call the handler makes (through any clone of
//! the client, in the request's task) is counted with its time.

use std::future::Future;

pub use onec_client::metrics::CallStats;

/// Runs `fut` inside a fresh 1C call counter and returns its output with what was counted.
pub async fn measure<F: Future>(fut: F) -> (F::Output, CallStats) {
    onec_client::metrics::scope(fut).await
}
