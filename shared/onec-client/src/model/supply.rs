//! Upcoming deliveries: supplier orders and their lines (docs/onec.md §8, inferred source — names
//! follow UT 11). Open quantities come from the lines; the simulated base has no
//! `AccumulationRegister_ЗаказыПоставщикам`, so the client does not read it.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::day_start;
use super::names::*;
use crate::client::ref_key_in;
use crate::decode;
use crate::filter::{Expr, field};
use crate::{Guid, OnecClient, OnecError, Query};

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
}

#[cfg(test)]
mod tests {
    use super::*;
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
    }
}
