//! Sessions that every function verifies itself, with no call to the auth function.
//!
//! - A signed-in person holds a short-lived **access token** (HS256 JWT, `kid` header naming the
//!   key so keys can rotate; keys from `SESSION_KEYS`) in the `skazka_session` cookie
//!   (`HttpOnly; Secure; SameSite=Lax`) or in `Authorization: Bearer …` (the phone app). Its claims
//!   carry everything a page needs to scope 1C data: role, the 1C user ref, a supervisor's team, a
//!   client's partners. The auth function issues it ([`Verifier::issue`]) and rotates the refresh
//!   token stored in Postgres; this crate only verifies.
//! - Revocation reaches every function at once: sign-out and "sign out everywhere" write markers
//!   into the shared cache ([`Verifier::revoke_session`], [`Verifier::revoke_user`]), checked on
//!   every request (one cache read per marker, no Postgres, no auth call). A marker lives as long
//!   as the tokens it revokes could.
//!
//! For handlers:
//! - [`Session`] is an extractor: a signed-in person, or the request is refused — an HTML request
//!   is redirected to `/login?next=…` (or, when a refresh cookie is present on a GET, through
//!   `/api/v1/auth/refresh?next=…`, which rotates the tokens and comes back), a JSON request gets
//!   `401` with `WWW-Authenticate: Bearer`. `Option<Session>` never refuses (public pages).
//! - [`Scope`] is an extractor: what the person may see (`Scope::Agent { agent }`,
//!   `Scope::Supervisor { team, picked }`, `Scope::Client { partners }`, `Scope::Admin`). A
//!   supervisor picks an agent with the `agent` query parameter (checked against the team: `403`
//!   otherwise). Feature services take a `Scope`, never a raw id from the URL.
//! - [`Session::require`] answers `403` (page or problem, never data) for a role that may not open
//!   a page; [`Session::check_csrf`] answers `403` for a state-changing cookie request without the
//!   form's token ([`Session::csrf_token`], put in a hidden `csrf` field or an `X-CSRF-Token`
//!   header). Bearer requests need no CSRF token.
//!
//! State: the router's state must give a [`Verifier`] (`impl FromRef<S> for Verifier`); the
//! portal's `AppState` does.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, header};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use skazka_cache::{CacheHandle, Entry};
use skazka_config::SessionSettings;
use skazka_web::{AppError, Format};
use uuid::Uuid;

pub use onec_client::Guid;

/// The access token's cookie.
pub const ACCESS_COOKIE: &str = "skazka_session";
/// The refresh token's cookie (read only by the auth function; its presence decides whether an
/// unauthenticated page goes through the refresh route before `/login`).
pub const REFRESH_COOKIE: &str = "skazka_refresh";
/// The sign-in page.
pub const LOGIN_PATH: &str = "/login";
/// Rotates the refresh cookie and redirects to `next` (GET, browsers), or answers new tokens
/// (POST JSON, the phone app).
pub const REFRESH_PATH: &str = "/api/v1/auth/refresh";
/// The tokens' `iss`.
pub const ISSUER: &str = "skazka";
/// The form field (and, as `X-CSRF-Token`, the header) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// What a person is in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Client,
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Client, Role::Agent, Role::Supervisor, Role::Admin];

    /// `client`, `agent`, `supervisor`, `admin` (as stored and in tokens).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// The Russian label shown in pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Client => "Клиент",
            Role::Agent => "Торговый агент",
            Role::Supervisor => "Супервайзер",
            Role::Admin => "Администратор",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Where the person lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Client => "/my/orders",
            Role::Agent | Role::Supervisor => "/orders",
            Role::Admin => "/admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// A supervisor's agents (their 1C refs).
    pub team: Vec<Guid>,
    /// A client's partners (`Catalog_Партнеры` refs).
    pub partners: Vec<Guid>,
    /// Set while an admin impersonates this person.
    pub impersonator: Option<Impersonator>,
}

/// The access token's claims.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: Uuid,
    sid: Uuid,
    iat: u64,
    exp: u64,
    /// Issue time in milliseconds: "everything before" revocation is precise to the millisecond.
    iat_ms: u64,
    role: Role,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    onec: Option<Guid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    team: Vec<Guid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    partners: Vec<Guid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    imp: Option<Impersonator>,
}

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
    csrf: String,
}

