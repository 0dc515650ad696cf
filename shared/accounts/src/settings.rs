//! Site settings: the 1C GUIDs the portal needs (docs/onec.md §5.3). Versioned rows in Postgres,
//! the latest wins; found automatically by name the first time ([`detect`]) and validated
//! against 1C when an admin saves them ([`validate`]).

use onec_client::decode::Composite;
use onec_client::{Guid, OnecClient};
use serde::{Deserialize, Serialize};
use skazka_store::PgPool;
use uuid::Uuid;

use crate::AccountError;

/// The user attributes and their role values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAttributes {
    /// `ПоказыватьНаСайтеСверкиЗаказов` (read and shown, never enforced).
    pub show_on_site: Guid,
    /// `ПарольДляВходаНаСайт`.
    pub site_password: Guid,
    /// `РольНаСайте`.
    pub site_role: Guid,
    /// Role value "Пользователь" → agent.
    pub role_agent: Guid,
    /// Role value "Менеджер" → supervisor.
    pub role_supervisor: Guid,
    /// Role value "Администратор" → admin.
    pub role_admin: Guid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductAttributes {
    /// `ОбязательнаяКратность`.
    pub minimum_weight: Guid,
    /// `СкрыватьТоварНаСайте`.
    pub hide_on_site: Guid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    pub kilogram: Guid,
    pub piece: Guid,
}

/// The "Агент Плюс" order attributes (position and duration of a visit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderAttributes {
    pub latitude: Guid,
    pub longitude: Guid,
    pub time_started: Guid,
    pub time_stopped: Guid,
}

/// Everything the portal needs to know about the 1C base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// The warehouse whose stock is shown.
    pub warehouse: Guid,
    /// Price kinds shown; the first is the main one.
    pub price_kinds: Vec<Guid>,
    pub user: UserAttributes,
    pub products: ProductAttributes,
    pub units: Units,
    pub orders: OrderAttributes,
    /// `ПоказыватьТорговымАгентам` (manufacturers; optional).
    #[serde(default)]
    pub show_manufacturer: Option<Guid>,
}

/// The site role a 1C user's `РольНаСайте` value gives, if any.
pub fn role_of(user: &UserAttributes, value: Option<&Composite>) -> Option<skazka_session::Role> {
    let guid = match value? {
        Composite::Ref { key, .. } => (*key)?,
        Composite::String(s) => Guid::parse(s).ok()?,
        _ => return None,
    };
    use skazka_session::Role;
    if guid == user.role_agent {
        Some(Role::Agent)
    } else if guid == user.role_supervisor {
        Some(Role::Supervisor)
    } else if guid == user.role_admin {
        Some(Role::Admin)
    } else {
        None
    }
}

