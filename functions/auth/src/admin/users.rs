//! `/admin/users`: the list (search, role filter) and `/admin/users/new` (a client made by an
//! admin, approved at once).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::{Account, password, phone, store};
use skazka_app::AppState;
use skazka_session::{Role, Session};
use skazka_web::AppError;

use super::{admin, csrf_input, render};
use crate::pages::see_other;

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<UsersQuery>,
) -> Result<Response, AppError> {
    admin(&session)?;
    let role = query.role.as_deref().and_then(Role::parse);
    let accounts = store::list(state.db(), query.q.as_deref(), role).await?;
    let q = query.q.clone().unwrap_or_default();
    Ok(render(
        &session,
        "Пользователи",
        html! {
            h1 { "Пользователи" }
            form.inline method="get" action="/admin/users" {
                input type="search" name="q" value=(q) placeholder="Имя или телефон";
                select name="role" {
                    option value="" { "Все роли" }
                    @for r in Role::ALL {
                        option value=(r.as_str()) selected[role == Some(r)] { (r.label()) }
                    }
                }
                button type="submit" { "Найти" }
            }
            p { a href="/admin/users/new" { "Добавить клиента" } " · " a href="/admin/sync" { "Синхронизация с 1С" } }
            table.list #users {
                thead { tr { th { "Имя" } th { "Роль" } th { "Телефон" } th { "Пользователь 1С" } th { "Состояние" } } }
                tbody {
                    @for a in &accounts {
                        tr {
                            td { a href=(format!("/admin/users/{}", a.id)) { (a.name) } }
                            td { (a.role.label()) }
                            td { (a.phone) }
                            td { (a.onec_name.as_deref().unwrap_or("—")) }
                            td { (state_label(a)) }
                        }
                    }
                }
            }
            @if accounts.is_empty() { p.muted { "Никого не найдено." } }
        },
    ))
}

pub(super) fn state_label(a: &Account) -> &'static str {
    if !a.active {
        "отключена"
    } else if !a.approved {
        "ждёт одобрения"
    } else {
        "активна"
    }
}

pub async fn new_client_form(session: Session) -> Result<Response, AppError> {
    admin(&session)?;
    Ok(render(
        &session,
        "Новый клиент",
        new_client_page(&session, None, "", ""),
    ))
}

fn new_client_page(session: &Session, error: Option<&str>, phone: &str, name: &str) -> Markup {
    html! {
        h1 { "Новый клиент" }
        @if let Some(error) = error { p.alert.error role="alert" { (error) } }
        form.stack method="post" action="/admin/users/new" {
            (csrf_input(session))
            label { "Номер телефона" input type="tel" name="phone" value=(phone) required; }
            label { "Имя или организация" input type="text" name="name" value=(name) required; }
            label { "Пароль (не короче 8 символов)" input type="password" name="password" autocomplete="new-password" required; }
            button type="submit" { "Создать" }
        }
    }
}

#[derive(Deserialize)]
pub struct NewClientForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

pub async fn new_client(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<NewClientForm>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let fail = |msg: String| {
        let mut r = render(
            &session,
            "Новый клиент",
            new_client_page(&session, Some(&msg), &form.phone, &form.name),
        );
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let phone = match phone::normalize(&form.phone) {
        Ok(p) => p,
        Err(e) => return Ok(fail(e.to_string())),
    };
    if form.name.trim().is_empty() {
        return Ok(fail("Укажите имя или организацию".into()));
    }
    if let Err(e) = password::check_new(&form.password) {
        return Ok(fail(e));
    }
    match store::create_client(state.db(), &phone, form.name.trim(), &form.password, true).await? {
        Ok(account) => {
            store::audit(
                state.db(),
                Some(session.user_id()),
                "client_created",
                Some(account.id),
                serde_json::json!({}),
            )
            .await?;
            Ok(see_other(&format!("/admin/users/{}", account.id), &[]))
        }
        Err(msg) => Ok(fail(msg.to_owned())),
    }
}
