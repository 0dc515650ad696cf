//! The scheduled function: runs the refresh steps the feature crates provide — the catalogue
//! copy, stock, prices and deliveries, the sales reports' closed days, the 1C user sync, and the
//! whole company's open debts with the agents' names — so that in normal operation no page waits
//! for 1C for them.
//!
//! - One run at a time, across Lambda instances too: a Postgres advisory lock, held on a
//!   connection of its own that is closed (so the lock is freed) however the run ends.
//! - Steps are independent: a failing step is logged at `error` (and so sent to Sentry), the
//!   others go on, and the previous data stays in place; the next run tries again.
//! - Every run and step is written to the sync log (`skazka_sync_log`) with rows read and
//!   changed, 1C calls and duration; `/admin/sync` shows it and files "run now" requests, which
//!   the next run takes (a one-minute schedule in AWS, at once in the local runner).
//!
//! In AWS the schedule is in `template.yaml` (every 5 minutes in working hours, hourly at night,
//! in the base's zone); the local runner runs it once at start, then on a timer.

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde_json::{Value, json};
use skazka_app::{AppState, Uses};
use skazka_catalogue::CatalogueService;
use skazka_debts::service::DebtsService;
use skazka_sync_log::{Figures, Step, SyncLog, SyncLogError};

/// The service name in logs and Sentry.
pub const SERVICE: &str = "prewarm";

/// 1C for every step, Postgres for the copy, the log and the accounts, the cache for stock and
/// prices.
pub const USES: Uses = Uses::CACHE_ONLY.onec().postgres();

/// The advisory lock's key: "SKAZKA" in ASCII, one lock for every run.
const LOCK_KEY: i64 = 0x534b_415a_4b41;

/// How often the reports' closed days are refreshed when nobody asks.
const SLOW_STEP_EVERY: Duration = Duration::hours(1);

#[derive(Debug, thiserror::Error)]
pub enum PrewarmError {
    #[error("sync log: {0}")]
    Log(#[from] SyncLogError),
    #[error("postgres: {0}")]
    Postgres(#[from] skazka_store::tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
}

/// How a run went.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunSummary {
    pub run: i64,
    pub steps: Vec<StepSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepSummary {
    pub step: Step,
    pub figures: Figures,
    pub duration_ms: i64,
    pub error: Option<String>,
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The schedule: the steps that are due, and whatever was asked for.
    Schedule,
    /// Only what an admin asked for (nothing to do when nothing was).
    Requests,
    /// The local runner's first run: every step.
    Start,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Requests => "requested",
            Trigger::Start => "start",
        }
    }
}

/// The runner: the steps' services, built once per cold start.
#[derive(Clone)]
pub struct Prewarm {
    app: AppState,
    catalogue: CatalogueService,
    debts: DebtsService,
    log: SyncLog,
}

impl Prewarm {
    pub fn new(app: &AppState) -> Self {
        Prewarm {
            app: app.clone(),
            catalogue: skazka_catalogue::service(app),
            debts: skazka_debts::service(app),
            log: SyncLog::new(app.db().clone()),
        }
    }

    pub fn log(&self) -> &SyncLog {
        &self.log
    }

    /// One run for `trigger`. `None` when another run holds the lock, or there was nothing to do.
    pub async fn tick(&self, trigger: Trigger) -> Result<Option<RunSummary>, PrewarmError> {
        if trigger == Trigger::Requests && self.log.waiting().await?.is_empty() {
            return Ok(None);
        }
        // The lock on a connection of its own, taken out of the pool: closing it frees the lock
        // even if this future is dropped mid-run.
        let lock = deadpool_postgres::Object::take(self.app.db().get().await?);
        let locked: bool = lock
            .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
            .await?
            .get(0);
        if !locked {
            tracing::info!(
                trigger = trigger.name(),
                "another run holds the lock; skipped"
            );
            return Ok(None);
        }
        let result = self.run_locked(trigger).await;
        let _ = lock
            .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
            .await;
        result.map(Some)
    }

    async fn run_locked(&self, trigger: Trigger) -> Result<RunSummary, PrewarmError> {
        let run = self.log.start_run(trigger.name()).await?;
        let mut steps = match trigger {
            Trigger::Start => Step::ALL.to_vec(),
            Trigger::Schedule => self.due().await?,
            Trigger::Requests => Vec::new(),
        };
        for asked in self.log.take_requests(run).await? {
            if !steps.contains(&asked) {
                steps.push(asked);
            }
        }
        steps.sort_by_key(|s| Step::ALL.iter().position(|x| x == s));
        let mut summary = RunSummary {
            run,
            steps: Vec::new(),
        };
        for step in steps {
            summary.steps.push(self.step(run, step).await?);
        }
        self.log.finish_run(run).await?;
        Ok(summary)
    }

