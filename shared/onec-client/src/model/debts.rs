//! What clients owe, scoped by whose documents they are (docs/onec.md §3.19, §6.2, §8.4, §8.5).
//!
//! The settlements register has no agent dimension, so the scope goes into the documents' query:
//! the owner's (or the team's) posted sale documents first ([`OnecClient::owned_debt_sales`],
//! [`OnecClient::team_debt_sales`]), then the balances of their partners only
//! ([`OnecClient::debts_of_sales`]: the partners' analytics keys, then `Balance` with a
//! `Condition` on those keys — applied before aggregation, §P8), kept for exactly those documents.
//! The rounds depend on the number of partners, not of documents (an agent has a few dozen
//! clients and thousands of documents; a filter by document ids took 37 s in the simulator for
//! a year of one agent's sales). The company's whole register is never read. A partner's payments ([`OnecClient::partner_payments`]) are read for a partner the caller
//! proved to be in the viewer's scope through those documents.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::names::*;
use super::sales::DebtRow;
use super::scoped::Owner;
use super::{Named, day_start, path};
use crate::decode;
use crate::filter::{Expr, field};
use crate::name::Name;
use crate::{Guid, OnecClient, OnecError, Query, VirtualTable};

/// The partners' analytics keys (§4): the register's partner dimension points to them.
pub const PARTNER_KEYS: Name = Name::of("Catalog_КлючиАналитикиУчетаПоПартнерам");
const PARTNER_ANALYTICS_KEY: Name = Name::of("АналитикаУчетаПоПартнерам_Key");
const DUE_DATE: Name = Name::of("ДатаПлатежа");
const CONTRACT: Name = Name::of("Договор");
const PAYMENT_TERM: Name = Name::of("СрокОплаты");
/// Cash and bank receipts (§8.4).
pub const CASH_RECEIPTS: Name = Name::of("Document_ПриходныйКассовыйОрдер");
pub const BANK_RECEIPTS: Name = Name::of("Document_ПоступлениеБезналичныхДенежныхСредств");

/// A posted sale document that may carry debt, with what the debts pages group and age it by.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(from = "RawDebtSale")]
pub struct DebtSale {
    pub id: Guid,
    pub number: String,
    pub date: Option<NaiveDateTime>,
    pub total: Decimal,
    /// `ДатаПлатежа`, when the document has one.
    pub due: Option<NaiveDateTime>,
    /// The contract's `СрокОплаты` in days, when the document names a contract with one.
    pub term_days: Option<u32>,
    pub agent: Option<Guid>,
    pub partner: Option<Named>,
    pub counterparty: Option<Named>,
}

#[derive(Deserialize)]
struct RawContract {
    #[serde(rename = "СрокОплаты", default, deserialize_with = "decode::decimal")]
    term: Decimal,
}

#[derive(Deserialize)]
struct RawDebtSale {
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
    #[serde(rename = "ДатаПлатежа", default, deserialize_with = "decode::date_opt")]
    due: Option<NaiveDateTime>,
    #[serde(
        rename = "Менеджер_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    agent: Option<Guid>,
    #[serde(rename = "Партнер", default)]
    partner: Option<Named>,
    #[serde(rename = "Контрагент", default)]
    counterparty: Option<Named>,
    #[serde(rename = "Договор", default)]
    contract: Option<RawContract>,
}

impl From<RawDebtSale> for DebtSale {
    fn from(r: RawDebtSale) -> Self {
        use rust_decimal::prelude::ToPrimitive;
        DebtSale {
            id: r.id,
            number: r.number,
            date: r.date,
            total: r.total,
            due: r.due,
            // A zero term is "not set" (an empty number is a zero, §P5.1).
            term_days: r.contract.and_then(|c| c.term.to_u32()).filter(|&d| d > 0),
            agent: r.agent,
            partner: r.partner,
            counterparty: r.counterparty,
        }
    }
}

impl DebtSale {
    /// When payment is due: `ДатаПлатежа`, else the date plus the contract's term, else unknown.
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.due.map(|d| d.date()).or_else(|| {
            let days = self.term_days?;
            Some(self.date?.date() + chrono::Days::new(u64::from(days)))
        })
    }
}

