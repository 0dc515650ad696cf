//! A circuit breaker in front of 1C: after a few failed reads in a row, stop asking for a while,
//! then let one request at a time probe whether 1C is back.
//!
//! Without it, with 1C stalled, every page of a new range waits out the whole time budget before
//! its 503. With it, once open, pages answer at once from what is kept, and only the probe waits.
//! The breaker is per process (a Lambda instance, or the local runner): each learns on its own,
//! which costs at most a few budgets per instance.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Closed: reads go to 1C. Open: reads do not, until `until`; then one probe goes.
#[derive(Debug)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant, probing: bool },
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
    failures_to_open: u32,
    open_for: Duration,
}

/// What a read may do now.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Ask 1C (the breaker is closed).
    Go,
    /// Ask 1C as the one probe of an open breaker.
    Probe,
    /// Do not ask 1C: serve what is kept.
    Refused,
}

impl Breaker {
    pub fn new(failures_to_open: u32, open_for: Duration) -> Self {
        Breaker {
            state: Mutex::new(State::Closed { failures: 0 }),
            failures_to_open: failures_to_open.max(1),
            open_for,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a read may go to 1C now. A [`Admission::Probe`] must be followed by
    /// [`Breaker::succeeded`], [`Breaker::failed`] or [`Breaker::abandoned`].
    pub fn admit(&self) -> Admission {
        let mut state = self.lock();
        match &mut *state {
            State::Closed { .. } => Admission::Go,
            State::Open { until, probing } => {
                if *probing || Instant::now() < *until {
                    Admission::Refused
                } else {
                    *probing = true;
                    Admission::Probe
                }
            }
        }
    }

    /// 1C answered: close (a probe's success is 1C's return).
    pub fn succeeded(&self) {
        let mut state = self.lock();
        if !matches!(*state, State::Closed { failures: 0 }) {
            if matches!(*state, State::Open { .. }) {
                tracing::info!("1C answers again: breaker closed");
            }
            *state = State::Closed { failures: 0 };
        }
    }

    /// 1C failed: count it; open after enough in a row, or again after a failed probe.
    pub fn failed(&self) {
        let mut state = self.lock();
        let open = match &mut *state {
            State::Closed { failures } => {
                *failures += 1;
                *failures >= self.failures_to_open
            }
            State::Open { .. } => true,
        };
        if open {
            if let State::Closed { .. } = *state {
                tracing::warn!(
                    open_for_ms = self.open_for.as_millis() as u64,
                    "1C keeps failing: breaker open, pages serve kept data"
                );
            }
            *state = State::Open {
                until: Instant::now() + self.open_for,
                probing: false,
            };
        }
    }

    /// A probe ended without an answer either way (its request was dropped): let the next one go.
    pub fn abandoned(&self) {
        if let State::Open { probing, .. } = &mut *self.lock() {
            *probing = false;
        }
    }

    /// Whether reads are being refused now.
    pub fn is_open(&self) -> bool {
        matches!(*self.lock(), State::Open { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_failures_in_a_row_and_a_success_resets_the_count() {
        let b = Breaker::new(3, Duration::from_secs(60));
        b.failed();
        b.failed();
        b.succeeded();
        b.failed();
        b.failed();
        assert_eq!(b.admit(), Admission::Go);
        b.failed();
        assert!(b.is_open());
        assert_eq!(b.admit(), Admission::Refused);
    }

    #[test]
    fn after_the_wait_one_probe_at_a_time() {
        let b = Breaker::new(1, Duration::from_millis(20));
        b.failed();
        assert_eq!(b.admit(), Admission::Refused);
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(b.admit(), Admission::Probe);
        assert_eq!(b.admit(), Admission::Refused, "only one probe");
        b.failed();
        assert_eq!(b.admit(), Admission::Refused, "a failed probe opens again");
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(b.admit(), Admission::Probe);
        b.abandoned();
        assert_eq!(
            b.admit(),
            Admission::Probe,
            "an abandoned probe frees the turn"
        );
        b.succeeded();
        assert_eq!(b.admit(), Admission::Go);
        assert!(!b.is_open());
    }
}
