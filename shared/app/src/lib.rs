//! A function's state, built once per cold start (1C endpoint, Postgres pool, cache, ping store),
//! its `/health` check, and [`shell`]: the layers and routes every function's router shares.
//! The same code runs in Lambda (one function) and in the local runner (all of them).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use onec_client::model::BaseTz;
use onec_client::{ClientConfig, OnecClient};
use skazka_cache::{CacheHandle, MemoryCache, RedisCache};
pub use skazka_config::Uses;
use skazka_config::{Config, Secret};
use skazka_pings::{PingStore, PostgresPings};
use skazka_reads::Reader;
use skazka_store::PgPool;

mod client;
pub mod health;

pub use client::{ClientAddress, client_address};

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
    /// The function uses a backend that was not given (a configuration the checks let through).
    #[error("{0} is used by this function but not configured")]
    Missing(&'static str),
    /// `PINGS_TABLE` is set, but this binary was built without DynamoDB.
    #[error("PINGS_TABLE is set, but this function is built without the `dynamodb` feature")]
    NoDynamo,
}

#[cfg(feature = "dynamodb")]
async fn dynamo_pings(
    settings: &skazka_config::PingsSettings,
    retention: chrono::Duration,
) -> Result<Arc<dyn PingStore>, InitError> {
    Ok(Arc::new(
        skazka_pings::DynamoPings::connect(settings, retention).await,
    ))
}

#[cfg(not(feature = "dynamodb"))]
async fn dynamo_pings(
    _: &skazka_config::PingsSettings,
    _: chrono::Duration,
) -> Result<Arc<dyn PingStore>, InitError> {
    Err(InitError::NoDynamo)
}

/// Everything a handler needs. Cheap to clone (an `Arc`).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// 1C: where it is, the typed client and the reads through the cache.
struct Onec {
    endpoint: OnecEndpoint,
    client: OnecClient,
    reader: Reader,
    /// The HTTP pool the client uses; the health probe shares it.
    http: reqwest::Client,
}

struct Postgres {
    target: PostgresTarget,
    pool: PgPool,
}

struct Inner {
    config: Config,
    uses: Uses,
    onec: Option<Onec>,
    postgres: Option<Postgres>,
    cache: CacheHandle,
    pings: Option<Arc<dyn PingStore>>,
    sessions: skazka_session::Verifier,
}

/// How many Postgres connections one process keeps: a Lambda container serves one request at a
/// time, the local runner many.
pub fn pool_size(config: &Config) -> usize {
    if config.in_lambda() { 2 } else { 16 }
}

fn undeclared(backend: &str) -> ! {
    // A programming error that every route's test finds: the shell turns it into a 500 page.
    panic!("{backend} is not among the backends this function declares it uses (`Uses`)")
}

impl AppState {
    /// Builds the clients of the backends `uses` names and opens their connections now,
    /// concurrently, so the first request does not pay for them. A backend that does not answer
    /// yet is logged, not fatal: `/health` reports it, and the pools connect when it comes back.
    pub async fn init(
        config: Config,
        uses: Uses,
        onec: Option<OnecEndpoint>,
        postgres: Option<PostgresTarget>,
    ) -> Result<Self, InitError> {
        let cache_backend: Arc<dyn skazka_cache::Cache> = match &config.redis {
            Some(redis) => Arc::new(
                RedisCache::connect(redis.url.expose(), redis.display(), &redis.prefix).await?,
            ),
            None => Arc::new(MemoryCache::default()),
        };
        let cache = CacheHandle::new(cache_backend);
        // Pings live in Postgres when no DynamoDB table is configured: open it for them too.
        let pings_in_postgres = uses.pings && config.pings.is_none();
        let postgres = match (uses.postgres || pings_in_postgres, postgres) {
            (false, _) => None,
            (true, None) => return Err(InitError::Missing("Postgres")),
            (true, Some(target)) => Some(Postgres {
                pool: skazka_store::pool(&target.config, pool_size(&config))?,
                target,
            }),
        };
        let onec = match (uses.onec, onec) {
            (false, _) => None,
            (true, None) => return Err(InitError::Missing("1C")),
            (true, Some(endpoint)) => Some(Onec::new(endpoint, &config, cache.clone())?),
        };
        let retention = chrono::Duration::days(config.tracking.retention_days.into());
        let pings: Option<Arc<dyn PingStore>> = match (uses.pings, &config.pings, &postgres) {
            (false, _, _) => None,
            (true, Some(settings), _) => Some(dynamo_pings(settings, retention).await?),
            (true, None, Some(pg)) => {
                Some(Arc::new(PostgresPings::new(pg.pool.clone(), retention)))
            }
            (true, None, None) => return Err(InitError::Missing("PINGS_TABLE (or Postgres)")),
        };
        // A supervisor's team is looked up per request in the accounts (Postgres), cached.
        let mut sessions = skazka_session::Verifier::new(&config.session, cache.clone());
        if let Some(pg) = &postgres {
            sessions =
                sessions.with_teams(Arc::new(skazka_accounts::PgTeams::new(pg.pool.clone())));
        }
        let state = AppState {
            inner: Arc::new(Inner {
                config,
                uses,
                onec,
                postgres,
                cache,
                pings,
                sessions,
            }),
        };
        state.warm_up().await;
        Ok(state)
    }

