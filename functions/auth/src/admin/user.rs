//! `/admin/users/{id}`: one person (facts, role, team, partners, password, access,
//! impersonation) and the actions on them, one typed [`UserAction`] per form.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use onec_client::Guid;
use onec_client::model::partners::Partner;
use serde::Deserialize;
use skazka_accounts::sessions::Kind;
use skazka_accounts::{Account, password, store};
use skazka_app::AppState;
use skazka_session::{Impersonator, Role, Session};
use skazka_web::AppError;
use uuid::Uuid;

use super::users::state_label;
use super::{RepeatedForm, admin, csrf_input, render};
use crate::pages::{see_other, session_cookies};
use crate::signin;

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    partner_q: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

async fn account_or_404(state: &AppState, id: Uuid) -> Result<Account, AppError> {
    store::get(state.db(), id).await?.ok_or(AppError::NotFound)
}

/// What the page shows about the person besides the account.
struct Detail {
    account: Account,
    partners: Vec<(Guid, String)>,
    /// A supervisor's team (account ids) and every agent to choose from.
    team_ids: Vec<Uuid>,
    agents: Vec<Account>,
    /// 1C partners found by the admin's search (a client's page).
    found: Vec<Partner>,
    partner_q: String,
    done: Option<&'static str>,
}

/// `GET /admin/users/{id}`.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, AppError> {
    admin(&session)?;
    let account = account_or_404(&state, id).await?;
    let partners = store::partners(state.db(), id).await?;
    let (team_ids, agents) = if account.role == Role::Supervisor {
        let team = store::team(state.db(), &account).await?;
        let agents = store::list(state.db(), None, Some(Role::Agent)).await?;
        (team.iter().map(|a| a.id).collect(), agents)
    } else {
        (Vec::new(), Vec::new())
    };
    let found = match query.partner_q.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() && account.role == Role::Client => {
            find_partners(&state, q).await?
        }
        _ => Vec::new(),
    };
    let detail = Detail {
        partners,
        team_ids,
        agents,
        found,
        partner_q: query.partner_q.clone().unwrap_or_default(),
        done: query.done.as_deref().map(done_message),
        account,
    };
    Ok(render(
        &session,
        &detail.account.name,
        detail_page(&session, &detail),
    ))
}

/// Up to 20 client partners of 1C whose name contains `q` (any case).
async fn find_partners(state: &AppState, q: &str) -> Result<Vec<Partner>, AppError> {
    let needle = q.to_lowercase();
    let all = state
        .onec_client()
        .partners()
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(all
        .into_iter()
        .filter(|p| !p.deleted && p.is_client && p.name.to_lowercase().contains(&needle))
        .take(20)
        .collect())
}

/// The notice after an action (`?done=`).
fn done_message(done: &str) -> &'static str {
    match done {
        "role" => "Роль изменена.",
        "team" => "Команда сохранена.",
        "approved" => "Учётная запись одобрена.",
        "deactivated" => "Учётная запись отключена, все сеансы завершены.",
        "activated" => "Учётная запись включена.",
        "password" => "Пароль сброшен, все сеансы завершены.",
        "linked" => "Партнёр привязан.",
        "unlinked" => "Партнёр отвязан.",
        _ => "Готово.",
    }
}

