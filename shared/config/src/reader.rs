//! Reading variables: every problem is collected, so one start-up reports them all.

use std::fmt;
use std::time::Duration;

use url::Url;

/// One bad or missing variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub var: &'static str,
    pub expected: String,
    /// What was found, unless the variable holds a secret (then `None`).
    pub found: Option<String>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: expected {}", self.var, self.expected)?;
        match &self.found {
            Some(found) => write!(f, ", found {found:?}"),
            None => Ok(()),
        }
    }
}

/// Every problem found in the environment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration:")?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl ConfigError {
    /// Whether `var` is among the problems.
    pub fn names(&self, var: &str) -> bool {
        self.problems.iter().any(|p| p.var == var)
    }
}

/// The environment being read, and the problems found so far.
pub(crate) struct Reader<'a> {
    pub(crate) lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) problems: Vec<Problem>,
}

impl Reader<'_> {
    /// A variable's value; an empty or all-blank value counts as unset.
    pub(crate) fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn bad(
        &mut self,
        var: &'static str,
        expected: impl Into<String>,
        found: Option<String>,
    ) {
        self.problems.push(Problem {
            var,
            expected: expected.into(),
            found,
        });
    }
}

/// A whole number above 0, or `default` when unset.
pub(crate) fn read_positive(r: &mut Reader<'_>, name: &'static str, default: u32) -> u32 {
    match r.get(name) {
        None => default,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                r.bad(name, "a whole number above 0", Some(v));
                default
            }
        },
    }
}

pub(crate) fn read_seconds(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
    match r.get(var) {
        None => default,
        Some(v) => match v.parse::<u64>() {
            Ok(secs) if secs > 0 => Duration::from_secs(secs),
            _ => {
                r.bad(var, "a whole number of seconds above 0", Some(v));
                default
            }
        },
    }
}

pub(crate) fn read_millis(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
    match r.get(var) {
        None => default,
        Some(v) => match v.parse::<u64>() {
            Ok(ms) if ms > 0 => Duration::from_millis(ms),
            _ => {
                r.bad(var, "a whole number of milliseconds above 0", Some(v));
                default
            }
        },
    }
}

/// A URL with its user name and password removed (for messages and logs).
pub fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut u) => {
            if !u.username().is_empty() || u.password().is_some() {
                let _ = u.set_username("");
                let _ = u.set_password(None);
            }
            u.to_string()
        }
        // Not a URL: show only up to an '@', which could start credentials.
        Err(_) => match raw.rfind('@') {
            Some(at) => format!("***{}", &raw[at..]),
            None => raw.to_owned(),
        },
    }
}
