//! The scheduled refresh's steps ([`Step`]) and its log in Postgres (`migrations/V7__sync_log.sql`):
//! each run, each step's figures (rows read and changed, 1C calls, duration) or error, and the
//! steps an admin asked to run now. The prewarm function writes it; `/admin/sync` reads it and
//! files the requests.

use chrono::{DateTime, Utc};
use serde::Serialize;
use skazka_store::PgPool;
use uuid::Uuid;

/// A log failure.
#[derive(Debug, thiserror::Error)]
pub enum SyncLogError {
    #[error("postgres: {0}")]
    Postgres(#[from] skazka_store::tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
}

/// One independent refresh job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Products, folders, manufacturers, units and files copied into Postgres.
    Catalogue,
    /// Free stock, prices and deliveries into the cache.
    StockPrices,
    /// Closed days of the sales reports pre-computed.
    Reports,
    /// 1C users → employee accounts.
    Accounts,
    /// The whole company's open debts (an admin's page) and the agents' names into the cache.
    Debts,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Catalogue,
        Step::StockPrices,
        Step::Reports,
        Step::Accounts,
        Step::Debts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Step::Catalogue => "catalogue",
            Step::StockPrices => "stock_prices",
            Step::Reports => "reports",
            Step::Accounts => "accounts",
            Step::Debts => "debts",
        }
    }

    pub fn parse(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What the admin page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Step::Catalogue => "Каталог товаров",
            Step::StockPrices => "Остатки, цены, поставки",
            Step::Reports => "Отчёты о продажах (закрытые дни)",
            Step::Accounts => "Пользователи 1С",
            Step::Debts => "Долги всей компании",
        }
    }
}

/// What a step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub rows_read: u64,
    pub rows_changed: u64,
    pub onec_calls: u32,
}

/// A step of a run, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepRecord {
    pub step: String,
    pub started_at: DateTime<Utc>,
    /// `None` while it runs.
    pub duration_ms: Option<i64>,
    pub rows_read: i64,
    pub rows_changed: i64,
    pub onec_calls: i32,
    pub error: Option<String>,
}

/// A run with its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    /// `None` while it runs.
    pub finished_at: Option<DateTime<Utc>>,
    pub steps: Vec<StepRecord>,
}

/// A step an admin asked for that no run has taken yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub step: String,
    pub requested_at: DateTime<Utc>,
}

/// The log. Cheap to clone.
#[derive(Clone)]
pub struct SyncLog {
    pool: PgPool,
}

impl SyncLog {
    pub fn new(pool: PgPool) -> Self {
        SyncLog { pool }
    }

    pub async fn start_run(&self, trigger: &str) -> Result<i64, SyncLogError> {
        let db = self.pool.get().await?;
        let row = db
            .query_one(
                "INSERT INTO sync_runs (trigger) VALUES ($1) RETURNING id",
                &[&trigger],
            )
            .await?;
        Ok(row.get(0))
    }

    pub async fn start_step(&self, run: i64, step: Step) -> Result<(), SyncLogError> {
        let db = self.pool.get().await?;
        db.execute(
            "INSERT INTO sync_steps (run_id, step, started_at) VALUES ($1, $2, now())",
            &[&run, &step.name()],
        )
        .await?;
        Ok(())
    }

    /// Records a step's end: its figures, or its error.
    pub async fn finish_step(
        &self,
        run: i64,
        step: Step,
        duration_ms: i64,
        outcome: Result<Figures, String>,
        onec_calls: u32,
    ) -> Result<(), SyncLogError> {
        let (figures, error) = match outcome {
            Ok(f) => (f, None),
            Err(e) => (Figures::default(), Some(e)),
        };
        let db = self.pool.get().await?;
        db.execute(
            "UPDATE sync_steps SET duration_ms = $3, rows_read = $4, rows_changed = $5,
                 onec_calls = $6, error = $7
             WHERE run_id = $1 AND step = $2",
            &[
                &run,
                &step.name(),
                &duration_ms,
                &(figures.rows_read as i64),
                &(figures.rows_changed as i64),
                &(onec_calls as i32),
                &error,
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn finish_run(&self, run: i64) -> Result<(), SyncLogError> {
        let db = self.pool.get().await?;
        db.execute(
            "UPDATE sync_runs SET finished_at = now() WHERE id = $1",
            &[&run],
        )
        .await?;
        Ok(())
    }

    /// The latest `limit` runs with their steps, newest first.
    pub async fn runs(&self, limit: i64) -> Result<Vec<RunRecord>, SyncLogError> {
        let db = self.pool.get().await?;
        let runs = db
            .query(
                "SELECT id, trigger, started_at, finished_at FROM sync_runs
                 ORDER BY id DESC LIMIT $1",
                &[&limit],
            )
            .await?;
        let ids: Vec<i64> = runs.iter().map(|r| r.get(0)).collect();
        let steps = db
            .query(
                "SELECT run_id, step, started_at, duration_ms, rows_read, rows_changed, onec_calls,
                        error
                 FROM sync_steps WHERE run_id = ANY($1) ORDER BY started_at",
                &[&ids],
            )
            .await?;
        Ok(runs
            .iter()
            .map(|r| {
                let id: i64 = r.get(0);
                RunRecord {
                    id,
                    trigger: r.get(1),
                    started_at: r.get(2),
                    finished_at: r.get(3),
                    steps: steps
                        .iter()
                        .filter(|s| s.get::<_, i64>(0) == id)
                        .map(|s| StepRecord {
                            step: s.get(1),
                            started_at: s.get(2),
                            duration_ms: s.get(3),
                            rows_read: s.get(4),
                            rows_changed: s.get(5),
                            onec_calls: s.get(6),
                            error: s.get(7),
                        })
                        .collect(),
                }
            })
            .collect())
    }

    /// When `step` last succeeded (its data set's age).
    pub async fn last_ok(&self, step: Step) -> Result<Option<DateTime<Utc>>, SyncLogError> {
        let db = self.pool.get().await?;
        let row = db
            .query_opt(
                "SELECT started_at FROM sync_steps
                 WHERE step = $1 AND error IS NULL AND duration_ms IS NOT NULL
                 ORDER BY started_at DESC LIMIT 1",
                &[&step.name()],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Files an admin's "run now" for `step`.
    pub async fn request(&self, step: Step, by: Option<Uuid>) -> Result<(), SyncLogError> {
        let db = self.pool.get().await?;
        db.execute(
            "INSERT INTO sync_requests (step, requested_by) VALUES ($1, $2)",
            &[&step.name(), &by],
        )
        .await?;
        Ok(())
    }

    /// Steps asked for and not taken yet, oldest first.
    pub async fn waiting(&self) -> Result<Vec<Waiting>, SyncLogError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                "SELECT step, requested_at FROM sync_requests WHERE run_id IS NULL
                 ORDER BY requested_at",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Waiting {
                step: r.get(0),
                requested_at: r.get(1),
            })
            .collect())
    }

    /// Hands the waiting requests to `run`; answers their steps (each once).
    pub async fn take_requests(&self, run: i64) -> Result<Vec<Step>, SyncLogError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                "UPDATE sync_requests SET run_id = $1 WHERE run_id IS NULL RETURNING step",
                &[&run],
            )
            .await?;
        let mut steps: Vec<Step> = rows.iter().filter_map(|r| Step::parse(r.get(0))).collect();
        steps.sort_by_key(|s| Step::ALL.iter().position(|x| x == s));
        steps.dedup();
        Ok(steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_round_trip() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.name()), Some(s));
        }
        assert_eq!(Step::parse("other"), None);
    }
}