fn detail_page(session: &Session, detail: &Detail) -> Markup {
    let Detail {
        account,
        partners,
        team_ids,
        agents,
        found,
        partner_q,
        done,
    } = detail;
    let path = format!("/admin/users/{}", account.id);
    html! {
        p { a href="/admin/users" { "← Пользователи" } }
        h1 { (account.name) }
        @if let Some(done) = done { p.alert.ok role="status" { (done) } }
        dl.facts {
            dt { "Роль" } dd #user-role { (account.role.label()) }
            dt { "Телефон" } dd { (account.phone) }
            dt { "Состояние" } dd #user-state { (state_label(account)) }
            @if let Some(onec) = &account.onec_name { dt { "Пользователь 1С" } dd { (onec) } }
            @if let Some(r) = account.onec_ref { dt { "Ссылка 1С" } dd { code { (r) } } }
            @if let Some(p) = &account.person_name { dt { "Физическое лицо" } dd { (p) } }
            @if let Some(s) = account.show_on_site { dt { "Показывать на сайте (1С)" } dd { (if s { "да" } else { "нет" }) } }
            dt { "Создана" } dd { (account.created_at.format("%d.%m.%Y %H:%M")) }
            @if let Some(at) = account.synced_at { dt { "Синхронизирована с 1С" } dd { (at.format("%d.%m.%Y %H:%M")) } }
        }
        @if account.role == Role::Client && !account.approved && account.active {
            form.inline method="post" action=(path) {
                (csrf_input(session))
                input type="hidden" name="action" value="approve";
                button type="submit" { "Одобрить" }
                @if partners.is_empty() { span.muted { "Сначала привяжите партнёра 1С." } }
            }
        }
        h2 { "Роль" }
        @if account.onec_ref.is_some() { p.muted { "Роль сотрудника задаётся в 1С (реквизит «Роль на сайте») и обновляется синхронизацией." } }
        form.inline method="post" action=(path) {
            (csrf_input(session))
            input type="hidden" name="action" value="role";
            select name="role" {
                @for r in Role::ALL { option value=(r.as_str()) selected[r == account.role] { (r.label()) } }
            }
            button type="submit" { "Сохранить роль" }
        }
        @if account.role == Role::Supervisor {
            h2 { "Команда" }
            form.stack method="post" action=(path) {
                (csrf_input(session))
                input type="hidden" name="action" value="team";
                label { span { input type="checkbox" name="all" value="1" checked[!account.team_custom]; " Все агенты" } }
                @for a in agents {
                    label { span { input type="checkbox" name="agent" value=(a.id) checked[account.team_custom && team_ids.contains(&a.id)]; " " (a.name) } }
                }
                button type="submit" { "Сохранить команду" }
            }
        }
        @if account.role == Role::Client {
            h2 { "Партнёры 1С" }
            @if partners.is_empty() { p.muted { "Не привязано ни одного партнёра." } }
            ul #partners {
                @for (guid, name) in partners {
                    li {
                        (name) " "
                        form.inline method="post" action=(path) {
                            (csrf_input(session))
                            input type="hidden" name="action" value="unlink";
                            input type="hidden" name="partner" value=(guid);
                            button.secondary type="submit" { "Отвязать" }
                        }
                    }
                }
            }
            form.inline method="get" action=(path) {
                input type="search" name="partner_q" value=(partner_q) placeholder="Название партнёра в 1С";
                button type="submit" { "Найти в 1С" }
            }
            @for p in found {
                form.inline method="post" action=(path) {
                    (csrf_input(session))
                    input type="hidden" name="action" value="link";
                    input type="hidden" name="partner" value=(p.id);
                    input type="hidden" name="partner_name" value=(p.name);
                    span { (p.name) }
                    button.secondary type="submit" { "Привязать" }
                }
            }
        }
        h2 { "Пароль" }
        form.inline method="post" action=(path) {
            (csrf_input(session))
            input type="hidden" name="action" value="password";
            input type="password" name="password" placeholder="Новый пароль" autocomplete="new-password" required;
            button type="submit" { "Сбросить пароль" }
        }
        h2 { "Доступ" }
        form.inline method="post" action=(path) {
            (csrf_input(session))
            @if account.active {
                input type="hidden" name="action" value="deactivate";
                button.secondary type="submit" { "Отключить учётную запись" }
            } @else {
                input type="hidden" name="action" value="activate";
                button.secondary type="submit" { "Включить учётную запись" }
            }
        }
        @if account.active && account.id != session.user_id() && account.role != Role::Admin && (account.role != Role::Client || account.approved) {
            form.inline method="post" action=(path) {
                (csrf_input(session))
                input type="hidden" name="action" value="impersonate";
                button.secondary type="submit" { "Войти от имени пользователя" }
                span.muted { "(для поддержки; записывается в журнал)" }
            }
        }
    }
}

/// What an admin's form on the page asks for: the form's `action` field names the variant.
#[derive(Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum UserAction {
    /// Sets the role; the person's sessions end.
    Role {
        role: Role,
    },
    /// Sets a supervisor's team: every agent (`all`), or the `agent`s checked.
    Team {
        #[serde(default)]
        all: Option<String>,
        #[serde(default)]
        agent: Vec<Uuid>,
    },
    /// Approves a registered client.
    Approve,
    /// Deactivates the account; its sessions end.
    Deactivate,
    Activate,
    /// Resets the password; the person's sessions end.
    Password {
        password: String,
    },
    /// Links a client to a 1C partner.
    Link {
        partner: Guid,
        #[serde(default)]
        partner_name: String,
    },
    Unlink {
        partner: Guid,
    },
    /// The admin works as this person (support); audited and shown as a banner.
    Impersonate,
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    action: UserAction,
}

