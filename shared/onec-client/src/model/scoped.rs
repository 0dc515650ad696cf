//! Document reads scoped to whom the documents belong (docs/onec.md §6.1, and §8 for clients): an
//! agent's documents (`Менеджер_Key`) or a client's partners' (`Партнер_Key`). The scope is part of
//! every filter, so asking for another agent's order by id returns no row — the page answers 404 —
//! and never the order. Also: lines with their unit, the sales made from an order, the debts of a
//! list of sale documents, and the Агент Плюс property refs found by name.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::names::*;
use super::orders::{
    AgentPlusProperties, Order, OrderLine, line_select, order_query, order_select,
};
use super::sales::{DebtRow, SalesDocument, sale_query};
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

/// An owner's orders whose `date` falls within `from..=to` (whole days), with comments.
pub fn owned_orders_query(owner: &Owner, date: OrderDate, from: NaiveDate, to: NaiveDate) -> Query {
    let on = match date {
        OrderDate::Taken => DATE,
        OrderDate::Shipment => SHIPMENT_DATE,
    };
    Query::set(ORDERS)
        .filter(Expr::And(vec![
            owner.filter(),
            field(on.clone()).ge(day_start(from)),
            field(on).le(day_end(to)),
        ]))
        .select(order_select(true))
        .expand([PARTNER])
}

/// One order, only if the owner's.
pub fn owned_order_query(id: Guid, owner: &Owner) -> Query {
    order_query(id).filter(field(REF_KEY).eq(id).and(owner.filter()))
}

/// One sale document, only if the owner's.
pub fn owned_sale_query(id: Guid, owner: &Owner) -> Query {
    sale_query(id).filter(field(REF_KEY).eq(id).and(owner.filter()))
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

/// The remaining debts of a chunk of sale documents (§7 #23 for many).
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

    pub async fn order_lines_with_units(&self, order: Guid) -> Result<Vec<UnitLine>, OnecError> {
        self.fetch(&order_lines_with_units_query(order)).await
    }

    pub async fn sale_lines_with_units(&self, sale: Guid) -> Result<Vec<UnitLine>, OnecError> {
        self.fetch(&sale_lines_with_units_query(sale)).await
    }

    /// Remaining debt per sale document (chunked, concurrent); paid documents are absent.
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

    const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const ORDER: Guid = Guid::from_static("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38");
    const SALE: Guid = Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38");
    const P1: Guid = Guid::from_static("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b");
    const P2: Guid = Guid::from_static("2b3c4d5f-6238-11ec-8f2b-54ee75d06a1b");

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn scope_is_in_every_filter() {
        let agent = Owner::Agent(AGENT);
        let partners = [P1, P2];
        let client = Owner::Partners(&partners);
        assert_eq!(
            owned_orders_query(&agent, OrderDate::Shipment, d(2024, 5, 1), d(2024, 5, 7)).decoded(),
            "Document_ЗаказКлиента?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and ДатаОтгрузки ge datetime'2024-05-01T00:00:00' and ДатаОтгрузки le datetime'2024-05-07T23:59:59'&$select=Ref_Key,Number,Date,СуммаДокумента,Комментарий,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark&$expand=Партнер"
        );
        assert!(
            owned_orders_query(&client, OrderDate::Taken, d(2024, 5, 1), d(2024, 5, 1))
                .decoded()
                .contains("$filter=(Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' or Партнер_Key eq guid'2b3c4d5f-6238-11ec-8f2b-54ee75d06a1b') and Date ge datetime'2024-05-01T00:00:00' and Date le")
        );
        assert!(
            owned_order_query(ORDER, &agent).decoded().contains(
                "$filter=Ref_Key eq guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38' and Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'&"
            )
        );
        assert!(
            owned_sale_query(SALE, &client).decoded().contains(
                "$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38' and (Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' or Партнер_Key eq"
            )
        );
        assert_eq!(
            order_sales_query(ORDER, &agent).decoded(),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=ЗаказКлиента eq cast(guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента') and Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and DeletionMark eq false&$select=Ref_Key,Number,Date,СуммаДокумента,Posted,Партнер/Description&$expand=Партнер"
        );
        assert!(Owner::Partners(&[]).is_empty() && !agent.is_empty());
    }

    #[test]
    fn lines_and_debts() {
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