/// Posted, non-deleted sale documents within `scope` (everyone's when `None`).
fn debt_sales_query(scope: Option<Expr>) -> Query {
    let clauses = scope
        .into_iter()
        .chain([field(POSTED).eq(true), field(DELETION_MARK).eq(false)])
        .collect();
    Query::set(SALES)
        .filter(Expr::And(clauses))
        .select([
            REF_KEY.into(),
            NUMBER.into(),
            DATE.into(),
            DOC_SUM.into(),
            DUE_DATE.into(),
            MANAGER_KEY.into(),
            path([PARTNER, REF_KEY]),
            path([PARTNER, DESCRIPTION]),
            path([COUNTERPARTY, REF_KEY]),
            path([COUNTERPARTY, DESCRIPTION]),
            path([CONTRACT, PAYMENT_TERM]),
        ])
        .expand([PARTNER, COUNTERPARTY, CONTRACT])
}

/// An owner's posted, non-deleted sale documents of all years: only they can carry the owner's
/// debt (§6.2 (a), (b)).
pub fn owned_debt_sales_query(owner: &Owner) -> Query {
    debt_sales_query(Some(owner.filter()))
}

/// The same for a chunk of a team's agents, or for everyone (`None`, an admin).
pub fn team_debt_sales_query(agents: Option<&[Guid]>) -> Query {
    debt_sales_query(agents.map(|a| Expr::any_eq(&field(MANAGER_KEY), a.iter().copied())))
}

/// Posted, non-deleted sale documents among `ids` (a chunk of documents with a balance).
pub fn debt_sales_by_ids_query(ids: &[Guid]) -> Query {
    debt_sales_query(Some(Expr::any_eq(&field(REF_KEY), ids.iter().copied())))
}

/// Every balance of the company per settlement object (§3.19 without a `Condition`): only what
/// is open, however many documents were ever posted.
pub fn company_balances_query() -> Query {
    Query::virtual_table(
        CLIENT_SETTLEMENTS,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![CLIENT_ORDER],
        },
    )
    .select([DEBT, CLIENT_ORDER])
}

/// The analytics keys of a chunk of partners (one partner owns one per counterparty and
/// contract).
pub fn partner_keys_query(partners: &[Guid]) -> Query {
    Query::set(PARTNER_KEYS)
        .filter(Expr::any_eq(&field(PARTNER_KEY), partners.iter().copied()))
        .select([REF_KEY])
}

/// The open balances per settlement object of a chunk of partner keys (§3.19 with a `Condition`).
pub fn partner_balances_query(keys: &[Guid]) -> Query {
    Query::virtual_table(
        CLIENT_SETTLEMENTS,
        VirtualTable::Balance {
            period: None,
            condition: Some(Expr::any_eq(
                &field(PARTNER_ANALYTICS_KEY),
                keys.iter().copied(),
            )),
            dimensions: vec![CLIENT_ORDER],
        },
    )
    .select([DEBT, CLIENT_ORDER])
}

#[derive(Deserialize)]
struct KeyRow {
    #[serde(rename = "Ref_Key")]
    id: Guid,
}

/// Which kind of receipt a payment is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum PaymentKind {
    Cash,
    Bank,
}

/// A client's payment (§8.4): a cash or a bank receipt.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Payment {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "Number", default, deserialize_with = "decode::text")]
    pub number: String,
    #[serde(rename = "Date", default, deserialize_with = "decode::date_opt")]
    pub date: Option<NaiveDateTime>,
    #[serde(
        rename = "СуммаДокумента",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub amount: Decimal,
    #[serde(skip, default = "cash")]
    pub kind: PaymentKind,
}

fn cash() -> PaymentKind {
    PaymentKind::Cash
}

/// A partner's posted receipts of one kind dated `since` or later.
pub fn partner_payments_query(kind: PaymentKind, partner: Guid, since: NaiveDate) -> Query {
    let set = match kind {
        PaymentKind::Cash => CASH_RECEIPTS,
        PaymentKind::Bank => BANK_RECEIPTS,
    };
    Query::set(set)
        .filter(Expr::And(vec![
            field(PARTNER_KEY).eq(partner),
            field(POSTED).eq(true),
            field(DELETION_MARK).eq(false),
            field(DATE).ge(day_start(since)),
        ]))
        .select([REF_KEY, NUMBER, DATE, DOC_SUM])
}

