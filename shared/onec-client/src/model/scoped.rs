//! The one way the portal reads documents (orders and sales) from 1C: scoped to whom they belong
//! (docs/onec.md §6.1, and §8 for clients).
//!
//! - Headers take an [`Owner`] — an agent's documents (`Менеджер_Key`) or a client's partners'
//!   (`Партнер_Key`) — into every filter, so asking for another agent's order by id returns no
//!   row (the page answers 404), never the order: [`OnecClient::owned_orders`],
//!   [`owned_orders_stream`](OnecClient::owned_orders_stream), [`owned_order`](OnecClient::owned_order),
//!   [`owned_sale`](OnecClient::owned_sale), [`order_sales`](OnecClient::order_sales).
//! - What hangs off a document is read by ids the caller got from one of those reads, i.e. already
//!   proven to be the owner's: lines with their unit, the Агент Плюс rows of orders, the debts of
//!   sale documents. Never pass ids taken from a request.
//!
//! Also the Агент Плюс property refs, found by name. A whole-company read of documents (the
//! original's debts report read every indebted document of the company) has no place here.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::names::*;
use super::orders::{
    AgentPlusProperties, AgentPlusRow, Order, OrderLine, line_select, order_select,
};
use super::sales::{DebtRow, SalesDocument, sale_select};
use super::{day_end, day_start, path};
use crate::filter::{Expr, field};
use crate::name::Name;
use crate::{Guid, OnecClient, OnecError, Path, Query, VirtualTable};

/// The unit (package) of a document line.
const PACKAGE: Name = Name::of("Упаковка");
/// A product's base unit.
const UNIT: Name = Name::of("ЕдиницаИзмерения");

/// The Агент Плюс additional properties, by `Description` (docs/onec.md §3.16).
pub const AGENT_PLUS_LATITUDE: &str = "АгентПлюсДокументШирота";
pub const AGENT_PLUS_LONGITUDE: &str = "АгентПлюсДокументДолгота";
pub const AGENT_PLUS_STARTED: &str = "АгентПлюсДокументВремяНачала";
pub const AGENT_PLUS_STOPPED: &str = "АгентПлюсДокументВремяОкончания";

/// Whose documents a request may return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner<'a> {
    /// An agent's: `Менеджер_Key` is the agent's 1C user ref.
    Agent(Guid),
    /// A client's: `Партнер_Key` is one of its partners.
    Partners(&'a [Guid]),
}

impl Owner<'_> {
    /// The owner's part of a filter.
    pub fn filter(&self) -> Expr {
        match self {
            Owner::Agent(agent) => field(MANAGER_KEY).eq(*agent),
            Owner::Partners(partners) => {
                Expr::any_eq(&field(PARTNER_KEY), partners.iter().copied())
            }
        }
    }

    /// A client without partners owns nothing: no request is needed.
    pub fn is_empty(&self) -> bool {
        matches!(self, Owner::Partners(p) if p.is_empty())
    }
}

/// Which date of an order a list filters on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderDate {
    /// `Date`: when the order was taken.
    Taken,
    /// `ДатаОтгрузки`: when it ships.
    Shipment,
}

impl OrderDate {
    fn field(self) -> Name {
        match self {
            OrderDate::Taken => DATE,
            OrderDate::Shipment => SHIPMENT_DATE,
        }
    }
}

/// An owner's orders whose `date` falls within `from..=to` (whole days), with comments (§7 #16,
/// #17 and §8).
pub fn owned_orders_query(owner: &Owner, date: OrderDate, from: NaiveDate, to: NaiveDate) -> Query {
    let on = date.field();
    Query::set(ORDERS)
        .filter(Expr::And(vec![
            owner.filter(),
            field(on.clone()).ge(day_start(from)),
            field(on).le(day_end(to)),
        ]))
        .select(order_select())
        .expand([PARTNER])
}

/// One order, only if the owner's (§7 #18 with the owner; a filter, as 1C refuses `$expand` on
/// key requests).
pub fn owned_order_query(id: Guid, owner: &Owner) -> Query {
    Query::set(ORDERS)
        .filter(field(REF_KEY).eq(id).and(owner.filter()))
        .select(order_select())
        .expand([PARTNER])
}

/// One sale document, only if the owner's (§7 #21 with the owner).
pub fn owned_sale_query(id: Guid, owner: &Owner) -> Query {
    Query::set(SALES)
        .filter(field(REF_KEY).eq(id).and(owner.filter()))
        .select(sale_select())
        .expand([PARTNER])
}

