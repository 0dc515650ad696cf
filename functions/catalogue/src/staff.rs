//! What employees (agents, supervisors, admins) see beyond the public catalogue: exact free stock
//! per warehouse, every sales price kind with the date it took effect and upcoming deliveries on
//! a product page (a fragment the page fetches with the session), the "what can I sell today"
//! stock table and the price lists, both with XLSX export. Every answer is `private, no-store`.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use onec_client::Guid;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_export::{Cell, File, Kind, Table};
use skazka_reads::Served;
use skazka_session::Session;
use skazka_web::{AppError, Format, Head, Role, Stale, format};

use crate::domain;
use crate::edge::private;
use crate::error::CatalogueError;
use crate::listing::Here;
use crate::offers::Delivery;
use crate::service::CatalogueService;
use crate::store::ProductRow;

const STAFF: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];
/// Rows a table shows on the page (the export has them all).
const SHOWN: usize = 500;
/// A price set this recently is marked as changed.
const RECENT_DAYS: i64 = 7;

/// A person who may see exact stock and every price.
pub struct Employee(pub Session);

impl Employee {
    fn of(session: Session) -> Result<Employee, AppError> {
        session.require(&STAFF)?;
        Ok(Employee(session))
    }
}

async fn warehouse_names(svc: &CatalogueService) -> HashMap<Guid, String> {
    svc.offers.warehouse_names().await
}

async fn price_kind_names(svc: &CatalogueService) -> HashMap<Guid, String> {
    svc.offers.price_kind_names().await
}

/// One warehouse's figures of a product.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct WarehouseStock {
    pub warehouse: Guid,
    pub on_hand: Decimal,
    pub reserved: Decimal,
    pub available: Decimal,
}

/// One price kind's current price of a product.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct KindPrice {
    pub kind: Guid,
    pub price: Decimal,
    pub package: Option<Guid>,
    pub since: Option<NaiveDate>,
}

/// `GET /catalogue/{id}/staff`: the employee's figures of one product as an HTML fragment;
/// `204` with nothing for anyone else (the public page asks on every visit).
pub async fn product_fragment(
    State(svc): State<CatalogueService>,
    session: Option<Session>,
    Path(item): Path<String>,
) -> Result<Response, AppError> {
    let Some(Employee(_)) = session.and_then(|s| Employee::of(s).ok()) else {
        return Ok(private(StatusCode::NO_CONTENT.into_response()));
    };
    let id = skazka_viewer::parse_guid(&item).ok_or(AppError::NotFound)?;
    let site = svc.site().await?;
    let client = svc.client().clone();
    let stock: Served<Vec<WarehouseStock>> = svc
        .reader()
        .read(
            &format!("catalogue:v1:product-stock:{id}"),
            skazka_reads::LIVE,
            || async move {
                let rows = client.product_stock_everywhere(id).await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|r| {
                        Some(WarehouseStock {
                            warehouse: r.warehouse?,
                            on_hand: r.on_hand,
                            reserved: r.reserved_from_stock + r.reserved_for_orders,
                            available: r.free(),
                        })
                    })
                    .collect())
            },
        )
        .await?;
    let client = svc.client().clone();
    let prices: Served<Vec<KindPrice>> = svc
        .reader()
        .read(
            &format!("catalogue:v1:product-prices:{id}"),
            skazka_reads::LIVE,
            || async move {
                let rows = client.product_prices(id).await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|p| {
                        Some(KindPrice {
                            kind: p.kind?,
                            price: p.price,
                            package: p.package,
                            since: p.since.map(|d| d.date()),
                        })
                    })
                    .collect())
            },
        )
        .await?;
    let deliveries = svc.offers.deliveries().await?;
    let warehouses = warehouse_names(&svc).await;
    let kinds = price_kind_names(&svc).await;
    let stale = Served::<()>::oldest(
        Served::<()>::oldest(stock.stale, prices.stale),
        deliveries.stale,
    );
    let today = svc.today();
    // The configured warehouse first, then the others by name.
    let mut stock = stock.value;
    stock.sort_by_key(|s| {
        (
            s.warehouse != site.warehouse,
            warehouses.get(&s.warehouse).cloned(),
        )
    });
    let fragment = html! {
        h2 { "Для сотрудников" }
        (skazka_web::stale_banner(stale.as_ref()))
        h3 { "Свободный остаток" }
        @if stock.is_empty() {
            p { "Нет ни на одном складе." }
        } @else {
            div.table-scroll { table.list {
                thead { tr { th { "Склад" } th.num { "В наличии" } th.num { "В резерве" } th.num { "Свободно" } } }
                tbody {
                    @for s in &stock {
                        tr {
                            td { (warehouses.get(&s.warehouse).map_or("Склад", String::as_str)) }
                            td.num { (format::quantity(s.on_hand)) }
                            td.num { (format::quantity(s.reserved)) }
                            td.num { strong { (format::quantity(s.available)) } }
                        }
                    }
                }
            } }
        }
        h3 { "Цены по видам цен" }
        @if prices.value.is_empty() {
            p { "Цен нет." }
        } @else {
            table.list {
                thead { tr { th { "Вид цены" } th.num { "Цена" } th { "Действует с" } } }
                tbody {
                    @for p in &prices.value {
                        tr {
                            td { (kinds.get(&p.kind).map_or("Вид цены", String::as_str)) }
                            td.num { (format::money(p.price)) }
                            td { (p.since.map(format::date).unwrap_or_default())
                                @if p.since.is_some_and(|d| (today - d).num_days() < RECENT_DAYS) { " " span.badge.changed { "новая" } } }
                        }
                    }
                }
            }
        }
        h3 { "Ожидаемые поставки" }
        (deliveries_list(deliveries.value.of(id)))
    };
    Ok(private(fragment.into_response()))
}