/// What an action leads to: the page again with a notice, or (impersonation) the person's home
/// with their session.
enum Outcome {
    Done(&'static str),
    Redirect(Response),
}

/// `POST /admin/users/{id}`.
pub async fn act(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    RepeatedForm(form): RepeatedForm<UserForm>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let account = account_or_404(&state, id).await?;
    match apply(&state, &session, &account, form.action).await? {
        Outcome::Done(done) => Ok(see_other(&format!("/admin/users/{id}?done={done}"), &[])),
        Outcome::Redirect(response) => Ok(response),
    }
}

async fn apply(
    state: &AppState,
    session: &Session,
    account: &Account,
    action: UserAction,
) -> Result<Outcome, AppError> {
    let db = state.db();
    let id = account.id;
    let audit = |action: &'static str, detail: serde_json::Value| async move {
        store::audit(db, Some(session.user_id()), action, Some(id), detail).await
    };
    let done = match action {
        UserAction::Role { role } => {
            store::set_role(db, id, role).await?;
            signin::sign_out_everywhere(state, id, "role changed").await?;
            audit(
                "role_changed",
                serde_json::json!({"from": account.role, "to": role}),
            )
            .await?;
            "role"
        }
        UserAction::Team { all, agent } => {
            let agents = if all.is_some() {
                None
            } else {
                Some(agent.as_slice())
            };
            store::set_team(db, id, agents).await?;
            // Scopes look the team up through the cache: revoking drops the cached team too.
            state.sessions().revoke_user(id).await?;
            audit(
                "team_changed",
                serde_json::json!({"all": agents.is_none(), "agents": agent}),
            )
            .await?;
            "team"
        }
        UserAction::Approve => {
            store::set_approved(db, id, true).await?;
            audit("client_approved", serde_json::json!({})).await?;
            "approved"
        }
        UserAction::Deactivate => {
            if id == session.user_id() {
                return Err(AppError::BadRequest(
                    "Нельзя отключить собственную учётную запись".into(),
                ));
            }
            store::set_active(db, id, false).await?;
            signin::sign_out_everywhere(state, id, "deactivated").await?;
            audit("deactivated", serde_json::json!({})).await?;
            "deactivated"
        }
        UserAction::Activate => {
            store::set_active(db, id, true).await.map_err(|_| {
                AppError::BadRequest(
                    "Номер телефона уже занят другой активной учётной записью".into(),
                )
            })?;
            audit("activated", serde_json::json!({})).await?;
            "activated"
        }
        UserAction::Password { password } => {
            password::check_new(&password).map_err(AppError::BadRequest)?;
            store::set_password(db, id, &password).await?;
            signin::sign_out_everywhere(state, id, "password reset").await?;
            audit("password_reset", serde_json::json!({})).await?;
            "password"
        }
        UserAction::Link {
            partner,
            partner_name,
        } => {
            store::link_partner(db, id, partner, partner_name.trim()).await?;
            state.sessions().revoke_user(id).await?;
            audit(
                "partner_linked",
                serde_json::json!({"partner": partner, "name": partner_name}),
            )
            .await?;
            "linked"
        }
        UserAction::Unlink { partner } => {
            store::unlink_partner(db, id, partner).await?;
            state.sessions().revoke_user(id).await?;
            audit("partner_unlinked", serde_json::json!({"partner": partner})).await?;
            "unlinked"
        }
        UserAction::Impersonate => {
            return impersonate(state, session, account)
                .await
                .map(Outcome::Redirect);
        }
    };
    Ok(Outcome::Done(done))
}

/// Starts a session as `account` for the admin (audited); the admin's own session ends, and
/// "back" (the banner's form) starts a new one for them.
async fn impersonate(
    state: &AppState,
    session: &Session,
    account: &Account,
) -> Result<Response, AppError> {
    let id = account.id;
    if !account.active || account.role == Role::Admin || id == session.user_id() {
        return Err(AppError::Forbidden);
    }
    if account.role == Role::Client && !account.approved {
        return Err(AppError::BadRequest("Клиент ещё не одобрен".into()));
    }
    store::audit(
        state.db(),
        Some(session.user_id()),
        "impersonation_start",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    tracing::warn!(admin = %session.user_id(), target = %id, "impersonation started");
    signin::sign_out(state, session.identity.session_id).await?;
    let impersonator = Impersonator {
        id: session.user_id(),
        name: session.name().to_owned(),
    };
    let started =
        signin::start_session(state, account, Kind::Browser, None, Some(impersonator)).await?;
    Ok(see_other(
        account.role.home(),
        &session_cookies(state, &started),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::read_repeated;
    use super::*;

    const A: &str = "f10f9345-f6f4-11ed-89ec-000c29dddd38";
    const B: &str = "312e175a-c9c9-11ec-8936-000c29dddd38";

    fn action(body: &str) -> Result<UserAction, AppError> {
        read_repeated::<UserForm>(body.as_bytes()).map(|f| f.action)
    }

    #[test]
    fn the_forms_action_field_names_a_typed_action() {
        let team = action(&format!("csrf=t&action=team&agent={A}&agent={B}")).unwrap();
        assert!(matches!(team, UserAction::Team { all: None, agent } if agent.len() == 2));
        assert!(matches!(
            action("csrf=t&action=team&all=1").unwrap(),
            UserAction::Team { all: Some(_), .. }
        ));
        assert!(matches!(
            action("csrf=t&action=role&role=supervisor").unwrap(),
            UserAction::Role {
                role: Role::Supervisor
            }
        ));
        assert!(matches!(
            action(&format!("csrf=t&action=link&partner={A}&partner_name=ИП")).unwrap(),
            UserAction::Link { partner_name, .. } if partner_name == "ИП"
        ));
        // A form with another action's leftovers still means what its `action` says.
        assert!(matches!(
            action("csrf=t&action=approve&role=admin").unwrap(),
            UserAction::Approve
        ));
    }

    #[test]
    fn an_unknown_action_or_value_is_a_bad_request() {
        for body in [
            "csrf=t&action=promote",
            "csrf=t&action=role&role=emperor",
            "csrf=t&action=unlink&partner=not-a-guid",
            "csrf=t",
        ] {
            assert!(
                matches!(action(body), Err(AppError::BadRequest(_))),
                "{body}"
            );
        }
    }
}
