//! The debts pages' values (HTML renders them, JSON answers them as they are): a viewer's open
//! documents grouped by client with their ageing, sorted and searched; one client's page.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onec_client::Guid;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_viewer::AgentNames;
use skazka_web::{AppError, Stale};

use crate::ageing::{Bucket, Buckets, days_overdue};
use crate::service::{OpenDoc, Party, PaymentRow};

/// How the clients are ordered (`?sort=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = DebtsSort)]
pub enum Sort {
    /// The largest debt first.
    #[default]
    Debt,
    /// The most overdue document first.
    Overdue,
    /// By name.
    Client,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Debt, Sort::Overdue, Sort::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Debt => "debt",
            Sort::Overdue => "overdue",
            Sort::Client => "client",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Debt => "По сумме долга",
            Sort::Overdue => "По просрочке",
            Sort::Client => "По клиенту",
        }
    }
}

/// The list's query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Params {
    pub q: Option<String>,
    pub sort: Option<String>,
}

/// The list's parsed query: a search by client name and an order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = DebtsQuery)]
pub struct Query {
    pub q: String,
    pub sort: Sort,
}

impl Query {
    pub fn parse(p: &Params) -> Result<Query, AppError> {
        let sort = match p.sort.as_deref().map(str::trim) {
            None | Some("") => Sort::default(),
            Some(s) => Sort::ALL
                .into_iter()
                .find(|o| o.as_str() == s)
                .ok_or_else(|| {
                    AppError::BadRequest("Параметр sort: debt, overdue или client".into())
                })?,
        };
        Ok(Query {
            q: p.q.as_deref().unwrap_or("").trim().to_owned(),
            sort,
        })
    }

    fn matches(&self, doc: &OpenDoc) -> bool {
        if self.q.is_empty() {
            return true;
        }
        let needle = self.q.to_lowercase();
        std::iter::once(&doc.partner)
            .chain(doc.counterparty.as_ref())
            .any(|p| p.name.to_lowercase().contains(&needle))
    }
}

/// One open document as a page shows it on a given day.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: Guid,
    pub number: String,
    pub date: Option<NaiveDate>,
    pub amount: Decimal,
    /// What is still owed.
    pub debt: Decimal,
    pub due: Option<NaiveDate>,
    /// Positive when overdue; `None` without a due date.
    pub days_overdue: Option<i64>,
    pub bucket: Bucket,
    pub counterparty: Option<String>,
    /// The agent whose document it is (internal: absent for clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<Guid>,
}

impl Document {
    fn of(d: &OpenDoc, today: NaiveDate, internal: bool) -> Document {
        let days = days_overdue(d.due, today);
        Document {
            id: d.id,
            number: d.number.clone(),
            date: d.date,
            amount: d.amount,
            debt: d.debt,
            due: d.due,
            days_overdue: days,
            bucket: days.map_or(Bucket::NotDue, Bucket::of),
            counterparty: d.counterparty.as_ref().map(|c| c.name.clone()),
            agent: d.agent.filter(|_| internal),
        }
    }

    pub fn overdue(&self) -> bool {
        self.bucket.overdue()
    }
}

/// One client (partner) with its counterparties and open documents.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientDebts {
    pub partner: Party,
    /// The legal entities its documents were issued to.
    pub counterparties: Vec<String>,
    pub debt: Decimal,
    pub overdue: Decimal,
    pub max_days_overdue: Option<i64>,
    pub buckets: Buckets,
    /// The most overdue first, then the largest.
    pub documents: Vec<Document>,
}

impl ClientDebts {
    fn build(partner: Party, mut documents: Vec<Document>) -> ClientDebts {
        documents.sort_by(|a, b| {
            b.days_overdue
                .cmp(&a.days_overdue)
                .then(b.debt.cmp(&a.debt))
        });
        let mut buckets = Buckets::default();
        for d in &documents {
            buckets.add(d.bucket, d.debt);
        }
        let mut counterparties: Vec<String> = documents
            .iter()
            .filter_map(|d| d.counterparty.clone())
            .collect();
        counterparties.sort();
        counterparties.dedup();
        ClientDebts {
            partner,
            counterparties,
            debt: documents.iter().map(|d| d.debt).sum(),
            overdue: buckets.overdue(),
            max_days_overdue: documents.iter().filter_map(|d| d.days_overdue).max(),
            buckets,
            documents,
        }
    }
}