fn deliveries_list(list: &[Delivery]) -> Markup {
    html! {
        @if list.is_empty() {
            p { "Поставок не ожидается." }
        } @else {
            ul {
                @for d in list {
                    li { (format::date(d.date)) " — " (format::quantity(d.quantity)) }
                }
            }
        }
    }
}

/// A line of the stock table.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StockLine {
    pub id: Guid,
    pub code: String,
    pub name: String,
    pub manufacturer: Option<String>,
    pub unit: String,
    pub on_hand: Decimal,
    pub reserved: Decimal,
    pub available: Decimal,
    /// Below the «мало» threshold (and not zero).
    pub low: bool,
    pub next_delivery: Option<NaiveDate>,
}

/// A line of a price list.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PriceListLine {
    pub id: Guid,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub price: Decimal,
    pub since: Option<NaiveDate>,
    /// Set in the last 7 days.
    pub recent: bool,
}

/// `/catalogue/stock` as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StockTable {
    pub lines: Vec<StockLine>,
    /// Present when 1C failed and these are the last good figures.
    pub stale: Option<Stale>,
}

/// `/catalogue/prices` as JSON.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PriceTable {
    /// The price kind shown.
    pub kind: Guid,
    pub kind_name: String,
    pub lines: Vec<PriceListLine>,
    /// Present when 1C failed and these are the last good prices.
    pub stale: Option<Stale>,
}

/// `xlsx` from `/…/export.xlsx`, else the page or JSON.
enum Output {
    Page(Format),
    File(File),
}

fn output(format: Format, export: Option<&str>) -> Result<Output, AppError> {
    match export {
        None => Ok(Output::Page(format)),
        Some(name) => name
            .strip_prefix("export.")
            .and_then(File::parse)
            .map(Output::File)
            .ok_or(AppError::NotFound),
    }
}

async fn rows(svc: &CatalogueService, here: &Here) -> Result<Vec<ProductRow>, CatalogueError> {
    let site = svc.site().await?;
    let in_stock = if here.in_stock {
        Some(svc.in_stock(&site).await?)
    } else {
        None
    };
    svc.store.all(&here.filter(in_stock)).await
}