/// What a person may see: feature services build their 1C filters from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// An agent: their own 1C user ref (`Менеджер_Key`).
    Agent { agent: Guid },
    /// A supervisor: their team's refs, and the agent picked (`?agent=`), always one of the team.
    Supervisor {
        team: Vec<Guid>,
        picked: Option<Guid>,
    },
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

    /// The scope, with a supervisor's `picked` agent checked against the team (`403` if not in
    /// it). `picked` is ignored for other roles. An agent without a 1C ref (cannot happen for a
    /// synced account) is refused.
    pub fn scope(&self, picked: Option<Guid>) -> Result<Scope, AppError> {
        let id = &self.identity;
        match id.role {
            Role::Admin => Ok(Scope::Admin),
            Role::Agent => id
                .onec_ref
                .map(|agent| Scope::Agent { agent })
                .ok_or(AppError::Forbidden),
            Role::Supervisor => match picked {
                Some(agent) if !id.team.contains(&agent) => Err(AppError::Forbidden),
                picked => Ok(Scope::Supervisor {
                    team: id.team.clone(),
                    picked,
                }),
            },
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
/// markers in the shared cache. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Keys>,
    cache: CacheHandle,
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
        }
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
            team: identity.team.clone(),
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
        let csrf = self.mac("csrf", &claims.sid.to_string());
        Ok(Session {
            identity: Identity {
                user_id: claims.sub,
                session_id: claims.sid,
                role: claims.role,
                name: claims.name,
                onec_ref: claims.onec,
                team: claims.team,
                partners: claims.partners,
                impersonator: claims.imp,
            },
            via,
            expires_at: claims.exp,
            csrf,
        })
    }

    fn marker_life(&self) -> Duration {
        self.inner.settings.access_ttl + Duration::from_secs(60)
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
    /// team change, deactivation). Tokens issued afterwards are accepted.
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
        // Make the next issued token's millisecond strictly later than the marker's.
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok(())
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

fn revoked_session_key(session_id: Uuid) -> String {
    format!("session:revoked:{session_id}")
}

fn revoked_user_key(user_id: Uuid) -> String {
    format!("session:user-revoked:{user_id}")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly; Secure; SameSite=Lax; Path=/`, for `max_age` (`None`: a
/// browser-session cookie; zero: delete).
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The token a request carries: `Authorization: Bearer …` first, else the session cookie.
pub fn token_of(headers: &HeaderMap) -> Option<(&str, Via)> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match bearer {
        Some(token) => Some((token, Via::Bearer)),
        None => cookie(headers, ACCESS_COOKIE).map(|t| (t, Via::Cookie)),
    }
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

/// Why [`Session`] refused a request; answers as the module docs say.
#[derive(Debug)]
pub struct SessionRejection {
    error: VerifyError,
    format: Format,
    /// Path and query of the refused request.
    next: String,
    /// A GET with a refresh cookie: go through the refresh route first.
    can_refresh: bool,
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
                let target = if self.can_refresh {
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
        let next = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        SessionRejection {
            can_refresh: parts.method == Method::GET
                && cookie(&parts.headers, REFRESH_COOKIE).is_some()
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

/// The `agent` query parameter, when it is a GUID.
fn picked_agent(parts: &Parts) -> Result<Option<Guid>, AppError> {
    let Some(query) = parts.uri.query() else {
        return Ok(None);
    };
    for pair in query.split('&') {
        if let Some(value) = pair.strip_prefix("agent=") {
            if value.is_empty() {
                return Ok(None);
            }
            return Guid::parse(value)
                .map(Some)
                .map_err(|_| AppError::BadRequest("Параметр agent — не идентификатор".into()));
        }
    }
    Ok(None)
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
        let picked = picked_agent(parts).map_err(IntoResponse::into_response)?;
        session.scope(picked).map_err(IntoResponse::into_response)
    }
}

/// A link of the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// What the navigation shows a role: only what it may open.
pub fn nav_links(role: Option<Role>) -> Vec<NavLink> {
    let link = |href, label| NavLink { href, label };
    let mut links = vec![link("/catalogue", "Каталог")];
    match role {
        None => links.push(link(LOGIN_PATH, "Войти")),
        Some(Role::Client) => {
            links.push(link("/my/orders", "Мои заказы"));
            links.push(link("/my/debts", "Задолженность"));
        }
        Some(role) => {
            links.push(link("/orders", "Заказы"));
            links.push(link("/reports/sales", "Отчёты"));
            links.push(link("/debts", "Задолженность"));
            if matches!(role, Role::Supervisor | Role::Admin) {
                links.push(link("/tracking", "Контроль агентов"));
            }
            if role == Role::Admin {
                links.push(link("/admin", "Админка"));
            }
        }
    }
    if role.is_some() {
        links.push(link("/profile", "Профиль"));
    }
    links
}

/// The layout's chrome for a viewer: the navigation their role may open, their name, and while
/// an admin impersonates them a banner with the way back (a form posting to `/logout`).
pub fn chrome(session: Option<&Session>) -> skazka_web::Chrome {
    let links = nav_links(session.map(Session::role))
        .into_iter()
        .map(|l| (l.href, l.label))
        .collect();
    let banner = session.and_then(|s| {
        let imp = s.identity.impersonator.as_ref()?;
        Some(maud::html! {
            span {
                "Вы работаете от имени «" (s.identity.name) "» (" (s.role().label())
                "). Администратор: " (imp.name) ". Действия записываются в журнал."
            }
            form method="post" action="/logout" {
                input type="hidden" name=(CSRF_FIELD) value=(s.csrf_token());
                button.secondary type="submit" { "Вернуться к своей учётной записи" }
            }
        })
    });
    skazka_web::Chrome {
        links,
        user: session.map(|s| s.identity.name.clone()),
        banner,
    }
}

/// A random URL-safe token of 32 bytes (refresh tokens, CSRF cookies).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests;
