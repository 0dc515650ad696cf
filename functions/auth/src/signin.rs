//! Checking a phone and password (with throttling), and starting a session: shared by the sign-in
//! page and the phone app's token route.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::request::Parts;
use skazka_accounts::sessions::{self, Kind, Refresh};
use skazka_accounts::{Account, password, phone, store};
use skazka_app::AppState;
use skazka_session::{Impersonator, Issued, Role};
use skazka_web::AppError;
use uuid::Uuid;

/// Failures allowed per phone and per client address within [`WINDOW`].
pub const LIMIT: usize = 5;
/// The throttling window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Why a sign-in did not succeed. Only a correct password reveals anything about the account.
#[derive(Debug)]
pub enum Refusal {
    /// The phone is not a phone (the message says what is expected).
    BadPhone(String),
    /// Too many failures: retry after this many seconds.
    Throttled(u64),
    /// Unknown phone or wrong password: one answer for both.
    WrongCredentials,
    Deactivated,
    AwaitingApproval,
    Failed(AppError),
}

impl From<skazka_accounts::AccountError> for Refusal {
    fn from(e: skazka_accounts::AccountError) -> Self {
        Refusal::Failed(e.into())
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Failed(e)
    }
}

impl From<AppError> for RefreshRefusal {
    fn from(e: AppError) -> Self {
        RefreshRefusal::Failed(e)
    }
}

impl From<skazka_accounts::AccountError> for RefreshRefusal {
    fn from(e: skazka_accounts::AccountError) -> Self {
        RefreshRefusal::Failed(e.into())
    }
}

impl Refusal {
    /// The Russian message shown on the sign-in page or in a problem's `detail`.
    pub fn message(&self) -> String {
        match self {
            Refusal::BadPhone(m) => m.clone(),
            Refusal::Throttled(secs) => format!(
                "Слишком много неудачных попыток входа. Попробуйте снова через {} мин.",
                secs.div_ceil(60).max(1)
            ),
            Refusal::WrongCredentials => "Неверный номер телефона или пароль.".to_owned(),
            Refusal::Deactivated => {
                "Учётная запись отключена. Обратитесь к администратору.".to_owned()
            }
            Refusal::AwaitingApproval => "Ваша заявка ещё не одобрена. Администратор свяжет учётную запись с вашей организацией в 1С и одобрит её.".to_owned(),
            Refusal::Failed(_) => "Не удалось войти. Попробуйте позже.".to_owned(),
        }
    }
}

/// The caller's address (an extractor): API Gateway's source IP in Lambda, the socket's peer
/// locally, `unknown` otherwise.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

fn client_address(parts: &Parts) -> String {
    use skazka_lambda::lambda_http::request::RequestContext;
    // Behind CloudFront, API Gateway's source IP is an edge's: CloudFront names the viewer in
    // `CloudFront-Viewer-Address` (ip:port) when its origin request policy forwards it.
    if let Some(viewer) = parts
        .headers
        .get("cloudfront-viewer-address")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit_once(':').map(|(ip, _)| ip.trim().to_owned()))
        .filter(|ip| !ip.is_empty())
    {
        return viewer;
    }
    if let Some(RequestContext::ApiGatewayV2(ctx)) = parts.extensions.get::<RequestContext>()
        && let Some(ip) = &ctx.http.source_ip
    {
        return ip.clone();
    }
    if let Some(axum::extract::ConnectInfo(addr)) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        return addr.ip().to_string();
    }
    "unknown".to_owned()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn keys(phone: &str, address: &str) -> [String; 2] {
    [
        format!("signin-failures:phone:{phone}"),
        format!("signin-failures:address:{address}"),
    ]
}

async fn failures(state: &AppState, key: &str) -> Result<Vec<u64>, AppError> {
    let entry = state
        .cache()
        .backend()
        .get(key)
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    let mut list: Vec<u64> = entry
        .and_then(|e| serde_json::from_slice(&e.value).ok())
        .unwrap_or_default();
    let since = now_ms().saturating_sub(WINDOW.as_millis() as u64);
    list.retain(|t| *t > since);
    Ok(list)
}

/// Seconds until a throttled phone or address may try again, if either is throttled.
pub async fn throttled(
    state: &AppState,
    phone: &str,
    address: &str,
) -> Result<Option<u64>, AppError> {
    let mut wait = None;
    for key in keys(phone, address) {
        let list = failures(state, &key).await?;
        if list.len() >= LIMIT {
            let oldest = list[list.len() - LIMIT];
            let until = oldest + WINDOW.as_millis() as u64;
            let secs = until.saturating_sub(now_ms()).div_ceil(1000).max(1);
            wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
        }
    }
    Ok(wait)
}