/// The owner's non-deleted sale documents made from `order` (their `ЗаказКлиента`).
pub fn order_sales_query(order: Guid, owner: &Owner) -> Query {
    Query::set(SALES)
        .filter(Expr::And(vec![
            field(CLIENT_ORDER).eq(Expr::cast(order, ORDERS)),
            owner.filter(),
            field(DELETION_MARK).eq(false),
        ]))
        .select([
            REF_KEY.into(),
            NUMBER.into(),
            DATE.into(),
            DOC_SUM.into(),
            POSTED.into(),
            path([PARTNER, DESCRIPTION]),
        ])
        .expand([PARTNER])
}

fn with_unit(mut select: Vec<Path>) -> Vec<Path> {
    select.push(path([PRODUCT, UNIT, DESCRIPTION]));
    select.push(path([PACKAGE, DESCRIPTION]));
    select
}

fn unit_expand() -> [Path; 3] {
    [PRODUCT.into(), path([PRODUCT, UNIT]), PACKAGE.into()]
}

/// The lines of one order (§7 #19) with each line's unit.
pub fn order_lines_with_units_query(order: Guid) -> Query {
    Query::set(ORDER_LINES)
        .filter(field(REF_KEY).eq(order))
        .select(with_unit(line_select(Some(CANCELLED))))
        .expand(unit_expand())
}

/// The lines of one sale document (§7 #22) with each line's unit.
pub fn sale_lines_with_units_query(sale: Guid) -> Query {
    Query::set(SALE_LINES)
        .filter(field(REF_KEY).eq(sale))
        .select(with_unit(line_select(None)))
        .expand(unit_expand())
}

/// The Агент Плюс rows of a chunk of the owner's orders (§7 #20).
pub fn agent_plus_rows_query(orders: &[Guid]) -> Query {
    let object = field(OBJECT);
    Query::set(EXTRA_INFO)
        .filter(Expr::Or(
            orders
                .iter()
                .map(|o| object.clone().eq(Expr::cast(*o, ORDERS)))
                .collect(),
        ))
        .select([OBJECT, PROPERTY_KEY, VALUE])
}

/// The remaining debts of a chunk of the owner's sale documents (§7 #23 for many).
pub fn sales_debts_query(sales: &[Guid]) -> Query {
    let object = field(CLIENT_ORDER);
    Query::virtual_table(
        CLIENT_SETTLEMENTS,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![CLIENT_ORDER],
        },
    )
    .filter(Expr::Or(
        sales
            .iter()
            .map(|s| object.clone().eq(Expr::cast(*s, SALES)))
            .collect(),
    ))
    .select([DEBT, CLIENT_ORDER])
}

/// An order or sale line with its unit: the line's package (`Упаковка`), or else the product's
/// unit (`Номенклатура/ЕдиницаИзмерения`) — lines in the base unit often leave the package empty.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct UnitLine {
    pub line: OrderLine,
    /// The unit's name (`None` when 1C names none).
    pub unit: Option<String>,
}

impl TryFrom<serde_json::Value> for UnitLine {
    type Error = serde_json::Error;

    fn try_from(v: serde_json::Value) -> Result<Self, Self::Error> {
        let name = |v: &serde_json::Value| {
            v.get("Description")
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let unit = v.get(PACKAGE.as_str()).and_then(name).or_else(|| {
            v.get(PRODUCT.as_str())
                .and_then(|p| p.get(UNIT.as_str()))
                .and_then(name)
        });
        Ok(UnitLine {
            line: serde_json::from_value(v)?,
            unit,
        })
    }
}

impl UnitLine {
    pub fn unit_name(&self) -> Option<&str> {
        self.unit.as_deref()
    }
}

impl OnecClient {
    /// An owner's orders by order or shipment date (one request).
    pub async fn owned_orders(
        &self,
        owner: &Owner<'_>,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Order>, OnecError> {
        if owner.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch(&owned_orders_query(owner, date, from, to)).await
    }

    /// The same through the paging stream, ordered by the list's date (for spans too long for one
    /// response, e.g. a year of an agent's orders).
    pub fn owned_orders_stream(
        &self,
        owner: &Owner<'_>,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
        page_size: u64,
    ) -> impl futures::Stream<Item = Result<Order, OnecError>> + Send + 'static {
        // A client without partners owns nothing: an empty page, not a filter matching everyone.
        let q = (!owner.is_empty()).then(|| {
            owned_orders_query(owner, date, from, to)
                .order_by(date.field(), crate::Order::Asc)
                .order_by(REF_KEY, crate::Order::Asc)
        });
        match q {
            Some(q) => futures::future::Either::Left(self.stream(q, page_size)),
            None => futures::future::Either::Right(futures::stream::empty()),
        }
    }

