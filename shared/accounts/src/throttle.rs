//! Sign-in attempts reserved atomically before the password check.
//!
//! Each bound is a key (`phone:+7…`, `address:…`) with a limit per fixed window. Reserving takes
//! every key's row lock in one transaction (an `INSERT … ON CONFLICT DO UPDATE … RETURNING`),
//! so concurrent attempts for one key queue on the lock and each sees the previous count: of 40
//! simultaneous guesses for one phone, only the limit's worth reach the password check. A
//! refused attempt rolls back and counts nothing; a successful sign-in gives its reservation
//! back.

use std::time::Duration;

use chrono::{DateTime, Utc};
use skazka_store::PgPool;

use crate::AccountError;

/// One counter: its key and how many attempts a window allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub key: String,
    pub limit: u32,
}

impl Bound {
    pub fn new(key: impl Into<String>, limit: u32) -> Self {
        Bound {
            key: key.into(),
            limit,
        }
    }
}

/// Reserves one attempt under every bound — the attempts counted so far under each, this one
/// included, in the order given — or says how long to wait (whole seconds, at least one) when
/// any bound is spent. Bounds are locked in the order given: callers pass them in
/// one fixed order of kinds, so two reservations never wait on each other in a cycle.
pub async fn reserve(
    pool: &PgPool,
    bounds: &[Bound],
    window: Duration,
) -> Result<Result<Vec<u32>, u64>, AccountError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let secs = window.as_secs_f64();
    let mut wait: Option<u64> = None;
    let mut counts = Vec::with_capacity(bounds.len());
    for bound in bounds {
        let row = tx
            .query_one(
                "INSERT INTO signin_counters AS c (key, window_start, attempts) \
                 VALUES ($1, now(), 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   attempts = CASE WHEN c.window_start + make_interval(secs => $2) <= now() \
                                   THEN 1 ELSE c.attempts + 1 END, \
                   window_start = CASE WHEN c.window_start + make_interval(secs => $2) <= now() \
                                       THEN now() ELSE c.window_start END \
                 RETURNING attempts, window_start",
                &[&bound.key, &secs],
            )
            .await?;
        let attempts: i32 = row.get(0);
        let started: DateTime<Utc> = row.get(1);
        counts.push(attempts.max(0) as u32);
        if attempts as i64 > bound.limit as i64 {
            let ends = started + chrono::Duration::from_std(window).unwrap_or_default();
            let left = (ends - Utc::now()).num_milliseconds().max(0) as u64;
            let secs = left.div_ceil(1000).max(1);
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    match wait {
        // Nothing is counted for a refused attempt (dropping the transaction rolls it back).
        Some(secs) => Ok(Err(secs)),
        None => {
            tx.commit().await?;
            Ok(Ok(counts))
        }
    }
}

/// Gives back one reserved attempt under each key (a sign-in that succeeded).
pub async fn release(pool: &PgPool, keys: &[&str]) -> Result<(), AccountError> {
    let client = pool.get().await?;
    for key in keys {
        client
            .execute(
                "UPDATE signin_counters SET attempts = greatest(attempts - 1, 0) WHERE key = $1",
                &[key],
            )
            .await?;
    }
    Ok(())
}

/// Forgets a key's counter (the owner signed in: their earlier failures no longer count).
pub async fn clear(pool: &PgPool, key: &str) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute("DELETE FROM signin_counters WHERE key = $1", &[&key])
        .await?;
    Ok(())
}

/// Drops counters whose window ended long ago (the table stays small).
pub async fn sweep(pool: &PgPool, older_than: Duration) -> Result<u64, AccountError> {
    let client = pool.get().await?;
    Ok(client
        .execute(
            "DELETE FROM signin_counters \
             WHERE window_start + make_interval(secs => $1) < now()",
            &[&older_than.as_secs_f64()],
        )
        .await?)
}
