//! A function's state, built once per cold start (1C endpoint, Postgres pool, cache, ping store),
//! its `/health` check, and [`shell`]: the layers and routes every function's router shares.
//! The same code runs in Lambda (one function) and in the local runner (all of them).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use onec_client::{ClientConfig, OnecClient};
use skazka_cache::{CacheHandle, MemoryCache, RedisCache};
use skazka_config::{Config, Secret};
use skazka_pings::{DynamoPings, PingStore, PostgresPings};
use skazka_store::PgPool;

pub mod health;

/// Where 1C is, and whether it is the in-process simulator or a real base.
#[derive(Clone, Debug)]
pub struct OnecEndpoint {
    pub kind: OnecKind,
    /// The OData service root, ending in `/`.
    pub url: url::Url,
    pub user: String,
    pub password: Secret,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnecKind {
    /// `onec-sim`, started by the local runner.
    Simulator,
    /// A real 1C base (`ONEC_URL`).
    OData,
}

impl OnecKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OnecKind::Simulator => "simulator",
            OnecKind::OData => "odata",
        }
    }
}

/// Where Postgres is, already resolved (the local runner may have found or started one).
#[derive(Clone, Debug)]
pub struct PostgresTarget {
    pub config: skazka_store::tokio_postgres::Config,
    /// How it was found (`DATABASE_URL`, `local server`, `temporary cluster`), for `/health`.
    pub origin: &'static str,
}

impl PostgresTarget {
    /// host:port/dbname, without credentials.
    pub fn location(&self) -> String {
        use skazka_store::tokio_postgres::config::Host;
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(path)) => path.display().to_string(),
            None => "localhost".to_owned(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let db = self.config.get_dbname().unwrap_or("");
        format!("{host}:{port}/{db}")
    }
}

/// Why the state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("postgres pool: {0}")]
    Store(#[from] skazka_store::StoreError),
    #[error("cache: {0}")]
    Cache(#[from] skazka_cache::CacheError),
    #[error("http client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("1C client: {0}")]
    Onec(#[from] onec_client::OnecError),
}

/// Everything a handler needs. Cheap to clone (an `Arc`).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    onec: OnecEndpoint,
    onec_client: OnecClient,
    postgres: PostgresTarget,
    db: PgPool,
    cache: CacheHandle,
    pings: Arc<dyn PingStore>,
    http: reqwest::Client,
    sessions: skazka_session::Verifier,
}

/// How many Postgres connections one process keeps: a Lambda container serves one request at a
/// time, the local runner many.
pub fn pool_size(config: &Config) -> usize {
    if config.in_lambda() { 2 } else { 16 }
}

impl AppState {
    /// Builds the clients and opens their connections now (Postgres, Redis, 1C), concurrently,
    /// so the first request does not pay for them. A backend that does not answer yet is logged,
    /// not fatal: `/health` reports it, and the pools connect when it comes back.
    pub async fn init(
        config: Config,
        onec: OnecEndpoint,
        postgres: PostgresTarget,
    ) -> Result<Self, InitError> {
        let db = skazka_store::pool(&postgres.config, pool_size(&config))?;
        let cache_backend: Arc<dyn skazka_cache::Cache> = match &config.redis {
            Some(redis) => {
                Arc::new(RedisCache::connect(redis.url.expose(), redis.display(), "skazka:").await?)
            }
            None => Arc::new(MemoryCache::default()),
        };
        let pings: Arc<dyn PingStore> = match &config.pings {
            Some(settings) => Arc::new(DynamoPings::connect(settings).await),
            None => Arc::new(PostgresPings::new(db.clone())),
        };
        // One HTTP pool for 1C: the client's calls and the health probe share it, so the probe
        // during init opens the connection the first page will use.
        let onec_config = ClientConfig::new(onec.url.as_str(), &onec.user, onec.password.expose());
        let http = reqwest::Client::builder()
            .connect_timeout(onec_config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()?;
        let onec_client = OnecClient::with_http(http.clone(), onec_config)?;
        let cache = CacheHandle::new(cache_backend);
        let sessions = skazka_session::Verifier::new(&config.session, cache.clone())
            .with_teams(Arc::new(skazka_accounts::PgTeams::new(db.clone())));
        let state = AppState {
            inner: Arc::new(Inner {
                config,
                onec,
                onec_client,
                postgres,
                db,
                cache,
                pings,
                http,
                sessions,
            }),
        };
        state.warm_up().await;
        Ok(state)
    }

    async fn warm_up(&self) {
        let started = Instant::now();
        let (pg, onec) = tokio::join!(skazka_store::warm_up(self.db()), self.probe_onec());
        if let Err(e) = pg {
            tracing::warn!(error = %e, postgres = %self.inner.postgres.location(), "postgres not reachable at start-up");
        }
        if let Err(e) = onec {
            tracing::warn!(error = %e, onec = %self.inner.onec.url, "1C not reachable at start-up");
        }
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "connections opened"
        );
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn onec(&self) -> &OnecEndpoint {
        &self.inner.onec
    }

    /// The typed 1C client (shares its connection pool with the health probe).
    pub fn onec_client(&self) -> &OnecClient {
        &self.inner.onec_client
    }

    pub fn postgres(&self) -> &PostgresTarget {
        &self.inner.postgres
    }

    pub fn db(&self) -> &PgPool {
        &self.inner.db
    }

    pub fn cache(&self) -> &CacheHandle {
        &self.inner.cache
    }

    /// Verifies session tokens (and issues them, in the auth function).
    pub fn sessions(&self) -> &skazka_session::Verifier {
        &self.inner.sessions
    }

    pub fn pings(&self) -> &dyn PingStore {
        self.inner.pings.as_ref()
    }

    /// GETs 1C's service root (`?$format=json`) with Basic auth: reachable and signed in.
    pub async fn probe_onec(&self) -> Result<(), String> {
        let mut url = self.inner.onec.url.clone();
        url.set_query(Some("$format=json"));
        let response = self
            .inner
            .http
            .get(url)
            .timeout(health::PROBE_TIMEOUT)
            .basic_auth(
                &self.inner.onec.user,
                Some(self.inner.onec.password.expose()),
            )
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    "timed out".to_owned()
                } else if e.is_connect() {
                    "connection refused or unreachable".to_owned()
                } else {
                    "request failed".to_owned()
                }
            })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("answered HTTP {}", status.as_u16()))
        }
    }
}

/// Lets the session extractors (`skazka_session::Session`, `Scope`) find the verifier.
impl axum::extract::FromRef<AppState> for skazka_session::Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.inner.sessions.clone()
    }
}

/// The shared shell around a function's own routes: `/health`, the not-found fallback, errors
/// rendered by `Accept`, `Server-Timing`, security headers and the request id.
pub fn shell(service: &'static str, routes: Router<AppState>, state: AppState) -> Router {
    let router = routes
        .route(
            "/health",
            get(move |state: axum::extract::State<AppState>| health::handler(state, service)),
        )
        .fallback(skazka_web::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(skazka_web::render_errors))
        .layer(axum::middleware::from_fn(skazka_telemetry::server_timing));
    skazka_web::security_headers(router)
        .layer(skazka_telemetry::propagate_request_id_layer())
        .layer(skazka_telemetry::trace_layer())
        .layer(skazka_telemetry::request_id_layer())
}
