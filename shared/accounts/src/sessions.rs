//! Sign-ins as refresh-token families. A refresh token is 32 random bytes, stored only as its
//! SHA-256 digest; each use spends it and gives a new one in the same family. Presenting a spent
//! token means it was copied: the whole family is revoked. A session also ends when unused for
//! the idle timeout or at its absolute expiry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use skazka_session::random_token;
use skazka_store::PgPool;
use uuid::Uuid;

use crate::AccountError;

/// A browser or the phone app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Browser,
    Mobile,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Browser => "browser",
            Kind::Mobile => "mobile",
        }
    }
}

/// A new session or a rotation: the family and the new (plain) refresh token, given once.
#[derive(Debug)]
pub struct Refresh {
    pub session_id: Uuid,
    pub account_id: Uuid,
    pub impersonator_id: Option<Uuid>,
    pub token: String,
    /// Seconds until the session's absolute end.
    pub expires_at: DateTime<Utc>,
}

/// Why a refresh token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not a token of this portal.
    Unknown,
    /// Already spent: the family is now revoked.
    Reused,
    /// The session was signed out or revoked.
    Revoked,
    /// Idle too long, or past the absolute lifetime.
    Expired,
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a session for `account`: a new family with its first refresh token.
pub async fn start(
    pool: &PgPool,
    account: Uuid,
    kind: Kind,
    device_id: Option<&str>,
    impersonator: Option<Uuid>,
    absolute: Duration,
) -> Result<Refresh, AccountError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let id = Uuid::new_v4();
    let expires_at = Utc::now()
        + chrono::Duration::from_std(absolute).unwrap_or_else(|_| chrono::Duration::hours(12));
    tx.execute(
        "INSERT INTO sessions (id, account_id, kind, device_id, impersonator_id, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &id,
            &account,
            &kind.as_str(),
            &device_id,
            &impersonator,
            &expires_at,
        ],
    )
    .await?;
    let token = random_token();
    tx.execute(
        "INSERT INTO refresh_tokens (digest, session_id) VALUES ($1, $2)",
        &[&digest(&token), &id],
    )
    .await?;
    tx.commit().await?;
    Ok(Refresh {
        session_id: id,
        account_id: account,
        impersonator_id: impersonator,
        token,
        expires_at,
    })
}

/// How a rotation judges a token: the idle timeout, and the grace period in which a just-spent
/// token still yields its successor.
#[derive(Clone, Copy, Debug)]
pub struct Rotation {
    pub idle: Duration,
    pub grace: Duration,
}

/// Spends `token` and gives the next one of its family, `successor`.
///
/// The caller derives `successor` from `token` with a server-side key (a MAC), so presenting the
/// same token again can be answered with the same successor without storing it in plain: two
/// tabs refreshing at the same moment both get it. That happens only within `grace` of the
/// spending and while the successor itself is unspent; any other spent token is a copy, and the
/// whole family is revoked.
pub async fn rotate(
    pool: &PgPool,
    token: &str,
    successor: &str,
    rotation: Rotation,
) -> Result<Result<Refresh, Refused>, AccountError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT t.session_id, t.used_at IS NOT NULL, s.account_id, s.impersonator_id, \
                    s.revoked_at IS NOT NULL, s.expires_at <= now(), \
                    s.last_used_at + make_interval(secs => $2) <= now(), s.expires_at \
             FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
             WHERE t.digest = $1 FOR UPDATE OF t, s",
            &[&digest(token), &rotation.idle.as_secs_f64()],
        )
        .await?;
    let Some(row) = row else {
        return Ok(Err(Refused::Unknown));
    };
    let session_id: Uuid = row.get(0);
    let spent: bool = row.get(1);
    let revoked: bool = row.get(4);
    let past_absolute: bool = row.get(5);
    let idle_out: bool = row.get(6);
    let refresh = Refresh {
        session_id,
        account_id: row.get(2),
        impersonator_id: row.get(3),
        token: successor.to_owned(),
        expires_at: row.get(7),
    };
    if spent && !revoked && !past_absolute && within_grace(&tx, token, successor, rotation).await? {
        tracing::info!(session = %session_id, "refresh token spent moments ago: the same successor again");
        return Ok(Ok(refresh));
    }
    if spent {
        if !revoked {
            tx.execute(
                "UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh token reused' \
                 WHERE id = $1",
                &[&session_id],
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(session = %session_id, "spent refresh token presented again: session revoked");
        }
        return Ok(Err(Refused::Reused));
    }
    if revoked {
        return Ok(Err(Refused::Revoked));
    }
    if past_absolute || idle_out {
        tx.execute(
            "UPDATE sessions SET revoked_at = now(), revoked_reason = 'expired' WHERE id = $1",
            &[&session_id],
        )
        .await?;
        tx.commit().await?;
        return Ok(Err(Refused::Expired));
    }
    tx.execute(
        "UPDATE refresh_tokens SET used_at = now() WHERE digest = $1",
        &[&digest(token)],
    )
    .await?;
    tx.execute(
        "UPDATE sessions SET last_used_at = now() WHERE id = $1",
        &[&session_id],
    )
    .await?;
    tx.execute(
        "INSERT INTO refresh_tokens (digest, session_id) VALUES ($1, $2)",
        &[&digest(successor), &session_id],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(refresh))
}

