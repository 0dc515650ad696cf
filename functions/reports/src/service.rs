//! The reports service: turnovers and posted sales from 1C through the shared read path
//! (`skazka_reads`: cache, time budget, breaker, kept data with its age).
//!
//! Whose sales comes from the [`Viewer`] only ([`Whose`]); a page makes a bounded number of 1C
//! calls whatever its rows: the period's turnovers, the previous period's, and the period's
//! posted sales (revenue by day, document counts) — each one request per chunk of agents.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use onec_client::model::{Agents, SaleTotal, SalesGrouping};
use onec_client::{Guid, OnecClient};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_reads::{LIVE, ReadError, Reader, Served};
use skazka_viewer::{Team, Viewer};
use skazka_web::AppError;

use crate::figures::Turnover;
use crate::period::Period;
use crate::precompute::{Computed, PrecomputeError, Split, Store};

/// Cache keys start with this; bump it when a cached type changes shape.
const KEY: &str = "reports:v2";

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

/// An agent's posted sales of a day: how many documents sold something and their revenue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DaySales {
    pub agent: Option<Guid>,
    pub date: NaiveDate,
    /// 1C keeps posted sale documents without lines (a zero total): they are no one's sale.
    pub documents: usize,
    pub revenue: Decimal,
}

impl DaySales {
    /// Sale documents summed per agent and day.
    pub fn of(sales: &[SaleTotal]) -> Vec<DaySales> {
        let mut by: BTreeMap<(Option<Guid>, NaiveDate), DaySales> = BTreeMap::new();
        for s in sales {
            let date = s.date.date();
            let e = by.entry((s.manager, date)).or_insert(DaySales {
                agent: s.manager,
                date,
                documents: 0,
                revenue: Decimal::ZERO,
            });
            if !s.total.is_zero() {
                e.documents += 1;
            }
            e.revenue += s.total;
        }
        by.into_values().collect()
    }
}

/// Reads the reports' data. Cheap to clone; built once per cold start.
#[derive(Clone)]
pub struct ReportsService {
    onec: OnecClient,
    reader: Reader,
    /// The pre-computed closed days (none: every day live).
    store: Option<Store>,
}

/// A read's value with how fresh it is and which of its days were pre-computed.
pub struct Read<T> {
    pub served: Served<T>,
    pub computed: Option<Computed>,
}

impl ReportsService {
    pub fn new(onec: OnecClient, reader: Reader, store: Option<Store>) -> Self {
        ReportsService {
            onec,
            reader,
            store,
        }
    }

    /// The period's computed head and live rest; all live without a store or when Postgres fails
    /// (the figures are the same either way, only slower).
    async fn split(&self, period: Period) -> Split {
        let Some(store) = &self.store else {
            return Split::all_live(period);
        };
        let mut split = store.split(period, self.today()).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "pre-computed days unavailable; reading 1C");
            Split::all_live(period)
        });
        if let Some(computed) = &mut split.computed {
            computed.at = computed
                .at
                .with_timezone(&self.reader.tz().0)
                .fixed_offset();
        }
        split
    }

    /// Reads the stored head with `stored` and the live rest with `live`, concatenated.
    async fn composed<T, S, L>(
        &self,
        period: Period,
        stored: impl FnOnce(Store, Period) -> S,
        live: impl FnOnce(Period) -> L,
    ) -> Result<Read<Vec<T>>, ReadError>
    where
        S: Future<Output = Result<Vec<T>, PrecomputeError>>,
        L: Future<Output = Result<Served<Vec<T>>, ReadError>>,
    {
        let mut split = self.split(period).await;
        let mut head = Vec::new();
        if let (Some(p), Some(store)) = (split.stored, self.store.clone()) {
            match stored(store, p).await {
                Ok(rows) => head = rows,
                Err(e) => {
                    tracing::warn!(error = %e, "pre-computed days unreadable; reading 1C");
                    split = Split::all_live(period);
                }
            }
        }
        let mut served = match split.live {
            Some(p) => live(p).await?,
            None => Served::fresh(Vec::new()),
        };
        served.value.extend(head);
        Ok(Read {
            served,
            computed: split.computed,
        })
    }

    /// The turnovers of `whose` over `period`: computed days from Postgres, the rest from 1C.
    pub async fn turnovers(
        &self,
        whose: &Whose,
        period: Period,
        grouping: SalesGrouping,
    ) -> Result<Read<Vec<Turnover>>, ReadError> {
        self.composed(
            period,
            |store, p| async move { store.turnovers(whose, p).await },
            |p| self.live_turnovers(whose, p, grouping),
        )
        .await
    }

    /// The posted sales of `whose` over `period`, per agent and day, composed likewise.
    pub async fn sales(
        &self,
        whose: &Whose,
        period: Period,
    ) -> Result<Read<Vec<DaySales>>, ReadError> {
        self.composed(
            period,
            |store, p| async move { store.sales(whose, p).await },
            |p| self.live_sales(whose, p),
        )
        .await
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

    /// The turnovers of `whose` over `period` from 1C, grouped as a report needs.
    async fn live_turnovers(
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

    /// The posted sales of `whose` dated within `period`, from 1C.
    async fn live_sales(
        &self,
        whose: &Whose,
        period: Period,
    ) -> Result<Served<Vec<DaySales>>, ReadError> {
        let key = sales_key(whose, period);
        self.reader
            .read(&key, LIVE, || async {
                let rows = self
                    .onec
                    .sale_totals(whose.agents(), period.from, period.to)
                    .await?;
                Ok(DaySales::of(&rows))
            })
            .await
    }
}
