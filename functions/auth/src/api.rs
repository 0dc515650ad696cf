//! The phone app's JSON routes: `POST /api/v1/auth/token`, `/refresh`, `/revoke`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use skazka_accounts::sessions::{self, Kind};
use skazka_app::AppState;
use skazka_session::Session;
use skazka_web::openapi::{BodyProblems, Problems};
use skazka_web::{AppError, Problem};

use crate::signin::{self, ClientAddress, RefreshRefusal, Refusal, Started};

/// Signing in with a phone and the site password.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// Any common form: `+7 701 000 0001`, `87010000001`…
    phone: String,
    password: String,
    /// The phone app's id for itself (shown in the admin's list of sessions).
    #[serde(default)]
    device_id: Option<String>,
}

/// The answer of `token` and `refresh`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Sent as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Spent by `POST /api/v1/auth/refresh` for a new pair (each is good once).
    pub refresh_token: String,
    /// `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: u64,
}

fn tokens(started: Started) -> Response {
    let mut response = Json(TokenResponse {
        access_token: started.access.token,
        refresh_token: started.refresh.token,
        token_type: "Bearer",
        expires_in: started.access.expires_in,
    })
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A problem with `detail` (rendered by the shell as `application/problem+json`).
fn problem(status: StatusCode, detail: String) -> Response {
    let mut response = status.into_response();
    response
        .extensions_mut()
        .insert(Problem::from_status(status).with_detail(detail));
    response
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    summary = "Sign in (the phone app): an access and a refresh token",
    description = "Attempts are throttled per phone and address (429 with `Retry-After`). A request carrying a valid session of the same account is never throttled by what others did to the phone.",
    request_body(content = TokenRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        Problems,
        BodyProblems,
    )
)]
pub async fn token(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    holder: Option<Session>,
    Json(request): Json<TokenRequest>,
) -> Result<Response, AppError> {
    let device = request
        .device_id
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.chars().take(200).collect::<String>());
    let holder = holder.map(|s| s.user_id());
    match signin::authenticate(&state, &request.phone, &request.password, &address, holder).await {
        Ok(account) => {
            let started =
                signin::start_session(&state, &account, Kind::Mobile, device.as_deref(), None)
                    .await?;
            Ok(tokens(started))
        }
        Err(Refusal::Failed(e)) => Err(e),
        Err(refusal) => {
            let mut response = problem(refusal.status(), refusal.message());
            if let Refusal::Throttled(secs) = refusal {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Ok(response)
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    refresh_token: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    summary = "A new pair of tokens for a refresh token (which is spent)",
    description = "A spent refresh token presented again ends the whole session (except within a few seconds, when it yields the same successor: two tabs).",
    request_body(content = RefreshRequest, content_type = "application/json"),
    responses((status = 200, description = "Refreshed", body = TokenResponse), Problems, BodyProblems)
)]
pub async fn refresh(
    State(state): State<AppState>,
    Json(request): Json<RefreshRequest>,
) -> Result<Response, AppError> {
    match signin::refresh(&state, &request.refresh_token).await {
        Ok(started) => Ok(tokens(started)),
        Err(RefreshRefusal::Failed(e)) => Err(e),
        Err(refusal) => {
            tracing::info!(?refusal, "refresh refused");
            let detail = match refusal {
                RefreshRefusal::Refused(sessions::Refused::Expired) => {
                    "Сеанс истёк. Войдите снова."
                }
                RefreshRefusal::AccountClosed => "Учётная запись отключена.",
                _ => "Токен обновления недействителен. Войдите снова.",
            };
            Ok(problem(StatusCode::UNAUTHORIZED, detail.to_owned()))
        }
    }
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct RevokeRequest {
    #[serde(default)]
    refresh_token: Option<String>,
}

/// Revokes the session of the given refresh token, or of the bearer token. Answers 200 even for
/// an unknown token (RFC 7009), so it tells nothing.
#[utoipa::path(
    post,
    path = "/api/v1/auth/revoke",
    tag = "auth",
    summary = "Sign out: ends the session of the refresh token given, or of the bearer token",
    request_body(content = Option<RevokeRequest>, content_type = "application/json"),
    responses((status = 200, description = "Revoked (also for an unknown token)", body = Revoked), Problems, BodyProblems),
    security((), ("bearer" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    session: Option<Session>,
    body: Option<Json<RevokeRequest>>,
) -> Result<Response, AppError> {
    let request = body.map(|Json(r)| r).unwrap_or_default();
    let target = match request.refresh_token.as_deref() {
        Some(token) => sessions::session_of(state.db(), token)
            .await?
            .map(|(session, _)| session),
        None => match &session {
            Some(s) if s.via == skazka_session::Via::Bearer => Some(s.identity.session_id),
            Some(_) => return Err(AppError::Forbidden),
            None => return Err(AppError::Unauthorized),
        },
    };
    if let Some(target) = target {
        signin::sign_out(&state, target).await?;
    }
    Ok(Json(Revoked { revoked: true }).into_response())
}

/// The answer of `revoke`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Revoked {
    /// Always `true`: it tells nothing about the token.
    pub revoked: bool,
}

/// The sign-in API's part of the portal's OpenAPI description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(token, refresh, revoke))]
pub struct ApiDoc;
