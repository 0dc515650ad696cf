//! `SESSION_*` and `ORIGIN_SECRET`'s header: session signing keys and lifetimes.

use std::time::Duration;

use crate::Secret;
use crate::reader::{Reader, read_seconds};

/// One key that signs or verifies session tokens (HS256), with the id written in the token's
/// `kid` header so keys can rotate.
#[derive(Clone, Debug)]
pub struct SessionKey {
    pub id: String,
    pub secret: Secret,
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

pub(crate) fn read(r: &mut Reader<'_>) -> SessionSettings {
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
