//! The local runner: every function's router in one axum server — the same code that runs in
//! Lambda — with the backends found or started locally (see [`Runner::start`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use onec_sim::{RunningSim, SimConfig, Simulator};
use skazka_app::{AppState, OnecEndpoint, OnecKind, Uses};
use skazka_config::{Config, Secret};
use skazka_pings::DynamoPings;
use tower_http::services::ServeDir;

pub mod openapi;
pub mod postgres;
pub mod track;

pub use postgres::TempCluster;

/// The service name in logs and `/health`.
pub const SERVICE: &str = "local";

/// The repository's `static/` folder, served at `/static` (S3 behind CloudFront in AWS).
pub fn static_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../static"))
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Postgres(#[from] postgres::PgLocalError),
    #[error("the 1C simulator did not start: {0}")]
    Simulator(std::io::Error),
    #[error("state: {0}")]
    State(#[from] skazka_app::InitError),
    #[error("migrations: {0}")]
    Migrations(#[from] skazka_store::StoreError),
    #[error("DynamoDB table for pings: {0}")]
    Pings(#[from] skazka_pings::PingError),
}

/// A started runner: the router and what must stay alive while it serves.
pub struct Runner {
    pub router: Router,
    pub state: AppState,
    /// The in-process 1C simulator, unless `ONEC_URL` was set.
    pub simulator: Option<Arc<RunningSim>>,
    /// The throw-away Postgres cluster, when one had to be started.
    pub cluster: Option<TempCluster>,
}

/// The demo people's password (the simulator's site password, and the demo client's).
pub const DEMO_PASSWORD: &str = onec_sim::demo::DEMO_PASSWORD;

/// The demo sign-ins: three 1C users and a client account linked to the demo client partner.
pub const DEMO_LOGINS: [(&str, &str); 4] = [
    ("агент", "+77010000001"),
    ("супервайзер", "+77010000002"),
    ("клиент", "+77010000003"),
    ("администратор", "+77010000004"),
];

/// Syncs the accounts from the simulator and makes the demo client (approved, linked to the demo
/// client partner), so the demo sign-ins work at once.
pub async fn demo_accounts(state: &AppState) -> Result<(), skazka_accounts::AccountError> {
    let report = skazka_accounts::demo::ensure(
        state.db(),
        state.onec_client(),
        state.sessions(),
        "+77010000003",
        DEMO_PASSWORD,
        onec_client::Guid::from_uuid(onec_sim::demo::DEMO_CLIENT_PARTNER),
    )
    .await?;
    tracing::info!(
        created = report.created,
        updated = report.updated,
        deactivated = report.deactivated,
        "demo accounts ready"
    );
    Ok(())
}

/// The scheduled refresh, as the prewarm function runs it in AWS: every step once right after
/// start, then on `PREWARM_INTERVAL_S`'s timer (unless `0`), and whatever an admin asks for on
/// `/admin/sync` within a couple of seconds.
pub async fn prewarm(state: AppState) {
    use skazka_prewarm::Trigger;
    let prewarm = skazka_prewarm::Prewarm::new(&state);
    let every = std::time::Duration::from_secs(state.config().prewarm_interval_s);
    let mut last = Instant::now();
    report(prewarm.tick(Trigger::Start).await);
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let trigger = if !every.is_zero() && last.elapsed() >= every {
            last = Instant::now();
            Trigger::Schedule
        } else {
            Trigger::Requests
        };
        report(prewarm.tick(trigger).await);
    }
}

fn report(outcome: Result<Option<skazka_prewarm::RunSummary>, skazka_prewarm::PrewarmError>) {
    match outcome {
        Ok(Some(run)) => {
            for s in run.steps {
                tracing::info!(
                    step = s.step.name(),
                    ms = s.duration_ms,
                    rows_read = s.figures.rows_read,
                    rows_changed = s.figures.rows_changed,
                    onec_calls = s.figures.onec_calls,
                    error = s.error.as_deref().unwrap_or(""),
                    "refresh step"
                );
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "refresh run failed"),
    }
}

/// Days of the demo agent's track written at start: the week a supervisor would look back on.
pub const DEMO_TRACK_DAYS: u64 = 7;

/// Writes the demo agent's track for `date` from that day's orders ([`track`]) into the ping
/// store; the pings stored now (a day written again stores nothing twice).
pub async fn demo_track(state: &AppState, date: chrono::NaiveDate) -> usize {
    let agent = onec_client::Guid::from_uuid(onec_sim::demo::DEMO_AGENT);
    let days = skazka_tracking::service::DayService::new(
        state.onec_client().clone(),
        state.reader().clone(),
    );
    let visits = match days.visits(agent, date).await {
        Ok(served) => served.value,
        Err(e) => {
            tracing::warn!(error = %e, %date, "demo track: the day's orders unreadable");
            return 0;
        }
    };
    let pings = track::plausible_track(agent, date, &track::stops(&visits));
    match state.pings().record(&pings).await {
        Ok(recorded) => recorded.stored,
        Err(e) => {
            tracing::warn!(error = %e, %date, "demo track not stored");
            0
        }
    }
}

/// The demo agent's phone: the last [`DEMO_TRACK_DAYS`] days at once, then today's track again on
/// the refresh timer (`PREWARM_INTERVAL_S`), as the live demo day posts new orders.
pub async fn demo_phone(state: AppState) {
    let today = state.reader().tz().today();
    let mut stored = 0;
    for back in (0..DEMO_TRACK_DAYS).rev() {
        stored += demo_track(&state, today - chrono::Days::new(back)).await;
    }
    tracing::info!(stored, "demo agent's track written");
    let every = state.config().prewarm_interval_s;
    if every == 0 {
        return;
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
        demo_track(&state, state.reader().tz().today()).await;
    }
}

/// Every function's routes in one router, plus `/static`, in the shared shell.
pub fn router(state: AppState) -> Router {
    let routes = skazka_auth::routes(&state)
        .merge(skazka_catalogue::routes(&state))
        .merge(skazka_orders::routes(&state))
        .merge(skazka_reports::routes(&state))
        .merge(skazka_debts::routes(&state))
        .merge(skazka_tracking::routes(&state))
        .nest_service("/static", ServeDir::new(static_dir()));
    skazka_app::shell(SERVICE, routes, state)
}

impl Runner {
    /// Resolves the backends, concurrently where they do not depend on each other:
    /// - 1C: the simulator in-process with `small` demo data, unless `ONEC_URL` is set;
    /// - Postgres: `DATABASE_URL`, else a server on 127.0.0.1:5432, else a temporary cluster;
    /// - cache: Redis at `REDIS_URL`, else in-process;
    /// - pings: DynamoDB when `PINGS_TABLE` is set (the table is created on an emulator at
    ///   `DYNAMODB_ENDPOINT`), else Postgres;
    ///
    /// then applies the migrations.
    pub async fn start(config: Config) -> Result<Runner, StartError> {
        let started = Instant::now();
        let onec = async {
            match &config.onec {
                Some(onec) => Ok((
                    OnecEndpoint {
                        kind: OnecKind::OData,
                        url: onec.url.clone(),
                        user: onec.user.clone(),
                        password: onec.password.clone(),
                    },
                    None,
                )),
                None => {
                    // A live demo day; ONEC_SIM_SCALE and ONEC_SIM_CLOCK_* from the environment.
                    let sim_config = SimConfig::live_demo_from_env()
                        .map_err(|e| StartError::Simulator(std::io::Error::other(e)))?;
                    let (user, password) = (sim_config.user.clone(), sim_config.password.clone());
                    let running = Simulator::spawn(sim_config)
                        .await
                        .map_err(StartError::Simulator)?;
                    let url = url::Url::parse(&running.base_url())
                        .map_err(|e| StartError::Simulator(std::io::Error::other(e)))?;
                    Ok::<_, StartError>((
                        OnecEndpoint {
                            kind: OnecKind::Simulator,
                            url,
                            user,
                            password: Secret::new(password),
                        },
                        Some(Arc::new(running)),
                    ))
                }
            }
        };
        let pings_table = async {
            match &config.pings {
                Some(settings) if settings.endpoint.is_some() => {
                    DynamoPings::connect(settings, skazka_pings::DEFAULT_RETENTION)
                        .await
                        .ensure_table()
                        .await
                }
                _ => Ok(()),
            }
        };
        let (onec, postgres, pings_table) =
            tokio::join!(onec, postgres::resolve(&config), pings_table);
        let (onec, simulator) = onec?;
        let (postgres, cluster) = postgres?;
        pings_table?;
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "backends resolved"
        );

        let state = AppState::init(config, Uses::ALL, Some(onec), Some(postgres)).await?;
        skazka_store::migrate(state.db()).await?;
        Ok(Runner {
            router: router(state.clone()),
            state,
            simulator,
            cluster,
        })
    }
}
