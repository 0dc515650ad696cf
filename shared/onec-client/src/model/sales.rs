//! Sales (shipment) documents, their lines and client debts (docs/onec.md §3.17–3.19, §6.2).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::Named;
use super::names::*;
use super::orders::{OrderLine, sale_line_select};
use super::path;
use crate::client::ref_key_in;
use crate::decode::{self, Composite};
use crate::filter::{Expr, field};
use crate::{Guid, OnecClient, OnecError, Query, VirtualTable};

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
    pub counterparty: Option<Counterparty>,
}

/// A counterparty (legal entity) with its head counterparty.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Counterparty {
    #[serde(rename = "Ref_Key", default, deserialize_with = "decode::reference")]
    pub id: Option<Guid>,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub name: String,
    #[serde(
        rename = "ГоловнойКонтрагент_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub head: Option<Guid>,
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
    #[serde(rename = "Контрагент", default)]
    counterparty: Option<Counterparty>,
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
            counterparty: r.counterparty,
        }
    }
}

/// A sale line: an order line without `cancelled`, plus the order it shipped.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawSaleLine")]
pub struct SalesLine {
    pub line: OrderLine,
    pub order: Option<Guid>,
}

#[derive(Deserialize)]
struct RawSaleLine {
    #[serde(flatten)]
    line: OrderLine,
    #[serde(rename = "ЗаказКлиента", default)]
    order: serde_json::Value,
    #[serde(rename = "ЗаказКлиента_Type", default)]
    order_type: Option<String>,
}

