//! A supervisor's team, looked up per request rather than carried in the access token: at
//! `large` scale the default team is every agent (300), and a token holding it no longer fits in
//! a cookie (browsers drop cookies over 4 KB).
//!
//! The team comes from a [`TeamSource`] (the accounts in Postgres: `skazka_accounts::PgTeams`)
//! through the shared cache, one entry per supervisor. The entry is dropped together with the
//! supervisor's revocation marker ([`Verifier::revoke_user`]: a team or role change by an admin),
//! and otherwise lives [`TEAM_POLICY`]`.ttl`, which bounds how long an indirect change (an agent
//! synced in or deactivated, changing a default team) takes to show.

use std::time::Duration;

use skazka_cache::Policy;
use skazka_web::AppError;
use uuid::Uuid;

use crate::Guid;
use crate::tokens::Verifier;

/// How long a looked-up team is used before it is looked up again. Never served stale: a team
/// that cannot be looked up answers 503.
pub const TEAM_POLICY: Policy = Policy::new(Duration::from_secs(60), Duration::from_secs(60));

/// A failed team lookup (the source's own error, as text: it is logged, never shown).
#[derive(Debug, thiserror::Error)]
#[error("team lookup: {0}")]
pub struct TeamError(pub String);

/// Where a supervisor's team comes from.
#[async_trait::async_trait]
pub trait TeamSource: Send + Sync + 'static {
    /// The 1C refs of the agents `supervisor` (a portal account id) sees; empty for a person who
    /// is not an active supervisor.
    async fn team(&self, supervisor: Uuid) -> Result<Vec<Guid>, TeamError>;
}

pub(crate) fn team_key(supervisor: Uuid) -> String {
    format!("session:team:{supervisor}")
}

impl Verifier {
    /// `supervisor`'s team, from the shared cache or the team source (`503` when neither
    /// answers; `500` when this verifier was built without a source).
    pub async fn team_of(&self, supervisor: Uuid) -> Result<Vec<Guid>, AppError> {
        let source = self.teams.as_ref().ok_or_else(|| {
            AppError::Internal(
                "a supervisor's scope needs a team source (Verifier::with_teams)".into(),
            )
        })?;
        self.cache
            .get_or_fetch(&team_key(supervisor), TEAM_POLICY, || {
                source.team(supervisor)
            })
            .await
            .map(|fetched| fetched.value)
            .map_err(|e| AppError::Unavailable(e.to_string()))
    }
}
