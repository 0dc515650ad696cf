//! What handlers receive: [`Session`] (a verified, unrevoked session) and [`Scope`] (what the
//! person may see), as axum extractors, and the answers when a request is refused.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use http::{HeaderValue, Method, header};
use skazka_web::{AppError, Format, Person, Role};
use uuid::Uuid;

use crate::cookies::{REFRESH_COOKIE, cookie, token_of};
use crate::tokens::{Identity, Verifier, VerifyError};
use crate::{Guid, LOGIN_PATH, REFRESH_PATH};

/// How the request carried its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// A verified, unrevoked session.
#[derive(Clone, Debug)]
pub struct Session {
    pub identity: Identity,
    pub via: Via,
    /// When the access token expires (seconds since the Unix epoch).
    pub expires_at: u64,
    pub(crate) csrf: String,
}

/// What a person may see: feature services build their 1C filters from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// An agent: their own 1C user ref (`Менеджер_Key`).
    Agent { agent: Guid },
    /// A supervisor: their team's refs (looked up per request). Picking one agent of it
    /// (`?agent=`) is `skazka_viewer::Viewer`'s part.
    Supervisor { team: Vec<Guid> },
    /// A client: their partners' refs (never empty for an approved client).
    Client { partners: Vec<Guid> },
    /// An administrator: everything.
    Admin,
}

impl Session {
    pub fn user_id(&self) -> Uuid {
        self.identity.user_id
    }

    pub fn role(&self) -> Role {
        self.identity.role
    }

    pub fn name(&self) -> &str {
        &self.identity.name
    }

    /// `403` unless the person has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.identity.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The scope, with a supervisor's team looked up per request. An agent without a 1C ref
    /// (cannot happen for a synced account) is refused.
    pub async fn scope(&self, verifier: &Verifier) -> Result<Scope, AppError> {
        let id = &self.identity;
        match id.role {
            Role::Admin => Ok(Scope::Admin),
            Role::Agent => id
                .onec_ref
                .map(|agent| Scope::Agent { agent })
                .ok_or(AppError::Forbidden),
            Role::Supervisor => Ok(Scope::Supervisor {
                team: verifier.team_of(id.user_id).await?,
            }),
            Role::Client if id.partners.is_empty() => Err(AppError::Forbidden),
            Role::Client => Ok(Scope::Client {
                partners: id.partners.clone(),
            }),
        }
    }

    /// The CSRF token for this session's forms (a MAC of the session id: the same in every
    /// function, nothing stored).
    pub fn csrf_token(&self) -> &str {
        &self.csrf
    }

    /// `403` unless `submitted` is this session's CSRF token. Bearer requests pass: a browser
    /// never adds that header by itself.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        if self.via == Via::Bearer {
            return Ok(());
        }
        match submitted {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => {
                tracing::warn!(user = %self.identity.user_id, "request without a valid CSRF token refused");
                Err(AppError::Forbidden)
            }
        }
    }

    /// What the page chrome shows about this person (name, role, impersonation banner).
    pub fn person(&self) -> Person {
        Person {
            name: self.identity.name.clone(),
            role: self.identity.role,
            impersonator: self.identity.impersonator.as_ref().map(|i| i.name.clone()),
            csrf_token: self.csrf.clone(),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `next` if it is a path on this site (`/…`, not `//…`), else `/`: never an open redirect.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The query parameter the refresh route adds to `next`. A request that comes back with it and
/// still carries no session lost the cookie just set (too large, or cookies disabled): it goes
/// to the sign-in page with a message instead of round the refresh again.
pub const REFRESHED_PARAM: &str = "refreshed";

/// The sign-in page's `reason` when the session cookie did not come back after a refresh.
pub const COOKIE_LOST_REASON: &str = "cookie";

/// `next` (a path and query on this site) marked as the refresh route's redirect.
pub fn mark_refreshed(next: &str) -> String {
    let separator = if next.contains('?') { '&' } else { '?' };
    format!("{next}{separator}{REFRESHED_PARAM}=1")
}

/// `path_and_query` without the refresh marker, when it has one.
fn strip_refreshed(path_and_query: &str) -> Option<String> {
    let (path, query) = path_and_query.split_once('?')?;
    let marker = format!("{REFRESHED_PARAM}=1");
    let pairs: Vec<&str> = query.split('&').collect();
    if !pairs.contains(&marker.as_str()) {
        return None;
    }
    let rest: Vec<&str> = pairs.into_iter().filter(|p| *p != marker).collect();
    Some(if rest.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", rest.join("&"))
    })
}

/// Why [`Session`] refused a request: an HTML request is redirected to `/login?next=…` (or
/// through the refresh route), a JSON request gets `401` with `WWW-Authenticate: Bearer`, a
/// failed revocation check `503`.
#[derive(Debug)]
pub struct SessionRejection {
    error: VerifyError,
    format: Format,
    /// Path and query of the refused request.
    next: String,
    /// A GET with a refresh cookie: go through the refresh route first.
    can_refresh: bool,
    /// Back from the refresh route without a session: the cookie did not come back.
    cookie_lost: bool,
}

impl SessionRejection {
    pub fn error(&self) -> &VerifyError {
        &self.error
    }
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        if let VerifyError::Unavailable(cause) = self.error {
            return AppError::Unavailable(cause).into_response();
        }
        match self.format {
            Format::Html => {
                let next = encode_component(&self.next);
                let target = if self.cookie_lost {
                    format!("{LOGIN_PATH}?next={next}&reason={COOKIE_LOST_REASON}")
                } else if self.can_refresh {
                    format!("{REFRESH_PATH}?next={next}")
                } else {
                    format!("{LOGIN_PATH}?next={next}")
                };
                Redirect::to(&target).into_response()
            }
            Format::Json => {
                let mut response = AppError::Unauthorized.into_response();
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
        }
    }
}

async fn extract(parts: &Parts, verifier: &Verifier) -> Result<Session, SessionRejection> {
    let result = match token_of(&parts.headers) {
        None => Err(VerifyError::Missing),
        Some((token, via)) => verifier.check(token, via).await,
    };
    result.map_err(|error| {
        let requested = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let unmarked = strip_refreshed(&requested);
        let cookie_lost = unmarked.is_some() && matches!(error, VerifyError::Missing);
        let next = unmarked.unwrap_or(requested);
        SessionRejection {
            cookie_lost,
            can_refresh: parts.method == Method::GET
                && cookie(&parts.headers, REFRESH_COOKIE).is_some()
                && !cookie_lost
                && !matches!(error, VerifyError::Unavailable(_)),
            error,
            format: Format::from_headers(&parts.headers),
            next,
        }
    })
}

impl<S> FromRequestParts<S> for Session
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let session = extract(parts, &Verifier::from_ref(state)).await?;
        parts.extensions.insert(session.clone());
        Ok(session)
    }
}

impl<S> OptionalFromRequestParts<S> for Session
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Session as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(SessionRejection {
                error: VerifyError::Unavailable(cause),
                ..
            }) => Err(AppError::Unavailable(cause).into_response()),
            Err(_) => Ok(None),
        }
    }
}

impl<S> FromRequestParts<S> for Scope
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = <Session as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        session
            .scope(&Verifier::from_ref(state))
            .await
            .map_err(IntoResponse::into_response)
    }
}
