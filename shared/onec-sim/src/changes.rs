//! Editing the base while it runs: the change API (for tests of sync and caches) and OData `PATCH`.

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use crate::Simulator;
use crate::db::{Db, RowBuilder, col, tcol};
use crate::demo::{self, LineSpec, sales_lines};
use crate::error::{ODataError, Result};
use crate::schema::{self as s, Schema, Ty};
use crate::select::{Exp, Renderer, Sel, SelfLink};
use crate::value::{CType, Row, Value};

/// One edit of the base, as `POST /__sim/changes` takes it (`{"op": "rename_product", …}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    RenameProduct {
        product: Uuid,
        name: String,
    },
    /// Sets the product's "hide on site" attribute.
    HideProduct {
        product: Uuid,
        hidden: bool,
    },
    /// Posts a price-setting document for one product (main price kind unless given).
    SetPrice {
        product: Uuid,
        price: Decimal,
        price_kind: Option<Uuid>,
    },
    /// Posts a client order by an agent; returns its ref.
    PostOrder {
        agent: Uuid,
        partner: Uuid,
        lines: Vec<NewLine>,
        status: Option<String>,
        shipment_date: Option<NaiveDate>,
    },
    /// Posts a sale from an order's non-cancelled lines and closes the order; returns the sale's ref.
    PostSale {
        order: Uuid,
    },
    /// Posts a client payment against a sale; returns the payment's ref.
    PostPayment {
        sale: Uuid,
        amount: Decimal,
    },
    /// Adds a 1C user with an individual (name and phone) and the site attributes: role
    /// (`agent`, `supervisor` or `admin`) and password; returns the user's ref.
    AddUser {
        name: String,
        phone: String,
        role: String,
        password: String,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewLine {
    pub product: Uuid,
    pub quantity: Decimal,
    pub price: Option<Decimal>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no {0} with ref {1}")]
    NotFound(&'static str, Uuid),
    #[error("{0}")]
    Invalid(String),
}

fn new_ref() -> Uuid {
    Uuid::new_v4()
}

impl Simulator {
    /// Applies one change, documents dated by the base's clock ([`Simulator::now`]); returns the
    /// ref of the object it made or touched.
    pub fn apply(&self, change: Change) -> Result<Uuid, ChangeError> {
        let now = self.now();
        self.write(|db| apply(db, change, now))
    }

    /// `PATCH Set(guid'…')`: sets the given properties (tabular sections whole), returns the entity.
    pub fn patch(&self, path: &str, body: &[u8]) -> Result<String> {
        self.write(|db| patch(db, path, body))
    }
}

fn exists(db: &Db, set: &'static str, id: Uuid) -> Result<(), ChangeError> {
    db.get(set, id)
        .map(|_| ())
        .ok_or(ChangeError::NotFound(set, id))
}

fn apply(db: &mut Db, change: Change, now: NaiveDateTime) -> Result<Uuid, ChangeError> {
    match change {
        Change::RenameProduct { product, name } => {
            let c = col(s::PRODUCTS, "Description");
            let row = db
                .get_mut(s::PRODUCTS, product)
                .ok_or(ChangeError::NotFound(s::PRODUCTS, product))?;
            row[c] = Value::str(&name);
            Ok(product)
        }
        Change::HideProduct { product, hidden } => {
            let c = col(s::PRODUCTS, "ДополнительныеРеквизиты");
            let (prop, value) = (
                tcol(s::PRODUCTS, "ДополнительныеРеквизиты", "Свойство"),
                tcol(s::PRODUCTS, "ДополнительныеРеквизиты", "Значение"),
            );
            let fields = demo::section_fields(s::PRODUCTS, "ДополнительныеРеквизиты");
            let row = db
                .get_mut(s::PRODUCTS, product)
                .ok_or(ChangeError::NotFound(s::PRODUCTS, product))?;
            let Value::Table(rows) = &mut row[c] else {
                return Err(ChangeError::Invalid("no attributes".into()));
            };
            let flag = Value::Bool(hidden);
            match rows
                .iter_mut()
                .find(|r| r[prop].as_guid() == Some(demo::ATTR_HIDE_PRODUCT))
            {
                Some(r) => r[value] = flag,
                None => {
                    let n = rows.len() as i64 + 1;
                    rows.push(
                        RowBuilder::new(&fields)
                            .set("LineNumber", Value::Int(n))
                            .set("Свойство", Value::guid(demo::ATTR_HIDE_PRODUCT))
                            .set("Значение", flag)
                            .build(),
                    );
                }
            }
            Ok(product)
        }
        Change::SetPrice {
            product,
            price,
            price_kind,
        } => {
            exists(db, s::PRODUCTS, product)?;
            let kind = price_kind.unwrap_or(demo::MAIN_PRICE_KIND);
            exists(db, s::PRICE_KINDS, kind)?;
            let fields = demo::section_fields(s::PRICE_SETTINGS, "Товары");
            let line = RowBuilder::new(&fields)
                .set("LineNumber", Value::Int(1))
                .set("Номенклатура", Value::guid(product))
                .set("ВидЦены", Value::guid(kind))
                .set("Цена", Value::num(price))
                .build();
            let id = new_ref();
            let row = RowBuilder::of(s::PRICE_SETTINGS)
                .set("Ref_Key", Value::guid(id))
                .set(
                    "Number",
                    Value::str(&format!("КК00-{}", &id.simple().to_string()[..6])),
                )
                .set("Date", Value::Date(now))
                .set("Posted", Value::Bool(true))
                .set("Товары", Value::table(vec![line]))
                .build();
            db.insert(s::PRICE_SETTINGS, row);
            db.post(s::PRICE_SETTINGS, id);
            Ok(id)
        }
        Change::PostOrder {
            agent,
            partner,
            lines,
            status,
            shipment_date,
        } => post_order(db, now, agent, partner, lines, status, shipment_date),
        Change::PostSale { order } => post_sale(db, now, order),
        Change::PostPayment { sale, amount } => post_payment(db, now, sale, amount),
        Change::AddUser {
            name,
            phone,
            role,
            password,
        } => add_user(db, &name, &phone, &role, &password),
    }
}

fn add_user(
    db: &mut Db,
    name: &str,
    phone: &str,
    role: &str,
    password: &str,
) -> Result<Uuid, ChangeError> {
    let role = match role {
        "agent" => demo::ROLE_USER,
        "supervisor" => demo::ROLE_MANAGER,
        "admin" => demo::ROLE_ADMIN,
        other => return Err(ChangeError::Invalid(format!("role {other}"))),
    };
    let person = new_ref();
    let contacts = demo::contact_rows(s::PERSONS, vec![("Телефон", phone.to_owned(), None)]);
    db.insert(
        s::PERSONS,
        RowBuilder::of(s::PERSONS)
            .set("Ref_Key", Value::guid(person))
            .set("Description", Value::str(name))
            .set("КонтактнаяИнформация", contacts)
            .build(),
    );
    let attrs = demo::attribute_rows(
        s::USERS,
        vec![
            (demo::ATTR_SITE_PASSWORD, Value::str(password)),
            (demo::ATTR_SHOW_ON_SITE, Value::Bool(true)),
            (
                demo::ATTR_SITE_ROLE,
                Value::composite_ref(s::PROP_VALUES, role),
            ),
        ],
    );
    let id = new_ref();
    db.insert(
        s::USERS,
        RowBuilder::of(s::USERS)
            .set("Ref_Key", Value::guid(id))
            .set("Description", Value::str(name))
            .set("Недействителен", Value::Bool(false))
            .set("ФизическоеЛицо", Value::guid(person))
            .set("ДополнительныеРеквизиты", attrs)
            .build(),
    );
    Ok(id)
}

fn current_price(db: &Db, product: Uuid) -> Decimal {
    let rec = s::records_of(s::PRICES);
    let (p, k, price) = (
        col(&rec, "Номенклатура"),
        col(&rec, "ВидЦены"),
        col(&rec, "Цена"),
    );
    db.table(&rec)
        .rows
        .iter()
        .rev()
        .find(|r| r[p].as_guid() == Some(product) && r[k].as_guid() == Some(demo::MAIN_PRICE_KIND))
        .map(|r| r[price].as_num())
        .unwrap_or_default()
}

fn post_order(
    db: &mut Db,
    now: NaiveDateTime,
    agent: Uuid,
    partner: Uuid,
    lines: Vec<NewLine>,
    status: Option<String>,
    shipment: Option<NaiveDate>,
) -> Result<Uuid, ChangeError> {
    exists(db, s::USERS, agent)?;
    exists(db, s::PARTNERS, partner)?;
    if lines.is_empty() {
        return Err(ChangeError::Invalid("an order needs lines".into()));
    }
    let status = status.unwrap_or_else(|| "КОтгрузке".into());
    if !["НеСогласован", "КОбеспечению", "КОтгрузке", "Закрыт"].contains(&status.as_str())
    {
        return Err(ChangeError::Invalid(format!("unknown status {status}")));
    }
    let mut specs = Vec::new();
    for l in &lines {
        exists(db, s::PRODUCTS, l.product)?;
        let price = l.price.unwrap_or_else(|| current_price(db, l.product));
        specs.push(LineSpec {
            product: l.product,
            quantity: l.quantity,
            price,
            auto_discount_pct: Decimal::ZERO,
            manual_discount: Decimal::ZERO,
            cancelled: false,
        });
    }
    let key = *db
        .partner_keys
        .keys()
        .filter(|(p, _, _)| *p == partner)
        .min()
        .ok_or_else(|| ChangeError::Invalid("partner has no counterparty".into()))?;
    let (table, total) = sales_lines(s::ORDERS, &specs, None);
    let shipment = shipment.unwrap_or(now.date() + chrono::Duration::days(1));
    let id = new_ref();
    let row = RowBuilder::of(s::ORDERS)
        .set("Ref_Key", Value::guid(id))
        .set(
            "Number",
            Value::str(&format!("КК00-{:06}", db.table(s::ORDERS).rows.len() + 1)),
        )
        .set("Date", Value::Date(now))
        .set("Posted", Value::Bool(status != "НеСогласован"))
        .set("Менеджер", Value::guid(agent))
        .set("Партнер", Value::guid(partner))
        .set("Контрагент", Value::guid(key.1))
        .set("Договор", Value::guid(key.2))
        .set("Склад", Value::guid(demo::MAIN_WAREHOUSE))
        .set("СуммаДокумента", Value::num(total))
        .set("Статус", Value::str(&status))
        .set("ФормаОплаты", Value::str("Наличная"))
        .set("ДатаОтгрузки", crate::db::at(shipment, 0, 0, 0))
        .set("СпособДоставки", Value::str("ДоКлиента"))
        .set("Товары", table)
        .build();
    db.insert(s::ORDERS, row);
    db.post(s::ORDERS, id);
    Ok(id)
}

fn post_sale(db: &mut Db, now: NaiveDateTime, order: Uuid) -> Result<Uuid, ChangeError> {
    let o = db
        .get(s::ORDERS, order)
        .cloned()
        .ok_or(ChangeError::NotFound(s::ORDERS, order))?;
    let c = |f: &str| o[col(s::ORDERS, f)].clone();
    let t = |f: &str| tcol(s::ORDERS, "Товары", f);
    let specs: Vec<LineSpec> = c("Товары")
        .as_table()
        .iter()
        .filter(|l| !l[t("Отменено")].as_bool())
        .map(|l| LineSpec {
            product: l[t("Номенклатура")].as_guid().unwrap_or_default(),
            quantity: l[t("Количество")].as_num(),
            price: l[t("Цена")].as_num(),
            auto_discount_pct: Decimal::ZERO,
            manual_discount: l[t("СуммаРучнойСкидки")].as_num(),
            cancelled: false,
        })
        .collect();
    let (table, total) = sales_lines(s::SALES, &specs, Some(order));
    let id = new_ref();
    let mut b = RowBuilder::of(s::SALES)
        .set("Ref_Key", Value::guid(id))
        .set(
            "Number",
            Value::str(&format!("КК00-{:06}", db.table(s::SALES).rows.len() + 1)),
        )
        .set("Date", Value::Date(now))
        .set("Posted", Value::Bool(true))
        .set("СуммаДокумента", Value::num(total))
        .set("ЗаказКлиента", Value::composite_ref(s::ORDERS, order))
        .set("ДатаОтгрузки", Value::Date(now))
        .set(
            "ДатаПлатежа",
            crate::db::at(now.date() + chrono::Duration::days(14), 0, 0, 0),
        )
        .set("Товары", table);
    for f in [
        "Менеджер",
        "Партнер",
        "Контрагент",
        "Договор",
        "Склад",
        "ФормаОплаты",
        "АдресДоставки",
        "СпособДоставки",
    ] {
        b = b.set(f, c(f));
    }
    db.insert(s::SALES, b.build());
    db.post(s::SALES, id);
    if let Some(row) = db.get_mut(s::ORDERS, order) {
        row[col(s::ORDERS, "Статус")] = Value::str("Закрыт");
    }
    db.post(s::ORDERS, order);
    Ok(id)
}

fn post_payment(
    db: &mut Db,
    now: NaiveDateTime,
    sale: Uuid,
    amount: Decimal,
) -> Result<Uuid, ChangeError> {
    let d = db
        .get(s::SALES, sale)
        .cloned()
        .ok_or(ChangeError::NotFound(s::SALES, sale))?;
    if amount <= Decimal::ZERO {
        return Err(ChangeError::Invalid("amount must be positive".into()));
    }
    let fields = demo::section_fields(s::CASH_RECEIPTS, "РасшифровкаПлатежа");
    let detail = RowBuilder::new(&fields)
        .set("LineNumber", Value::Int(1))
        .set("ОбъектРасчетов", Value::composite_ref(s::SALES, sale))
        .set("Сумма", Value::num(amount))
        .build();
    let id = new_ref();
    let row = RowBuilder::of(s::CASH_RECEIPTS)
        .set("Ref_Key", Value::guid(id))
        .set(
            "Number",
            Value::str(&format!(
                "КК00-{:06}",
                db.table(s::CASH_RECEIPTS).rows.len() + 1
            )),
        )
        .set("Date", Value::Date(now))
        .set("Posted", Value::Bool(true))
        .set("Партнер", d[col(s::SALES, "Партнер")].clone())
        .set("Контрагент", d[col(s::SALES, "Контрагент")].clone())
        .set("СуммаДокумента", Value::num(amount))
        .set("РасшифровкаПлатежа", Value::table(vec![detail]))
        .build();
    db.insert(s::CASH_RECEIPTS, row);
    db.post(s::CASH_RECEIPTS, id);
    Ok(id)
}

fn bad_body(what: &str) -> ODataError {
    ODataError::new(
        StatusCode::BAD_REQUEST,
        "4",
        format!("Недопустимое значение свойства {what}"),
    )
}

/// Parses one JSON member into the field's value; unknown members are ignored, as 1C does.
fn json_value(
    ty: &Ty,
    v: &serde_json::Value,
    type_hint: Option<&str>,
    name: &str,
) -> Result<Value> {
    use serde_json::Value as J;
    Ok(match (ty, v) {
        (Ty::Str | Ty::Enum(_), J::String(s)) => Value::str(s),
        (Ty::Bool, J::Bool(b)) => Value::Bool(*b),
        (Ty::Double, J::Number(n)) => Value::num(
            n.to_string()
                .parse::<Decimal>()
                .map_err(|_| bad_body(name))?,
        ),
        (Ty::Int64, J::String(s)) => Value::Int(s.parse().map_err(|_| bad_body(name))?),
        (Ty::Int64, J::Number(n)) => Value::Int(n.as_i64().ok_or_else(|| bad_body(name))?),
        (Ty::Date, J::String(s)) => {
            Value::Date(crate::filter::parse_datetime(s).ok_or_else(|| bad_body(name))?)
        }
        (Ty::Key | Ty::Ref(_), J::String(s)) => {
            Value::guid(crate::filter::parse_guid(s).ok_or_else(|| bad_body(name))?)
        }
        (Ty::Composite, v) => {
            let ctype = type_hint
                .and_then(CType::from_wire)
                .ok_or_else(|| bad_body(&format!("{name}_Type")))?;
            let text = match v {
                J::String(s) => s.clone(),
                other => other.to_string(),
            };
            match ctype {
                CType::Entity(set) => {
                    let id = crate::filter::parse_guid(&text).ok_or_else(|| bad_body(name))?;
                    Value::composite_ref(set.name(), id)
                }
                CType::Boolean => Value::Bool(text == "true"),
                CType::Double => Value::num(text.parse::<Decimal>().map_err(|_| bad_body(name))?),
                CType::DateTime => {
                    Value::Date(crate::filter::parse_datetime(&text).ok_or_else(|| bad_body(name))?)
                }
                CType::String => Value::str(&text),
                CType::Undefined => Value::Undefined,
            }
        }
        _ => return Err(bad_body(name)),
    })
}

fn json_row(
    fields: &[s::Field],
    obj: &serde_json::Map<String, serde_json::Value>,
    base: Row,
) -> Result<Row> {
    let mut row = base;
    for (i, f) in fields.iter().enumerate() {
        if matches!(f.ty, Ty::Key) && i == 0 {
            continue;
        }
        let Some(v) = obj.get(&f.wire_name()) else {
            continue;
        };
        row[i] = match &f.ty {
            Ty::Table(row_fields) => {
                let items = v.as_array().ok_or_else(|| bad_body(&f.name))?;
                let mut rows = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    let o = item.as_object().ok_or_else(|| bad_body(&f.name))?;
                    let mut r = json_row(row_fields, o, RowBuilder::new(row_fields).build())?;
                    if !o.contains_key("LineNumber") {
                        r[0] = Value::Int(n as i64 + 1);
                    }
                    rows.push(r);
                }
                Value::table(rows)
            }
            Ty::Binary => continue,
            ty => {
                let hint = obj
                    .get(&format!("{}_Type", f.name))
                    .and_then(|t| t.as_str());
                json_value(ty, v, hint, &f.name)?
            }
        };
    }
    Ok(row)
}

fn patch(db: &mut Db, path: &str, body: &[u8]) -> Result<String> {
    let (name, key) = crate::url::name_and_args(path.trim_matches('/'))?;
    let schema = Schema::get();
    let ty = &schema.sets[schema
        .index(name)
        .ok_or_else(|| ODataError::unknown_set(name))?];
    let key = key.ok_or_else(|| {
        ODataError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "19",
            "PATCH требует ключ сущности",
        )
    })?;
    if !ty.has_key() {
        return Err(ODataError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "19",
            "Метод HTTP не поддерживается для этого ресурса",
        ));
    }
    let key = key.trim_start_matches("Ref_Key=");
    let id = match crate::query::parse_filter(key, "key") {
        Ok(crate::filter::Expr::Literal(crate::filter::Literal::Guid(g))) => g,
        _ => {
            return Err(ODataError::new(
                StatusCode::BAD_REQUEST,
                "6",
                format!("Неверный ключ сущности: {key}"),
            ));
        }
    };
    let obj: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
        .map_err(|_| ODataError::new(StatusCode::BAD_REQUEST, "2", "Неверный формат запроса"))?;
    let current = db
        .get(&ty.name, id)
        .cloned()
        .ok_or_else(ODataError::not_found)?;
    let updated = json_row(&ty.fields, &obj, current)?;
    let row = db.get_mut(&ty.name, id).ok_or_else(ODataError::not_found)?;
    let version = row[1].clone();
    *row = updated;
    row[1] = version;
    db.reindex(&ty.name, id);
    if ty.is_document() {
        db.post(&ty.name, id);
    }
    let row = db
        .get(&ty.name, id)
        .cloned()
        .ok_or_else(ODataError::not_found)?;
    let mut r = Renderer::new(db);
    r.out.push_str("{\"odata.metadata\":");
    crate::value::write_json_str(
        &mut r.out,
        &format!("{}$metadata#{}/@Element", crate::server::ROOT, ty.name),
    );
    let mut first = false;
    r.members(
        &ty.fields,
        &row,
        &Sel::everything(),
        &Exp::default(),
        Some(&SelfLink {
            set: &ty.name,
            key: id,
        }),
        &mut first,
    );
    r.out.push('}');
    Ok(r.out)
}
