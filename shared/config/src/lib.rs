//! The portal's configuration: one typed struct, read from the environment and validated once at
//! start-up. A missing or bad value is reported with the variable's name and what it expects; every
//! problem is reported at once. Secrets are kept in [`Secret`], whose `Debug` never shows them.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;
use url::Url;

mod catalogue;
mod onec;
mod reader;
mod reads;
mod session;
mod stores;
mod tracking;

pub use catalogue::{CatalogueSettings, DEFAULT_CACHE_CONTROL};
pub use onec::OnecSettings;
pub use reader::{ConfigError, Problem, redact_url};
pub use reads::ReadSettings;
pub use session::{ORIGIN_SECRET_HEADER, SessionKey, SessionSettings};
pub use stores::{DEFAULT_REDIS_PREFIX, DatabaseSettings, PingsSettings, RedisSettings};
pub use tracking::TrackingSettings;

use reader::Reader;

/// A value that must never be logged: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it (a connection, a header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The backends a function uses besides the cache (which every function uses: session revocation
/// markers live there). Its cold start opens only these, `/health` reports only these, and its
/// Lambda configuration requires only theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uses {
    pub onec: bool,
    pub postgres: bool,
    pub pings: bool,
}

impl Uses {
    /// The cache only (a function that serves pages without data from 1C or Postgres).
    pub const CACHE_ONLY: Uses = Uses {
        onec: false,
        postgres: false,
        pings: false,
    };
    /// Everything: the local runner, which serves every function.
    pub const ALL: Uses = Uses {
        onec: true,
        postgres: true,
        pings: true,
    };

    pub const fn onec(mut self) -> Self {
        self.onec = true;
        self
    }

    pub const fn postgres(mut self) -> Self {
        self.postgres = true;
        self
    }

    pub const fn pings(mut self) -> Self {
        self.pings = true;
        self
    }
}