/// A string attribute's text (`None` when absent or blank).
pub fn text_of(value: Option<&Composite>) -> Option<String> {
    match value? {
        Composite::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A boolean attribute (tolerant: `true`, `"true"`, a non-zero number).
pub fn flag_of(value: Option<&Composite>) -> Option<bool> {
    match value? {
        Composite::Bool(b) => Some(*b),
        Composite::String(s) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        Composite::Number(n) => Some(!n.is_zero()),
        _ => None,
    }
}

/// What 1C offers for each setting (the admin page's drop-downs).
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub warehouses: Vec<(Guid, String)>,
    pub price_kinds: Vec<(Guid, String)>,
    pub attributes: Vec<(Guid, String, String)>,
    pub property_values: Vec<(Guid, String)>,
    pub units: Vec<(Guid, String)>,
}

impl Choices {
    /// Reads the five lists from 1C, concurrently.
    pub async fn read(client: &OnecClient) -> Result<Choices, AccountError> {
        let (warehouses, price_kinds, attributes, values, units) = tokio::join!(
            client.warehouses(),
            client.price_kinds(),
            client.attribute_defs(),
            client.property_values(),
            client.base_units(),
        );
        Ok(Choices {
            warehouses: warehouses?.into_iter().map(|w| (w.id, w.name)).collect(),
            price_kinds: price_kinds?.into_iter().map(|p| (p.id, p.name)).collect(),
            attributes: attributes?
                .into_iter()
                .map(|a| (a.id, a.description, a.system_name))
                .collect(),
            property_values: values?.into_iter().map(|v| (v.id, v.description)).collect(),
            units: units?.into_iter().map(|u| (u.id, u.name)).collect(),
        })
    }

    fn attribute_by_name(&self, prefix: &str) -> Option<Guid> {
        self.attributes
            .iter()
            .find(|(_, _, name)| name.starts_with(prefix))
            .map(|(id, _, _)| *id)
    }

    fn attribute_by_description(&self, description: &str) -> Option<Guid> {
        self.attributes
            .iter()
            .find(|(_, d, _)| d == description)
            .map(|(id, _, _)| *id)
    }

    fn value_by_prefix(&self, prefix: &str) -> Option<Guid> {
        self.property_values
            .iter()
            .find(|(_, d)| d.starts_with(prefix))
            .map(|(id, _)| *id)
    }
}

/// Finds every setting by the name rules of docs/onec.md §3.2–3.5; names what it could not find.
pub fn detect(choices: &Choices) -> Result<SiteSettings, Vec<&'static str>> {
    let mut missing = Vec::new();
    let mut need = |found: Option<Guid>, what: &'static str| {
        found.unwrap_or_else(|| {
            missing.push(what);
            Guid::EMPTY
        })
    };
    let warehouse = need(
        choices
            .warehouses
            .iter()
            .find(|(_, n)| n.starts_with("Основной склад (Кокшетау)"))
            .or_else(|| choices.warehouses.first())
            .map(|(id, _)| *id),
        "склад",
    );
    let mut price_kinds: Vec<(Guid, String)> = choices.price_kinds.clone();
    price_kinds.sort_by_key(|(_, name)| !name.to_lowercase().starts_with("оптов"));
    let price_kinds: Vec<Guid> = price_kinds.into_iter().map(|(id, _)| id).collect();
    let user = UserAttributes {
        show_on_site: need(
            choices.attribute_by_name("ПоказыватьНаСайтеСверкиЗаказов"),
            "реквизит «Показывать на сайте»",
        ),
        site_password: need(
            choices.attribute_by_name("ПарольДляВходаНаСайт"),
            "реквизит «Пароль для входа на сайт»",
        ),
        site_role: need(
            choices.attribute_by_name("РольНаСайте"),
            "реквизит «Роль на сайте»",
        ),
        role_agent: need(
            choices.value_by_prefix("Пользователь"),
            "значение роли «Пользователь»",
        ),
        role_supervisor: need(
            choices.value_by_prefix("Менеджер"),
            "значение роли «Менеджер»",
        ),
        role_admin: need(
            choices.value_by_prefix("Администратор"),
            "значение роли «Администратор»",
        ),
    };
    let products = ProductAttributes {
        minimum_weight: need(
            choices.attribute_by_name("ОбязательнаяКратность"),
            "реквизит «Обязательная кратность»",
        ),
        hide_on_site: need(
            choices.attribute_by_name("СкрыватьТоварНаСайте"),
            "реквизит «Скрывать товар на сайте»",
        ),
    };
    let unit = |name: &str| {
        choices
            .units
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| *id)
    };
    let units = Units {
        kilogram: need(unit("кг"), "единица «кг»"),
        piece: need(unit("шт"), "единица «шт»"),
    };
    let orders = OrderAttributes {
        latitude: need(
            choices.attribute_by_description("АгентПлюсДокументШирота"),
            "реквизит «АгентПлюсДокументШирота»",
        ),
        longitude: need(
            choices.attribute_by_description("АгентПлюсДокументДолгота"),
            "реквизит «АгентПлюсДокументДолгота»",
        ),
        time_started: need(
            choices.attribute_by_description("АгентПлюсДокументВремяНачала"),
            "реквизит «АгентПлюсДокументВремяНачала»",
        ),
        time_stopped: need(
            choices.attribute_by_description("АгентПлюсДокументВремяОкончания"),
            "реквизит «АгентПлюсДокументВремяОкончания»",
        ),
    };
    let show_manufacturer = choices.attribute_by_name("ПоказыватьТорговым");
    if price_kinds.is_empty() {
        missing.push("виды цен");
    }
    if missing.is_empty() {
        Ok(SiteSettings {
            warehouse,
            price_kinds,
            user,
            products,
            units,
            orders,
            show_manufacturer,
        })
    } else {
        Err(missing)
    }
}