/// An agent's share of a team's debts.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgentSubtotal {
    pub agent: Guid,
    pub name: String,
    pub debt: Decimal,
    pub overdue: Decimal,
    pub documents: usize,
}

/// `/debts`, `/my/debts`: what the viewer's clients owe.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DebtsReport {
    /// The remaining debt of everything listed (a decimal string in JSON).
    pub total: Decimal,
    pub overdue: Decimal,
    pub buckets: Buckets,
    pub clients: Vec<ClientDebts>,
    /// A team's page: each agent's subtotal (largest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<AgentSubtotal>>,
    pub today: NaiveDate,
    pub query: Query,
    pub stale: Option<Stale>,
}

/// The documents grouped by partner, each group built.
fn by_client(docs: &[&OpenDoc], today: NaiveDate, internal: bool) -> Vec<ClientDebts> {
    let mut groups: BTreeMap<Guid, (Party, Vec<Document>)> = BTreeMap::new();
    for d in docs {
        groups
            .entry(d.partner.id)
            .or_insert_with(|| (d.partner.clone(), Vec::new()))
            .1
            .push(Document::of(d, today, internal));
    }
    groups
        .into_values()
        .map(|(p, docs)| ClientDebts::build(p, docs))
        .collect()
}

fn sort_clients(clients: &mut [ClientDebts], sort: Sort) {
    match sort {
        Sort::Debt => clients.sort_by_key(|c| std::cmp::Reverse(c.debt)),
        Sort::Overdue => clients.sort_by(|a, b| {
            b.max_days_overdue
                .cmp(&a.max_days_overdue)
                .then(b.overdue.cmp(&a.overdue))
        }),
        Sort::Client => clients.sort_by(|a, b| {
            a.partner
                .name
                .to_lowercase()
                .cmp(&b.partner.name.to_lowercase())
        }),
    }
}

fn subtotals(clients: &[ClientDebts], team: &[Guid], names: &AgentNames) -> Vec<AgentSubtotal> {
    let mut by_agent: BTreeMap<Guid, AgentSubtotal> = team
        .iter()
        .map(|&agent| {
            let row = AgentSubtotal {
                agent,
                name: names.name(agent),
                debt: Decimal::ZERO,
                overdue: Decimal::ZERO,
                documents: 0,
            };
            (agent, row)
        })
        .collect();
    for d in clients.iter().flat_map(|c| &c.documents) {
        let Some(agent) = d.agent else { continue };
        let row = by_agent.entry(agent).or_insert_with(|| AgentSubtotal {
            agent,
            name: names.name(agent),
            debt: Decimal::ZERO,
            overdue: Decimal::ZERO,
            documents: 0,
        });
        row.debt += d.debt;
        row.documents += 1;
        if d.overdue() {
            row.overdue += d.debt;
        }
    }
    let mut rows: Vec<AgentSubtotal> = by_agent.into_values().collect();
    rows.sort_by(|a, b| b.debt.cmp(&a.debt).then(a.name.cmp(&b.name)));
    rows
}

/// A team's page: the agents listed by the team (a supervisor's), plus any agent with debts.
pub struct TeamView<'a> {
    pub agents: &'a [Guid],
    pub names: &'a AgentNames,
}

impl DebtsReport {
    pub fn build(
        docs: &[OpenDoc],
        today: NaiveDate,
        query: Query,
        internal: bool,
        team: Option<TeamView<'_>>,
        stale: Option<Stale>,
    ) -> DebtsReport {
        let shown: Vec<&OpenDoc> = docs.iter().filter(|d| query.matches(d)).collect();
        let mut clients = by_client(&shown, today, internal);
        sort_clients(&mut clients, query.sort);
        let mut buckets = Buckets::default();
        for c in &clients {
            buckets.merge(&c.buckets);
        }
        DebtsReport {
            total: clients.iter().map(|c| c.debt).sum(),
            overdue: buckets.overdue(),
            buckets,
            agents: team.map(|t| subtotals(&clients, t.agents, t.names)),
            clients,
            today,
            query,
            stale,
        }
    }
}

