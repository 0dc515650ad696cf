//! The pages: `/login`, `/register`, `/logout`, `/profile`, and the browsers' refresh bounce.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::sessions::Kind;
use skazka_accounts::{password, phone, store};
use skazka_app::AppState;
use skazka_session::{
    ACCESS_COOKIE, COOKIE_LOST_REASON, CSRF_FIELD, Impersonator, REFRESH_COOKIE, Session, chrome,
    cookie, mark_refreshed, safe_next, set_cookie,
};
use skazka_web::{AppError, page_with};

use crate::signin::{self, RefreshRefusal, Refusal, Started};

/// The anonymous forms' CSRF cookie (double submit: the form carries a MAC of it).
pub const FORM_COOKIE: &str = "skazka_form";

/// Cookies that carry a started session.
pub fn session_cookies(state: &AppState, started: &Started) -> [HeaderValue; 2] {
    let settings = state.sessions().settings();
    [
        set_cookie(
            ACCESS_COOKIE,
            &started.access.token,
            Some(settings.access_ttl),
        ),
        set_cookie(
            REFRESH_COOKIE,
            &started.refresh.token,
            Some(settings.absolute_timeout),
        ),
    ]
}

/// Cookies that end a session in this browser.
pub fn cleared_cookies() -> [HeaderValue; 2] {
    [
        set_cookie(ACCESS_COOKIE, "", Some(std::time::Duration::ZERO)),
        set_cookie(REFRESH_COOKIE, "", Some(std::time::Duration::ZERO)),
    ]
}

/// A 303 to `to` with cookies.
pub fn see_other(to: &str, cookies: &[HeaderValue]) -> Response {
    let mut response = Redirect::to(to).into_response();
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The anonymous form token: the cookie's value (made now when absent) and its MAC for the form.
fn form_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, FORM_COOKIE) {
        Some(nonce) => (state.sessions().mac("form", nonce), None),
        None => {
            let nonce = skazka_session::random_token();
            (
                state.sessions().mac("form", &nonce),
                Some(set_cookie(FORM_COOKIE, &nonce, None)),
            )
        }
    }
}

fn check_form_token(
    state: &AppState,
    headers: &HeaderMap,
    submitted: &str,
) -> Result<(), AppError> {
    match cookie(headers, FORM_COOKIE) {
        Some(nonce) if state.sessions().verify_mac("form", nonce, submitted) => Ok(()),
        _ => {
            tracing::warn!("anonymous form without a valid CSRF token refused");
            Err(AppError::Forbidden)
        }
    }
}

fn html_response(status: StatusCode, markup: Markup, set: Option<HeaderValue>) -> Response {
    let mut response = (status, markup).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(set) = set {
        response.headers_mut().append(header::SET_COOKIE, set);
    }
    response
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
    /// Why the person was sent to sign in (`cookie`: the session cookie did not come back).
    #[serde(default)]
    reason: Option<String>,
}

struct LoginView<'a> {
    phone: &'a str,
    next: &'a str,
    error: Option<String>,
    notice: Option<&'a str>,
}

