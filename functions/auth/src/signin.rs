//! Checking a phone and password (with throttling), and starting a session: shared by the sign-in
//! page and the phone app's token route.

use std::time::Duration;

use axum::http::StatusCode;
use skazka_accounts::sessions::{self, Kind, Refresh};
use skazka_accounts::throttle::{self, Bound};
use skazka_accounts::{Account, password, phone, store};
use skazka_app::AppState;
pub use skazka_app::ClientAddress;
use skazka_session::{Impersonator, Issued, Role};
use skazka_web::AppError;
use uuid::Uuid;

/// Attempts allowed per phone from one address within [`WINDOW`]: the bound against guessing
/// (a correct password gives its attempt back).
pub const LIMIT: u32 = 5;
/// Attempts allowed per phone from all addresses together, and per address for all phones, within
/// [`WINDOW`]. Higher than [`LIMIT`] so a stranger cannot lock an owner out with five guesses;
/// past [`LIMIT`] each attempt on the phone waits longer ([`delay`]).
pub const WIDE_LIMIT: u32 = 20;
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
    /// The status a refusal answers with, on the page and in the API alike.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::BadPhone(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::WrongCredentials => StatusCode::UNAUTHORIZED,
            Refusal::Deactivated | Refusal::AwaitingApproval => StatusCode::FORBIDDEN,
            Refusal::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

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

/// The throttle's counters for a phone typed from an address, in the one order every
/// reservation locks them (see [`throttle::reserve`]): the phone from this address, the phone
/// from anywhere (left out for a device that holds a session of the account), the address.
fn bounds(phone: &str, address: &str, trusted_device: bool) -> Vec<Bound> {
    let mut bounds = vec![Bound::new(format!("pair:{phone}:{address}"), LIMIT)];
    if !trusted_device {
        bounds.push(Bound::new(format!("phone:{phone}"), WIDE_LIMIT));
    }
    bounds.push(Bound::new(format!("address:{address}"), WIDE_LIMIT));
    bounds
}

/// The wait before checking the `attempt`-th password for a phone in the window: none up to
/// [`LIMIT`], then 250 ms doubling to at most 4 s, so guessing from many addresses stays slow.
pub fn delay(attempt: u32) -> Duration {
    match attempt.checked_sub(LIMIT + 1) {
        None => Duration::ZERO,
        Some(past) => Duration::from_millis(250 << past.min(4)),
    }
}

/// Whether `holder` (the account of a valid session the request carries) is the account of
/// `phone`: that device is never locked out by what strangers did to the phone.
async fn holds_session_of(state: &AppState, holder: Option<Uuid>, phone: &str) -> bool {
    let Some(holder) = holder else { return false };
    matches!(store::get(state.db(), holder).await, Ok(Some(a)) if a.phone == phone)
}

/// After a correct password: the phone's earlier failures are forgotten and the address gets
/// its attempt back (an office behind one address signs many people in).
async fn forgive(state: &AppState, phone: &str, address: &str) {
    let [pair_key, address_key] = [
        format!("pair:{phone}:{address}"),
        format!("address:{address}"),
    ];
    let done = async {
        throttle::clear(state.db(), &pair_key).await?;
        throttle::clear(state.db(), &format!("phone:{phone}")).await?;
        throttle::release(state.db(), &[&address_key]).await?;
        // Counters of windows long over go now and then (cheap: indexed by window start).
        throttle::sweep(state.db(), 2 * WINDOW).await
    };
    if let Err(e) = done.await {
        tracing::warn!(error = %e, "could not give back a sign-in attempt");
    }
}

/// Reserves one registration from `address` for the phone as typed (both bounded like
/// sign-in attempts, none given back): `Err(seconds to wait)` past the bound.
pub async fn reserve_registration(
    state: &AppState,
    typed_phone: &str,
    address: &str,
) -> Result<Result<(), u64>, AppError> {
    let phone = phone::normalize(typed_phone).unwrap_or_else(|_| typed_phone.trim().to_owned());
    let bounds = [
        Bound::new(format!("register:phone:{phone}"), LIMIT),
        Bound::new(format!("register:address:{address}"), LIMIT),
    ];
    Ok(throttle::reserve(state.db(), &bounds, WINDOW)
        .await?
        .map(|_| ()))
}

/// Checks a phone and password: the account, or why not.
///
/// `holder` is the account of a valid session the request carries, if any: a device already
/// signed in to this phone's account is not bound by the phone's wide limit or its delay.
pub async fn authenticate(
    state: &AppState,
    typed_phone: &str,
    typed_password: &str,
    address: &str,
    holder: Option<Uuid>,
) -> Result<Account, Refusal> {
    let phone = phone::normalize(typed_phone).map_err(|e| Refusal::BadPhone(e.to_string()))?;
    let trusted = holds_session_of(state, holder, &phone).await;
    // Reserved before the password is checked: concurrent guesses queue on the counters.
    let counts =
        match throttle::reserve(state.db(), &bounds(&phone, address, trusted), WINDOW).await? {
            Ok(counts) => counts,
            Err(secs) => {
                tracing::info!(retry_after = secs, "sign-in throttled");
                return Err(Refusal::Throttled(secs));
            }
        };
    if !trusted {
        let wait = delay(counts.get(1).copied().unwrap_or(0));
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
    let found = store::for_sign_in(state.db(), &phone).await?;
    let hash = found.as_ref().and_then(|(_, h)| h.as_deref());
    // Unknown phones check a dummy hash: the answer takes as long either way.
    let matches = password::verify(typed_password, hash).await;
    let account = match found {
        Some((account, _)) if matches => {
            forgive(state, &phone, address).await;
            account
        }
        _ => {
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
    let settings = state.sessions().settings();
    let rotation = sessions::Rotation {
        idle: settings.idle_timeout,
        grace: settings.refresh_grace,
    };
    // Derived, not random: the same token presented twice within the grace period (two tabs)
    // gets the same successor, which nobody can compute without the key.
    let successor = state.sessions().mac("refresh-successor", token);
    let refresh = match sessions::rotate(state.db(), token, &successor, rotation).await {
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
    // An impersonation lives only as long as its admin is an active admin.
    let impersonator = match refresh.impersonator_id {
        None => None,
        Some(id) => match store::get(state.db(), id).await? {
            Some(admin) if admin.active && admin.role == Role::Admin => Some(Impersonator {
                id: admin.id,
                name: admin.name,
            }),
            _ => {
                tracing::warn!(session = %refresh.session_id, "impersonation whose admin is no longer one: ended");
                sign_out(state, refresh.session_id).await?;
                return Err(RefreshRefusal::AccountClosed);
            }
        },
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

/// Ends every session of an account, and those an admin holds as someone else through it.
pub async fn sign_out_everywhere(
    state: &AppState,
    account: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let impersonations = sessions::revoke_all(state.db(), account, reason).await?;
    state.sessions().revoke_user(account).await?;
    for session in impersonations {
        state.sessions().revoke_session(session).await?;
    }
    Ok(())
}

/// Ends every session of an account but `keep`: their refresh families in Postgres and their
/// access tokens everywhere (per-session markers, so `keep`'s access token stays good).
pub async fn sign_out_elsewhere(
    state: &AppState,
    account: Uuid,
    keep: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    for session in sessions::revoke_others(state.db(), account, keep, reason).await? {
        state.sessions().revoke_session(session).await?;
    }
    Ok(())
}