/// `GET /catalogue/stock[/export.xlsx]`: what can be sold today at the configured warehouse.
pub async fn stock(
    State(svc): State<CatalogueService>,
    session: Session,
    format: Format,
    export: Option<Path<String>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let Employee(session) = Employee::of(session)?;
    let out = output(format, export.as_ref().map(|p| p.0.as_str()))?;
    let here = Here::parse(raw.as_deref())?;
    let site = svc.site().await?;
    let rows = rows(&svc, &here).await?;
    let stock = svc.offers.stock(site.warehouse).await?;
    let deliveries = svc.offers.deliveries().await?;
    let today = svc.today();
    let lines: Vec<StockLine> = rows
        .iter()
        .map(|r| {
            let s = stock.value.of(r.id);
            StockLine {
                id: r.id,
                code: r.code.clone(),
                name: r.name.clone(),
                manufacturer: r.manufacturer.clone(),
                unit: domain::unit_name(r),
                on_hand: s.on_hand,
                reserved: s.reserved,
                available: s.available,
                low: s.available > Decimal::ZERO && s.available < svc.low_below(r, &site),
                next_delivery: domain::next_delivery(deliveries.value.of(r.id), today),
            }
        })
        .collect();
    let stale = Served::<()>::oldest(stock.stale, deliveries.stale);
    let answer = match out {
        Output::File(f) => f.download(&stock_table(&lines, today), &format!("stock-{today}"))?,
        Output::Page(Format::Json) => axum::Json(StockTable { lines, stale }).into_response(),
        Output::Page(Format::Html) => {
            let chrome = skazka_session::chrome(Some(&session));
            staff_page(
                "Остатки",
                &chrome,
                stock_page(&here, &lines, stale.as_ref(), &svc, &site).await,
            )
            .into_response()
        }
    };
    Ok(private(answer))
}

fn stock_table(lines: &[StockLine], today: NaiveDate) -> Table {
    Table {
        title: format!("Остатки на {}", format::date(today)),
        columns: vec![
            ("Код", Kind::Text),
            ("Товар", Kind::Text),
            ("Производитель", Kind::Text),
            ("Ед.", Kind::Text),
            ("В наличии", Kind::Quantity),
            ("В резерве", Kind::Quantity),
            ("Свободно", Kind::Quantity),
            ("Ближайшая поставка", Kind::Text),
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(&l.code),
                    Cell::text(&l.name),
                    Cell::text(l.manufacturer.clone().unwrap_or_default()),
                    Cell::text(&l.unit),
                    Cell::Number(l.on_hand),
                    Cell::Number(l.reserved),
                    Cell::Number(l.available),
                    Cell::text(l.next_delivery.map(format::date).unwrap_or_default()),
                ]
            })
            .collect(),
        totals: Vec::new(),
    }
}

fn staff_page(title: &str, chrome: &skazka_web::Chrome, content: Markup) -> Markup {
    let head = Head {
        stylesheets: vec![crate::views::STYLESHEET],
        ..Head::default()
    };
    skazka_web::page_full(title, chrome, &head, content)
}

/// Search, group, manufacturer, "in stock" (and a page's own `extra` fields).
async fn staff_filters(svc: &CatalogueService, action: &str, here: &Here, extra: Markup) -> Markup {
    let groups = svc.store.groups().await.unwrap_or_default();
    let makers = svc.store.makers(here.group).await.unwrap_or_default();
    let maker = here.maker_value();
    html! {
        form.filters method="get" action=(action) {
            label.grow { "Поиск" input type="search" name="q" value=(here.q) maxlength="100"; }
            label { "Группа"
                select name="group" {
                    option value="" { "Все" }
                    @for g in &groups {
                        option value=(g.id) selected[here.group == Some(g.id)] {
                            @if g.parent.is_some() { "— " } (g.name)
                        }
                    }
                }
            }
            label { "Производитель"
                select name="maker" {
                    option value="" { "Все" }
                    @for m in &makers {
                        @let value = m.id.map_or("none".to_owned(), |id| id.to_string());
                        option value=(value) selected[maker == value] { (m.name) }
                    }
                }
            }
            (extra)
            label.check { input type="checkbox" name="in_stock" value="1" checked[here.in_stock]; "Только в наличии" }
            button type="submit" { "Показать" }
        }
    }
}

