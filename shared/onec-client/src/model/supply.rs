//! Upcoming deliveries: supplier orders, their lines and open quantities (ENTITIES.md §8,
//! inferred source — names follow UT 11).

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::day_start;
use super::names::*;
use crate::client::ref_key_in;
use crate::decode::{self, Composite};
use crate::filter::{Expr, field};
use crate::{Guid, OnecClient, OnecError, Query, VirtualTable};

/// A supplier order header (`Document_ЗаказПоставщику`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SupplierOrder {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "Number", default, deserialize_with = "decode::text")]
    pub number: String,
    #[serde(rename = "Date", default, deserialize_with = "decode::date_opt")]
    pub date: Option<NaiveDateTime>,
    /// Expected receipt date.
    #[serde(
        rename = "ДатаПоступления",
        default,
        deserialize_with = "decode::date_opt"
    )]
    pub receipt_date: Option<NaiveDateTime>,
    /// `Enum_СтатусыЗаказовПоставщикам` value name (`Подтвержден`, `КПоступлению`, `Закрыт`…).
    #[serde(rename = "Статус", default, deserialize_with = "decode::text")]
    pub status: String,
    #[serde(
        rename = "Партнер_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub supplier: Option<Guid>,
    #[serde(rename = "Склад_Key", default, deserialize_with = "decode::reference")]
    pub warehouse: Option<Guid>,
}

/// A supplier order line.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SupplierOrderLine {
    #[serde(rename = "Ref_Key")]
    pub order: Guid,
    #[serde(rename = "LineNumber", deserialize_with = "decode::int64")]
    pub line_number: i64,
    #[serde(
        rename = "Номенклатура_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub product: Option<Guid>,
    #[serde(rename = "Количество", default, deserialize_with = "decode::decimal")]
    pub quantity: Decimal,
    #[serde(rename = "Отменено", default, deserialize_with = "decode::flag")]
    pub cancelled: bool,
    #[serde(
        rename = "ДатаПоступления",
        default,
        deserialize_with = "decode::date_opt"
    )]
    pub receipt_date: Option<NaiveDateTime>,
}

/// Quantity still expected on one supplier order for one product.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawOpen")]
pub struct OpenSupply {
    pub product: Option<Guid>,
    pub order: Option<Guid>,
    pub quantity: Decimal,
}

#[derive(Deserialize)]
struct RawOpen {
    #[serde(
        rename = "Номенклатура_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    product: Option<Guid>,
    // A single-type dimension arrives as `…_Key`, a composite one as value + `_Type`.
    #[serde(
        rename = "ЗаказПоставщику_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    order_key: Option<Guid>,
    #[serde(rename = "ЗаказПоставщику", default)]
    order: serde_json::Value,
    #[serde(rename = "ЗаказПоставщику_Type", default)]
    order_type: Option<String>,
    #[serde(
        rename = "ЗаказаноBalance",
        default,
        deserialize_with = "decode::decimal"
    )]
    quantity: Decimal,
}

impl From<RawOpen> for OpenSupply {
    fn from(r: RawOpen) -> Self {
        let order = r
            .order_key
            .or_else(|| Composite::from_parts(&r.order, r.order_type.as_deref()).as_ref_key());
        OpenSupply {
            product: r.product,
            order,
            quantity: r.quantity,
        }
    }
}

/// §8: posted, not deleted supplier orders expected from `from` on.
pub fn supplier_orders_query(from: NaiveDate) -> Query {
    Query::set(SUPPLIER_ORDERS)
        .filter(Expr::And(vec![
            field(POSTED).eq(true),
            field(DELETION_MARK).eq(false),
            field(RECEIPT_DATE).ge(day_start(from)),
        ]))
        .select([
            REF_KEY,
            NUMBER,
            DATE,
            RECEIPT_DATE,
            STATUS,
            PARTNER_KEY,
            WAREHOUSE_KEY,
        ])
}

/// §8: lines of a chunk of supplier orders.
pub fn supplier_order_lines_query(orders: &[Guid]) -> Query {
    Query::set(SUPPLIER_ORDER_LINES)
        .filter(ref_key_in(orders))
        .select([
            REF_KEY,
            LINE_NUMBER,
            PRODUCT_KEY,
            QUANTITY,
            CANCELLED,
            RECEIPT_DATE,
        ])
}

/// §8: open quantities per product and supplier order.
pub fn open_supply_query() -> Query {
    Query::virtual_table(
        SUPPLIER_ORDERS_REG,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![PRODUCT, SUPPLIER_ORDER],
        },
    )
}

impl OnecClient {
    pub async fn supplier_orders(&self, from: NaiveDate) -> Result<Vec<SupplierOrder>, OnecError> {
        self.fetch(&supplier_orders_query(from)).await
    }

    pub async fn supplier_order_lines(
        &self,
        orders: &[Guid],
    ) -> Result<Vec<SupplierOrderLine>, OnecError> {
        self.fetch_by_ids(orders, supplier_order_lines_query).await
    }

    pub async fn open_supply(&self) -> Result<Vec<OpenSupply>, OnecError> {
        self.fetch(&open_supply_query()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    #[test]
    fn wire_forms() {
        assert_wire(
            &supplier_orders_query(NaiveDate::from_ymd_opt(2024, 5, 7).unwrap()),
            "Document_ЗаказПоставщику?$format=json&$filter=Posted eq true and DeletionMark eq false and ДатаПоступления ge datetime'2024-05-07T00:00:00'&$select=Ref_Key,Number,Date,ДатаПоступления,Статус,Партнер_Key,Склад_Key",
        );
        assert_wire(
            &supplier_order_lines_query(&[Guid::from_static(
                "6d0c2b1a-0c2f-11ef-8a52-000c29dddd38",
            )]),
            "Document_ЗаказПоставщику_Товары?$format=json&$filter=Ref_Key eq guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38'&$select=Ref_Key,LineNumber,Номенклатура_Key,Количество,Отменено,ДатаПоступления",
        );
        assert_wire(
            &open_supply_query(),
            "AccumulationRegister_ЗаказыПоставщикам/Balance(Dimensions='Номенклатура,ЗаказПоставщику')?$format=json",
        );
    }

    #[test]
    fn decodes_both_dimension_forms() {
        let body = r#"{"value":[{"Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38","ЗаказПоставщику_Key":"6d0c2b1a-0c2f-11ef-8a52-000c29dddd38","ЗаказаноBalance":5},
            {"Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38","ЗаказПоставщику":"6d0c2b1a-0c2f-11ef-8a52-000c29dddd38","ЗаказПоставщику_Type":"StandardODATA.Document_ЗаказПоставщику","ЗаказаноBalance":2.5}]}"#;
        let rows = collection::<OpenSupply>("o", body.as_bytes())
            .unwrap()
            .value;
        let order = Some(Guid::from_static("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38"));
        assert_eq!((rows[0].order, rows[1].order), (order, order));
        assert_eq!(rows[1].quantity.to_string(), "2.5");
    }
}
