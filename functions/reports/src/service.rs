//! The reports service: turnovers and posted sales from 1C through the shared read path
//! (`skazka_reads`: cache, time budget, breaker, kept data with its age).
//!
//! Whose sales comes from the [`Viewer`] only ([`Whose`]); a page makes a bounded number of 1C
//! calls whatever its rows: the period's turnovers, the previous period's, and the period's
//! posted sales (revenue by day, document counts) — each one request per chunk of agents.

use onec_client::model::{Agents, SaleTotal, SalesGrouping};
use onec_client::{Guid, OnecClient};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_reads::{LIVE, ReadError, Reader, Served};
use skazka_viewer::{Team, Viewer};
use skazka_web::AppError;

use crate::figures::Turnover;
use crate::period::Period;

/// Cache keys start with this; bump it when a cached type changes shape.
const KEY: &str = "reports:v1";

/// Whose sales a report sums: one agent's, or a team's (a supervisor's agents, or everyone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whose {
    Agent(Guid),
    Team(Team),
}

impl Whose {
    /// From the viewer: an agent's own or picked agent's sales; a team's when none is picked.
    /// Clients have no sales reports.
    pub fn of(viewer: &Viewer) -> Result<Whose, AppError> {
        match viewer {
            Viewer::Agent { agent, .. } => Ok(Whose::Agent(*agent)),
            Viewer::Team { team } => Ok(Whose::Team(team.clone())),
            Viewer::Client { .. } => Err(AppError::Forbidden),
        }
    }

    fn agents(&self) -> Agents<'_> {
        match self {
            Whose::Agent(a) => Agents::One(*a),
            Whose::Team(t) => t.agents().map(Agents::Some).unwrap_or(Agents::Everyone),
        }
    }

    fn cache_key(&self) -> String {
        match self {
            Whose::Agent(a) => format!("agent:{a}"),
            Whose::Team(t) => t.cache_key(),
        }
    }
}

fn grouping_key(g: SalesGrouping) -> &'static str {
    match g {
        SalesGrouping::ByAgent => "agent",
        SalesGrouping::ByClients => "clients",
        SalesGrouping::ByGoods => "goods",
        SalesGrouping::ByClientsAndGoods => "clients-goods",
    }
}

/// The cache key of turnovers: whose, the grouping and the period, never a URL.
pub fn turnovers_key(whose: &Whose, period: Period, grouping: SalesGrouping) -> String {
    format!(
        "{KEY}:turnovers:{}:{}:{}:{}",
        grouping_key(grouping),
        whose.cache_key(),
        period.from,
        period.to
    )
}

/// The cache key of posted sales.
pub fn sales_key(whose: &Whose, period: Period) -> String {
    format!(
        "{KEY}:sales:{}:{}:{}",
        whose.cache_key(),
        period.from,
        period.to
    )
}

/// A posted sale as the reports count it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sale {
    pub id: Guid,
    pub agent: Option<Guid>,
    pub date: chrono::NaiveDate,
    pub total: Decimal,
}

impl Sale {
    fn from_onec(s: &SaleTotal) -> Sale {
        Sale {
            id: s.id,
            agent: s.manager,
            date: s.date.date(),
            total: s.total,
        }
    }
}

/// Reads the reports' data. Cheap to clone; built once per cold start.
#[derive(Clone)]
pub struct ReportsService {
    onec: OnecClient,
    reader: Reader,
}

impl ReportsService {
    pub fn new(onec: OnecClient, reader: Reader) -> Self {
        ReportsService { onec, reader }
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn onec(&self) -> &OnecClient {
        &self.onec
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.reader.tz().today()
    }

    /// The turnovers of `whose` over `period`, grouped as a report needs.
    pub async fn turnovers(
        &self,
        whose: &Whose,
        period: Period,
        grouping: SalesGrouping,
    ) -> Result<Served<Vec<Turnover>>, ReadError> {
        let key = turnovers_key(whose, period, grouping);
        self.reader
            .read(&key, LIVE, || async {
                let rows = self
                    .onec
                    .agents_turnovers(whose.agents(), period.from, period.to, grouping)
                    .await?;
                Ok(rows.iter().map(Turnover::from_onec).collect())
            })
            .await
    }

    /// The posted sales of `whose` dated within `period`.
    pub async fn sales(
        &self,
        whose: &Whose,
        period: Period,
    ) -> Result<Served<Vec<Sale>>, ReadError> {
        let key = sales_key(whose, period);
        self.reader
            .read(&key, LIVE, || async {
                let rows = self
                    .onec
                    .sale_totals(whose.agents(), period.from, period.to)
                    .await?;
                Ok(rows.iter().map(Sale::from_onec).collect())
            })
            .await
    }
}
