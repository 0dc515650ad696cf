//! Revocation that reaches every function at once: markers in the shared cache, written on
//! sign-out, "sign out everywhere", a role or team change and deactivation, and read on every
//! request (one cache read per marker, no Postgres, no call to the auth function).

use std::time::Duration;

use skazka_cache::Entry;
use skazka_web::AppError;
use uuid::Uuid;

use crate::teams::team_key;
use crate::tokens::{Claims, Verifier, VerifyError};

fn revoked_session_key(session_id: Uuid) -> String {
    format!("session:revoked:{session_id}")
}

fn revoked_user_key(user_id: Uuid) -> String {
    format!("session:user-revoked:{user_id}")
}

impl Verifier {
    /// `Revoked` when the token's session was signed out, or its person revoked after it was
    /// issued; `Unavailable` when the markers cannot be read (fail closed).
    pub(crate) async fn ensure_not_revoked(&self, claims: &Claims) -> Result<(), VerifyError> {
        let session_key = revoked_session_key(claims.sid);
        let user_key = revoked_user_key(claims.sub);
        let backend = self.cache.backend();
        let (session_marker, user_marker) =
            tokio::join!(backend.get(&session_key), backend.get(&user_key));
        let session_marker = session_marker.map_err(|e| VerifyError::Unavailable(e.to_string()))?;
        let user_marker = user_marker.map_err(|e| VerifyError::Unavailable(e.to_string()))?;
        if session_marker.is_some() {
            return Err(VerifyError::Revoked);
        }
        if let Some(marker) = user_marker
            && claims.iat_ms <= marker.stored_at_ms
        {
            return Err(VerifyError::Revoked);
        }
        Ok(())
    }

    /// Revokes one session's access tokens in every function (sign-out). The auth function also
    /// revokes its refresh tokens in Postgres.
    pub async fn revoke_session(&self, session_id: Uuid) -> Result<(), AppError> {
        self.cache
            .backend()
            .put(
                &revoked_session_key(session_id),
                &Entry::new(Vec::new()),
                self.marker_life(),
            )
            .await
            .map_err(|e| AppError::Unavailable(format!("writing a revocation: {e}")))
    }

    /// Revokes every access token of a person issued until now (sign out everywhere, a role or
    /// team change, deactivation), and forgets their team if they are a supervisor. Tokens
    /// issued afterwards are accepted.
    pub async fn revoke_user(&self, user_id: Uuid) -> Result<(), AppError> {
        // A token issued in this very millisecond is revoked too.
        self.cache
            .backend()
            .put(
                &revoked_user_key(user_id),
                &Entry::new(Vec::new()),
                self.marker_life(),
            )
            .await
            .map_err(|e| AppError::Unavailable(format!("writing a revocation: {e}")))?;
        self.cache
            .backend()
            .delete(&team_key(user_id))
            .await
            .map_err(|e| AppError::Unavailable(format!("forgetting a team: {e}")))?;
        // Make the next issued token's millisecond strictly later than the marker's.
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok(())
    }
}