impl From<RawSaleLine> for SalesLine {
    fn from(r: RawSaleLine) -> Self {
        SalesLine {
            line: r.line,
            order: Composite::from_parts(&r.order, r.order_type.as_deref()).as_ref_key(),
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

#[derive(Deserialize)]
struct IdOnly {
    #[serde(rename = "Ref_Key")]
    id: Guid,
}

fn settlements() -> VirtualTable {
    VirtualTable::Balance {
        period: None,
        condition: None,
        dimensions: vec![CLIENT_ORDER],
    }
}

/// §7 #21: one sale document.
pub fn sale_query(id: Guid) -> Query {
    Query::set(SALES)
        .filter(field(REF_KEY).eq(id))
        .select([
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
        ])
        .expand([PARTNER])
}

/// §7 #22 (S26 form, with the order of each line).
pub fn sale_lines_query(id: Guid) -> Query {
    Query::set(SALE_LINES)
        .filter(field(REF_KEY).eq(id))
        .select(sale_line_select())
        .expand([PRODUCT])
}

/// §7 #23: the debt of one sale document.
pub fn sale_debt_query(id: Guid) -> Query {
    Query::virtual_table(CLIENT_SETTLEMENTS, settlements())
        .filter(field(CLIENT_ORDER).eq(Expr::cast(id, SALES)))
        .select([DEBT])
}

/// §7 #24: every indebted sale document of the company.
pub fn debts_query() -> Query {
    Query::virtual_table(CLIENT_SETTLEMENTS, settlements())
        .filter(field(CLIENT_ORDER_TYPE).eq(format!("StandardODATA.{SALES}")))
        .select([DEBT, CLIENT_ORDER])
}

/// §7 #25: ids of an agent's posted sales (all years).
pub fn agent_sales_ids_query(agent: Guid) -> Query {
    Query::set(SALES)
        .filter(field(MANAGER_KEY).eq(agent).and(field(POSTED).eq(true)))
        .select([REF_KEY])
}

/// §7 #26: headers with counterparty and partner of a chunk of sale documents.
pub fn sales_by_ids_query(ids: &[Guid]) -> Query {
    Query::set(SALES)
        .filter(ref_key_in(ids))
        .select([
            REF_KEY.into(),
            NUMBER.into(),
            DATE.into(),
            DOC_SUM.into(),
            path([COUNTERPARTY, REF_KEY]),
            path([COUNTERPARTY, DESCRIPTION]),
            path([COUNTERPARTY, HEAD_COUNTERPARTY_KEY]),
            path([PARTNER, REF_KEY]),
            path([PARTNER, DESCRIPTION]),
        ])
        .expand([COUNTERPARTY, PARTNER])
}

/// An agent's indebted document, joined with its header.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentDebt {
    pub document: SalesDocument,
    pub debt: Decimal,
}

impl OnecClient {
    pub async fn sale(&self, id: Guid) -> Result<Option<SalesDocument>, OnecError> {
        Ok(self.fetch(&sale_query(id)).await?.into_iter().next())
    }

    pub async fn sale_lines(&self, id: Guid) -> Result<Vec<SalesLine>, OnecError> {
        self.fetch(&sale_lines_query(id)).await
    }

    /// The remaining debt of one sale document; 0 when 1C has no row (paid).
    pub async fn sale_debt(&self, id: Guid) -> Result<Decimal, OnecError> {
        let rows: Vec<DebtRow> = self.fetch(&sale_debt_query(id)).await?;
        Ok(rows.iter().map(|r| r.debt).sum())
    }

    pub async fn debts(&self) -> Result<Vec<DebtRow>, OnecError> {
        self.fetch(&debts_query()).await
    }

    pub async fn agent_sales_ids(&self, agent: Guid) -> Result<Vec<Guid>, OnecError> {
        let rows: Vec<IdOnly> = self.fetch(&agent_sales_ids_query(agent)).await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    pub async fn sales_by_ids(&self, ids: &[Guid]) -> Result<Vec<SalesDocument>, OnecError> {
        self.fetch_by_ids(ids, sales_by_ids_query).await
    }

    /// docs/onec.md §6.2: an agent's indebted sale documents with headers, in three round trips
    /// whatever the number of documents (the first two concurrent, the details chunked).
    pub async fn agent_debts(&self, agent: Guid) -> Result<Vec<DocumentDebt>, OnecError> {
        let (debts, mine) = futures::try_join!(self.debts(), self.agent_sales_ids(agent))?;
        let mine: std::collections::HashSet<Guid> = mine.into_iter().collect();
        let mut owed: std::collections::HashMap<Guid, Decimal> = std::collections::HashMap::new();
        for r in debts {
            if let Some(doc) = r.document.filter(|d| mine.contains(d)) {
                *owed.entry(doc).or_default() += r.debt;
            }
        }
        let ids: Vec<Guid> = owed.keys().copied().collect();
        let docs = self.sales_by_ids(&ids).await?;
        Ok(docs
            .into_iter()
            .map(|d| DocumentDebt {
                debt: owed.get(&d.id).copied().unwrap_or_default(),
                document: d,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    const SALE: Guid = Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38");
    const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");

    #[test]
    fn wire_forms() {
        assert_wire(
            &sale_query(SALE),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38'&$select=Ref_Key,Number,Date,СуммаДокумента,Posted,Комментарий,ФормаОплаты,ЗаказКлиента,АдресДоставки,СпособДоставки,Партнер/Description&$expand=Партнер",
        );
        assert_wire(
            &sale_lines_query(SALE),
            "Document_РеализацияТоваровУслуг_Товары?$format=json&$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38'&$select=LineNumber,Номенклатура_Key,Количество,ВидЦены_Key,Цена,Сумма,СуммаНДС,СуммаСНДС,СуммаРучнойСкидки,СуммаАвтоматическойСкидки,ЗаказКлиента,Номенклатура/Description&$expand=Номенклатура",
        );
        assert_wire(
            &sale_debt_query(SALE),
            "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента eq cast(guid'5828755a-8819-11ed-89ab-000c29dddd38', 'Document_РеализацияТоваровУслуг')&$select=ДолгBalance",
        );
        assert_wire(
            &debts_query(),
            "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента_Type eq 'StandardODATA.Document_РеализацияТоваровУслуг'&$select=ДолгBalance,ЗаказКлиента",
        );
        assert_wire(
            &agent_sales_ids_query(AGENT),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and Posted eq true&$select=Ref_Key",
        );
        assert_wire(
            &sales_by_ids_query(&[
                SALE,
                Guid::from_static("9c1b2a3d-8819-11ed-89ab-000c29dddd38"),
            ]),
            "Document_РеализацияТоваровУслуг?$format=json&$filter=Ref_Key eq guid'5828755a-8819-11ed-89ab-000c29dddd38' or Ref_Key eq guid'9c1b2a3d-8819-11ed-89ab-000c29dddd38'&$select=Ref_Key,Number,Date,СуммаДокумента,Контрагент/Ref_Key,Контрагент/Description,Контрагент/ГоловнойКонтрагент_Key,Партнер/Ref_Key,Партнер/Description&$expand=Контрагент,Партнер",
        );
    }

    #[test]
    fn decodes_spec_rows() {
        let body = r#"{"value":[{ "Ref_Key": "5828755a-8819-11ed-89ab-000c29dddd38", "Number": "КК00-010233", "Date": "2024-04-22T16:05:40",
  "СуммаДокумента": 152300,
  "Контрагент": { "Ref_Key": "1a2b3c4d-6238-11ec-8f2b-54ee75d06a1b", "Description": "ИП Сапарова Г.К.", "ГоловнойКонтрагент_Key": "1a2b3c4d-6238-11ec-8f2b-54ee75d06a1b" },
  "Партнер": { "Ref_Key": "2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b", "Description": "ИП Сапарова Г.К. (маг. Береке)" } }]}"#;
        let s = &collection::<SalesDocument>("s", body.as_bytes())
            .unwrap()
            .value[0];
        assert_eq!(s.total, Decimal::from(152300));
        assert_eq!(s.counterparty.as_ref().unwrap().name, "ИП Сапарова Г.К.");
        assert_eq!(s.order, None);

        let body = r#"{"value":[{"ДолгBalance":52300,"ЗаказКлиента":"5828755a-8819-11ed-89ab-000c29dddd38","ЗаказКлиента_Type":"StandardODATA.Document_РеализацияТоваровУслуг"},
            {"ДолгBalance":10,"ЗаказКлиента":"6d0c2b1a-0c2f-11ef-8a52-000c29dddd38","ЗаказКлиента_Type":"StandardODATA.Document_ЗаказКлиента"}]}"#;
        let d = collection::<DebtRow>("d", body.as_bytes()).unwrap().value;
        assert_eq!(d[0].document, Some(SALE));
        assert_eq!(d[0].debt, Decimal::from(52300));
        assert_eq!(d[1].document, None);

        let body = r#"{"value":[{"LineNumber":"2","Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38","Количество":1.5,"Цена":100,"Сумма":150,"ЗаказКлиента":"6d0c2b1a-0c2f-11ef-8a52-000c29dddd38","ЗаказКлиента_Type":"StandardODATA.Document_ЗаказКлиента","Номенклатура":{"Description":"X"}}]}"#;
        let l = &collection::<SalesLine>("l", body.as_bytes()).unwrap().value[0];
        assert_eq!(l.line.line_number, 2);
        assert_eq!(
            l.order,
            Some(Guid::from_static("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38"))
        );
    }
}
