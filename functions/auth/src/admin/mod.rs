//! `/admin/*`: users (search, role filter, detail, team, partners, approve, deactivate, reset
//! password, impersonate), the 1C user sync, site settings and the audit log. Admins only: any
//! other role gets 403 (page or problem), never data.
//!
//! One module per page, each with its view: [`users`] (the list and a new client), [`user`]
//! (one person and the actions on them), [`sync`], [`settings`], [`audit`].

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use skazka_session::{CSRF_FIELD, Role, Session, chrome};
use skazka_web::{AppError, page_with};

pub mod audit;
pub mod settings;
pub mod sync;
pub mod user;
pub mod users;

/// `403` unless the session is an admin's.
fn admin(session: &Session) -> Result<(), AppError> {
    session.require(&[Role::Admin])
}

/// An admin page in the layout, never cached.
fn render(session: &Session, title: &str, content: Markup) -> Response {
    let mut response = page_with(title, &chrome(Some(session)), content).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The hidden CSRF field of every admin form.
fn csrf_input(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token()); }
}

/// `GET /admin`: the admin's menu.
pub async fn home(session: Session) -> Result<Response, AppError> {
    admin(&session)?;
    Ok(render(
        &session,
        "Админка",
        html! {
            h1 { "Администрирование" }
            ul {
                li { a href="/admin/users" { "Пользователи" } }
                li { a href="/admin/sync" { "Синхронизация с 1С" } }
                li { a href="/admin/settings" { "Глобальные настройки сайта" } }
                li { a href="/admin/audit" { "Журнал действий" } }
            }
        },
    ))
}
/// A form whose `agent` field may repeat (`agent=…&agent=…`, the team's checkboxes), read
/// into `T`.
pub struct RepeatedForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S>
    for RepeatedForm<T>
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("Форма не прочитана".into()))?;
        read_repeated(&bytes).map(RepeatedForm)
    }
}

/// An urlencoded form into `T`, the repeated `agent` fields as a list.
fn read_repeated<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut map = serde_json::Map::new();
    for (k, v) in url::form_urlencoded::parse(body).into_owned() {
        if k == "agent" {
            if let Some(list) = map
                .entry(k)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()))
                .as_array_mut()
            {
                list.push(serde_json::Value::String(v));
            }
        } else {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|_| AppError::BadRequest("Форма заполнена неверно".into()))
}
