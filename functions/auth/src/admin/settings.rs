//! `/admin/settings`: the 1C objects the portal needs (warehouse, price kinds, attributes…),
//! each checked in 1C when saved.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use onec_client::Guid;
use skazka_accounts::settings::{self, Choices, SiteSettings};
use skazka_accounts::store;
use skazka_app::AppState;
use skazka_session::{CSRF_FIELD, Session};
use skazka_web::AppError;

use super::{admin, csrf_input, render};

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

pub async fn show(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    admin(&session)?;
    let current = settings::current(state.db(), state.onec_client()).await?;
    let choices = Choices::read(state.onec_client()).await?;
    Ok(render(
        &session,
        "Настройки сайта",
        settings_page(&session, Some(&current), &choices, &[], false),
    ))
}

pub async fn save(
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
    let choices = Choices::read(state.onec_client()).await?;
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
    settings::save(state.db(), &candidate, Some(session.user_id())).await?;
    store::audit(
        state.db(),
        Some(session.user_id()),
        "settings_saved",
        None,
        serde_json::json!({}),
    )
    .await?;
    Ok(render(
        &session,
        "Настройки сайта",
        settings_page(&session, Some(&candidate), &choices, &[], true),
    ))
}