impl OnecClient {
    /// An owner's sale documents that may carry debt (one request).
    pub async fn owned_debt_sales(&self, owner: &Owner<'_>) -> Result<Vec<DebtSale>, OnecError> {
        if owner.is_empty() {
            return Ok(Vec::new());
        }
        self.fetch(&owned_debt_sales_query(owner)).await
    }

    /// A team's sale documents that may carry debt: one request for everyone, else one per chunk
    /// of agents, fetched concurrently.
    pub async fn team_debt_sales(
        &self,
        agents: Option<&[Guid]>,
    ) -> Result<Vec<DebtSale>, OnecError> {
        match agents {
            None => self.fetch(&team_debt_sales_query(None)).await,
            Some([]) => Ok(Vec::new()),
            Some(agents) => {
                self.fetch_by_ids(agents, |chunk| team_debt_sales_query(Some(chunk)))
                    .await
            }
        }
    }

    /// The whole company's sale documents that are owed, with each one's balance (an admin's
    /// "everyone"): the balances first, then only those documents, by ids in chunks — reading
    /// every sale ever posted and then their balances does not fit a page's budget at scale.
    pub async fn company_debt_sales(
        &self,
    ) -> Result<(Vec<DebtSale>, HashMap<Guid, Decimal>), OnecError> {
        let rows: Vec<DebtRow> = self.fetch(&company_balances_query()).await?;
        let mut balances: HashMap<Guid, Decimal> = HashMap::new();
        for r in rows {
            if let Some(doc) = r.document {
                *balances.entry(doc).or_insert(Decimal::ZERO) += r.debt;
            }
        }
        let mut owed: Vec<Guid> = balances
            .iter()
            .filter(|(_, debt)| **debt > Decimal::ZERO)
            .map(|(id, _)| *id)
            .collect();
        owed.sort();
        if owed.is_empty() {
            return Ok((Vec::new(), balances));
        }
        let sales = self.fetch_by_ids(&owed, debt_sales_by_ids_query).await?;
        Ok((sales, balances))
    }

    /// The balance of each of `sales` (documents the caller read through an owned or a team
    /// read), as 1C gives it — negative is an overpayment; paid documents are absent. Two rounds
    /// bounded by the documents' partners: their analytics keys, then their balances.
    pub async fn debts_of_sales(
        &self,
        sales: &[DebtSale],
    ) -> Result<HashMap<Guid, Decimal>, OnecError> {
        let mut partners: Vec<Guid> = sales
            .iter()
            .filter_map(|s| s.partner.as_ref()?.id)
            .collect();
        partners.sort();
        partners.dedup();
        if partners.is_empty() {
            return Ok(HashMap::new());
        }
        let keys: Vec<KeyRow> = self.fetch_by_ids(&partners, partner_keys_query).await?;
        let keys: Vec<Guid> = keys.into_iter().map(|k| k.id).collect();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<DebtRow> = self.fetch_by_ids(&keys, partner_balances_query).await?;
        let wanted: HashSet<Guid> = sales.iter().map(|s| s.id).collect();
        let mut out = HashMap::new();
        for r in rows {
            if let Some(doc) = r.document.filter(|d| wanted.contains(d)) {
                *out.entry(doc).or_insert(Decimal::ZERO) += r.debt;
            }
        }
        Ok(out)
    }

