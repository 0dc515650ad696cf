//! The access token: its claims, the keys (HS256, `kid` naming the key so keys can rotate),
//! issuing and verifying, and MACs made with the same keys (CSRF tokens).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use skazka_cache::CacheHandle;
use skazka_config::SessionSettings;
use skazka_web::{AppError, Role};
use uuid::Uuid;

use crate::extractors::{Session, Via};
use crate::teams::TeamSource;
use crate::{Guid, ISSUER};

/// The admin acting as someone else (support), shown as a banner while active.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impersonator {
    pub id: Uuid,
    pub name: String,
}

/// Who a token is for: what the auth function puts in it and what [`Session`] gives back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The portal account's id.
    pub user_id: Uuid,
    /// The session (one sign-in, one refresh-token family).
    pub session_id: Uuid,
    pub role: Role,
    /// The name shown in pages.
    pub name: String,
    /// The person's 1C user (`Catalog_Пользователи` ref): the `Менеджер_Key` of an agent's data.
    pub onec_ref: Option<Guid>,
    /// A client's partners (`Catalog_Партнеры` refs).
    pub partners: Vec<Guid>,
    /// Set while an admin impersonates this person.
    pub impersonator: Option<Impersonator>,
}

/// The access token's claims: who the person is, never what they see that can grow (a
/// supervisor's team is looked up per request, see [`crate::teams`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    iss: String,
    pub(crate) sub: Uuid,
    pub(crate) sid: Uuid,
    iat: u64,
    exp: u64,
    /// Issue time in milliseconds: "everything before" revocation is precise to the millisecond.
    pub(crate) iat_ms: u64,
    role: Role,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    onec: Option<Guid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    partners: Vec<Guid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imp: Option<Impersonator>,
}

/// Why a token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no session token")]
    Missing,
    #[error("session token expired")]
    Expired,
    #[error("session token invalid")]
    Invalid,
    #[error("session revoked")]
    Revoked,
    /// The revocation markers could not be read: refused (fail closed), reported as 503.
    #[error("revocation check failed: {0}")]
    Unavailable(String),
}

/// A freshly signed access token.
#[derive(Clone, Debug)]
pub struct Issued {
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: u64,
}

/// Verifies (and, for the auth function, issues) access tokens; checks and writes revocation
/// markers in the shared cache; looks up supervisors' teams. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Keys>,
    pub(crate) cache: CacheHandle,
    pub(crate) teams: Option<Arc<dyn TeamSource>>,
}

struct Keys {
    signing_id: String,
    signing: EncodingKey,
    verifying: Vec<(String, DecodingKey)>,
    settings: SessionSettings,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("signing_key_id", &self.inner.signing_id)
            .finish_non_exhaustive()
    }
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl Verifier {
    /// From the configuration. Without configured keys (local runner, tests) a random key is
    /// made for this process; `Config::for_lambda` requires keys.
    pub fn new(settings: &SessionSettings, cache: CacheHandle) -> Self {
        let keys: Vec<(String, Vec<u8>)> = if settings.keys.is_empty() {
            let secret: [u8; 32] = rand::random();
            vec![("local".to_owned(), secret.to_vec())]
        } else {
            settings
                .keys
                .iter()
                .map(|k| (k.id.clone(), k.secret.expose().as_bytes().to_vec()))
                .collect()
        };
        let (signing_id, signing_secret) = keys[0].clone();
        Verifier {
            inner: Arc::new(Keys {
                signing_id,
                signing: EncodingKey::from_secret(&signing_secret),
                verifying: keys
                    .iter()
                    .map(|(id, secret)| (id.clone(), DecodingKey::from_secret(secret)))
                    .collect(),
                settings: settings.clone(),
            }),
            cache,
            teams: None,
        }
    }

    /// This verifier, looking supervisors' teams up in `source` (through the shared cache).
    pub fn with_teams(mut self, source: Arc<dyn TeamSource>) -> Self {
        self.teams = Some(source);
        self
    }

    /// Lifetimes (access token, idle, absolute).
    pub fn settings(&self) -> &SessionSettings {
        &self.inner.settings
    }

    /// Signs an access token for `identity`, valid for the configured access lifetime.
    pub fn issue(&self, identity: &Identity) -> Result<Issued, AppError> {
        let now = now();
        let ttl = self.inner.settings.access_ttl.as_secs();
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: identity.user_id,
            sid: identity.session_id,
            iat: now.as_secs(),
            exp: now.as_secs() + ttl,
            iat_ms: now.as_millis() as u64,
            role: identity.role,
            name: identity.name.clone(),
            onec: identity.onec_ref,
            partners: identity.partners.clone(),
            imp: identity.impersonator.clone(),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.inner.signing_id.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.inner.signing)
            .map_err(|e| AppError::Internal(format!("signing a session token: {e}")))?;
        Ok(Issued {
            token,
            expires_in: ttl,
        })
    }

    fn decode(&self, token: &str) -> Result<Claims, VerifyError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(VerifyError::Invalid);
        }
        let kid = header.kid.ok_or(VerifyError::Invalid)?;
        let key = self
            .inner
            .verifying
            .iter()
            .find(|(id, _)| *id == kid)
            .map(|(_, key)| key)
            .ok_or(VerifyError::Invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => VerifyError::Expired,
                _ => VerifyError::Invalid,
            })
    }

    /// Verifies `token` (signature, key id, issuer, expiry) and that neither its session nor its
    /// person was revoked since it was issued.
    pub async fn check(&self, token: &str, via: Via) -> Result<Session, VerifyError> {
        let claims = self.decode(token)?;
        self.ensure_not_revoked(&claims).await?;
        let csrf = self.mac("csrf", &claims.sid.to_string());
        Ok(Session {
            identity: Identity {
                user_id: claims.sub,
                session_id: claims.sid,
                role: claims.role,
                name: claims.name,
                onec_ref: claims.onec,
                partners: claims.partners,
                impersonator: claims.imp,
            },
            via,
            expires_at: claims.exp,
            csrf,
        })
    }

    /// Who the request's token names, with its signature and expiry checked but not revocation:
    /// for accounting, such as the per-person bound on 1C reads. Handlers use [`Session`].
    pub fn subject(&self, headers: &http::HeaderMap) -> Option<uuid::Uuid> {
        let (token, _) = crate::cookies::token_of(headers)?;
        self.decode(token).ok().map(|claims| claims.sub)
    }

    /// How long a revocation marker must live: as long as the tokens it revokes could.
    pub(crate) fn marker_life(&self) -> Duration {
        self.inner.settings.access_ttl + Duration::from_secs(60)
    }

    /// A MAC (HMAC-SHA256 with the signing key, base64url) of `value` for `purpose`: CSRF tokens,
    /// and anything else that must be unforgeable but need not be stored.
    pub fn mac(&self, purpose: &str, value: &str) -> String {
        let message = format!("{purpose}\n{value}");
        jsonwebtoken::crypto::sign(message.as_bytes(), &self.inner.signing, Algorithm::HS256)
            .unwrap_or_default()
    }

    /// Whether `mac` is [`Verifier::mac`] of `value` for `purpose` under any configured key.
    pub fn verify_mac(&self, purpose: &str, value: &str, mac: &str) -> bool {
        let message = format!("{purpose}\n{value}");
        self.inner.verifying.iter().any(|(_, key)| {
            jsonwebtoken::crypto::verify(mac, message.as_bytes(), key, Algorithm::HS256)
                .unwrap_or(false)
        })
    }
}