    /// One order, `None` when it does not exist or is not the owner's.
    pub async fn owned_order(
        &self,
        id: Guid,
        owner: &Owner<'_>,
    ) -> Result<Option<Order>, OnecError> {
        if owner.is_empty() {
            return Ok(None);
        }
        Ok(self
            .fetch(&owned_order_query(id, owner))
            .await?
            .into_iter()
            .next())
    }

    /// One sale document, `None` when it does not exist or is not the owner's.
    pub async fn owned_sale(
        &self,
        id: Guid,
        owner: &Owner<'_>,
    ) -> Result<Option<SalesDocument>, OnecError> {
        if owner.is_empty() {
            return Ok(None);
        }
        Ok(self
            .fetch(&owned_sale_query(id, owner))
            .await?
            .into_iter()
            .next())
    }

    /// The owner's sale documents made from an order.
    pub async fn order_sales(
        &self,
        order: Guid,
        owner: &Owner<'_>,
    ) -> Result<Vec<SalesDocument>, OnecError> {
        if owner.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch(&order_sales_query(order, owner)).await
    }

    /// The lines of an order the caller read through an owned read.
    pub async fn order_lines_with_units(&self, order: Guid) -> Result<Vec<UnitLine>, OnecError> {
        self.fetch(&order_lines_with_units_query(order)).await
    }

    /// The lines of a sale document the caller read through an owned read.
    pub async fn sale_lines_with_units(&self, sale: Guid) -> Result<Vec<UnitLine>, OnecError> {
        self.fetch(&sale_lines_with_units_query(sale)).await
    }

    /// The raw Агент Плюс rows of orders the caller read through an owned read (chunked,
    /// concurrent); fold them with [`positions`](super::orders::positions).
    pub async fn agent_plus_rows(&self, orders: &[Guid]) -> Result<Vec<AgentPlusRow>, OnecError> {
        self.fetch_by_ids(orders, agent_plus_rows_query).await
    }

    /// Remaining debt per sale document the caller read through an owned read (chunked,
    /// concurrent); paid documents are absent.
    pub async fn sales_debts(&self, sales: &[Guid]) -> Result<HashMap<Guid, Decimal>, OnecError> {
        let rows: Vec<DebtRow> = self.fetch_by_ids(sales, sales_debts_query).await?;
        let mut out: HashMap<Guid, Decimal> = HashMap::new();
        for r in rows {
            if let Some(doc) = r.document {
                *out.entry(doc).or_default() += r.debt;
            }
        }
        Ok(out)
    }

