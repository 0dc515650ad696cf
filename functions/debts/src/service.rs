//! The debts service: 1C → open documents, through the shared read path (`skazka_reads`: cache,
//! time budget, breaker, kept data with its age).
//!
//! Scope is in the 1C query (docs/onec.md §6.1, §6.2): the settlements register has no agent
//! dimension, so the viewer's posted sale documents are read first (`Менеджер_Key` of the agent or
//! the team's agents, or `Партнер_Key` of a client's partners), then the balances of exactly those
//! ids. Two rounds per page whatever the number of documents (each round chunked and concurrent).
//! The company's register is never read whole.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use onec_client::model::{BaseTz, DebtSale, Payment, PaymentKind, short_number};
use onec_client::{Guid, OnecClient};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_reads::{LIVE, Policy, ReadError, Reader, Served};
use skazka_viewer::{AgentNames, Team, Viewer};

/// Cache keys start with this; bump it when a cached type changes shape.
const KEY: &str = "debts:v1";

/// Debts change when a payment is posted: a page is at most this policy's `ttl` (a minute, well
/// inside the five minutes promised) behind 1C, and kept a week for when 1C fails.
pub const FRESHNESS: Policy = LIVE;

/// The whole company's open documents (an admin's page) are read by the scheduled refresh
/// ([`DebtsService::refresh_company`], every five minutes in working hours): too many to read
/// within a page's budget at scale. A page reads them live only when the refresh is late.
pub const COMPANY_FRESHNESS: Policy = Policy::new(
    std::time::Duration::from_secs(6 * 60),
    std::time::Duration::from_secs(7 * 86_400),
);

/// How far back a client's payment history goes.
pub const PAYMENT_DAYS: u64 = 90;

/// A partner or a counterparty: its ref and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Party {
    pub id: Guid,
    pub name: String,
}

/// A sale document with open debt, as read from 1C (the day's ageing is computed per request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenDoc {
    pub id: Guid,
    /// As shown (§9 quirk 7) and as 1C has it.
    pub number: String,
    pub number_1c: String,
    pub date: Option<NaiveDate>,
    pub amount: Decimal,
    /// Positive: what is still owed.
    pub debt: Decimal,
    pub due: Option<NaiveDate>,
    pub agent: Option<Guid>,
    pub partner: Party,
    pub counterparty: Option<Party>,
}

/// A viewer's open documents and every partner of the viewer's sale documents (so that a client
/// page can tell "in scope, nothing owed" from "not the viewer's").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenDebts {
    pub docs: Vec<OpenDoc>,
    pub partners: Vec<Party>,
}

/// The cache key of a viewer's open debts.
pub fn open_key(viewer: &Viewer) -> String {
    format!("{KEY}:open:{}", viewer.cache_key())
}

/// An admin who has not picked an agent: the whole company.
const EVERYONE: Viewer = Viewer::Team {
    team: Team::Everyone,
};

/// How long a viewer's open debts stay fresh.
fn freshness(viewer: &Viewer) -> Policy {
    if *viewer == EVERYONE {
        COMPANY_FRESHNESS
    } else {
        FRESHNESS
    }
}

/// What a company refresh read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CompanyRefresh {
    /// Open sale documents.
    pub documents: usize,
    /// Their partners.
    pub partners: usize,
    /// Agents named (for the page's per-agent subtotals and the picker).
    pub agents: usize,
}

/// Reads the debts pages' data. Cheap to clone.
#[derive(Clone)]
pub struct DebtsService {
    onec: OnecClient,
    reader: Reader,
}

impl DebtsService {
    pub fn new(onec: OnecClient, reader: Reader) -> Self {
        DebtsService { onec, reader }
    }