async fn record_failure(state: &AppState, phone: &str, address: &str) -> Result<(), AppError> {
    for key in keys(phone, address) {
        let mut list = failures(state, &key).await?;
        list.push(now_ms());
        let value = serde_json::to_vec(&list).unwrap_or_default();
        state
            .cache()
            .backend()
            .put(&key, &skazka_cache::Entry::new(value), WINDOW)
            .await
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
    }
    Ok(())
}

async fn clear_failures(state: &AppState, phone: &str) {
    let [key, _] = keys(phone, "");
    if let Err(e) = state.cache().backend().delete(&key).await {
        tracing::warn!(error = %e, "could not clear sign-in failures");
    }
}

/// Checks a phone and password: the account, or why not.
pub async fn authenticate(
    state: &AppState,
    typed_phone: &str,
    typed_password: &str,
    address: &str,
) -> Result<Account, Refusal> {
    let phone = phone::normalize(typed_phone).map_err(|e| Refusal::BadPhone(e.to_string()))?;
    if let Some(secs) = throttled(state, &phone, address).await? {
        tracing::info!(retry_after = secs, "sign-in throttled");
        return Err(Refusal::Throttled(secs));
    }
    let found = store::for_sign_in(state.db(), &phone).await?;
    let hash = found.as_ref().and_then(|(_, h)| h.as_deref());
    // Unknown phones check a dummy hash: the answer takes as long either way.
    let matches = password::verify(typed_password, hash).await;
    let account = match found {
        Some((account, _)) if matches => account,
        _ => {
            record_failure(state, &phone, address).await?;
            tracing::info!("sign-in refused: wrong phone or password");
            return Err(Refusal::WrongCredentials);
        }
    };
    if !account.active {
        return Err(Refusal::Deactivated);
    }
    if account.role == Role::Client && !account.approved {
        return Err(Refusal::AwaitingApproval);
    }
    clear_failures(state, &phone).await;
    tracing::info!(account = %account.id, role = %account.role, "signed in");
    Ok(account)
}

/// A started session: the access token and the first refresh token.
pub struct Started {
    pub access: Issued,
    pub refresh: Refresh,
}

/// Starts a session for `account` (a new refresh family) and signs its first access token.
pub async fn start_session(
    state: &AppState,
    account: &Account,
    kind: Kind,
    device_id: Option<&str>,
    impersonator: Option<Impersonator>,
) -> Result<Started, AppError> {
    let settings = state.sessions().settings();
    let refresh = sessions::start(
        state.db(),
        account.id,
        kind,
        device_id,
        impersonator.as_ref().map(|i| i.id),
        settings.absolute_timeout,
    )
    .await?;
    let identity = store::identity(state.db(), account, refresh.session_id, impersonator).await?;
    let access = state.sessions().issue(&identity)?;
    Ok(Started { access, refresh })
}

/// Why a refresh token was not exchanged.
#[derive(Debug)]
pub enum RefreshRefusal {
    Refused(sessions::Refused),
    /// The account was deactivated (or a client un-approved) since.
    AccountClosed,
    Failed(AppError),
}

/// Exchanges a refresh token: the next refresh token and a fresh access token built from the
/// account as it is now (role, team, partners).
pub async fn refresh(state: &AppState, token: &str) -> Result<Started, RefreshRefusal> {
    let idle = state.sessions().settings().idle_timeout;
    let refresh = match sessions::rotate(state.db(), token, idle).await {
        Ok(Ok(refresh)) => refresh,
        Ok(Err(refused)) => {
            if refused == sessions::Refused::Reused {
                // The access tokens of the family die everywhere too.
                if let Ok(Some((session, _))) = sessions::session_of(state.db(), token).await {
                    state.sessions().revoke_session(session).await?;
                }
            }
            return Err(RefreshRefusal::Refused(refused));
        }
        Err(e) => return Err(e.into()),
    };
    let account = store::get(state.db(), refresh.account_id).await?;
    let account = match account {
        Some(a) if a.active && (a.role != Role::Client || a.approved) => a,
        _ => {
            let _ = sessions::revoke(state.db(), refresh.session_id, "account closed").await;
            return Err(RefreshRefusal::AccountClosed);
        }
    };
    let impersonator = match refresh.impersonator_id {
        Some(id) => store::get(state.db(), id).await?.map(|a| Impersonator {
            id: a.id,
            name: a.name,
        }),
        None => None,
    };
    let identity = store::identity(state.db(), &account, refresh.session_id, impersonator).await?;
    let access = state.sessions().issue(&identity)?;
    Ok(Started { access, refresh })
}

/// Ends one session everywhere: its refresh family in Postgres, its access tokens in every
/// function (the cache marker).
pub async fn sign_out(state: &AppState, session: Uuid) -> Result<(), AppError> {
    sessions::revoke(state.db(), session, "signed out").await?;
    state.sessions().revoke_session(session).await
}

/// Ends every session of an account.
pub async fn sign_out_everywhere(
    state: &AppState,
    account: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    sessions::revoke_all(state.db(), account, reason).await?;
    state.sessions().revoke_user(account).await
}
