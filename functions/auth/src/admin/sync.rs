//! `/admin/sync`: 1C users → employee accounts, on demand, with the last run's figures.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use skazka_accounts::{settings, sync};
use skazka_app::AppState;
use skazka_session::Session;
use skazka_web::AppError;

use super::{admin, csrf_input, render};

fn sync_page(
    session: &Session,
    last: Option<(chrono::DateTime<chrono::Utc>, sync::SyncReport)>,
    fresh: Option<&sync::SyncReport>,
) -> Markup {
    html! {
        h1 { "Синхронизация пользователей с 1С" }
        p { "Сотрудники берутся из справочника «Пользователи» 1С: роль — реквизит «Роль на сайте», пароль — «Пароль для входа на сайт», телефон — из контактной информации физического лица." }
        @if let Some(r) = fresh {
            div.alert.ok #sync-result role="status" {
                "Готово: получено из 1С " (r.from_onec) ", создано " span #sync-created { (r.created) }
                ", обновлено " span #sync-updated { (r.updated) } ", отключено " span #sync-deactivated { (r.deactivated) }
                ", без изменений " (r.unchanged) "."
            }
            @if !r.skipped.is_empty() {
                p { "Пропущены:" }
                ul { @for s in &r.skipped { li { (s) } } }
            }
        } @else if let Some((at, r)) = last {
            p.muted { "Последняя синхронизация " (at.format("%d.%m.%Y %H:%M UTC")) ": создано " (r.created) ", обновлено " (r.updated) ", отключено " (r.deactivated) "." }
        }
        form.inline method="post" action="/admin/sync" {
            (csrf_input(session))
            button type="submit" { "Синхронизировать сейчас" }
        }
    }
}

pub async fn show(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    admin(&session)?;
    let last = sync::last_sync(state.db()).await?;
    Ok(render(
        &session,
        "Синхронизация с 1С",
        sync_page(&session, last, None),
    ))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn run(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let settings = settings::current(state.db(), state.onec_client()).await?;
    let report = sync::sync_users(
        state.db(),
        state.onec_client(),
        &settings.user,
        state.sessions(),
        Some(session.user_id()),
    )
    .await?;
    Ok(render(
        &session,
        "Синхронизация с 1С",
        sync_page(&session, None, Some(&report)),
    ))
}
