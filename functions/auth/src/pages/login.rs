//! `/login`: the sign-in form and its answer.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::sessions::Kind;
use skazka_app::AppState;
use skazka_session::{COOKIE_LOST_REASON, CSRF_FIELD, Session, chrome, safe_next};
use skazka_web::{AppError, page_with};

use super::{NextQuery, check_form_token, form_token, html_response, see_other, session_cookies};
use crate::signin::{self, Refusal};

pub(super) struct LoginView<'a> {
    pub phone: &'a str,
    pub next: &'a str,
    pub error: Option<String>,
    pub notice: Option<&'a str>,
}

pub(super) fn login_page(csrf: &str, view: LoginView<'_>) -> Markup {
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
    holder: Option<Session>,
    signin::ClientAddress(address): signin::ClientAddress,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &headers, &form.csrf)?;
    let (csrf, _) = form_token(&state, &headers);
    // The form shown again carries on only a `next` that is safe to follow.
    let kept_next = match safe_next(&form.next) {
        "/" => "",
        next => next,
    };
    let refuse = |refusal: &Refusal| {
        let mut response = html_response(
            refusal.status(),
            login_page(
                &csrf,
                LoginView {
                    phone: &form.phone,
                    next: kept_next,
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
    let holder = holder.map(|s| s.user_id());
    let account =
        match signin::authenticate(&state, &form.phone, &form.password, &address, holder).await {
            Ok(account) => account,
            Err(Refusal::Failed(e)) => return Err(e),
            Err(refusal) => return Ok(refuse(&refusal)),
        };
    let started = signin::start_session(&state, &account, Kind::Browser, None, None).await?;
    let next = match safe_next(&form.next) {
        "/" => account.role.home(),
        next => next,
    };
    Ok(see_other(next, &session_cookies(&state, &started)))
}
