//! Pre-computed closed days in Postgres (`migrations/V5__sales_days.sql`): [`refresh`] keeps, per
//! agent and day, the turnovers and the posted sales the reports need; a report reads the closed
//! days computed here and the rest live ([`Split`]). With nothing computed every day is live, so
//! the figures never depend on whether the job ran.

use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use onec_client::model::{Agents, SalesGrouping};
use onec_client::{Guid, OnecClient, OnecError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_store::PgPool;
use skazka_store::tokio_postgres::{self, Row};
use uuid::Uuid;

use crate::figures::{Figures, Named, Turnover};
use crate::period::Period;
use crate::service::{DaySales, Whose};

/// What can fail while computing or reading the days.
#[derive(Debug, thiserror::Error)]
pub enum PrecomputeError {
    #[error("1C: {0}")]
    Onec(#[from] OnecError),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
}

/// Through which day a report's closed days come from Postgres, and when the oldest of them was
/// computed (the page says so, in the base's time zone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Computed {
    pub through: NaiveDate,
    pub at: DateTime<FixedOffset>,
}

/// A period cut into its pre-computed head (closed days, contiguous from its start) and the live
/// rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub stored: Option<Period>,
    pub live: Option<Period>,
    pub computed: Option<Computed>,
}

impl Split {
    pub fn all_live(period: Period) -> Split {
        Split {
            stored: None,
            live: Some(period),
            computed: None,
        }
    }
}

/// Which days a run computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// The last three closed days (a sale posted or corrected late lands there): every run.
    Recent,
    /// Every closed day from this one: the whole history, once.
    Since(NaiveDate),
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refreshed {
    pub days: usize,
    pub rows: usize,
}

fn uuid(g: Option<Guid>) -> Option<Uuid> {
    g.map(|g| g.as_uuid())
}

fn guid(u: Option<Uuid>) -> Option<Guid> {
    u.map(Guid::from)
}

/// Computes the closed days of `span` (days before `today`), each from 1C afresh: one turnovers
/// request and one sales request a day, then the day replaced in one transaction.
pub async fn refresh(
    onec: &OnecClient,
    pool: &PgPool,
    today: NaiveDate,
    span: Span,
) -> Result<Refreshed, PrecomputeError> {
    let yesterday = today - Days::new(1);
    let from = match span {
        Span::Recent => today - Days::new(3),
        Span::Since(d) => d,
    };
    let mut done = Refreshed { days: 0, rows: 0 };
    for day in from.iter_days().take_while(|d| *d <= yesterday) {
        done.rows += refresh_day(onec, pool, day).await?;
        done.days += 1;
    }
    tracing::info!(days = done.days, rows = done.rows, "sales days computed");
    Ok(done)
}

/// The scheduled run: the whole history from `history_from` when nothing is computed yet, else
/// the recent days.
pub async fn refresh_scheduled(
    onec: &OnecClient,
    pool: &PgPool,
    today: NaiveDate,
    history_from: NaiveDate,
) -> Result<Refreshed, PrecomputeError> {
    let client = pool.get().await?;
    let any = client
        .query_opt("SELECT 1 FROM sales_days_computed LIMIT 1", &[])
        .await?
        .is_some();
    let span = if any {
        Span::Recent
    } else {
        Span::Since(history_from)
    };
    refresh(onec, pool, today, span).await
}