/// `/debts/clients/{partner}`: one client's open documents and recent payments.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientPage {
    /// The client's remaining debt (a decimal string in JSON).
    pub total: Decimal,
    pub client: ClientDebts,
    /// The last 90 days' payments, newest first.
    pub payments: Vec<PaymentRow>,
    pub paid: Decimal,
    pub today: NaiveDate,
    pub stale: Option<Stale>,
}

impl ClientPage {
    /// `None` when the partner is not among the viewer's (`partners`): the page is "not found".
    pub fn build(
        partner: Guid,
        partners: &[Party],
        docs: &[OpenDoc],
        payments: Vec<PaymentRow>,
        today: NaiveDate,
        internal: bool,
        stale: Option<Stale>,
    ) -> Option<ClientPage> {
        let party = partners.iter().find(|p| p.id == partner)?.clone();
        let mine: Vec<Document> = docs
            .iter()
            .filter(|d| d.partner.id == partner)
            .map(|d| Document::of(d, today, internal))
            .collect();
        let client = ClientDebts::build(party, mine);
        Some(ClientPage {
            total: client.debt,
            paid: payments.iter().map(|p| p.amount).sum(),
            client,
            payments,
            today,
            stale,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    fn party(n: u8, name: &str) -> Party {
        Party {
            id: Guid::parse(&format!("00000000-0000-0000-0000-0000000000{n:02}")).unwrap(),
            name: name.to_owned(),
        }
    }

    fn doc(n: u8, partner: &Party, debt: i64, due: NaiveDate) -> OpenDoc {
        OpenDoc {
            id: party(n + 50, "").id,
            number: format!("1-{n}"),
            number_1c: format!("0001-{n}"),
            date: Some(d(1, 1)),
            amount: Decimal::from(debt * 2),
            debt: Decimal::from(debt),
            due: Some(due),
            agent: Some(party(99, "").id),
            partner: partner.clone(),
            counterparty: Some(party(n + 20, "ТОО Ромашка")),
        }
    }

    #[test]
    fn grouped_by_client_aged_sorted_and_searched() {
        let (a, b) = (party(1, "Береке"), party(2, "Арман"));
        let today = d(5, 31);
        let docs = [
            doc(1, &a, 100, d(5, 31)), // due today: not yet due
            doc(2, &a, 50, d(5, 30)),  // 1 day
            doc(3, &b, 70, d(3, 1)),   // 91 days
        ];
        let report = DebtsReport::build(&docs, today, Query::default(), true, None, None);
        assert_eq!(report.total, Decimal::from(220));
        assert_eq!(report.overdue, Decimal::from(120));
        assert_eq!(report.buckets.not_due, Decimal::from(100));
        assert_eq!(report.buckets.days_1_7, Decimal::from(50));
        assert_eq!(report.buckets.over_60, Decimal::from(70));
        let names: Vec<&str> = report
            .clients
            .iter()
            .map(|c| c.partner.name.as_str())
            .collect();
        assert_eq!(names, ["Береке", "Арман"], "by debt");
        assert_eq!(report.clients[0].documents[0].days_overdue, Some(1));

        let by = |sort| {
            let q = Query {
                q: String::new(),
                sort,
            };
            DebtsReport::build(&docs, today, q, true, None, None).clients[0]
                .partner
                .name
                .clone()
        };
        assert_eq!(by(Sort::Overdue), "Арман");
        assert_eq!(by(Sort::Client), "Арман");

        let q = Query {
            q: "береке".into(),
            sort: Sort::Debt,
        };
        let found = DebtsReport::build(&docs, today, q, false, None, None);
        assert_eq!(found.total, Decimal::from(150));
        assert!(found.clients[0].documents.iter().all(|d| d.agent.is_none()));
    }

    #[test]
    fn sort_parses_or_is_a_bad_request() {
        let p = |s: &str| Params {
            q: None,
            sort: Some(s.into()),
        };
        assert_eq!(Query::parse(&p("overdue")).unwrap().sort, Sort::Overdue);
        assert_eq!(Query::parse(&p("")).unwrap().sort, Sort::Debt);
        assert!(Query::parse(&p("x")).is_err());
    }
}