    /// A partner's cash and bank receipts since a day, newest first (two requests, concurrent).
    /// The caller proves the partner is in the viewer's scope before asking.
    pub async fn partner_payments(
        &self,
        partner: Guid,
        since: NaiveDate,
    ) -> Result<Vec<Payment>, OnecError> {
        let cash_q = partner_payments_query(PaymentKind::Cash, partner, since);
        let bank_q = partner_payments_query(PaymentKind::Bank, partner, since);
        let (cash, bank) = futures::try_join!(
            self.fetch::<Payment>(&cash_q),
            self.fetch::<Payment>(&bank_q),
        )?;
        let mut all: Vec<Payment> = cash
            .into_iter()
            .chain(bank.into_iter().map(|p| Payment {
                kind: PaymentKind::Bank,
                ..p
            }))
            .collect();
        all.sort_by_key(|p| std::cmp::Reverse(p.date));
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::assert_wire;

    const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const P1: Guid = Guid::from_static("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b");

    const SELECT: &str = "Ref_Key,Number,Date,СуммаДокумента,ДатаПлатежа,Менеджер_Key,Партнер/Ref_Key,Партнер/Description,Контрагент/Ref_Key,Контрагент/Description,Договор/СрокОплаты&$expand=Партнер,Контрагент,Договор";

    #[test]
    fn an_agents_debt_documents_are_scoped_in_the_filter() {
        assert_wire(
            &owned_debt_sales_query(&Owner::Agent(AGENT)),
            &format!(
                "Document_РеализацияТоваровУслуг?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and Posted eq true and DeletionMark eq false&$select={SELECT}"
            ),
        );
        assert_wire(
            &owned_debt_sales_query(&Owner::Partners(&[P1])),
            &format!(
                "Document_РеализацияТоваровУслуг?$format=json&$filter=Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' and Posted eq true and DeletionMark eq false&$select={SELECT}"
            ),
        );
    }

    #[test]
    fn a_team_is_its_agents_and_an_admin_everyone() {
        assert_wire(
            &team_debt_sales_query(Some(&[AGENT])),
            &format!(
                "Document_РеализацияТоваровУслуг?$format=json&$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38' and Posted eq true and DeletionMark eq false&$select={SELECT}"
            ),
        );
        assert_wire(
            &team_debt_sales_query(None),
            &format!(
                "Document_РеализацияТоваровУслуг?$format=json&$filter=Posted eq true and DeletionMark eq false&$select={SELECT}"
            ),
        );
    }

    #[test]
    fn payments_are_a_partners_recent_receipts() {
        let since = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_wire(
            &partner_payments_query(PaymentKind::Cash, P1, since),
            "Document_ПриходныйКассовыйОрдер?$format=json&$filter=Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b' and Posted eq true and DeletionMark eq false and Date ge datetime'2024-03-01T00:00:00'&$select=Ref_Key,Number,Date,СуммаДокумента",
        );
        assert!(
            partner_payments_query(PaymentKind::Bank, P1, since)
                .decoded()
                .starts_with("Document_ПоступлениеБезналичныхДенежныхСредств?")
        );
    }

    #[test]
    fn balances_are_read_for_the_documents_partners_only() {
        assert_wire(
            &partner_keys_query(&[P1]),
            "Catalog_КлючиАналитикиУчетаПоПартнерам?$format=json&$filter=Партнер_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b'&$select=Ref_Key",
        );
        assert_eq!(
            partner_balances_query(&[P1, AGENT]).decoded(),
            "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Condition='АналитикаУчетаПоПартнерам_Key eq guid''2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b'' or АналитикаУчетаПоПартнерам_Key eq guid''f10f9345-f6f4-11ed-89ec-000c29dddd38''',Dimensions='ЗаказКлиента')?$format=json&$select=ДолгBalance,ЗаказКлиента"
        );
    }

    #[test]
    fn due_date_is_the_documents_else_the_contracts_term() {
        let body = r#"{"value":[
            {"Ref_Key":"5828755a-8819-11ed-89ab-000c29dddd38","Date":"2024-04-22T16:05:40","ДатаПлатежа":"2024-05-06T00:00:00","Договор":{"СрокОплаты":30}},
            {"Ref_Key":"5828755b-8819-11ed-89ab-000c29dddd38","Date":"2024-04-22T16:05:40","ДатаПлатежа":"0001-01-01T00:00:00","Договор":{"СрокОплаты":10}},
            {"Ref_Key":"5828755c-8819-11ed-89ab-000c29dddd38","Date":"2024-04-22T16:05:40","ДатаПлатежа":"0001-01-01T00:00:00","Договор":null}]}"#;
        let rows = crate::decode::collection::<DebtSale>("s", body.as_bytes())
            .unwrap()
            .value;
        let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day);
        assert_eq!(rows[0].due_date(), d(5, 6));
        assert_eq!(rows[1].due_date(), d(5, 2));
        assert_eq!(rows[2].due_date(), None);
    }
}