fn login_page(csrf: &str, view: LoginView<'_>) -> Markup {
    page_with(
        "Вход",
        &chrome(None),
        html! {
            section.login {
                h1 { "Войти на сайт" }
                @if let Some(notice) = view.notice {
                    p.alert.ok { (notice) }
                }
                @if let Some(error) = &view.error {
                    p.alert.error id="login-error" role="alert" { (error) }
                }
                form.stack method="post" action="/login" {
                    input type="hidden" name=(CSRF_FIELD) value=(csrf);
                    input type="hidden" name="next" value=(view.next);
                    label {
                        "Номер телефона"
                        input type="tel" name="phone" value=(view.phone) placeholder="+7 701 123 45 67"
                            autocomplete="username" required;
                    }
                    label {
                        "Пароль"
                        input type="password" name="password" autocomplete="current-password" required;
                    }
                    button type="submit" { "Войти" }
                }
                p.muted {
                    "Клиент без учётной записи? "
                    a href="/register" { "Оставить заявку" }
                }
            }
        },
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let (csrf, set) = form_token(&state, &headers);
    let next = safe_next(query.next.as_deref().unwrap_or("")).to_owned();
    let next = if next == "/" { String::new() } else { next };
    let error = (query.reason.as_deref() == Some(COOKIE_LOST_REASON)).then(|| {
        "Сессия не сохранилась: браузер не вернул cookie входа. Включите cookies для этого \
         сайта и войдите снова."
            .to_owned()
    });
    html_response(
        StatusCode::OK,
        login_page(
            &csrf,
            LoginView {
                phone: "",
                next: &next,
                error,
                notice: None,
            },
        ),
        set,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    signin::ClientAddress(address): signin::ClientAddress,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &headers, &form.csrf)?;
    let (csrf, _) = form_token(&state, &headers);
    let refuse = |status: StatusCode, refusal: &Refusal| {
        let mut response = html_response(
            status,
            login_page(
                &csrf,
                LoginView {
                    phone: &form.phone,
                    next: &form.next,
                    error: Some(refusal.message()),
                    notice: None,
                },
            ),
            None,
        );
        if let Refusal::Throttled(secs) = refusal {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
        }
        response
    };
    let account = match signin::authenticate(&state, &form.phone, &form.password, &address).await {
        Ok(account) => account,
        Err(Refusal::Failed(e)) => return Err(e),
        Err(refusal) => {
            let status = match refusal {
                Refusal::BadPhone(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Refusal::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
                Refusal::WrongCredentials => StatusCode::UNAUTHORIZED,
                _ => StatusCode::FORBIDDEN,
            };
            return Ok(refuse(status, &refusal));
        }
    };
    let started = signin::start_session(&state, &account, Kind::Browser, None, None).await?;
    let next = match safe_next(&form.next) {
        "/" => account.role.home(),
        next => next,
    };
    Ok(see_other(next, &session_cookies(&state, &started)))
}

fn register_page(csrf: &str, phone: &str, name: &str, error: Option<&str>) -> Markup {
    page_with(
        "Заявка клиента",
        &chrome(None),
        html! {
            h1 { "Заявка на учётную запись клиента" }
            p { "Администратор свяжет вашу учётную запись с вашей организацией в 1С и одобрит её. После этого вы сможете войти." }
            @if let Some(error) = error {
                p.alert.error role="alert" { (error) }
            }
            form.stack method="post" action="/register" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                label { "Номер телефона" input type="tel" name="phone" value=(phone) required; }
                label { "Имя или организация" input type="text" name="name" value=(name) required; }
                label { "Пароль (не короче 8 символов)" input type="password" name="password" autocomplete="new-password" required; }
                label { "Пароль ещё раз" input type="password" name="password2" autocomplete="new-password" required; }
                button type="submit" { "Отправить заявку" }
            }
        },
    )
}

pub async fn register_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (csrf, set) = form_token(&state, &headers);
    html_response(StatusCode::OK, register_page(&csrf, "", "", None), set)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<RegisterForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &headers, &form.csrf)?;
    let (csrf, _) = form_token(&state, &headers);
    let problem = match phone::normalize(&form.phone) {
        Err(e) => Some(e.to_string()),
        Ok(_) if form.name.trim().is_empty() => Some("Укажите имя или организацию".to_owned()),
        Ok(_) if form.password != form.password2 => Some("Пароли не совпадают".to_owned()),
        Ok(_) => password::check_new(&form.password).err(),
    };
    if let Some(problem) = problem {
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            register_page(&csrf, &form.phone, &form.name, Some(&problem)),
            None,
        ));
    }
    let phone = phone::normalize(&form.phone)?;
    match store::create_client(state.db(), &phone, form.name.trim(), &form.password, false).await? {
        Ok(account) => {
            tracing::info!(account = %account.id, "client registered, awaiting approval");
        }
        // The same answer either way: the page never tells whether a phone has an account.
        Err(_) => tracing::info!("registration for a phone that already has an account"),
    }
    Ok(html_response(
        StatusCode::OK,
        login_page(
            &csrf,
            LoginView {
                phone: &form.phone,
                next: "",
                error: None,
                notice: Some("Заявка принята. Вы сможете войти, когда администратор её одобрит."),
            },
        ),
        None,
    ))
}