    async fn warm_up(&self) {
        let started = Instant::now();
        let pg = async {
            if let Some(pg) = &self.inner.postgres
                && let Err(e) = skazka_store::warm_up(&pg.pool).await
            {
                tracing::warn!(error = %e, postgres = %pg.target.location(), "postgres not reachable at start-up");
            }
        };
        let onec = async {
            if let Some(onec) = &self.inner.onec
                && let Err(e) = self.probe_onec().await
            {
                tracing::warn!(error = %e, onec = %onec.endpoint.url, "1C not reachable at start-up");
            }
        };
        tokio::join!(pg, onec);
        tracing::debug!(
            ms = started.elapsed().as_millis() as u64,
            "connections opened"
        );
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The backends this function uses.
    pub fn uses(&self) -> Uses {
        self.inner.uses
    }

    fn onec_parts(&self) -> &Onec {
        self.inner.onec.as_ref().unwrap_or_else(|| undeclared("1C"))
    }

    pub fn onec(&self) -> &OnecEndpoint {
        &self.onec_parts().endpoint
    }

    /// The typed 1C client (shares its connection pool with the health probe).
    pub fn onec_client(&self) -> &OnecClient {
        &self.onec_parts().client
    }

    /// Reads of 1C data through the cache, with the time budget and the breaker (one per process).
    pub fn reader(&self) -> &Reader {
        &self.onec_parts().reader
    }

    fn postgres_parts(&self) -> &Postgres {
        self.inner
            .postgres
            .as_ref()
            .unwrap_or_else(|| undeclared("Postgres"))
    }

    pub fn postgres(&self) -> &PostgresTarget {
        &self.postgres_parts().target
    }

    pub fn db(&self) -> &PgPool {
        &self.postgres_parts().pool
    }

    pub fn cache(&self) -> &CacheHandle {
        &self.inner.cache
    }

    /// Verifies session tokens (and issues them, in the auth function).
    pub fn sessions(&self) -> &skazka_session::Verifier {
        &self.inner.sessions
    }

    pub fn pings(&self) -> &dyn PingStore {
        self.inner
            .pings
            .as_deref()
            .unwrap_or_else(|| undeclared("the ping store"))
    }

    /// GETs 1C's service root (`?$format=json`) with Basic auth: reachable and signed in.
    pub async fn probe_onec(&self) -> Result<(), String> {
        let onec = self.onec_parts();
        let mut url = onec.endpoint.url.clone();
        url.set_query(Some("$format=json"));
        let response = onec
            .http
            .get(url)
            .timeout(health::PROBE_TIMEOUT)
            .basic_auth(&onec.endpoint.user, Some(onec.endpoint.password.expose()))
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

impl Onec {
    fn new(endpoint: OnecEndpoint, config: &Config, cache: CacheHandle) -> Result<Self, InitError> {
        // One HTTP pool for 1C: the client's calls and the health probe share it, so the probe
        // during init opens the connection the first page will use.
        let client_config = ClientConfig::new(
            endpoint.url.as_str(),
            &endpoint.user,
            endpoint.password.expose(),
        );
        let http = reqwest::Client::builder()
            .connect_timeout(client_config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()?;
        let client = OnecClient::with_http(http.clone(), client_config)?;
        let reader = Reader::new(cache, &config.reads, BaseTz(config.onec_timezone));
        Ok(Onec {
            endpoint,
            client,
            reader,
            http,
        })
    }
}

/// Lets the session extractors (`skazka_session::Session`, `Scope`) find the verifier.
impl axum::extract::FromRef<AppState> for skazka_session::Verifier {
    fn from_ref(state: &AppState) -> Self {
        state.inner.sessions.clone()
    }
}

/// The shared shell around a function's own routes: `/health`, the not-found fallback, errors
/// rendered by `Accept` (a panic included: logged, answered as the 500 page), `no-store` on
/// answers to signed-in requests, `Server-Timing`, security headers and the request id.
pub fn shell(service: &'static str, routes: Router<AppState>, state: AppState) -> Router {
    let router = routes
        .route(
            "/health",
            get(move |state: axum::extract::State<AppState>| health::handler(state, service)),
        )
        .fallback(skazka_web::not_found)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(state, on_behalf_of))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(skazka_web::render_errors))
        .layer(axum::middleware::from_fn(private_no_store))
        .layer(axum::middleware::from_fn(skazka_telemetry::server_timing));
    skazka_web::security_headers(router)
        .layer(skazka_telemetry::propagate_request_id_layer())
        .layer(skazka_telemetry::trace_layer())
        .layer(skazka_telemetry::request_id_layer())
}

/// Runs the request on behalf of the person its token names (or, signed out, its address), so
/// the 1C reads it makes count against their minute (`skazka_reads::on_behalf_of`;
/// `ONEC_READS_PER_MINUTE`).
async fn on_behalf_of(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let asker = match state.sessions().subject(request.headers()) {
        Some(user) => Some(format!("user:{user}")),
        None => {
            let address = client::client_address(
                request.headers(),
                request.extensions(),
                state.config().origin_secret.as_ref(),
            );
            (address != client::UNKNOWN).then(|| format!("address:{address}"))
        }
    };
    skazka_reads::on_behalf_of(asker, next.run(request)).await
}

/// An answer to a request that carries a session (the access cookie, the refreshable flag or a
/// bearer token) may be somebody's orders or debts: `Cache-Control: no-store`, so neither a shared
/// cache nor the browser's back button keeps it, unless the handler chose its own policy.
async fn private_no_store(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = request.headers();
    let private = headers.contains_key(header::AUTHORIZATION)
        || skazka_session::cookie(headers, skazka_session::ACCESS_COOKIE).is_some()
        || skazka_session::cookie(headers, skazka_session::REFRESHABLE_COOKIE).is_some();
    let mut response = next.run(request).await;
    if private && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let text = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    skazka_web::AppError::Internal(format!("handler panicked: {text}")).into_response()
}
