//! `/register`: a client's application for an account, approved later by an admin.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::{password, phone, store};
use skazka_app::AppState;
use skazka_session::{CSRF_FIELD, chrome};
use skazka_web::{AppError, page_with};

use super::login::{LoginView, login_page};
use super::{check_form_token, form_token, html_response};
use crate::signin;

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

/// The longest name or organisation a registration takes (characters).
pub const MAX_NAME: usize = 200;
/// The longest phone as typed (spaces, brackets and dashes included).
pub const MAX_PHONE: usize = 32;

/// Why a field of the registration is too long to look at, if one is.
fn too_long(form: &RegisterForm) -> Option<String> {
    let chars = |s: &str| s.chars().count();
    if chars(&form.phone) > MAX_PHONE {
        Some(format!("Номер телефона — не длиннее {MAX_PHONE} символов"))
    } else if chars(&form.name) > MAX_NAME {
        Some(format!(
            "Имя или организация — не длиннее {MAX_NAME} символов"
        ))
    } else if form.password.len() > password::MAX_BYTES
        || form.password2.len() > password::MAX_BYTES
    {
        Some("Пароль слишком длинный".to_owned())
    } else {
        None
    }
}

pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    signin::ClientAddress(address): signin::ClientAddress,
    axum::Form(form): axum::Form<RegisterForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &headers, &form.csrf)?;
    let (csrf, _) = form_token(&state, &headers);
    // Every field is bounded before anything else looks at it; a name too long to show is not
    // shown back either.
    if let Some(problem) = too_long(&form) {
        let name: String = form.name.chars().take(MAX_NAME).collect();
        let phone: String = form.phone.chars().take(MAX_PHONE).collect();
        return Ok(html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            register_page(&csrf, &phone, &name, Some(&problem)),
            None,
        ));
    }
    // Throttled like sign-in: each application hashes a password and writes an account.
    if let Err(secs) = signin::reserve_registration(&state, &form.phone, &address).await? {
        let message = format!(
            "Слишком много заявок. Попробуйте снова через {} мин.",
            secs.div_ceil(60).max(1)
        );
        let mut response = html_response(
            StatusCode::TOO_MANY_REQUESTS,
            register_page(&csrf, &form.phone, &form.name, Some(&message)),
            None,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return Ok(response);
    }
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