/// Whether spent `token` was spent within the grace period and its successor is still unspent.
/// A statement of its own, after the row lock was taken: a concurrent rotation that held the
/// lock has committed by now, and a new statement sees its successor (the locking statement's
/// snapshot would not).
async fn within_grace(
    tx: &deadpool_postgres::Transaction<'_>,
    token: &str,
    successor: &str,
    rotation: Rotation,
) -> Result<bool, AccountError> {
    let row = tx
        .query_one(
            "SELECT coalesce(t.used_at > now() - make_interval(secs => $2), false) \
                    AND EXISTS (SELECT 1 FROM refresh_tokens n \
                                WHERE n.digest = $3 AND n.session_id = t.session_id \
                                  AND n.used_at IS NULL) \
             FROM refresh_tokens t WHERE t.digest = $1",
            &[
                &digest(token),
                &rotation.grace.as_secs_f64(),
                &digest(successor),
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// The session a refresh token belongs to (revoking by token).
pub async fn session_of(pool: &PgPool, token: &str) -> Result<Option<(Uuid, Uuid)>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT s.id, s.account_id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
             WHERE t.digest = $1",
            &[&digest(token)],
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Revokes one session (sign-out).
pub async fn revoke(pool: &PgPool, session: Uuid, reason: &str) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 \
             WHERE id = $1 AND revoked_at IS NULL",
            &[&session, &reason],
        )
        .await?;
    Ok(())
}

/// Revokes every session of an account (sign out everywhere, deactivation, role change), and
/// every session an admin holds as someone else through it (an impersonation ends with its
/// admin). Returns those impersonation sessions: their access tokens are another person's, so
/// the caller revokes them one by one.
pub async fn revoke_all(
    pool: &PgPool,
    account: Uuid,
    reason: &str,
) -> Result<Vec<Uuid>, AccountError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 \
             WHERE (account_id = $1 OR impersonator_id = $1) AND revoked_at IS NULL \
             RETURNING id, account_id <> $1",
            &[&account, &reason],
        )
        .await?;
    Ok(rows
        .iter()
        .filter(|r| r.get::<_, bool>(1))
        .map(|r| r.get(0))
        .collect())
}

/// Revokes every session of an account but `keep` (a password change: the device that changed
/// it stays signed in). Returns the sessions revoked, whose access tokens must die too.
pub async fn revoke_others(
    pool: &PgPool,
    account: Uuid,
    keep: Uuid,
    reason: &str,
) -> Result<Vec<Uuid>, AccountError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "UPDATE sessions SET revoked_at = now(), revoked_reason = $3 \
             WHERE account_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id",
            &[&account, &keep, &reason],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Whether a session is still open (not revoked, not past its absolute end).
pub async fn is_open(pool: &PgPool, session: Uuid) -> Result<bool, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()",
            &[&session],
        )
        .await?;
    Ok(row.is_some())
}
