//! Sales (shipment) documents and the settlements balance rows of their debts (docs/onec.md
//! §3.17–3.19). The reads are in [`scoped`](super::scoped).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::Named;
use super::names::*;
use super::path;
use crate::decode::{self, Composite};
use crate::{Guid, Path};

/// A sale document header as the sale page shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(from = "RawSale")]
pub struct SalesDocument {
    pub id: Guid,
    pub number: String,
    pub date: Option<NaiveDateTime>,
    pub total: Decimal,
    pub posted: bool,
    pub comment: String,
    pub payment_form: String,
    /// The base order (`None` when empty or not an order).
    pub order: Option<Guid>,
    pub delivery_address: String,
    pub delivery_method: String,
    pub partner: Option<Named>,
}

#[derive(Deserialize)]
struct RawSale {
    #[serde(rename = "Ref_Key")]
    id: Guid,
    #[serde(rename = "Number", default, deserialize_with = "decode::text")]
    number: String,
    #[serde(rename = "Date", default, deserialize_with = "decode::date_opt")]
    date: Option<NaiveDateTime>,
    #[serde(
        rename = "СуммаДокумента",
        default,
        deserialize_with = "decode::decimal"
    )]
    total: Decimal,
    #[serde(rename = "Posted", default, deserialize_with = "decode::flag")]
    posted: bool,
    #[serde(rename = "Комментарий", default, deserialize_with = "decode::text")]
    comment: String,
    #[serde(rename = "ФормаОплаты", default, deserialize_with = "decode::text")]
    payment_form: String,
    #[serde(rename = "ЗаказКлиента", default)]
    order: serde_json::Value,
    #[serde(rename = "ЗаказКлиента_Type", default)]
    order_type: Option<String>,
    #[serde(rename = "АдресДоставки", default, deserialize_with = "decode::text")]
    delivery_address: String,
    #[serde(rename = "СпособДоставки", default, deserialize_with = "decode::text")]
    delivery_method: String,
    #[serde(rename = "Партнер", default)]
    partner: Option<Named>,
}

impl From<RawSale> for SalesDocument {
    fn from(r: RawSale) -> Self {
        SalesDocument {
            order: Composite::from_parts(&r.order, r.order_type.as_deref()).as_ref_key(),
            id: r.id,
            number: r.number,
            date: r.date,
            total: r.total,
            posted: r.posted,
            comment: r.comment,
            payment_form: r.payment_form,
            delivery_address: r.delivery_address,
            delivery_method: r.delivery_method,
            partner: r.partner,
        }
    }
}

/// A row of the settlements balance: the remaining debt of one sale document.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawDebt")]
pub struct DebtRow {
    /// The sale document (`None` when the settlement object is of another type).
    pub document: Option<Guid>,
    /// KZT; positive = the client owes.
    pub debt: Decimal,
}

#[derive(Deserialize)]
struct RawDebt {
    #[serde(rename = "ЗаказКлиента", default)]
    object: serde_json::Value,
    #[serde(rename = "ЗаказКлиента_Type", default)]
    object_type: Option<String>,
    #[serde(rename = "ДолгBalance", default, deserialize_with = "decode::decimal")]
    debt: Decimal,
}

impl From<RawDebt> for DebtRow {
    fn from(r: RawDebt) -> Self {
        let document = match Composite::from_parts(&r.object, r.object_type.as_deref()) {
            Composite::Ref { entity_set, key } if entity_set == SALES.as_str() => key,
            c @ Composite::String(_) => c.as_ref_key(),
            _ => None,
        };
        DebtRow {
            document,
            debt: r.debt,
        }
    }
}

/// The header fields a sale read selects (§7 #21).
pub(crate) fn sale_select() -> Vec<Path> {
    vec![
        REF_KEY.into(),
        NUMBER.into(),
        DATE.into(),
        DOC_SUM.into(),
        POSTED.into(),
        COMMENT.into(),
        PAYMENT_FORM.into(),
        CLIENT_ORDER.into(),
        DELIVERY_ADDRESS.into(),
        DELIVERY_METHOD.into(),
        path([PARTNER, DESCRIPTION]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;

    const SALE: Guid = Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38");

    #[test]
    fn decodes_spec_rows() {
        let body = r#"{"value":[{ "Ref_Key": "5828755a-8819-11ed-89ab-000c29dddd38", "Number": "КК00-010233", "Date": "2024-04-22T16:05:40",
  "СуммаДокумента": 152300, "Posted": true,
  "ЗаказКлиента": "6d0c2b1a-0c2f-11ef-8a52-000c29dddd38", "ЗаказКлиента_Type": "StandardODATA.Document_ЗаказКлиента",
  "Партнер": { "Description": "ИП Сапарова Г.К. (маг. Береке)" } },
  { "Ref_Key": "9c1b2a3d-8819-11ed-89ab-000c29dddd38", "ЗаказКлиента": "00000000-0000-0000-0000-000000000000", "ЗаказКлиента_Type": "StandardODATA.Document_ЗаказКлиента" }]}"#;
        let s = &collection::<SalesDocument>("s", body.as_bytes())
            .unwrap()
            .value;
        assert_eq!(s[0].id, SALE);
        assert_eq!(s[0].total, Decimal::from(152300));
        assert!(s[0].posted);
        assert_eq!(
            s[0].order,
            Some(Guid::from_static("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38"))
        );
        assert_eq!(
            s[0].partner.as_ref().unwrap().name,
            "ИП Сапарова Г.К. (маг. Береке)"
        );
        assert_eq!(s[1].order, None, "an empty base order");

        let body = r#"{"value":[{"ДолгBalance":52300,"ЗаказКлиента":"5828755a-8819-11ed-89ab-000c29dddd38","ЗаказКлиента_Type":"StandardODATA.Document_РеализацияТоваровУслуг"},
            {"ДолгBalance":10,"ЗаказКлиента":"6d0c2b1a-0c2f-11ef-8a52-000c29dddd38","ЗаказКлиента_Type":"StandardODATA.Document_ЗаказКлиента"}]}"#;
        let d = collection::<DebtRow>("d", body.as_bytes()).unwrap().value;
        assert_eq!(d[0].document, Some(SALE));
        assert_eq!(d[0].debt, Decimal::from(52300));
        assert_eq!(d[1].document, None);
    }
}