fn export_link(path: &str, raw: &str) -> String {
    if raw.is_empty() {
        format!("{path}/export.xlsx")
    } else {
        format!("{path}/export.xlsx?{raw}")
    }
}

fn query_of(here: &Here) -> String {
    here.with_page(1)
        .split_once('?')
        .map(|(_, q)| q.to_owned())
        .unwrap_or_default()
}

async fn stock_page(
    here: &Here,
    lines: &[StockLine],
    stale: Option<&Stale>,
    svc: &CatalogueService,
    site: &skazka_accounts::SiteSettings,
) -> Markup {
    let warehouse = warehouse_names(svc).await.remove(&site.warehouse);
    html! {
        h1 { "Остатки" }
        p.muted { "Свободный остаток на складе «" (warehouse.as_deref().unwrap_or("основной")) "»: в наличии минус резервы." }
        (staff_filters(svc, "/catalogue/stock", here, html! {}).await)
        (skazka_web::stale_banner(stale))
        p { "Товаров: " (lines.len()) " · " a href=(export_link("/catalogue/stock", &query_of(here))) download { "Выгрузить в Excel" }
            " · " a href="/catalogue/prices" { "Цены" } }
        @if lines.len() > SHOWN { p.muted { "Показаны первые " (SHOWN) "; уточните поиск или выгрузите всё в Excel." } }
        div.table-scroll {
            table.list.stock {
                thead { tr { th { "Товар" } th.num { "В наличии" } th.num { "Резерв" } th.num { "Свободно" } th { "Поставка" } } }
                tbody {
                    @for l in lines.iter().take(SHOWN) {
                        @let class = if l.available <= Decimal::ZERO { Some("out") } else if l.low { Some("low") } else { None };
                        tr class=[class] {
                            td { a href=(domain::product_url(l.id, "")) { (l.name) } br; span.muted { (l.code) " · " (l.unit) } }
                            td.num { (format::quantity(l.on_hand)) }
                            td.num { (format::quantity(l.reserved)) }
                            td.num { strong { (format::quantity(l.available)) } }
                            td { (l.next_delivery.map(format::date).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /catalogue/prices[/export.xlsx][?kind=<guid>]`: one price kind's current prices.
pub async fn prices(
    State(svc): State<CatalogueService>,
    session: Session,
    format: Format,
    export: Option<Path<String>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let Employee(session) = Employee::of(session)?;
    let out = output(format, export.as_ref().map(|p| p.0.as_str()))?;
    let (kind_param, rest) = split_kind(raw.as_deref())?;
    let here = Here::parse(Some(&rest))?;
    let site = svc.site().await?;
    let mut kinds = site.price_kinds.clone();
    kinds.extend(svc.public_kind(&site));
    kinds.dedup();
    let kind = match kind_param {
        Some(k) if kinds.contains(&k) => k,
        Some(_) => {
            return Err(AppError::BadRequest(
                "Этот вид цены не показывается.".into(),
            ));
        }
        None => *kinds.first().ok_or(AppError::NotFound)?,
    };
    let rows = rows(&svc, &here).await?;
    let list = svc.offers.prices(kind).await?;
    let packages: Vec<Guid> = list
        .value
        .lines
        .values()
        .filter_map(|l| l.package)
        .collect();
    let sizes = svc.store.package_sizes(&packages).await?;
    let today = svc.today();
    let lines: Vec<PriceListLine> = rows
        .iter()
        .filter_map(|r| {
            let line = list.value.lines.get(&r.id)?;
            let size = line.package.and_then(|p| sizes.get(&p).map(|s| s.1));
            let since = line.since.map(|d| d.date());
            Some(PriceListLine {
                id: r.id,
                code: r.code.clone(),
                name: r.name.clone(),
                unit: domain::unit_name(r),
                price: domain::per_unit(line, size)?,
                since,
                recent: since.is_some_and(|d| today - d < Duration::days(RECENT_DAYS)),
            })
        })
        .collect();
    let names = price_kind_names(&svc).await;
    let kind_name = names
        .get(&kind)
        .cloned()
        .unwrap_or_else(|| "Цены".to_owned());
    let answer = match out {
        Output::File(f) => {
            f.download(&price_table(&lines, &kind_name), &format!("prices-{today}"))?
        }
        Output::Page(Format::Json) => axum::Json(PriceTable {
            kind,
            kind_name,
            lines,
            stale: list.stale,
        })
        .into_response(),
        Output::Page(Format::Html) => {
            let chrome = skazka_session::chrome(Some(&session));
            let choose = html! {
                label { "Вид цены"
                    select name="kind" {
                        @for k in &kinds {
                            option value=(k) selected[*k == kind] { (names.get(k).map_or("Вид цены", String::as_str)) }
                        }
                    }
                }
            };
            let filters = staff_filters(&svc, "/catalogue/prices", &here, choose).await;
            let query = match query_of(&here) {
                q if q.is_empty() => format!("kind={kind}"),
                q => format!("kind={kind}&{q}"),
            };
            staff_page("Цены", &chrome, html! {
                h1 { "Цены: " (kind_name) }
                (filters)
                (skazka_web::stale_banner(list.stale.as_ref()))
                p { "Товаров: " (lines.len()) " · " a href=(export_link("/catalogue/prices", &query)) download { "Выгрузить в Excel" }
                    " · " a href="/catalogue/stock" { "Остатки" } }
                @if lines.len() > SHOWN { p.muted { "Показаны первые " (SHOWN) "; уточните поиск или выгрузите всё в Excel." } }
                div.table-scroll {
                    table.list {
                        thead { tr { th { "Товар" } th.num { "Цена" } th { "Действует с" } } }
                        tbody {
                            @for l in lines.iter().take(SHOWN) {
                                tr {
                                    td { a href=(domain::product_url(l.id, "")) { (l.name) } br; span.muted { (l.code) } }
                                    td.num { (format::money(l.price)) " за " (l.unit) }
                                    td { (l.since.map(format::date).unwrap_or_default())
                                        @if l.recent { " " span.badge.changed { "изменена" } } }
                                }
                            }
                        }
                    }
                }
            }).into_response()
        }
    };
    Ok(private(answer))
}

/// `kind` taken out of the query (the rest is the listing's filters).
fn split_kind(raw: Option<&str>) -> Result<(Option<Guid>, String), AppError> {
    let mut kind = None;
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if k == "kind" {
            if kind.is_some() {
                return Err(AppError::BadRequest(
                    "Параметр «kind» указан дважды.".into(),
                ));
            }
            kind = Some(
                skazka_viewer::parse_guid(v.trim())
                    .ok_or_else(|| AppError::BadRequest("Неверный вид цены.".into()))?,
            );
        } else {
            rest.append_pair(&k, &v);
        }
    }
    Ok((kind, rest.finish()))
}

fn price_table(lines: &[PriceListLine], kind: &str) -> Table {
    Table {
        title: kind.to_owned(),
        columns: vec![
            ("Код", Kind::Text),
            ("Товар", Kind::Text),
            ("Ед.", Kind::Text),
            ("Цена, ₸", Kind::Money),
            ("Действует с", Kind::Text),
            ("Изменена за 7 дней", Kind::Text),
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    Cell::text(&l.code),
                    Cell::text(&l.name),
                    Cell::text(&l.unit),
                    Cell::Number(l.price),
                    Cell::text(l.since.map(format::date).unwrap_or_default()),
                    Cell::text(if l.recent { "да" } else { "" }),
                ]
            })
            .collect(),
        totals: Vec::new(),
    }
}
