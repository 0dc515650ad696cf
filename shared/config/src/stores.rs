//! Where the portal keeps its own data: Postgres (`DATABASE_*`), Redis (`REDIS_URL`) and
//! DynamoDB for location pings (`PINGS_TABLE`, `DYNAMODB_ENDPOINT`).

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::Secret;
use crate::reader::{Reader, redact_url};

/// How to reach Postgres: a URL (or key=value string) understood by tokio-postgres, and an optional
/// password given apart from it (in AWS it comes from Secrets Manager).
#[derive(Clone)]
pub struct DatabaseSettings {
    pub config: tokio_postgres::Config,
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // tokio_postgres::Config's Debug already redacts the password; print only the parts that
        // tell which server and database are used.
        f.debug_struct("DatabaseSettings")
            .field("hosts", &self.config.get_hosts())
            .field("ports", &self.config.get_ports())
            .field("dbname", &self.config.get_dbname())
            .field("user", &self.config.get_user())
            .finish()
    }
}

/// Redis (ElastiCache in AWS): `redis://` or `rediss://` (TLS). The URL can carry a password, so it
/// is a [`Secret`]; [`RedisSettings::display`] shows it without credentials.
#[derive(Clone, Debug)]
pub struct RedisSettings {
    pub url: Secret,
    /// `REDIS_PREFIX` (default [`DEFAULT_REDIS_PREFIX`]): what every key starts with, so stages
    /// (or test runs) sharing one Redis never read each other's keys.
    pub prefix: String,
}

/// The keys' prefix when `REDIS_PREFIX` is not set.
pub const DEFAULT_REDIS_PREFIX: &str = "skazka:";

impl RedisSettings {
    /// The URL without user and password, for logs and `/health`.
    pub fn display(&self) -> String {
        redact_url(self.url.expose())
    }
}

/// Location pings in DynamoDB.
#[derive(Clone, Debug)]
pub struct PingsSettings {
    pub table: String,
    /// An emulator's endpoint (moto in tests); `None` in AWS.
    pub endpoint: Option<Url>,
}

pub(crate) fn read_database(r: &mut Reader<'_>) -> Option<DatabaseSettings> {
    let url = r.get("DATABASE_URL");
    let password = r.get("DATABASE_PASSWORD");
    let url = match url {
        Some(url) => url,
        None => {
            if password.is_some() {
                r.bad(
                    "DATABASE_URL",
                    "a Postgres URL (DATABASE_PASSWORD is set without it)",
                    None,
                );
            }
            return None;
        }
    };
    match tokio_postgres::Config::from_str(&url) {
        Ok(mut config) => {
            if config.get_dbname().is_none() {
                r.bad(
                    "DATABASE_URL",
                    "a Postgres URL naming a database, e.g. postgres://skazka@db:5432/skazka",
                    Some(redact_url(&url)),
                );
                return None;
            }
            if let Some(password) = password {
                config.password(password);
            }
            Some(DatabaseSettings { config })
        }
        Err(_) => {
            r.bad(
                "DATABASE_URL",
                "a Postgres URL such as postgres://user@host:5432/dbname",
                Some(redact_url(&url)),
            );
            None
        }
    }
}

pub(crate) fn read_redis(r: &mut Reader<'_>) -> Option<RedisSettings> {
    let prefix = match r.get("REDIS_PREFIX") {
        None => DEFAULT_REDIS_PREFIX.to_owned(),
        Some(p)
            if p.len() <= 64
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.')) =>
        {
            p
        }
        Some(p) => {
            r.bad(
                "REDIS_PREFIX",
                "up to 64 characters: letters, digits, : - _ .",
                Some(p),
            );
            DEFAULT_REDIS_PREFIX.to_owned()
        }
    };
    let v = r.get("REDIS_URL")?;
    match Url::parse(&v) {
        Ok(u) if matches!(u.scheme(), "redis" | "rediss") && u.has_host() => Some(RedisSettings {
            url: Secret(v),
            prefix,
        }),
        _ => {
            let shown = redact_url(&v);
            r.bad(
                "REDIS_URL",
                "a redis://host:port or rediss://host:port URL",
                Some(shown),
            );
            None
        }
    }
}

pub(crate) fn read_pings(r: &mut Reader<'_>) -> Option<PingsSettings> {
    let endpoint = match r.get("DYNAMODB_ENDPOINT") {
        None => None,
        Some(v) => match Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Some(u),
            _ => {
                r.bad(
                    "DYNAMODB_ENDPOINT",
                    "an http(s) URL of a DynamoDB emulator, e.g. http://127.0.0.1:5000",
                    Some(v),
                );
                None
            }
        },
    };
    match r.get("PINGS_TABLE") {
        None => None,
        Some(table) => {
            let valid = (3..=255).contains(&table.len())
                && table
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if valid {
                Some(PingsSettings { table, endpoint })
            } else {
                r.bad(
                    "PINGS_TABLE",
                    "a DynamoDB table name (3-255 characters: letters, digits, _ - .)",
                    Some(table),
                );
                None
            }
        }
    }
}