pub async fn logout_page(session: Option<Session>) -> Response {
    let Some(session) = session else {
        return see_other("/login", &cleared_cookies());
    };
    html_response(
        StatusCode::OK,
        page_with(
            "Выход",
            &chrome(Some(&session)),
            html! {
                h1 { "Выйти из портала?" }
                form.inline method="post" action="/logout" {
                    input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                    button type="submit" { "Выйти" }
                }
            },
        ),
        None,
    )
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Signs out (or, while impersonating, goes back to the admin's own account).
pub async fn logout(
    State(state): State<AppState>,
    session: Option<Session>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    let Some(session) = session else {
        return Ok(see_other("/login", &cleared_cookies()));
    };
    session.check_csrf(Some(&form.csrf))?;
    signin::sign_out(&state, session.identity.session_id).await?;
    if let Some(Impersonator { id, .. }) = &session.identity.impersonator {
        store::audit(
            state.db(),
            Some(*id),
            "impersonation_end",
            Some(session.user_id()),
            serde_json::json!({}),
        )
        .await?;
        if let Some(admin) = store::get(state.db(), *id).await?
            && admin.active
            && admin.role == skazka_session::Role::Admin
        {
            let started = signin::start_session(&state, &admin, Kind::Browser, None, None).await?;
            let back = format!("/admin/users/{}", session.user_id());
            return Ok(see_other(&back, &session_cookies(&state, &started)));
        }
    }
    Ok(see_other("/login", &cleared_cookies()))
}

#[derive(Deserialize)]
pub struct ProfileQuery {
    #[serde(default)]
    done: Option<String>,
}

fn profile_page(
    session: &Session,
    account: &store_account::Account,
    message: Option<(&str, bool)>,
) -> Markup {
    page_with(
        "Профиль",
        &chrome(Some(session)),
        html! {
            h1 { "Мой профиль" }
            @if let Some((text, ok)) = message {
                p class=(if ok { "alert ok" } else { "alert error" }) role="status" { (text) }
            }
            dl.facts {
                dt { "Имя" } dd #profile-name { (account.name) }
                dt { "Роль" } dd #profile-role { (account.role.label()) }
                dt { "Телефон" } dd { (account.phone) }
                @if let Some(onec) = &account.onec_name {
                    dt { "Пользователь 1С" } dd { (onec) }
                }
                @if let Some(person) = &account.person_name {
                    dt { "Физическое лицо" } dd { (person) }
                }
            }
            h2 { "Сменить пароль" }
            form.stack method="post" action="/profile" {
                input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                input type="hidden" name="action" value="password";
                label { "Текущий пароль" input type="password" name="current" autocomplete="current-password" required; }
                label { "Новый пароль (не короче 8 символов)" input type="password" name="new" autocomplete="new-password" required; }
                label { "Новый пароль ещё раз" input type="password" name="repeat" autocomplete="new-password" required; }
                button type="submit" { "Сменить пароль" }
            }
            h2 { "Сеансы" }
            form.inline method="post" action="/profile" {
                input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                input type="hidden" name="action" value="logout_all";
                button.secondary type="submit" { "Выйти на всех устройствах" }
            }
            form.inline method="post" action="/logout" {
                input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                button.secondary type="submit" { "Выйти" }
            }
        },
    )
}

mod store_account {
    pub use skazka_accounts::Account;
}

async fn own_account(
    state: &AppState,
    session: &Session,
) -> Result<skazka_accounts::Account, AppError> {
    store::get(state.db(), session.user_id())
        .await?
        .ok_or(AppError::Unauthorized)
}

pub async fn profile(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<ProfileQuery>,
) -> Result<Response, AppError> {
    let account = own_account(&state, &session).await?;
    let message = match query.done.as_deref() {
        Some("password") => Some(("Пароль изменён.", true)),
        _ => None,
    };
    Ok(html_response(
        StatusCode::OK,
        profile_page(&session, &account, message),
        None,
    ))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

pub async fn profile_post(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<ProfileForm>,
) -> Result<Response, AppError> {
    session.check_csrf(Some(&form.csrf))?;
    let account = own_account(&state, &session).await?;
    match form.action.as_str() {
        "logout_all" => {
            signin::sign_out_everywhere(&state, account.id, "signed out everywhere").await?;
            Ok(see_other("/login", &cleared_cookies()))
        }
        "password" => {
            let hash = store::password_hash(state.db(), account.id).await?;
            let problem = if !password::verify(&form.current, hash.as_deref()).await {
                Some("Текущий пароль указан неверно.".to_owned())
            } else if form.new != form.repeat {
                Some("Новые пароли не совпадают.".to_owned())
            } else {
                password::check_new(&form.new).err()
            };
            if let Some(problem) = problem {
                return Ok(html_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    profile_page(&session, &account, Some((&problem, false))),
                    None,
                ));
            }
            store::set_password(state.db(), account.id, &form.new).await?;
            tracing::info!(account = %account.id, "password changed by its owner");
            Ok(see_other("/profile?done=password", &[]))
        }
        _ => Err(AppError::BadRequest("Неизвестное действие".into())),
    }
}

/// `GET /api/v1/auth/refresh?next=`: a browser whose access token expired comes here (the
/// session extractor sends it); the refresh cookie is rotated and it goes back to `next`.
pub async fn browser_refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_owned();
    let login = format!(
        "/login?next={}",
        percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
    );
    let Some(token) = cookie(&headers, REFRESH_COOKIE) else {
        return Ok(see_other(&login, &cleared_cookies()));
    };
    match signin::refresh(&state, token).await {
        // Marked: if the access cookie does not come back (too large, cookies disabled), the
        // session extractor sends the browser to the sign-in page rather than here again.
        Ok(started) => Ok(see_other(
            &mark_refreshed(&next),
            &session_cookies(&state, &started),
        )),
        Err(RefreshRefusal::Failed(e)) => Err(e),
        Err(refusal) => {
            tracing::info!(?refusal, "browser refresh refused");
            Ok(see_other(&login, &cleared_cookies()))
        }
    }
}
