//! The portal's configuration: one typed struct, read from the environment and validated once at
//! start-up. A missing or bad value is reported with the variable's name and what it expects; every
//! problem is reported at once. Secrets are kept in [`Secret`], whose `Debug` never shows them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono_tz::Tz;
use url::Url;

mod catalogue;

pub use catalogue::{CatalogueSettings, DEFAULT_CACHE_CONTROL};

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

/// Where 1C's standard OData publication is and how to sign in to it.
#[derive(Clone, Debug)]
pub struct OnecSettings {
    /// The service root, always ending in `/` (e.g. `https://1c.example.kz/UT/odata/standard.odata/`).
    pub url: Url,
    pub user: String,
    pub password: Secret,
}

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
}

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

/// One key that signs or verifies session tokens (HS256), with the id written in the token's
/// `kid` header so keys can rotate.
#[derive(Clone, Debug)]
pub struct SessionKey {
    pub id: String,
    pub secret: Secret,
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

/// The header CloudFront adds to every origin request (an origin custom header) with
/// `ORIGIN_SECRET`'s value: proof that a request came through CloudFront.
pub const ORIGIN_SECRET_HEADER: &str = "x-origin-verify";

/// Sessions: signing keys and lifetimes.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// `SESSION_KEYS`: `id:secret` pairs separated by commas; the first signs, all verify. Empty
    /// means "generate one per process" (local runner and tests only; required in Lambda).
    pub keys: Vec<SessionKey>,
    /// `SESSION_ACCESS_TTL_SECS` (default 900): life of an access token.
    pub access_ttl: Duration,
    /// `SESSION_IDLE_TIMEOUT_SECS` (default 1800): a session unused this long ends.
    pub idle_timeout: Duration,
    /// `SESSION_ABSOLUTE_TIMEOUT_SECS` (default 43200): a session ends this long after sign-in.
    pub absolute_timeout: Duration,
    /// `SESSION_REFRESH_GRACE_SECS` (default 5, 0 to 60): how long a just-spent refresh token still yields
    /// the same successor (two tabs refreshing at once), instead of counting as reuse.
    pub refresh_grace: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            keys: Vec::new(),
            access_ttl: Duration::from_secs(15 * 60),
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            refresh_grace: Duration::from_secs(5),
        }
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
    /// `REDIS_URL`; `None` means the in-process cache.
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

/// Agent tracking: ping retention and the supervisor's map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingSettings {
    /// `PINGS_RETENTION_DAYS` (default 90): how long a ping is kept.
    pub retention_days: u32,
    /// `TRACKING_MIN_VISIT_S` (default 120): a visit shorter than this is flagged.
    pub min_visit_s: u32,
    /// `TRACKING_FAR_M` (default 300): an order taken farther than this from the client's
    /// location is flagged.
    pub far_m: u32,
    /// `TRACKING_TILE_URL` (default OpenStreetMap's): the map tiles, a Leaflet URL template
    /// (`https://host/{z}/{x}/{y}.png`); the pages' CSP allows exactly its host for images.
    pub tile_url: String,
}

impl Default for TrackingSettings {
    fn default() -> Self {
        TrackingSettings {
            retention_days: 90,
            min_visit_s: 120,
            far_m: 300,
            tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        }
    }
}

impl TrackingSettings {
    /// The tile server's origin (`https://host[:port]`), for the content security policy.
    pub fn tile_origin(&self) -> String {
        let url = Url::parse(&self.tile_url.replace(['{', '}'], "")).ok();
        url.map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

fn read_whole(r: &mut Reader<'_>, var: &'static str, default: u32) -> u32 {
    match r.get(var) {
        None => default,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                r.bad(var, "a whole number above 0", Some(v));
                default
            }
        },
    }
}

fn read_tracking(r: &mut Reader<'_>) -> TrackingSettings {
    let d = TrackingSettings::default();
    let tile_url = match r.get("TRACKING_TILE_URL") {
        None => d.tile_url.clone(),
        Some(v) => {
            let ok = v.starts_with("https://")
                && ["{z}", "{x}", "{y}"].iter().all(|p| v.contains(p))
                && Url::parse(&v.replace(['{', '}'], "")).is_ok();
            if ok {
                v
            } else {
                r.bad(
                    "TRACKING_TILE_URL",
                    "an https URL template with {z}, {x} and {y}",
                    Some(v),
                );
                d.tile_url.clone()
            }
        }
    };
    TrackingSettings {
        retention_days: read_whole(r, "PINGS_RETENTION_DAYS", d.retention_days),
        min_visit_s: read_whole(r, "TRACKING_MIN_VISIT_S", d.min_visit_s),
        far_m: read_whole(r, "TRACKING_FAR_M", d.far_m),
        tile_url,
    }
}

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

struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// A variable's value; an empty or all-blank value counts as unset.
    fn get(&self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn bad(&mut self, var: &'static str, expected: impl Into<String>, found: Option<String>) {
        self.problems.push(Problem {
            var,
            expected: expected.into(),
            found,
        });
    }
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

        let onec = read_onec(&mut r);

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

        let database = read_database(&mut r);

        let redis = match r.get("REDIS_URL") {
            None => None,
            Some(v) => match Url::parse(&v) {
                Ok(u) if matches!(u.scheme(), "redis" | "rediss") && u.has_host() => {
                    Some(RedisSettings { url: Secret(v) })
                }
                _ => {
                    let shown = redact_url(&v);
                    r.bad(
                        "REDIS_URL",
                        "a redis://host:port or rediss://host:port URL",
                        Some(shown),
                    );
                    None
                }
            },
        };

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
        let pings = match r.get("PINGS_TABLE") {
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
        };

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
        let session = read_session(&mut r);
        let reads = read_reads(&mut r);
        let tracking = read_tracking(&mut r);
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

fn read_onec(r: &mut Reader<'_>) -> Option<OnecSettings> {
    let url = r.get("ONEC_URL");
    let user = r.get("ONEC_USER");
    let password = r.get("ONEC_PASSWORD");
    let url = url?;
    let parsed = match Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
            if u.username().is_empty() && u.password().is_none() {
                Some(u)
            } else {
                r.bad(
                    "ONEC_URL",
                    "a URL without credentials (give them in ONEC_USER and ONEC_PASSWORD)",
                    None,
                );
                None
            }
        }
        _ => {
            r.bad(
                "ONEC_URL",
                "the http(s) URL of 1C's OData service root, e.g. https://1c.example.kz/UT/odata/standard.odata/",
                Some(redact_url(&url)),
            );
            None
        }
    };
    if user.is_none() {
        r.bad("ONEC_USER", "the 1C user name (ONEC_URL is set)", None);
    }
    if password.is_none() {
        r.bad(
            "ONEC_PASSWORD",
            "the 1C user's password (ONEC_URL is set)",
            None,
        );
    }
    let mut url = parsed?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Some(OnecSettings {
        url,
        user: user?,
        password: Secret(password?),
    })
}

fn read_seconds(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
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

fn read_millis(r: &mut Reader<'_>, var: &'static str, default: Duration) -> Duration {
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

fn read_reads(r: &mut Reader<'_>) -> ReadSettings {
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

/// A whole number above 0, or `default` when unset.
fn read_positive(r: &mut Reader<'_>, name: &'static str, default: u32) -> u32 {
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

fn read_session(r: &mut Reader<'_>) -> SessionSettings {
    let defaults = SessionSettings::default();
    let mut keys = Vec::new();
    if let Some(raw) = r.get("SESSION_KEYS") {
        for item in raw.split(',') {
            let valid = item.split_once(':').and_then(|(id, secret)| {
                let (id, secret) = (id.trim(), secret.trim());
                let id_ok = !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
                (id_ok && secret.len() >= 32).then(|| SessionKey {
                    id: id.to_owned(),
                    secret: Secret::new(secret),
                })
            });
            match valid {
                Some(key) => keys.push(key),
                None => {
                    r.bad(
                        "SESSION_KEYS",
                        "comma-separated id:secret pairs (id of letters, digits, - _ .; secret of 32 characters or more)",
                        None,
                    );
                    keys.clear();
                    break;
                }
            }
        }
    }
    let access_ttl = read_seconds(r, "SESSION_ACCESS_TTL_SECS", defaults.access_ttl);
    let idle_timeout = read_seconds(r, "SESSION_IDLE_TIMEOUT_SECS", defaults.idle_timeout);
    let absolute_timeout = read_seconds(
        r,
        "SESSION_ABSOLUTE_TIMEOUT_SECS",
        defaults.absolute_timeout,
    );
    // Zero is allowed here: no grace, every spent token presented again is reuse.
    let refresh_grace = match r.get("SESSION_REFRESH_GRACE_SECS") {
        None => defaults.refresh_grace,
        Some(v) => match v.parse::<u64>() {
            Ok(secs) if secs <= 60 => Duration::from_secs(secs),
            _ => {
                r.bad(
                    "SESSION_REFRESH_GRACE_SECS",
                    "a whole number of seconds from 0 to 60",
                    Some(v),
                );
                defaults.refresh_grace
            }
        },
    };
    SessionSettings {
        keys,
        access_ttl,
        idle_timeout,
        absolute_timeout,
        refresh_grace,
    }
}

fn read_database(r: &mut Reader<'_>) -> Option<DatabaseSettings> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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