    pub fn tz(&self) -> BaseTz {
        self.reader.tz()
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn onec(&self) -> &OnecClient {
        &self.onec
    }

    /// The viewer's open documents: one agent's, a client's partners', or a team's.
    pub async fn open(&self, viewer: &Viewer) -> Result<Served<OpenDebts>, ReadError> {
        self.reader
            .read(&open_key(viewer), freshness(viewer), || async {
                let sales = match (viewer.owner(), viewer) {
                    (Some(owner), _) => self.onec.owned_debt_sales(&owner).await?,
                    (None, &EVERYONE) => return self.company().await,
                    (None, Viewer::Team { team }) => {
                        self.onec.team_debt_sales(team.agents()).await?
                    }
                    (None, _) => return Err(ReadError::NotFound),
                };
                self.with_balances(sales).await
            })
            .await
    }

    /// Reads the whole company's open documents (no page budget: this is the scheduled job) and
    /// keeps them where an admin's page looks, with the agents' names that page shows. 1C
    /// failing leaves what was kept before.
    pub async fn refresh_company(&self) -> Result<CompanyRefresh, ReadError> {
        let debts = self.company().await?;
        self.reader
            .cache()
            .store(&open_key(&EVERYONE), COMPANY_FRESHNESS, &debts)
            .await;
        let agents = AgentNames::refresh(&self.reader, &self.onec).await?;
        Ok(CompanyRefresh {
            documents: debts.docs.len(),
            partners: debts.partners.len(),
            agents,
        })
    }

    /// Everyone's (an admin's): from the company's balances, only what is owed.
    async fn company(&self) -> Result<OpenDebts, ReadError> {
        let (sales, balances) = self.onec.company_debt_sales().await?;
        Ok(assemble(&sales, &balances))
    }

    async fn with_balances(&self, sales: Vec<DebtSale>) -> Result<OpenDebts, ReadError> {
        let balances = if sales.is_empty() {
            Default::default()
        } else {
            self.onec.debts_of_sales(&sales).await?
        };
        Ok(assemble(&sales, &balances))
    }

    /// A partner's payments of the last [`PAYMENT_DAYS`] days. The caller proves the partner is
    /// the viewer's first (it is among [`OpenDebts::partners`]).
    pub async fn payments(
        &self,
        viewer: &Viewer,
        partner: Guid,
    ) -> Result<Served<Vec<PaymentRow>>, ReadError> {
        let since = self.tz().today() - Days::new(PAYMENT_DAYS);
        let key = format!("{KEY}:payments:{}:{partner}:{since}", viewer.cache_key());
        self.reader
            .read(&key, FRESHNESS, || async {
                let rows = self.onec.partner_payments(partner, since).await?;
                Ok(rows.iter().map(PaymentRow::from_onec).collect())
            })
            .await
    }
}

/// The open documents among `sales` (a positive balance) and the partners of all of them.
fn assemble(sales: &[DebtSale], balances: &HashMap<Guid, Decimal>) -> OpenDebts {
    let mut partners: Vec<Party> = sales.iter().filter_map(partner).collect();
    partners.sort_by_key(|p| p.id);
    partners.dedup_by_key(|p| p.id);
    let docs = sales
        .iter()
        .filter_map(|s| {
            let debt = balances.get(&s.id).copied().unwrap_or_default();
            // A negative balance is an overpayment, not a debt (§6.2).
            (debt > Decimal::ZERO).then(|| open_doc(s, debt))?
        })
        .collect();
    OpenDebts { docs, partners }
}

fn partner(s: &DebtSale) -> Option<Party> {
    let p = s.partner.as_ref()?;
    Some(Party {
        id: p.id?,
        name: display_name(&p.name, "Партнер не найден"),
    })
}

fn display_name(name: &str, missing: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        missing.to_owned()
    } else {
        name.to_owned()
    }
}

fn open_doc(s: &DebtSale, debt: Decimal) -> Option<OpenDoc> {
    Some(OpenDoc {
        id: s.id,
        number: short_number(&s.number),
        number_1c: s.number.clone(),
        date: s.date.map(|d| d.date()),
        amount: s.total,
        debt,
        due: s.due_date(),
        agent: s.agent,
        partner: partner(s)?,
        counterparty: s.counterparty.as_ref().and_then(|c| {
            Some(Party {
                id: c.id?,
                name: display_name(&c.name, "Контрагент не найден"),
            })
        }),
    })
}

/// A payment as the client page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentRow {
    pub id: Guid,
    pub number: String,
    pub date: Option<NaiveDate>,
    pub amount: Decimal,
    /// «Наличные» or «Безналичные».
    pub kind: PaymentKind,
}

impl PaymentRow {
    fn from_onec(p: &Payment) -> Self {
        PaymentRow {
            id: p.id,
            number: short_number(&p.number),
            date: p.date.map(|d| d.date()),
            amount: p.amount,
            kind: p.kind,
        }
    }
}
