//! `/admin/*`: users (search, role filter, detail, team, partners, approve, deactivate, reset
//! password, impersonate), the 1C user sync, site settings and the audit log. Admins only: any
//! other role gets 403 (page or problem), never data.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use onec_client::Guid;
use serde::Deserialize;
use skazka_accounts::sessions::Kind;
use skazka_accounts::settings::{self, Choices, SiteSettings};
use skazka_accounts::{Account, password, phone, store, sync};
use skazka_app::AppState;
use skazka_session::{CSRF_FIELD, Impersonator, Role, Session, chrome};
use skazka_web::{AppError, page_with};
use uuid::Uuid;

use crate::pages::{see_other, session_cookies};
use crate::signin::{self, internal};

fn admin(session: &Session) -> Result<(), AppError> {
    session.require(&[Role::Admin])
}

fn render(session: &Session, title: &str, content: Markup) -> Response {
    let mut response = page_with(title, &chrome(Some(session)), content).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn unavailable(e: skazka_accounts::AccountError) -> AppError {
    match e {
        skazka_accounts::AccountError::Onec(e) => AppError::Unavailable(e.to_string()),
        e => internal(e),
    }
}

fn csrf_input(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token()); }
}

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

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<UsersQuery>,
) -> Result<Response, AppError> {
    admin(&session)?;
    let role = query.role.as_deref().and_then(Role::parse);
    let accounts = store::list(state.db(), query.q.as_deref(), role)
        .await
        .map_err(internal)?;
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

fn state_label(a: &Account) -> &'static str {
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
    match store::create_client(state.db(), &phone, form.name.trim(), &form.password, true)
        .await
        .map_err(internal)?
    {
        Ok(account) => {
            store::audit(
                state.db(),
                Some(session.user_id()),
                "client_created",
                Some(account.id),
                serde_json::json!({}),
            )
            .await
            .map_err(internal)?;
            Ok(see_other(&format!("/admin/users/{}", account.id), &[]))
        }
        Err(msg) => Ok(fail(msg.to_owned())),
    }
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    partner_q: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

async fn account_or_404(state: &AppState, id: Uuid) -> Result<Account, AppError> {
    store::get(state.db(), id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

pub async fn user(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, AppError> {
    admin(&session)?;
    let account = account_or_404(&state, id).await?;
    let partners = store::partners(state.db(), id).await.map_err(internal)?;
    let (team, agents) = if account.role == Role::Supervisor {
        let team = store::team(state.db(), &account).await.map_err(internal)?;
        let agents = store::list(state.db(), None, Some(Role::Agent))
            .await
            .map_err(internal)?;
        (team, agents)
    } else {
        (Vec::new(), Vec::new())
    };
    let found = match query.partner_q.as_deref().map(str::trim) {
        Some(q) if !q.is_empty() && account.role == Role::Client => {
            let needle = q.to_lowercase();
            let all = state
                .onec_client()
                .partners()
                .await
                .map_err(|e| AppError::Unavailable(e.to_string()))?;
            all.into_iter()
                .filter(|p| !p.deleted && p.is_client && p.name.to_lowercase().contains(&needle))
                .take(20)
                .collect()
        }
        _ => Vec::new(),
    };
    let done = query.done.as_deref().map(|d| match d {
        "role" => "Роль изменена.",
        "team" => "Команда сохранена.",
        "approved" => "Учётная запись одобрена.",
        "deactivated" => "Учётная запись отключена, все сеансы завершены.",
        "activated" => "Учётная запись включена.",
        "password" => "Пароль сброшен, все сеансы завершены.",
        "linked" => "Партнёр привязан.",
        "unlinked" => "Партнёр отвязан.",
        _ => "Готово.",
    });
    let path = format!("/admin/users/{id}");
    let team_ids: Vec<Uuid> = team.iter().map(|a| a.id).collect();
    Ok(render(
        &session,
        &account.name,
        html! {
            p { a href="/admin/users" { "← Пользователи" } }
            h1 { (account.name) }
            @if let Some(done) = done { p.alert.ok role="status" { (done) } }
            dl.facts {
                dt { "Роль" } dd #user-role { (account.role.label()) }
                dt { "Телефон" } dd { (account.phone) }
                dt { "Состояние" } dd #user-state { (state_label(&account)) }
                @if let Some(onec) = &account.onec_name { dt { "Пользователь 1С" } dd { (onec) } }
                @if let Some(r) = account.onec_ref { dt { "Ссылка 1С" } dd { code { (r) } } }
                @if let Some(p) = &account.person_name { dt { "Физическое лицо" } dd { (p) } }
                @if let Some(s) = account.show_on_site { dt { "Показывать на сайте (1С)" } dd { (if s { "да" } else { "нет" }) } }
                dt { "Создана" } dd { (account.created_at.format("%d.%m.%Y %H:%M")) }
                @if let Some(at) = account.synced_at { dt { "Синхронизирована с 1С" } dd { (at.format("%d.%m.%Y %H:%M")) } }
            }
            @if account.role == Role::Client && !account.approved && account.active {
                form.inline method="post" action=(path) {
                    (csrf_input(&session))
                    input type="hidden" name="action" value="approve";
                    button type="submit" { "Одобрить" }
                    @if partners.is_empty() { span.muted { "Сначала привяжите партнёра 1С." } }
                }
            }
            h2 { "Роль" }
            @if account.onec_ref.is_some() { p.muted { "Роль сотрудника задаётся в 1С (реквизит «Роль на сайте») и обновляется синхронизацией." } }
            form.inline method="post" action=(path) {
                (csrf_input(&session))
                input type="hidden" name="action" value="role";
                select name="role" {
                    @for r in Role::ALL { option value=(r.as_str()) selected[r == account.role] { (r.label()) } }
                }
                button type="submit" { "Сохранить роль" }
            }
            @if account.role == Role::Supervisor {
                h2 { "Команда" }
                form.stack method="post" action=(path) {
                    (csrf_input(&session))
                    input type="hidden" name="action" value="team";
                    label { span { input type="checkbox" name="all" value="1" checked[!account.team_custom]; " Все агенты" } }
                    @for a in &agents {
                        label { span { input type="checkbox" name="agent" value=(a.id) checked[account.team_custom && team_ids.contains(&a.id)]; " " (a.name) } }
                    }
                    button type="submit" { "Сохранить команду" }
                }
            }
            @if account.role == Role::Client {
                h2 { "Партнёры 1С" }
                @if partners.is_empty() { p.muted { "Не привязано ни одного партнёра." } }
                ul #partners {
                    @for (guid, name) in &partners {
                        li {
                            (name) " "
                            form.inline method="post" action=(path) {
                                (csrf_input(&session))
                                input type="hidden" name="action" value="unlink";
                                input type="hidden" name="partner" value=(guid);
                                button.secondary type="submit" { "Отвязать" }
                            }
                        }
                    }
                }
                form.inline method="get" action=(path) {
                    input type="search" name="partner_q" value=(query.partner_q.clone().unwrap_or_default()) placeholder="Название партнёра в 1С";
                    button type="submit" { "Найти в 1С" }
                }
                @for p in &found {
                    form.inline method="post" action=(path) {
                        (csrf_input(&session))
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
                (csrf_input(&session))
                input type="hidden" name="action" value="password";
                input type="password" name="password" placeholder="Новый пароль" autocomplete="new-password" required;
                button type="submit" { "Сбросить пароль" }
            }
            h2 { "Доступ" }
            form.inline method="post" action=(path) {
                (csrf_input(&session))
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
                    (csrf_input(&session))
                    input type="hidden" name="action" value="impersonate";
                    button.secondary type="submit" { "Войти от имени пользователя" }
                    span.muted { "(для поддержки; записывается в журнал)" }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    partner_name: String,
    #[serde(default)]
    all: Option<String>,
    #[serde(default)]
    agent: Vec<Uuid>,
}

pub async fn user_post(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    axum_extra_form: RepeatedForm<UserForm>,
) -> Result<Response, AppError> {
    let form = axum_extra_form.0;
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let account = account_or_404(&state, id).await?;
    let db = state.db();
    let me = Some(session.user_id());
    let audit = |action: &'static str, detail: serde_json::Value| async move {
        store::audit(db, me, action, Some(id), detail)
            .await
            .map_err(internal)
    };
    let done = match form.action.as_str() {
        "role" => {
            let role =
                Role::parse(&form.role).ok_or(AppError::BadRequest("Неизвестная роль".into()))?;
            store::set_role(db, id, role).await.map_err(internal)?;
            signin::sign_out_everywhere(&state, id, "role changed").await?;
            audit(
                "role_changed",
                serde_json::json!({"from": account.role, "to": role}),
            )
            .await?;
            "role"
        }
        "team" => {
            let agents = if form.all.is_some() {
                None
            } else {
                Some(form.agent.as_slice())
            };
            store::set_team(db, id, agents).await.map_err(internal)?;
            // The team is in the supervisor's tokens: make them refresh.
            state.sessions().revoke_user(id).await?;
            audit(
                "team_changed",
                serde_json::json!({"all": agents.is_none(), "agents": form.agent}),
            )
            .await?;
            "team"
        }
        "approve" => {
            store::set_approved(db, id, true).await.map_err(internal)?;
            audit("client_approved", serde_json::json!({})).await?;
            "approved"
        }
        "deactivate" => {
            if id == session.user_id() {
                return Err(AppError::BadRequest(
                    "Нельзя отключить собственную учётную запись".into(),
                ));
            }
            store::set_active(db, id, false).await.map_err(internal)?;
            signin::sign_out_everywhere(&state, id, "deactivated").await?;
            audit("deactivated", serde_json::json!({})).await?;
            "deactivated"
        }
        "activate" => {
            store::set_active(db, id, true).await.map_err(|_| {
                AppError::BadRequest(
                    "Номер телефона уже занят другой активной учётной записью".into(),
                )
            })?;
            audit("activated", serde_json::json!({})).await?;
            "activated"
        }
        "password" => {
            password::check_new(&form.password).map_err(AppError::BadRequest)?;
            store::set_password(db, id, &form.password)
                .await
                .map_err(internal)?;
            signin::sign_out_everywhere(&state, id, "password reset").await?;
            audit("password_reset", serde_json::json!({})).await?;
            "password"
        }
        "link" => {
            let partner = Guid::parse(&form.partner)
                .map_err(|_| AppError::BadRequest("Неверный партнёр".into()))?;
            store::link_partner(db, id, partner, form.partner_name.trim())
                .await
                .map_err(internal)?;
            state.sessions().revoke_user(id).await?;
            audit(
                "partner_linked",
                serde_json::json!({"partner": partner, "name": form.partner_name}),
            )
            .await?;
            "linked"
        }
        "unlink" => {
            let partner = Guid::parse(&form.partner)
                .map_err(|_| AppError::BadRequest("Неверный партнёр".into()))?;
            store::unlink_partner(db, id, partner)
                .await
                .map_err(internal)?;
            state.sessions().revoke_user(id).await?;
            audit("partner_unlinked", serde_json::json!({"partner": partner})).await?;
            "unlinked"
        }
        "impersonate" => {
            if !account.active || account.role == Role::Admin || id == session.user_id() {
                return Err(AppError::Forbidden);
            }
            if account.role == Role::Client && !account.approved {
                return Err(AppError::BadRequest("Клиент ещё не одобрен".into()));
            }
            audit("impersonation_start", serde_json::json!({})).await?;
            tracing::warn!(admin = %session.user_id(), target = %id, "impersonation started");
            // The admin's own session ends; "back" starts a new one for them.
            signin::sign_out(&state, session.identity.session_id).await?;
            let impersonator = Impersonator {
                id: session.user_id(),
                name: session.name().to_owned(),
            };
            let started =
                signin::start_session(&state, &account, Kind::Browser, None, Some(impersonator))
                    .await?;
            return Ok(see_other(
                account.role.home(),
                &session_cookies(&state, &started),
            ));
        }
        _ => return Err(AppError::BadRequest("Неизвестное действие".into())),
    };
    Ok(see_other(&format!("/admin/users/{id}?done={done}"), &[]))
}

/// A form whose fields may repeat (`agent=…&agent=…`), read into `T`.
pub struct RepeatedForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S>
    for RepeatedForm<T>
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("Форма не прочитана".into()))?;
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).into_owned().collect();
        let mut map = serde_json::Map::new();
        for (k, v) in pairs {
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
            .map(RepeatedForm)
            .map_err(|_| AppError::BadRequest("Форма заполнена неверно".into()))
    }
}

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

pub async fn sync_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    admin(&session)?;
    let last = sync::last_sync(state.db()).await.map_err(internal)?;
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

pub async fn sync_now(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let settings = settings::current(state.db(), state.onec_client())
        .await
        .map_err(unavailable)?;
    let report = sync::sync_users(
        state.db(),
        state.onec_client(),
        &settings.user,
        state.sessions(),
        Some(session.user_id()),
    )
    .await
    .map_err(unavailable)?;
    Ok(render(
        &session,
        "Синхронизация с 1С",
        sync_page(&session, None, Some(&report)),
    ))
}

pub async fn audit_log(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    admin(&session)?;
    let entries = store::audit_log(state.db(), 200).await.map_err(internal)?;
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

fn guid_select(name: &str, current: Option<Guid>, options: &[(Guid, String)]) -> Markup {
    html! {
        select name=(name) {
            @if current.is_none() { option value="" { "—" } }
            @for (id, label) in options {
                option value=(id) selected[current == Some(*id)] { (label) }
            }
        }
    }
}

fn settings_page(
    session: &Session,
    current: Option<&SiteSettings>,
    choices: &Choices,
    problems: &[String],
    saved: bool,
) -> Markup {
    let attrs: Vec<(Guid, String)> = choices
        .attributes
        .iter()
        .map(|(id, d, n)| (*id, format!("{d} ({n})")))
        .collect();
    let values = &choices.property_values;
    let c = current;
    let attr_row = |label: &str, name: &str, value: Option<Guid>| {
        html! {
            label { (label) (guid_select(name, value, &attrs)) }
        }
    };
    html! {
        h1 { "Глобальные настройки сайта" }
        p { "Идентификаторы объектов 1С, которые нужны порталу. При сохранении каждый проверяется в 1С." }
        @if saved { p.alert.ok role="status" { "Настройки сохранены." } }
        @if !problems.is_empty() {
            div.alert.error role="alert" #settings-problems { ul { @for p in problems { li { (p) } } } }
        }
        form.stack method="post" action="/admin/settings" {
            (csrf_input(session))
            label { "Склад" (guid_select("warehouse", c.map(|s| s.warehouse), &choices.warehouses)) }
            label { "Основной вид цен" (guid_select("price_kind", c.and_then(|s| s.price_kinds.first().copied()), &choices.price_kinds)) }
            label { "Другие виды цен"
                select name="price_kinds_extra" multiple {
                    @for (id, name) in &choices.price_kinds {
                        option value=(id) selected[c.is_some_and(|s| s.price_kinds.iter().skip(1).any(|p| p == id))] { (name) }
                    }
                }
            }
            (attr_row("Пользователь: показывать на сайте", "user_show_on_site", c.map(|s| s.user.show_on_site)))
            (attr_row("Пользователь: пароль для входа на сайт", "user_site_password", c.map(|s| s.user.site_password)))
            (attr_row("Пользователь: роль на сайте", "user_site_role", c.map(|s| s.user.site_role)))
            label { "Значение роли «Пользователь» (агент)" (guid_select("role_agent", c.map(|s| s.user.role_agent), values)) }
            label { "Значение роли «Менеджер» (супервайзер)" (guid_select("role_supervisor", c.map(|s| s.user.role_supervisor), values)) }
            label { "Значение роли «Администратор»" (guid_select("role_admin", c.map(|s| s.user.role_admin), values)) }
            (attr_row("Товар: обязательная кратность", "product_minimum_weight", c.map(|s| s.products.minimum_weight)))
            (attr_row("Товар: скрывать на сайте", "product_hide_on_site", c.map(|s| s.products.hide_on_site)))
            label { "Единица «кг»" (guid_select("unit_kilogram", c.map(|s| s.units.kilogram), &choices.units)) }
            label { "Единица «шт»" (guid_select("unit_piece", c.map(|s| s.units.piece), &choices.units)) }
            (attr_row("Заказ: широта (Агент Плюс)", "order_latitude", c.map(|s| s.orders.latitude)))
            (attr_row("Заказ: долгота (Агент Плюс)", "order_longitude", c.map(|s| s.orders.longitude)))
            (attr_row("Заказ: время начала (Агент Плюс)", "order_time_started", c.map(|s| s.orders.time_started)))
            (attr_row("Заказ: время окончания (Агент Плюс)", "order_time_stopped", c.map(|s| s.orders.time_stopped)))
            label { "Производитель: показывать торговым агентам (необязательно)"
                select name="show_manufacturer" {
                    option value="" { "—" }
                    @for (id, label) in &attrs { option value=(id) selected[c.and_then(|s| s.show_manufacturer) == Some(*id)] { (label) } }
                }
            }
            button type="submit" { "Сохранить" }
        }
    }
}

pub async fn settings_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    admin(&session)?;
    let current = settings::current(state.db(), state.onec_client())
        .await
        .map_err(unavailable)?;
    let choices = Choices::read(state.onec_client())
        .await
        .map_err(unavailable)?;
    Ok(render(
        &session,
        "Настройки сайта",
        settings_page(&session, Some(&current), &choices, &[], false),
    ))
}

pub async fn settings_save(
    State(state): State<AppState>,
    session: Session,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    admin(&session)?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    session.check_csrf(field(CSRF_FIELD))?;
    let choices = Choices::read(state.onec_client())
        .await
        .map_err(unavailable)?;
    let mut problems = Vec::new();
    let mut guid = |name: &str, label: &str| match field(name).map(Guid::parse) {
        Some(Ok(g)) => g,
        _ => {
            problems.push(format!("Не выбрано: {label}"));
            Guid::EMPTY
        }
    };
    let main_price = guid("price_kind", "основной вид цен");
    let candidate = SiteSettings {
        warehouse: guid("warehouse", "склад"),
        price_kinds: Vec::new(),
        user: settings::UserAttributes {
            show_on_site: guid("user_show_on_site", "показывать на сайте"),
            site_password: guid("user_site_password", "пароль для входа на сайт"),
            site_role: guid("user_site_role", "роль на сайте"),
            role_agent: guid("role_agent", "значение роли «Пользователь»"),
            role_supervisor: guid("role_supervisor", "значение роли «Менеджер»"),
            role_admin: guid("role_admin", "значение роли «Администратор»"),
        },
        products: settings::ProductAttributes {
            minimum_weight: guid("product_minimum_weight", "обязательная кратность"),
            hide_on_site: guid("product_hide_on_site", "скрывать на сайте"),
        },
        units: settings::Units {
            kilogram: guid("unit_kilogram", "кг"),
            piece: guid("unit_piece", "шт"),
        },
        orders: settings::OrderAttributes {
            latitude: guid("order_latitude", "широта"),
            longitude: guid("order_longitude", "долгота"),
            time_started: guid("order_time_started", "время начала"),
            time_stopped: guid("order_time_stopped", "время окончания"),
        },
        show_manufacturer: field("show_manufacturer").and_then(|v| Guid::parse(v).ok()),
    };
    let mut candidate = candidate;
    candidate.price_kinds.push(main_price);
    for (k, v) in &pairs {
        if k == "price_kinds_extra"
            && let Ok(g) = Guid::parse(v)
            && !candidate.price_kinds.contains(&g)
        {
            candidate.price_kinds.push(g);
        }
    }
    if problems.is_empty() {
        problems = settings::validate(&candidate, &choices);
    }
    if !problems.is_empty() {
        let mut r = render(
            &session,
            "Настройки сайта",
            settings_page(&session, Some(&candidate), &choices, &problems, false),
        );
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    settings::save(state.db(), &candidate, Some(session.user_id()))
        .await
        .map_err(internal)?;
    store::audit(
        state.db(),
        Some(session.user_id()),
        "settings_saved",
        None,
        serde_json::json!({}),
    )
    .await
    .map_err(internal)?;
    Ok(render(
        &session,
        "Настройки сайта",
        settings_page(&session, Some(&candidate), &choices, &[], true),
    ))
}