/// The whole configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// `PORT`: the local runner's port (default 3000). Not used in Lambda.
    pub port: u16,
    /// `ONEC_URL`, `ONEC_USER`, `ONEC_PASSWORD`; `None` means "use the simulator" (local runner only).
    pub onec: Option<OnecSettings>,
    /// `ONEC_TIMEZONE`: the zone of 1C's naive datetimes (default Asia/Almaty).
    pub onec_timezone: Tz,
    /// `ONEC_E1C_SERVER`, `ONEC_E1C_BASE`: the server and infobase that `e1c://` links open in the
    /// 1C client (docs/onec.md §6.7); `None` takes them from `ONEC_URL` (host, first path segment).
    pub onec_e1c_server: Option<String>,
    pub onec_e1c_base: Option<String>,
    /// `DATABASE_URL` (+ `DATABASE_PASSWORD`); `None` lets the local runner find or start Postgres.
    pub database: Option<DatabaseSettings>,
    /// `REDIS_URL` (+ `REDIS_PREFIX`); `None` means the in-process cache.
    pub redis: Option<RedisSettings>,
    /// `PINGS_TABLE` (+ `DYNAMODB_ENDPOINT`); `None` means pings live in Postgres.
    pub pings: Option<PingsSettings>,
    /// `SENTRY_DSN`; errors go to Sentry when present.
    pub sentry_dsn: Option<Secret>,
    /// `SKAZKA_ENV`: `local`, `dev` or `prod` (default `local`); tags logs and Sentry events.
    pub environment: String,
    /// `AWS_LAMBDA_FUNCTION_NAME`, set by Lambda itself: logs are JSON when present.
    pub lambda_function: Option<String>,
    /// `ORIGIN_SECRET`: the value CloudFront sends in [`ORIGIN_SECRET_HEADER`]. Only a request
    /// carrying it may name its viewer in `CloudFront-Viewer-Address`; `None` means that header
    /// is never trusted (the local runner).
    pub origin_secret: Option<Secret>,
    /// `SESSION_*`: session signing keys and lifetimes.
    pub session: SessionSettings,
    /// `ONEC_READ_BUDGET_MS`, `ONEC_BREAKER_*`: how pages wait for 1C.
    pub reads: ReadSettings,
    /// `PINGS_RETENTION_DAYS`, `TRACKING_*`: how long pings are kept and how a day is judged.
    pub tracking: TrackingSettings,
    /// `PUBLIC_URL`, `CATALOGUE_*`: the public catalogue's address, stock thresholds and caching.
    pub catalogue: CatalogueSettings,
    /// `PREWARM_INTERVAL_S` (default 300; `0` = off): the local runner's refresh timer (in AWS
    /// the schedule is in `template.yaml`).
    pub prewarm_interval_s: u64,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads the process environment and requires what a function in AWS cannot run without:
    /// the session keys, and the settings of the backends it `uses`.
    pub fn for_lambda(uses: Uses) -> Result<Self, ConfigError> {
        Self::for_lambda_from_lookup(uses, |var| std::env::var(var).ok())
    }

    /// As [`Config::for_lambda`], from any lookup (tests).
    pub fn for_lambda_from_lookup(
        uses: Uses,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let result = Self::from_lookup(&lookup);
        let mut problems = match &result {
            Ok(_) => Vec::new(),
            Err(e) => e.problems.clone(),
        };
        let missing = |var: &str| lookup(var).is_none_or(|v| v.trim().is_empty());
        if uses.onec && missing("ONEC_URL") && !problems.iter().any(|p| p.var == "ONEC_URL") {
            problems.push(Problem {
                var: "ONEC_URL",
                expected:
                    "the 1C OData service root (required in AWS: there is no simulator there)"
                        .into(),
                found: None,
            });
        }
        if missing("SESSION_KEYS") && !problems.iter().any(|p| p.var == "SESSION_KEYS") {
            problems.push(Problem {
                var: "SESSION_KEYS",
                expected: "session signing keys as id:secret (required in AWS, where every function must share them)".into(),
                found: None,
            });
        }
        if uses.postgres
            && missing("DATABASE_URL")
            && !problems.iter().any(|p| p.var == "DATABASE_URL")
        {
            problems.push(Problem {
                var: "DATABASE_URL",
                expected: "a Postgres URL (required in AWS)".into(),
                found: None,
            });
        }
        match result {
            Ok(config) if problems.is_empty() => Ok(config),
            _ => Err(ConfigError { problems }),
        }
    }

    /// Reads the configuration from any lookup function (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut r = Reader {
            lookup: &lookup,
            problems: Vec::new(),
        };

        let port = match r.get("PORT") {
            None => 3000,
            Some(v) => match v.parse::<u16>() {
                Ok(p) => p,
                Err(_) => {
                    r.bad("PORT", "a TCP port number (0-65535)", Some(v));
                    3000
                }
            },
        };

        let onec = onec::read(&mut r);

        let onec_timezone = match r.get("ONEC_TIMEZONE") {
            None => chrono_tz::Asia::Almaty,
            Some(v) => match Tz::from_str(&v) {
                Ok(tz) => tz,
                Err(_) => {
                    r.bad(
                        "ONEC_TIMEZONE",
                        "an IANA zone of Asia (such as Asia/Almaty), Etc/… or UTC",
                        Some(v),
                    );
                    chrono_tz::Asia::Almaty
                }
            },
        };

        let onec_e1c_server = r.get("ONEC_E1C_SERVER");
        let onec_e1c_base = r.get("ONEC_E1C_BASE");

        let database = stores::read_database(&mut r);

        let redis = stores::read_redis(&mut r);
        let pings = stores::read_pings(&mut r);

        let sentry_dsn = match r.get("SENTRY_DSN") {
            None => None,
            Some(v) => match Url::parse(&v) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && !u.username().is_empty() => {
                    Some(Secret(v))
                }
                _ => {
                    r.bad(
                        "SENTRY_DSN",
                        "a Sentry DSN such as https://KEY@o0.ingest.sentry.io/0",
                        None,
                    );
                    None
                }
            },
        };

        let environment = match r.get("SKAZKA_ENV") {
            None => "local".to_owned(),
            Some(v) if matches!(v.as_str(), "local" | "dev" | "prod" | "test") => v,
            Some(v) => {
                r.bad("SKAZKA_ENV", "one of local, dev, prod, test", Some(v));
                "local".to_owned()
            }
        };

        let lambda_function = r.get("AWS_LAMBDA_FUNCTION_NAME");
        let origin_secret = match r.get("ORIGIN_SECRET") {
            None => None,
            Some(v) if v.len() >= 32 => Some(Secret::new(v)),
            Some(_) => {
                r.bad("ORIGIN_SECRET", "a secret of 32 characters or more", None);
                None
            }
        };
        let session = session::read(&mut r);
        let reads = reads::read(&mut r);
        let tracking = tracking::read(&mut r);
        let catalogue = catalogue::read(&mut r, port);
        let prewarm_interval_s = match r.get("PREWARM_INTERVAL_S") {
            None => 300,
            Some(v) => v.trim().parse::<u64>().unwrap_or_else(|_| {
                r.bad("PREWARM_INTERVAL_S", "seconds (0 = off)", Some(v));
                300
            }),
        };

        if r.problems.is_empty() {
            Ok(Config {
                port,
                onec,
                onec_timezone,
                onec_e1c_server,
                onec_e1c_base,
                database,
                redis,
                pings,
                sentry_dsn,
                environment,
                lambda_function,
                origin_secret,
                session,
                reads,
                tracking,
                catalogue,
                prewarm_interval_s,
            })
        } else {
            Err(ConfigError {
                problems: r.problems,
            })
        }
    }

    /// Whether this process runs inside AWS Lambda.
    pub fn in_lambda(&self) -> bool {
        self.lambda_function.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(move |k| map.get(k).cloned())
    }

    #[test]
    fn nothing_set_gives_local_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.port, 3000);
        assert!(c.onec.is_none() && c.database.is_none() && c.redis.is_none());
        assert!(c.pings.is_none() && c.sentry_dsn.is_none() && !c.in_lambda());
        assert_eq!(c.onec_timezone, chrono_tz::Asia::Almaty);
        assert_eq!(c.environment, "local");
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let err = config(&[
            ("PORT", "eighty"),
            ("ONEC_URL", "ftp://x"),
            ("REDIS_URL", "http://nope"),
            ("ONEC_TIMEZONE", "Mars/Olympus"),
        ])
        .unwrap_err();
        for var in [
            "PORT",
            "ONEC_URL",
            "ONEC_USER",
            "ONEC_PASSWORD",
            "REDIS_URL",
            "ONEC_TIMEZONE",
        ] {
            assert!(err.names(var), "{var} not named in: {err}");
        }
        let text = err.to_string();
        assert!(text.contains("PORT: expected a TCP port number"), "{text}");
    }

    #[test]
    fn redis_keys_carry_a_prefix_of_letters_digits_and_separators() {
        let redis = |vars: &[(&str, &str)]| config(vars).map(|c| c.redis.unwrap().prefix);
        let url = ("REDIS_URL", "redis://127.0.0.1:6379");
        assert_eq!(redis(&[url]).unwrap(), DEFAULT_REDIS_PREFIX);
        assert_eq!(redis(&[url, ("REDIS_PREFIX", "dev:")]).unwrap(), "dev:");
        for bad in ["a b", "key*", &"x".repeat(65)] {
            let err = redis(&[url, ("REDIS_PREFIX", bad)]).unwrap_err();
            assert!(err.names("REDIS_PREFIX"), "{bad}: {err}");
        }
    }

    #[test]
    fn secrets_never_appear_in_debug_or_errors() {
        let c = config(&[
            ("ONEC_URL", "https://1c.example.kz/UT/odata/standard.odata"),
            ("ONEC_USER", "portal"),
            ("ONEC_PASSWORD", "hunter2-onec"),
            (
                "DATABASE_URL",
                "postgres://skazka:hunter2-pg@db.internal:5432/skazka",
            ),
            ("REDIS_URL", "rediss://:hunter2-redis@cache.internal:6379"),
            ("SENTRY_DSN", "https://hunter2key@o1.ingest.sentry.io/2"),
        ])
        .unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert_eq!(
            c.onec.as_ref().unwrap().url.as_str(),
            "https://1c.example.kz/UT/odata/standard.odata/"
        );
        assert_eq!(
            c.redis.as_ref().unwrap().display(),
            "rediss://cache.internal:6379"
        );

        let err = config(&[
            ("DATABASE_URL", "postgres://u:hunter2@"),
            ("SENTRY_DSN", "hunter2"),
        ])
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn database_password_is_given_apart() {
        let c = config(&[
            ("DATABASE_URL", "postgres://skazka@db:5432/skazka"),
            ("DATABASE_PASSWORD", "pw"),
        ])
        .unwrap();
        let db = c.database.unwrap();
        assert_eq!(db.config.get_password(), Some(&b"pw"[..]));
        assert_eq!(db.config.get_dbname(), Some("skazka"));
    }

    #[test]
    fn pings_table_and_emulator() {
        let c = config(&[
            ("PINGS_TABLE", "skazka-pings"),
            ("DYNAMODB_ENDPOINT", "http://127.0.0.1:5000"),
        ])
        .unwrap();
        let p = c.pings.unwrap();
        assert_eq!(p.table, "skazka-pings");
        assert_eq!(p.endpoint.unwrap().as_str(), "http://127.0.0.1:5000/");
        assert!(
            config(&[("PINGS_TABLE", "a b")])
                .unwrap_err()
                .names("PINGS_TABLE")
        );
    }

    #[test]
    fn lambda_requires_only_what_the_function_uses() {
        let only_keys = |k: &str| match k {
            "SESSION_KEYS" => Some("k1:0123456789abcdef0123456789abcdef".to_owned()),
            "AWS_LAMBDA_FUNCTION_NAME" => Some("skazka-catalogue".to_owned()),
            _ => None,
        };
        assert!(Config::for_lambda_from_lookup(Uses::CACHE_ONLY, only_keys).is_ok());
        let err = Config::for_lambda_from_lookup(Uses::CACHE_ONLY.onec(), only_keys).unwrap_err();
        assert!(err.names("ONEC_URL") && !err.names("DATABASE_URL"), "{err}");
        let err =
            Config::for_lambda_from_lookup(Uses::CACHE_ONLY.postgres(), only_keys).unwrap_err();
        assert!(err.names("DATABASE_URL") && !err.names("ONEC_URL"), "{err}");
    }

    #[test]
    fn lambda_requires_onec_and_database() {
        let err = Config::for_lambda_from_lookup(Uses::ALL, |k| {
            (k == "AWS_LAMBDA_FUNCTION_NAME").then(|| "skazka-auth".to_owned())
        })
        .unwrap_err();
        assert!(err.names("ONEC_URL") && err.names("DATABASE_URL"), "{err}");
        assert!(err.names("SESSION_KEYS"), "{err}");
        let ok = Config::for_lambda_from_lookup(Uses::ALL, |k| {
            match k {
                "ONEC_URL" => Some("https://1c/UT/odata/standard.odata/"),
                "ONEC_USER" | "ONEC_PASSWORD" => Some("x"),
                "DATABASE_URL" => Some("postgres://a@b/c"),
                "SESSION_KEYS" => Some("k1:0123456789abcdef0123456789abcdef"),
                "AWS_LAMBDA_FUNCTION_NAME" => Some("skazka-auth"),
                _ => None,
            }
            .map(str::to_owned)
        })
        .unwrap();
        assert!(ok.in_lambda());
        assert_eq!(ok.session.keys[0].id, "k1");
    }

    #[test]
    fn session_keys_and_lifetimes() {
        let c = config(&[
            (
                "SESSION_KEYS",
                "new:0123456789abcdef0123456789abcdef, old:fedcba9876543210fedcba9876543210",
            ),
            ("SESSION_IDLE_TIMEOUT_SECS", "60"),
        ])
        .unwrap();
        let ids: Vec<&str> = c.session.keys.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["new", "old"]);
        assert_eq!(c.session.idle_timeout, Duration::from_secs(60));
        assert_eq!(c.session.access_ttl, Duration::from_secs(900));
        assert!(!format!("{c:?}").contains("0123456789abcdef"));
        let err = config(&[("SESSION_KEYS", "k:short-secret-hunter2")]).unwrap_err();
        assert!(err.names("SESSION_KEYS") && !err.to_string().contains("hunter2"));
    }
}