    /// The catalogue, stock and prices, the accounts (a user given a site role in 1C signs in
    /// minutes later) and the company's debts every run; the reports' closed days once an hour.
    async fn due(&self) -> Result<Vec<Step>, PrewarmError> {
        let mut due = vec![
            Step::Catalogue,
            Step::StockPrices,
            Step::Accounts,
            Step::Debts,
        ];
        let last = self.log.last_ok(Step::Reports).await?;
        if last.is_none_or(|at| Utc::now() - at >= SLOW_STEP_EVERY) {
            due.push(Step::Reports);
        }
        Ok(due)
    }

    async fn step(&self, run: i64, step: Step) -> Result<StepSummary, PrewarmError> {
        self.log.start_step(run, step).await?;
        let started = Instant::now();
        let (outcome, calls) = onec_client::metrics::scope(self.work(step)).await;
        let duration_ms = started.elapsed().as_millis() as i64;
        if let Err(e) = &outcome {
            tracing::error!(step = step.name(), error = %e, "refresh step failed; its previous data stays");
        }
        self.log
            .finish_step(run, step, duration_ms, outcome.clone(), calls.calls)
            .await?;
        Ok(StepSummary {
            step,
            figures: Figures {
                onec_calls: calls.calls,
                ..outcome.clone().unwrap_or_default()
            },
            duration_ms,
            error: outcome.err(),
        })
    }

    async fn work(&self, step: Step) -> Result<Figures, String> {
        let text = |e: &dyn std::fmt::Display| e.to_string();
        match step {
            Step::Catalogue => {
                let r = self.catalogue.copy().await.map_err(|e| text(&e))?;
                Ok(Figures {
                    rows_read: r.rows_read,
                    rows_changed: r.rows_changed,
                    onec_calls: 0,
                })
            }
            Step::StockPrices => {
                let r = self
                    .catalogue
                    .refresh_offers()
                    .await
                    .map_err(|e| text(&e))?;
                let rows = r.stock_rows + r.price_rows + r.delivery_rows;
                Ok(Figures {
                    rows_read: rows,
                    rows_changed: rows,
                    onec_calls: 0,
                })
            }
            Step::Reports => {
                let today = self.catalogue.today();
                let r = skazka_reports::precompute::refresh_scheduled(
                    self.app.onec_client(),
                    self.app.db(),
                    today,
                    report_history_from(today),
                )
                .await
                .map_err(|e| text(&e))?;
                Ok(Figures {
                    rows_read: r.rows as u64,
                    rows_changed: r.rows as u64,
                    onec_calls: 0,
                })
            }
            Step::Debts => {
                let r = self.debts.refresh_company().await.map_err(|e| text(&e))?;
                let rows = (r.documents + r.agents) as u64;
                Ok(Figures {
                    rows_read: rows,
                    rows_changed: rows,
                    onec_calls: 0,
                })
            }
            Step::Accounts => {
                let settings =
                    skazka_accounts::settings::current(self.app.db(), self.app.onec_client())
                        .await
                        .map_err(|e| text(&e))?;
                let r = skazka_accounts::sync::sync_users(
                    self.app.db(),
                    self.app.onec_client(),
                    &settings.user,
                    self.app.sessions(),
                    None,
                )
                .await
                .map_err(|e| text(&e))?;
                Ok(Figures {
                    rows_read: r.from_onec as u64,
                    rows_changed: (r.created + r.updated + r.deactivated) as u64,
                    onec_calls: 0,
                })
            }
        }
    }
}

/// The first run pre-computes the sales of the last six whole months and this one: every preset
/// up to "this quarter" and the previous period it is compared with (up to 92 days before the
/// quarter's first day), so no preset reads closed days live.
fn report_history_from(today: NaiveDate) -> NaiveDate {
    let months = today.year() * 12 + today.month0() as i32 - 6;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(today)
}

/// The Lambda handler. `{"skazka": "requests"}` (the one-minute schedule) runs only what admins
/// asked for; anything else (the schedules, an EventBridge scheduled event) is a scheduled run.
pub async fn handle(prewarm: &Prewarm, event: LambdaEvent<Value>) -> Result<Value, PrewarmError> {
    let trigger = match event.payload["skazka"].as_str() {
        Some("requests") => Trigger::Requests,
        _ => Trigger::Schedule,
    };
    tracing::info!(request_id = %event.context.request_id, trigger = trigger.name(), "prewarm run");
    let summary = prewarm.tick(trigger).await?;
    Ok(match summary {
        Some(s) => json!({ "service": SERVICE, "ran": true, "summary": s }),
        None => json!({ "service": SERVICE, "ran": false }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_precomputed_from_six_months_back() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(report_history_from(d(2026, 12, 3)), d(2026, 6, 1));
        assert_eq!(report_history_from(d(2026, 2, 28)), d(2025, 8, 1));
        // The longest preset, this quarter, and its previous period are covered.
        let today = d(2026, 12, 31);
        let quarter = d(2026, 10, 1);
        let previous_start = quarter - chrono::Days::new((today - quarter).num_days() as u64 + 1);
        assert!(report_history_from(today) <= previous_start);
    }
}
