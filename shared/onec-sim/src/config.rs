//! How a simulator is made: scale, seed, the day its history ends, its clock, and the live day.

use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::demo::Scale;
use crate::faults::Faults;
use crate::query::Dialect;

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub scale: Scale,
    pub seed: u64,
    /// The last day of the generated year; `None` = today in the base's time zone.
    pub as_of: Option<NaiveDate>,
    pub clock: ClockConfig,
    /// Posts the rest of today's orders, sales and payments as the clock reaches their time
    /// (see [`crate::live`]). Off by default so tests stay reproducible; the local runner turns it on.
    pub live_day: bool,
    pub user: String,
    pub password: String,
    pub dialect: Dialect,
    pub faults: Faults,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            scale: Scale::Small,
            seed: 1,
            as_of: None,
            clock: ClockConfig::default(),
            live_day: false,
            user: "portal".into(),
            password: "portal".into(),
            dialect: Dialect::default(),
            faults: Faults::default(),
        }
    }
}

/// The base's clock. Nothing generated for the last day is later than where the clock stands at
/// start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockConfig {
    /// The time of day the clock shows at start, on the last day of the history. `None`: the real
    /// time of day (UTC+5) when `as_of` is unset; the end of the day (23:59:59, the day complete,
    /// the clock standing still) when `as_of` is fixed.
    pub start: Option<NaiveTime>,
    /// Simulated seconds per real second: 60 makes one real second a simulated minute.
    pub speed: f64,
}

impl Default for ClockConfig {
    fn default() -> Self {
        ClockConfig {
            start: None,
            speed: 1.0,
        }
    }
}

/// A variable the simulator reads (`ONEC_SIM_…`) holds a value it cannot use.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value}: {expected}")]
pub struct EnvError {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl SimConfig {
    /// The local runner's demo base: a live day on the real date, with `ONEC_SIM_SCALE`
    /// (`small`|`large`), `ONEC_SIM_CLOCK_SPEED` (simulated seconds per real second) and
    /// `ONEC_SIM_CLOCK_START` (`HH:MM`, the time of day the demo clock starts at) from the
    /// environment.
    pub fn live_demo_from_env() -> Result<SimConfig, EnvError> {
        Self::live_demo_from(|name| std::env::var(name).ok())
    }

    /// As [`SimConfig::live_demo_from_env`], reading variables through `var`.
    pub fn live_demo_from(var: impl Fn(&str) -> Option<String>) -> Result<SimConfig, EnvError> {
        let get = |name: &'static str| var(name).filter(|v| !v.trim().is_empty());
        let bad = |name: &'static str, value: String, expected: &'static str| EnvError {
            name,
            value,
            expected,
        };
        let scale = match get("ONEC_SIM_SCALE").as_deref().map(str::trim) {
            None | Some("small") => Scale::Small,
            Some("large") => Scale::Large,
            Some(other) => {
                return Err(bad("ONEC_SIM_SCALE", other.into(), "small or large"));
            }
        };
        let speed = match get("ONEC_SIM_CLOCK_SPEED") {
            None => 1.0,
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0)
                .ok_or_else(|| bad("ONEC_SIM_CLOCK_SPEED", v, "a positive number"))?,
        };
        let start = match get("ONEC_SIM_CLOCK_START") {
            None => None,
            Some(v) => Some(
                NaiveTime::parse_from_str(v.trim(), "%H:%M")
                    .map_err(|_| bad("ONEC_SIM_CLOCK_START", v, "a time of day, HH:MM"))?,
            ),
        };
        Ok(SimConfig {
            scale,
            clock: ClockConfig { start, speed },
            live_day: true,
            ..SimConfig::default()
        })
    }
}

/// The base's running clock: where it stood at start and how fast it goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    origin: NaiveDateTime,
    started: Instant,
    speed: f64,
}

