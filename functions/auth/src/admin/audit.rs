//! `/admin/audit`: the audit log (impersonation, role and team changes, approvals…).

use axum::extract::State;
use axum::response::Response;
use maud::html;
use skazka_accounts::store;
use skazka_app::AppState;
use skazka_session::Session;
use skazka_web::AppError;

use super::{admin, render};

pub async fn show(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    admin(&session)?;
    let entries = store::audit_log(state.db(), 200).await?;
    Ok(render(
        &session,
        "Журнал действий",
        html! {
            h1 { "Журнал действий" }
            table.list #audit {
                thead { tr { th { "Когда (UTC)" } th { "Кто" } th { "Действие" } th { "С кем" } } }
                tbody {
                    @for e in &entries {
                        tr {
                            td { (e.at.format("%d.%m.%Y %H:%M:%S")) }
                            td { (e.actor.as_deref().unwrap_or("—")) }
                            td { (action_label(&e.action)) }
                            td { (e.target.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        },
    ))
}

fn action_label(action: &str) -> &str {
    match action {
        "impersonation_start" => "вход от имени пользователя",
        "impersonation_end" => "возврат из режима «от имени»",
        "role_changed" => "смена роли",
        "team_changed" => "смена команды",
        "client_approved" => "одобрение клиента",
        "client_created" => "создание клиента",
        "deactivated" => "отключение",
        "activated" => "включение",
        "password_reset" => "сброс пароля",
        "partner_linked" => "привязка партнёра",
        "partner_unlinked" => "отвязка партнёра",
        "settings_saved" => "сохранение настроек сайта",
        other => other,
    }
}
