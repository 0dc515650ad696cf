//! Per-request-scope call counting: a page wraps its work in [`scope`] and learns how many 1C
//! calls it made, how long they took and how much they returned (for `Server-Timing` and traces).

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Totals of the 1C calls made inside one [`scope`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallStats {
    /// HTTP requests sent to 1C (each retry attempt counts).
    pub calls: u32,
    /// Of which retries.
    pub retries: u32,
    /// Of which failed (after the last attempt).
    pub errors: u32,
    /// Sum of the calls' durations (concurrent calls add up).
    pub total_time: Duration,
    /// Records decoded.
    pub rows: u64,
    /// Response bytes (after decompression).
    pub bytes: u64,
}

impl CallStats {
    /// A `Server-Timing` entry: `onec;dur=12.3;desc="4 calls, 120 rows"`.
    pub fn server_timing(&self) -> String {
        format!(
            "onec;dur={:.1};desc=\"{} calls, {} rows\"",
            self.total_time.as_secs_f64() * 1000.0,
            self.calls,
            self.rows
        )
    }
}

tokio::task_local! {
    static STATS: Arc<Mutex<CallStats>>;
}

/// Runs `fut` with a fresh counter and returns its output with the totals. Calls made from tasks
/// spawned inside `fut` are not counted (task-locals do not cross `spawn`); the client itself
/// never spawns.
pub async fn scope<F: Future>(fut: F) -> (F::Output, CallStats) {
    let cell = Arc::new(Mutex::new(CallStats::default()));
    let out = STATS.scope(cell.clone(), fut).await;
    let stats = cell.lock().map(|s| s.clone()).unwrap_or_default();
    (out, stats)
}

/// The totals so far in the current scope, if any.
pub fn current() -> Option<CallStats> {
    STATS
        .try_with(|c| c.lock().map(|s| s.clone()).unwrap_or_default())
        .ok()
}

pub(crate) fn record(f: impl FnOnce(&mut CallStats)) {
    let _ = STATS.try_with(|c| {
        if let Ok(mut s) = c.lock() {
            f(&mut s);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scopes_are_separate() {
        let ((), outer) = scope(async {
            record(|s| s.calls += 1);
            let ((), inner) = scope(async { record(|s| s.calls += 2) }).await;
            assert_eq!(inner.calls, 2);
        })
        .await;
        assert_eq!(outer.calls, 1);
        record(|s| s.calls += 1); // outside any scope: ignored
        assert!(current().is_none());
    }

    #[test]
    fn server_timing_entry() {
        let s = CallStats {
            calls: 4,
            rows: 120,
            total_time: Duration::from_micros(12_340),
            ..Default::default()
        };
        assert_eq!(
            s.server_timing(),
            "onec;dur=12.3;desc=\"4 calls, 120 rows\""
        );
    }
}
