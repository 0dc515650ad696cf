//! `ONEC_READ_BUDGET_MS`, `ONEC_BREAKER_*`, `ONEC_READS_PER_MINUTE`: how pages wait for 1C.

use std::time::Duration;

use crate::reader::{Reader, read_millis, read_positive};

/// How pages read 1C: how long one page waits, and when to stop asking a 1C that keeps failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadSettings {
    /// `ONEC_READ_BUDGET_MS` (default 10000): how long a page waits for 1C before it serves what
    /// is kept (or the 503 page).
    pub budget: Duration,
    /// `ONEC_BREAKER_FAILURES` (default 3): failed reads in a row that open the breaker.
    pub breaker_failures: u32,
    /// `ONEC_BREAKER_OPEN_MS` (default 5000): how long an open breaker waits before one request
    /// probes whether 1C is back.
    pub breaker_open: Duration,
    /// `ONEC_READS_PER_MINUTE` (default 120): reads a signed-in person may send to 1C in a minute
    /// (fresh answers from the cache do not count); past it the page is a 429.
    pub per_person_per_minute: u32,
}

impl Default for ReadSettings {
    fn default() -> Self {
        ReadSettings {
            budget: Duration::from_secs(10),
            breaker_failures: 3,
            breaker_open: Duration::from_secs(5),
            per_person_per_minute: 120,
        }
    }
}

pub(crate) fn read(r: &mut Reader<'_>) -> ReadSettings {
    let defaults = ReadSettings::default();
    ReadSettings {
        budget: read_millis(r, "ONEC_READ_BUDGET_MS", defaults.budget),
        breaker_failures: read_positive(r, "ONEC_BREAKER_FAILURES", defaults.breaker_failures),
        breaker_open: read_millis(r, "ONEC_BREAKER_OPEN_MS", defaults.breaker_open),
        per_person_per_minute: read_positive(
            r,
            "ONEC_READS_PER_MINUTE",
            defaults.per_person_per_minute,
        ),
    }
}
