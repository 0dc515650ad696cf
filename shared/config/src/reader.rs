//! Reading variables: every problem is collected, so one start-up reports them all.

use std::fmt;
use std::str::FromStr;
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

/// A whole number above 0 in `var`, if set; a bad value is a problem saying `what` is expected.
fn above_zero<T: FromStr + PartialOrd + Default>(
    r: &mut Reader<'_>,
    var: &'static str,
    what: &str,
) -> Option<T> {
    let v = r.get(var)?;
    match v.parse::<T>() {
        Ok(n) if n > T::default() => Some(n),
        _ => {
            r.bad(var, format!("a whole number {what}above 0"), Some(v));
            None
        }
    }
}

/// A whole number above 0, or `default` when unset.
pub(crate) fn read_positive(r: &mut Reader<'_>, var: &'static str, default: u32) -> u32 {
    above_zero(r, var, "").unwrap_or(default)
}

pub(crate) fn read_seconds(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
    above_zero(r, var, "of seconds ").map_or(default, Duration::from_secs)
}

pub(crate) fn read_millis(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
    above_zero(r, var, "of milliseconds ").map_or(default, Duration::from_millis)
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