impl Clock {
    /// The clock of a base whose history ends on `as_of`; `real_now` is the base's wall time now.
    pub(crate) fn new(config: &SimConfig, as_of: NaiveDate, real_now: NaiveDateTime) -> Clock {
        let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
        let (time, speed) = match (config.clock.start, config.as_of) {
            (Some(t), _) => (t, config.clock.speed),
            (None, None) => (real_now.time(), config.clock.speed),
            (None, Some(_)) => (end_of_day, 0.0),
        };
        Clock {
            origin: as_of.and_time(time).with_nanosecond0(),
            started: Instant::now(),
            speed,
        }
    }

    /// Now, as the base's clock reads it (whole seconds, as 1C stores dates).
    pub(crate) fn now(&self) -> NaiveDateTime {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        self.origin + Duration::seconds(elapsed as i64)
    }

    /// Where the clock stood when the base was made.
    pub(crate) fn origin(&self) -> NaiveDateTime {
        self.origin
    }

    /// Real time until the clock reaches `at` (zero when it has).
    pub(crate) fn real_until(&self, at: NaiveDateTime) -> std::time::Duration {
        let ahead = (at - self.now()).num_milliseconds().max(0) as f64 / 1000.0;
        if self.speed <= 0.0 {
            return std::time::Duration::MAX;
        }
        std::time::Duration::from_secs_f64(ahead / self.speed)
    }
}

trait WholeSeconds {
    fn with_nanosecond0(self) -> Self;
}

impl WholeSeconds for NaiveDateTime {
    fn with_nanosecond0(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_demo_defaults_to_a_small_live_base_on_a_real_clock() {
        let c = SimConfig::live_demo_from(vars(&[])).unwrap();
        assert_eq!(c.scale, Scale::Small);
        assert!(c.live_day && c.as_of.is_none());
        assert_eq!(c.clock, ClockConfig::default());
    }

    #[test]
    fn scale_and_clock_come_from_the_environment() {
        let c = SimConfig::live_demo_from(vars(&[
            ("ONEC_SIM_SCALE", "large"),
            ("ONEC_SIM_CLOCK_SPEED", "60"),
            ("ONEC_SIM_CLOCK_START", "10:00"),
        ]))
        .unwrap();
        assert_eq!(c.scale, Scale::Large);
        assert_eq!(c.clock.speed, 60.0);
        assert_eq!(c.clock.start, NaiveTime::from_hms_opt(10, 0, 0));
    }

    #[test]
    fn unusable_values_are_refused_by_name() {
        for (name, value) in [
            ("ONEC_SIM_SCALE", "huge"),
            ("ONEC_SIM_CLOCK_SPEED", "-1"),
            ("ONEC_SIM_CLOCK_START", "noon"),
        ] {
            let err =
                SimConfig::live_demo_from(|n| (n == name).then(|| value.to_string())).unwrap_err();
            assert_eq!(err.name, name);
        }
    }

    #[test]
    fn a_fixed_day_stands_still_at_its_end() {
        let config = SimConfig {
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26),
            ..SimConfig::default()
        };
        let as_of = config.as_of.unwrap();
        let clock = Clock::new(&config, as_of, as_of.and_hms_opt(9, 0, 0).unwrap());
        assert_eq!(clock.now(), as_of.and_hms_opt(23, 59, 59).unwrap());
        assert_eq!(clock.now(), clock.now());
    }

    #[test]
    fn a_fast_clock_runs_from_its_start() {
        let config = SimConfig {
            clock: ClockConfig {
                start: NaiveTime::from_hms_opt(10, 0, 0),
                speed: 3600.0,
            },
            ..SimConfig::default()
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let clock = Clock::new(&config, day, day.and_hms_opt(3, 0, 0).unwrap());
        assert_eq!(clock.origin(), day.and_hms_opt(10, 0, 0).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(clock.now() >= day.and_hms_opt(11, 0, 0).unwrap());
    }
}
