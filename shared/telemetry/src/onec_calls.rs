//! The seam between the request and the 1C client's call counter.
//!
//! The 1C client (`onec-client`) counts its calls and their time in a task-local scope. Until that
//! counter is available to this crate, [`measure`] runs the request and reports no 1C figures, so
//! `Server-Timing` shows only `app`: no number is made up. Wiring the real counter in changes only
//! the body of [`measure`].

use std::future::Future;
use std::time::Duration;

/// The 1C calls made while serving one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OnecCalls {
    pub count: u32,
    pub total: Duration,
}

/// Runs `fut` inside a fresh 1C call counter and returns its output with what was counted
/// (`None` while no counter is wired in).
pub async fn measure<F: Future>(fut: F) -> (F::Output, Option<OnecCalls>) {
    (fut.await, None)
}
