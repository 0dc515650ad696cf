//! `/profile`: the person's own account, their password and their sessions.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::{Account, password, store};
use skazka_app::AppState;
use skazka_session::{CSRF_FIELD, Session, chrome};
use skazka_web::{AppError, page_with};

use super::{cleared_cookies, html_response, see_other};
use crate::signin;

#[derive(Deserialize)]
pub struct ProfileQuery {
    #[serde(default)]
    done: Option<String>,
}

fn profile_page(session: &Session, account: &Account, message: Option<(&str, bool)>) -> Markup {
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
            form.inline method="post" action=(skazka_web::LOGOUT_ACTION) {
                input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                button.secondary type="submit" { "Выйти" }
            }
        },
    )
}

async fn own_account(state: &AppState, session: &Session) -> Result<Account, AppError> {
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
            // Whoever else knew the old password is signed out; this device stays.
            signin::sign_out_elsewhere(
                &state,
                account.id,
                session.identity.session_id,
                "password changed",
            )
            .await?;
            tracing::info!(account = %account.id, "password changed by its owner");
            Ok(see_other("/profile?done=password", &[]))
        }
        _ => Err(AppError::BadRequest("Неизвестное действие".into())),
    }
}