/// Every setting that does not name an object 1C offers for it (empty: valid).
pub fn validate(settings: &SiteSettings, choices: &Choices) -> Vec<String> {
    let mut problems = Vec::new();
    let has = |list: &[(Guid, String)], id: Guid| list.iter().any(|(g, _)| *g == id);
    let attr = |id: Guid| choices.attributes.iter().any(|(g, _, _)| *g == id);
    if !has(&choices.warehouses, settings.warehouse) {
        problems.push("Склад не найден в 1С".to_owned());
    }
    if settings.price_kinds.is_empty() {
        problems.push("Не выбран ни один вид цен".to_owned());
    }
    for id in &settings.price_kinds {
        if !has(&choices.price_kinds, *id) {
            problems.push(format!("Вид цен {id} не найден в 1С"));
        }
    }
    let u = &settings.user;
    let p = &settings.products;
    let o = &settings.orders;
    for (label, id) in [
        ("Показывать на сайте", u.show_on_site),
        ("Пароль для входа на сайт", u.site_password),
        ("Роль на сайте", u.site_role),
        ("Обязательная кратность", p.minimum_weight),
        ("Скрывать товар на сайте", p.hide_on_site),
        ("Широта (Агент Плюс)", o.latitude),
        ("Долгота (Агент Плюс)", o.longitude),
        ("Время начала (Агент Плюс)", o.time_started),
        ("Время окончания (Агент Плюс)", o.time_stopped),
    ] {
        if !attr(id) {
            problems.push(format!("Реквизит «{label}» не найден в 1С"));
        }
    }
    if let Some(id) = settings.show_manufacturer
        && !attr(id)
    {
        problems.push("Реквизит «Показывать торговым агентам» не найден в 1С".to_owned());
    }
    for (label, id) in [
        ("Пользователь", u.role_agent),
        ("Менеджер", u.role_supervisor),
        ("Администратор", u.role_admin),
    ] {
        if !has(&choices.property_values, id) {
            problems.push(format!("Значение роли «{label}» не найдено в 1С"));
        }
    }
    if [u.role_agent, u.role_supervisor, u.role_admin]
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len()
        < 3
    {
        problems.push("У трёх ролей должны быть разные значения".to_owned());
    }
    for (label, id) in [
        ("кг", settings.units.kilogram),
        ("шт", settings.units.piece),
    ] {
        if !has(&choices.units, id) {
            problems.push(format!("Единица «{label}» не найдена в 1С"));
        }
    }
    problems
}

/// The latest saved settings, if any.
pub async fn load(
    pool: &PgPool,
) -> Result<Option<(SiteSettings, chrono::DateTime<chrono::Utc>)>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT settings, created_at FROM site_settings ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await?;
    match row {
        None => Ok(None),
        Some(row) => {
            let json: serde_json::Value = row.get(0);
            let settings = serde_json::from_value(json)
                .map_err(|e| AccountError::Settings(format!("stored settings unreadable: {e}")))?;
            Ok(Some((settings, row.get(1))))
        }
    }
}

/// Saves a new version.
pub async fn save(
    pool: &PgPool,
    settings: &SiteSettings,
    actor: Option<Uuid>,
) -> Result<(), AccountError> {
    let client = pool.get().await?;
    let json = serde_json::to_value(settings).map_err(|e| AccountError::Settings(e.to_string()))?;
    client
        .execute(
            "INSERT INTO site_settings (settings, created_by) VALUES ($1, $2)",
            &[&json, &actor],
        )
        .await?;
    Ok(())
}

/// The saved settings, or — the first time — settings found by name in 1C, saved.
pub async fn current(pool: &PgPool, client: &OnecClient) -> Result<SiteSettings, AccountError> {
    if let Some((settings, _)) = load(pool).await? {
        return Ok(settings);
    }
    let choices = Choices::read(client).await?;
    let settings = detect(&choices).map_err(|missing| {
        AccountError::Settings(format!("не найдено в 1С: {}", missing.join(", ")))
    })?;
    save(pool, &settings, None).await?;
    tracing::info!("site settings found in 1C by name and saved");
    Ok(settings)
}
