//! A simulator of a 1C:Enterprise 8.3 "Управление торговлей 11" standard OData publication, with a
//! deterministic demo base of a food distributor around Kokshetau and Astana.
//!
//! It parses raw requests itself (its own `$filter` parser, see [`filter`]) and answers in 1C's JSON
//! envelope, value formats, status codes and `odata.error` bodies. Choices made where the spec is
//! unsure are listed in this crate's README.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let running = onec_sim::Simulator::spawn(onec_sim::SimConfig::default()).await?;
//! println!("{}", running.base_url()); // http://127.0.0.1:PORT/UT/odata/standard.odata/
//! # Ok(()) }
//! ```

pub mod changes;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod eval;
pub mod faults;
pub mod filter;
pub mod inspect;
pub mod live;
pub mod metadata;
pub mod names;
pub mod query;
pub mod schema;
pub mod select;
pub mod server;
pub mod url;
pub mod value;
pub mod vtable;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use axum::http::{HeaderMap, header};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Utc};

use config::Clock;

pub use changes::{Change, NewLine};
pub use config::{ClockConfig, EnvError, SimConfig};
pub use demo::{DemoIds, Scale};
pub use error::ODataError;
pub use faults::{FaultMode, Faults};
pub use query::Dialect;

use db::Db;
use query::{Answer, Query};

/// Kazakhstan has used UTC+5 in the whole country since 2024-03-01; the base keeps local wall time.
pub fn base_offset() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600).expect("valid offset")
}

/// Now, as the 1C base's clock reads it.
pub fn base_now() -> NaiveDateTime {
    Utc::now().with_timezone(&base_offset()).naive_local()
}

/// Counters a test can read to check what a client did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub requests: u64,
    pub sessions_started: u64,
}

struct Inner {
    db: RwLock<Db>,
    demo: DemoIds,
    config: SimConfig,
    as_of: NaiveDate,
    clock: Clock,
    faults: Mutex<Faults>,
    sessions: Mutex<HashSet<String>>,
    requests: AtomicU64,
    sessions_started: AtomicU64,
}

/// A running simulated base; cheap to clone.
#[derive(Clone)]
pub struct Simulator(Arc<Inner>);

impl Simulator {
    /// Generates the demo base (silently).
    pub fn new(config: SimConfig) -> Simulator {
        Self::with_progress(config, &mut |_| {})
    }

    pub fn with_progress(config: SimConfig, progress: &mut dyn FnMut(f64)) -> Simulator {
        let real_now = base_now();
        let as_of = config.as_of.unwrap_or(real_now.date());
        let clock = Clock::new(&config, as_of, real_now);
        let (db, demo) = demo::generate(config.scale, config.seed, clock.origin(), progress);
        Simulator(Arc::new(Inner {
            db: RwLock::new(db),
            demo,
            faults: Mutex::new(config.faults.clone()),
            config,
            as_of,
            clock,
            sessions: Mutex::new(HashSet::new()),
            requests: AtomicU64::new(0),
            sessions_started: AtomicU64::new(0),
        }))
    }

    /// Generates a base and serves it on a random port of 127.0.0.1.
    pub async fn spawn(config: SimConfig) -> std::io::Result<RunningSim> {
        let sim = tokio::task::spawn_blocking(move || Simulator::new(config))
            .await
            .map_err(std::io::Error::other)?;
        sim.serve("127.0.0.1:0".parse().expect("valid address"))
            .await
    }

    /// Serves this simulator on `addr` in a background task; with `live_day` set, also posts the
    /// rest of today's work as the clock reaches it (both stop when the `RunningSim` is dropped).
    pub async fn serve(&self, addr: SocketAddr) -> std::io::Result<RunningSim> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = self.router();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let live = self
            .0
            .config
            .live_day
            .then(|| tokio::spawn(live::run(self.clone())));
        Ok(RunningSim {
            sim: self.clone(),
            addr,
            task,
            live,
        })
    }

    /// The simulator's routes: the OData root under `/UT/odata/standard.odata/` and `/__sim/…`.
    pub fn router(&self) -> axum::Router {
        server::router(self.clone())
    }

    pub fn demo(&self) -> &DemoIds {
        &self.0.demo
    }

    /// The last day of the generated history.
    pub fn as_of(&self) -> NaiveDate {
        self.0.as_of
    }

    /// Now, as this base's clock reads it (see [`ClockConfig`]): documents the simulator makes are
    /// dated by it, and nothing of the last day is later.
    pub fn now(&self) -> NaiveDateTime {
        self.0.clock.now()
    }

    pub fn config(&self) -> &SimConfig {
        &self.0.config
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.0.clock
    }

    pub fn faults(&self) -> Faults {
        self.0.faults.lock().expect("faults lock").clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.0.faults.lock().expect("faults lock") = faults;
    }

    pub fn reset_faults(&self) {
        self.set_faults(Faults::default());
    }

    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.0.requests.load(Ordering::Relaxed),
            sessions_started: self.0.sessions_started.load(Ordering::Relaxed),
        }
    }

    /// Read access to the base, for tests that compute expectations independently.
    pub fn read<T>(&self, f: impl FnOnce(&Db) -> T) -> T {
        f(&self.0.db.read().expect("db lock"))
    }

    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Db) -> T) -> T {
        f(&mut self.0.db.write().expect("db lock"))
    }

    fn count_request(&self) {
        self.0.requests.fetch_add(1, Ordering::Relaxed);
    }

    fn accepts(&self, user: &str, password: &str) -> bool {
        user == self.0.config.user && password == self.0.config.password
    }

    /// 1C session handling: `IBSession: start` opens a session and returns its cookie value; a known
    /// `ibsession` cookie reuses one; without either, every call is a session of its own.
    fn session(&self, headers: &HeaderMap) -> Option<String> {
        let cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("ibsession=").map(str::to_string));
        let mut sessions = self.0.sessions.lock().expect("sessions lock");
        let control = headers
            .get("IBSession")
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        if let Some(id) = cookie.filter(|id| sessions.contains(id)) {
            if control.as_deref() == Some("finish") {
                sessions.remove(&id);
            }
            return None;
        }
        self.0.sessions_started.fetch_add(1, Ordering::Relaxed);
        if control.as_deref() == Some("start") {
            let id = server::new_session_id();
            sessions.insert(id.clone());
            return Some(id);
        }
        None
    }

    /// Answers a GET for a decoded path (relative to the OData root) and decoded query parameters.
    pub fn query(&self, path: &str, params: &[(String, String)]) -> Result<Answer, ODataError> {
        self.query_at(server::ROOT, path, params)
    }

    /// As [`Simulator::query`], with the absolute service root used in `odata.metadata`.
    pub fn query_at(
        &self,
        root: &str,
        path: &str,
        params: &[(String, String)],
    ) -> Result<Answer, ODataError> {
        self.read(|db| {
            Query {
                root,
                path,
                params,
                dialect: &self.0.config.dialect,
            }
            .run(db)
        })
    }
}

/// A simulator served on a local port; the server stops when this is dropped.
pub struct RunningSim {
    sim: Simulator,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    live: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSim {
    /// `http://127.0.0.1:PORT/UT/odata/standard.odata/`
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, server::ROOT)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn sim(&self) -> &Simulator {
        &self.sim
    }
}

impl std::ops::Deref for RunningSim {
    type Target = Simulator;
    fn deref(&self) -> &Simulator {
        &self.sim
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(live) = &self.live {
            live.abort();
        }
    }
}