async fn refresh_day(
    onec: &OnecClient,
    pool: &PgPool,
    day: NaiveDate,
) -> Result<usize, PrecomputeError> {
    let (turnovers, sales) = futures::try_join!(
        onec.agents_turnovers(Agents::Everyone, day, day, SalesGrouping::ByClientsAndGoods),
        onec.sale_totals(Agents::Everyone, day, day),
    )?;
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    // The day's rows go with it (ON DELETE CASCADE).
    tx.execute("DELETE FROM sales_days_computed WHERE day = $1", &[&day])
        .await?;
    tx.execute("INSERT INTO sales_days_computed (day) VALUES ($1)", &[&day])
        .await?;
    let insert = tx
        .prepare(
            "INSERT INTO sales_days (day, agent, partner_id, partner_name, product_id, \
             product_name, maker_id, maker_name, quantity, revenue, manual_discount, \
             auto_discount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .await?;
    for t in turnovers.iter().map(Turnover::from_onec) {
        let name = |n: &Option<Named>| n.as_ref().map(|n| n.name.clone());
        let id = |n: &Option<Named>| uuid(n.as_ref().and_then(|n| n.id));
        tx.execute(
            &insert,
            &[
                &day,
                &uuid(t.agent),
                &id(&t.partner),
                &name(&t.partner),
                &id(&t.product),
                &name(&t.product),
                &id(&t.manufacturer),
                &name(&t.manufacturer),
                &t.figures.quantity,
                &t.figures.revenue,
                &t.figures.manual_discount,
                &t.figures.auto_discount,
            ],
        )
        .await?;
    }
    for s in DaySales::of(&sales) {
        tx.execute(
            "INSERT INTO sales_day_documents (day, agent, documents, revenue) \
             VALUES ($1, $2, $3, $4)",
            &[&day, &uuid(s.agent), &(s.documents as i32), &s.revenue],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(turnovers.len())
}

/// Reads of the computed days. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

/// `NULL` for everyone, else the agents' refs.
fn agents(whose: &Whose) -> Option<Vec<Uuid>> {
    match whose {
        Whose::Agent(a) => Some(vec![a.as_uuid()]),
        Whose::Team(t) => t.agents().map(|a| a.iter().map(Guid::as_uuid).collect()),
    }
}

impl Store {
    pub fn new(pool: PgPool) -> Self {
        Store { pool }
    }

    /// Cuts `period` into the computed closed days at its start and the live rest.
    pub async fn split(&self, period: Period, today: NaiveDate) -> Result<Split, PrecomputeError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT day, computed_at FROM sales_days_computed \
                 WHERE day >= $1 AND day <= $2 AND day < $3 ORDER BY day",
                &[&period.from, &period.to, &today],
            )
            .await?;
        let mut through: Option<(NaiveDate, DateTime<Utc>)> = None;
        let mut expect = period.from;
        for r in &rows {
            let (day, at): (NaiveDate, DateTime<Utc>) = (r.get(0), r.get(1));
            if day != expect {
                break;
            }
            let oldest = through.map_or(at, |(_, o)| o.min(at));
            through = Some((day, oldest));
            expect = day + Days::new(1);
        }
        let Some((last, at)) = through else {
            return Ok(Split::all_live(period));
        };
        Ok(Split {
            stored: Some(Period {
                from: period.from,
                to: last,
            }),
            live: (last < period.to).then(|| Period {
                from: last + Days::new(1),
                to: period.to,
            }),
            computed: Some(Computed {
                through: last,
                at: at.fixed_offset(),
            }),
        })
    }

    /// The stored turnovers of `whose` over `period`, summed per agent, partner and product.
    pub async fn turnovers(
        &self,
        whose: &Whose,
        period: Period,
    ) -> Result<Vec<Turnover>, PrecomputeError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT agent, partner_id, partner_name, product_id, product_name, maker_id, \
                 maker_name, sum(quantity), sum(revenue), sum(manual_discount), sum(auto_discount) \
                 FROM sales_days WHERE day >= $1 AND day <= $2 \
                 AND ($3::uuid[] IS NULL OR agent = ANY($3)) \
                 GROUP BY agent, partner_id, partner_name, product_id, product_name, maker_id, \
                 maker_name",
                &[&period.from, &period.to, &agents(whose)],
            )
            .await?;
        Ok(rows.iter().map(turnover).collect())
    }

    /// The stored posted sales of `whose` over `period`, per agent and day.
    pub async fn sales(
        &self,
        whose: &Whose,
        period: Period,
    ) -> Result<Vec<DaySales>, PrecomputeError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT agent, day, documents, revenue FROM sales_day_documents \
                 WHERE day >= $1 AND day <= $2 AND ($3::uuid[] IS NULL OR agent = ANY($3))",
                &[&period.from, &period.to, &agents(whose)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| DaySales {
                agent: guid(r.get(0)),
                date: r.get(1),
                documents: r.get::<_, i32>(2) as usize,
                revenue: r.get(3),
            })
            .collect())
    }
}

fn turnover(r: &Row) -> Turnover {
    let named = |id: usize, name: usize| -> Option<Named> {
        let name: Option<String> = r.get(name);
        let id: Option<Uuid> = r.get(id);
        (id.is_some() || name.is_some()).then(|| Named {
            id: guid(id),
            name: name.unwrap_or_default(),
        })
    };
    Turnover {
        agent: guid(r.get(0)),
        partner: named(1, 2),
        product: named(3, 4),
        manufacturer: named(5, 6),
        figures: Figures {
            quantity: r.get::<_, Decimal>(7),
            revenue: r.get(8),
            manual_discount: r.get(9),
            auto_discount: r.get(10),
        },
    }
}