    /// The Агент Плюс property refs, found by `Description`; `None` when the base lacks any.
    pub async fn agent_plus_properties(&self) -> Result<Option<AgentPlusProperties>, OnecError> {
        let defs = self.attribute_defs().await?;
        let find = |name: &str| defs.iter().find(|d| d.description == name).map(|d| d.id);
        Ok((|| {
            Some(AgentPlusProperties {
                latitude: find(AGENT_PLUS_LATITUDE)?,
                longitude: find(AGENT_PLUS_LONGITUDE)?,
                started: find(AGENT_PLUS_STARTED)?,
                stopped: find(AGENT_PLUS_STOPPED)?,
            })
        })())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::assert_wire;

    const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const ORDER: Guid = Guid::from_static("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38");
    const SALE: Guid = Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38");
    const P1: Guid = Guid::from_static("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b");
    const P2: Guid = Guid::from_static("2b3c4d5f-6238-11ec-8f2b-54ee75d06a1b");

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const SELECT: &str = "Ref_Key,Number,Date,СуммаДокумента,Комментарий,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark";

    #[test]
    fn an_agents_reads_are_the_originals_requests() {
        let agent = Owner::Agent(AGENT);
        // §7 #16 exactly, as Node sent it.
        assert_wire(
            &owned_orders_query(&agent, OrderDate::Taken, d(2024, 5, 7), d(2024, 5, 7)),
            &format!(
                "Document_ЗаказКлиента?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and Date ge datetime'2024-05-07T00:00:00' and Date le datetime'2024-05-07T23:59:59'&$select={SELECT}&$expand=Партнер"
            ),
        );
        // §7 #17, with the comment the original left out.
        assert_wire(
            &owned_orders_query(&agent, OrderDate::Shipment, d(2024, 5, 8), d(2024, 5, 8)),
            &format!(
                "Document_ЗаказКлиента?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and ДатаОтгрузки ge datetime'2024-05-08T00:00:00' and ДатаОтгрузки le datetime'2024-05-08T23:59:59'&$select={SELECT}&$expand=Партнер"
            ),
        );
        // §7 #18 and #21 with the owner.
        assert_wire(
            &owned_order_query(ORDER, &agent),
            &format!(
                "Document_ЗаказКлиента?$format=json&$filter=Ref_Key eq guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38' and Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'&$select={SELECT}&$expand=Партнер"
            ),
        );
        assert_wire(
            &owned_sale_query(SALE, &agent),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38' and Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'&$select=Ref_Key,Number,Date,СуммаДокумента,Posted,Комментарий,ФормаОплаты,ЗаказКлиента,АдресДоставки,СпособДоставки,Партнер/Description&$expand=Партнер",
        );
        assert_eq!(
            order_sales_query(ORDER, &agent).decoded(),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=ЗаказКлиента eq cast(guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента') and Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and DeletionMark eq false&$select=Ref_Key,Number,Date,СуммаДокумента,Posted,Партнер/Description&$expand=Партнер"
        );
    }

    #[test]
    fn a_clients_reads_filter_on_its_partners() {
        let partners = [P1, P2];
        let client = Owner::Partners(&partners);
        // §8: one partner is a plain comparison, several an `or` in parentheses.
        assert_wire(
            &owned_orders_query(
                &Owner::Partners(&[P1]),
                OrderDate::Taken,
                d(2024, 5, 1),
                d(2024, 5, 31),
            ),
            &format!(
                "Document_ЗаказКлиента?$format=json&$filter=Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' and Date ge datetime'2024-05-01T00:00:00' and Date le datetime'2024-05-31T23:59:59'&$select={SELECT}&$expand=Партнер"
            ),
        );
        assert!(
            owned_orders_query(&client, OrderDate::Taken, d(2024, 5, 1), d(2024, 5, 1))
                .decoded()
                .contains("$filter=(Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' or Партнер_Key eq guid'2b3c4d5f-6238-11ec-8f2b-54ee75d06a1b') and Date ge datetime'2024-05-01T00:00:00' and Date le")
        );
        assert!(
            owned_sale_query(SALE, &client).decoded().contains(
                "$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38' and (Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' or Партнер_Key eq"
            )
        );
        assert!(Owner::Partners(&[]).is_empty() && !client.is_empty());
        assert!(!Owner::Agent(AGENT).is_empty());
    }

    #[test]
    fn lines_positions_and_debts_by_proven_ids() {
        assert_wire(
            &agent_plus_rows_query(&[
                ORDER,
                Guid::from_static("7e1d3c2b-0c2f-11ef-8a52-000c29dddd38"),
            ]),
            "InformationRegister_ДополнительныеСведения?$format=json&$filter=Объект eq cast(guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента') or Объект eq cast(guid'7e1d3c2b-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента')&$select=Объект,Свойство_Key,Значение",
        );
        assert_eq!(
            order_lines_with_units_query(ORDER).decoded(),
            "Document_ЗаказКлиента_Товары?$format=json&$filter=Ref_Key eq guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38'&$select=LineNumber,Номенклатура_Key,Количество,ВидЦены_Key,Цена,Сумма,СуммаНДС,СуммаСНДС,СуммаРучнойСкидки,СуммаАвтоматическойСкидки,Отменено,Номенклатура/Description,Номенклатура/ЕдиницаИзмерения/Description,Упаковка/Description&$expand=Номенклатура,Номенклатура/ЕдиницаИзмерения,Упаковка"
        );
        assert!(
            sale_lines_with_units_query(SALE)
                .decoded()
                .starts_with("Document_РеализацияТоваровУслуг_Товары?$format=json&$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38'&$select=LineNumber,")
        );
        assert_eq!(
            sales_debts_query(&[SALE]).decoded(),
            "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента eq cast(guid'5828755a-8819-11ed-89ab-000c29dddd38', 'Document_РеализацияТоваровУслуг')&$select=ДолгBalance,ЗаказКлиента"
        );
        let body = r#"{"value":[{"LineNumber":"1","Количество":2,"Цена":10,"Сумма":20,"Отменено":true,"Номенклатура":{"Description":"Сыр","ЕдиницаИзмерения":{"Description":"шт"}},"Упаковка":{"Description":"кг"}},
            {"LineNumber":"2","Номенклатура":{"Description":"Сыр","ЕдиницаИзмерения":{"Description":"шт"}},"Упаковка":null}]}"#;
        let lines = crate::decode::collection::<UnitLine>("l", body.as_bytes())
            .unwrap()
            .value;
        let l = &lines[0];
        assert_eq!(
            lines[1].unit_name(),
            Some("шт"),
            "the product's unit when no package"
        );
        assert!(l.line.cancelled);
        assert_eq!(
            (l.line.product_name(), l.unit_name()),
            (Some("Сыр"), Some("кг"))
        );
    }
}
