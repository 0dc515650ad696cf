//! The HTTP side: one pooled client, Basic auth in UTF-8, 1C session reuse, a per-request
//! timeout that covers the body, jittered retries for reads only, tracing and call counting.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt, stream};
use rand::Rng as _;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::decode::{self, Collection};
use crate::error::{OnecError, check_success_content, error_from_response};
use crate::filter::{Expr, Field};
use crate::guid::Guid;
use crate::metrics;
use crate::name::{Name, Path};
use crate::query::{Order, Query};

/// Retry policy for reads: full-jitter exponential backoff.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = no retry).
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(3),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        }
    }

    /// Delay before retry number `retry` (1-based): uniform in `0..=min(max, base·2^(retry-1))`.
    pub fn delay(&self, retry: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
            .min(self.max_delay);
        let ms = cap.as_millis() as u64;
        Duration::from_millis(if ms == 0 {
            0
        } else {
            rand::rng().random_range(0..=ms)
        })
    }
}

/// Client settings. `base_url` is the service root, e.g.
/// `http://10.8.10.7/UT/odata/standard.odata/` (a missing trailing slash is added).
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: String,
    pub user: String,
    pub password: String,
    /// Per request, from sending until the last body byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// Concurrent requests of one chunked id-list fetch.
    pub chunk_concurrency: usize,
    /// Upper bound of an encoded query string when chunking id lists (IIS limit is 2048).
    pub max_query_bytes: usize,
    /// Send `IBSession: start` and reuse 1C's `ibsession` cookie (docs/onec.md §P1).
    pub session_reuse: bool,
}

impl ClientConfig {
    pub fn new(
        base_url: impl Into<String>,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            user: user.into(),
            password: password.into(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            chunk_concurrency: 4,
            max_query_bytes: 1500,
            session_reuse: true,
        }
    }
}

/// The typed 1C client. Cheap to clone; clones share the connection pool and the 1C session.
#[derive(Clone)]
pub struct OnecClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    base: String,
    auth: HeaderValue,
    session: Mutex<Session>,
    /// Held by the request that opens the 1C session, so concurrent first calls (a chunked
    /// fetch on a cold start) do not each start a session and leave the others orphaned.
    session_gate: tokio::sync::Mutex<()>,
}

/// The 1C session as the client knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Session {
    /// None yet: the next request sends `IBSession: start`.
    Unknown,
    /// 1C's `ibsession` cookie value.
    Active(String),
    /// 1C answered a start request without a cookie: the publication does not reuse sessions.
    Unsupported,
}

/// What one HTTP exchange returned.
struct Answer {
    status: StatusCode,
    content_type: String,
    body: Bytes,
}

impl OnecClient {
    pub fn new(cfg: ClientConfig) -> Result<Self, OnecError> {
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| OnecError::Config(e.to_string()))?;
        Self::with_http(http, cfg)
    }

    /// Uses a caller-built `reqwest::Client` (it must have gzip enabled to get compression).
    pub fn with_http(http: reqwest::Client, cfg: ClientConfig) -> Result<Self, OnecError> {
        let mut base = cfg.base_url.clone();
        if !base.ends_with('/') {
            base.push('/');
        }
        reqwest::Url::parse(&base).map_err(|e| OnecError::Config(format!("base url: {e}")))?;
        // Basic auth over the UTF-8 bytes: 1C rejects any other encoding of Cyrillic logins.
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", cfg.user, cfg.password));
        let mut auth = HeaderValue::from_str(&format!("Basic {token}"))
            .map_err(|e| OnecError::Config(e.to_string()))?;
        auth.set_sensitive(true);
        Ok(OnecClient {
            inner: Arc::new(Inner {
                http,
                cfg,
                base,
                auth,
                session: Mutex::new(Session::Unknown),
                session_gate: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }

    /// The absolute URL a query is sent to.
    pub fn url(&self, q: &Query) -> String {
        format!("{}{}", self.inner.base, q.wire())
    }

    /// Reads a collection into typed records.
    pub async fn fetch<T: DeserializeOwned>(&self, q: &Query) -> Result<Vec<T>, OnecError> {
        Ok(self.fetch_collection(q).await?.value)
    }

    /// Reads a collection with its `odata.count` (when `$inlinecount` was asked).
    pub async fn fetch_collection<T: DeserializeOwned>(
        &self,
        q: &Query,
    ) -> Result<Collection<T>, OnecError> {
        let set = q.entity_set().to_owned();
        self.read(q.entity_set(), &self.url(q), |body| {
            let c = decode::collection::<T>(&set, body)?;
            let rows = c.value.len() as u64;
            Ok((c, rows))
        })
        .await
    }

    /// Reads one entity addressed by key (`Set(guid'…')`).
    pub async fn fetch_entity<T: DeserializeOwned>(&self, q: &Query) -> Result<T, OnecError> {
        let set = q.entity_set().to_owned();
        self.read(q.entity_set(), &self.url(q), |body| {
            Ok((decode::entity::<T>(&set, body)?, 1))
        })
        .await
    }

    /// `Set/$count?$filter=…`: a plain number (a UTF-8 BOM is tolerated).
    pub async fn count(&self, entity_set: Name, filter: Option<Expr>) -> Result<u64, OnecError> {
        let mut q = Query::set(entity_set.clone());
        if let Some(f) = filter {
            q = q.filter(f);
        }
        let url = format!("{}{}", self.inner.base, q.count_wire());
        let set = entity_set.to_string();
        self.read_raw(&set, &url, false, |body| {
            let text = String::from_utf8_lossy(body);
            let n = text
                .trim_start_matches('\u{feff}')
                .trim()
                .parse::<u64>()
                .map_err(|e| OnecError::Decode {
                    entity_set: set.clone(),
                    message: format!("$count: {e}"),
                })?;
            Ok((n, 1))
        })
        .await
    }

    /// A paging stream over a large set: `$top`/`$skip` pages in a stable order (`Ref_Key` is
    /// added when the query has none: 1C's auto-order, stable between calls).
    pub fn stream<T>(
        &self,
        q: Query,
        page_size: u64,
    ) -> impl Stream<Item = Result<T, OnecError>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let q = if q.has_order() {
            q
        } else {
            q.order_by(Name::of("Ref_Key"), Order::Asc)
        };
        let page_size = page_size.max(1);
        let client = self.clone();
        stream::try_unfold(Some(0u64), move |skip| {
            let (client, q) = (client.clone(), q.clone());
            async move {
                let Some(skip) = skip else { return Ok(None) };
                let page: Vec<T> = client.fetch(&q.top(page_size).skip(skip)).await?;
                let next = (page.len() as u64 == page_size).then_some(skip + page_size);
                Ok(Some((stream::iter(page.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
    }

    /// Fetches the rows for a list of ids: the ids are deduplicated, split into `or`-chains whose
    /// encoded query stays under `max_query_bytes`, fetched `chunk_concurrency` at a time and
    /// merged in chunk order.
    pub async fn fetch_by_ids<T, F>(&self, ids: &[Guid], make: F) -> Result<Vec<T>, OnecError>
    where
        T: DeserializeOwned,
        F: Fn(&[Guid]) -> Query,
    {
        let queries = chunk_queries(ids, self.inner.cfg.max_query_bytes, make);
        // Owned queries moved into `async move` blocks: a closure returning a future that borrows
        // its argument is not general enough for the `Send` check of axum handlers.
        let pages: Vec<Vec<T>> = stream::iter(
            queries
                .into_iter()
                .map(|q| async move { self.fetch::<T>(&q).await }),
        )
        .buffered(self.inner.cfg.chunk_concurrency.max(1))
        .try_collect()
        .await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// `PATCH Set(guid'…')?$format=json` with a JSON body; answers the updated entity. Never retried.
    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        entity_set: Name,
        key: Guid,
        body: &B,
    ) -> Result<T, OnecError> {
        let q = Query::key(entity_set, key);
        let url = self.url(&q);
        let json = serde_json::to_vec(body).map_err(|e| OnecError::Config(e.to_string()))?;
        let set = q.entity_set().to_owned();
        let started = Instant::now();
        let span = tracing::info_span!("onec.patch", entity_set = %set);
        let res = self
            .exchange(Method::PATCH, &url, Some(json))
            .instrument(span)
            .await;
        let res = res.and_then(|a| {
            let v = decode::entity::<T>(&set, &a.body)?;
            Ok((v, a.body.len()))
        });
        metrics::record(|s| {
            s.calls += 1;
            s.total_time += started.elapsed();
            if let Ok((_, bytes)) = &res {
                s.rows += 1;
                s.bytes += *bytes as u64;
            } else {
                s.errors += 1;
            }
        });
        res.map(|(v, _)| v)
    }

    async fn read<T>(
        &self,
        set: &str,
        url: &str,
        decode: impl Fn(&[u8]) -> Result<(T, u64), OnecError>,
    ) -> Result<T, OnecError> {
        self.read_raw(set, url, true, decode).await
    }

    /// One logical GET: attempts (exchange + decode) until success, a non-retryable error or the
    /// attempt budget is spent. Each attempt is traced and counted.
    async fn read_raw<T>(
        &self,
        set: &str,
        url: &str,
        json: bool,
        decode: impl Fn(&[u8]) -> Result<(T, u64), OnecError>,
    ) -> Result<T, OnecError> {
        let policy = &self.inner.cfg.retry;
        let mut attempt = 1;
        loop {
            let started = Instant::now();
            let span = tracing::info_span!("onec.get", entity_set = %set, attempt, rows = tracing::field::Empty,
                bytes = tracing::field::Empty, duration_ms = tracing::field::Empty);
            let res = async {
                let a = self.exchange(Method::GET, url, None).await?;
                if json {
                    check_success_content(a.status.as_u16(), &a.content_type, &a.body)?;
                }
                let (v, rows) = decode(&a.body)?;
                Ok::<_, OnecError>((v, rows, a.body.len() as u64))
            }
            .instrument(span.clone())
            .await;
            let elapsed = started.elapsed();
            span.record("duration_ms", elapsed.as_millis() as u64);
            let retry = match &res {
                Err(e) => e.is_retryable() && attempt < policy.max_attempts,
                Ok(_) => false,
            };
            metrics::record(|s| {
                s.calls += 1;
                s.total_time += elapsed;
                if attempt > 1 {
                    s.retries += 1;
                }
                match &res {
                    Ok((_, rows, bytes)) => {
                        s.rows += rows;
                        s.bytes += bytes;
                    }
                    Err(_) if !retry => s.errors += 1,
                    Err(_) => {}
                }
            });
            match res {
                Ok((v, rows, bytes)) => {
                    span.record("rows", rows);
                    span.record("bytes", bytes);
                    tracing::debug!(parent: &span, entity_set = %set, rows, bytes, duration_ms = elapsed.as_millis() as u64, "1C call");
                    return Ok(v);
                }
                Err(e) if retry => {
                    let delay = policy.delay(attempt);
                    tracing::warn!(parent: &span, entity_set = %set, error = %e, ?delay, "1C read failed, retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => {
                    tracing::warn!(parent: &span, entity_set = %set, error = %e, "1C read failed");
                    return Err(e);
                }
            }
        }
    }

    /// One HTTP exchange under the per-request timeout (headers and body together). Non-2xx
    /// answers become typed errors here.
    async fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, OnecError> {
        let timeout = self.inner.cfg.timeout;
        match tokio::time::timeout(timeout, self.exchange_untimed(method, url, body)).await {
            Ok(r) => r,
            Err(_) => Err(OnecError::Timeout(timeout)),
        }
    }

    async fn exchange_untimed(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, OnecError> {
        let gate = match self.session_state() {
            Session::Unknown if self.inner.cfg.session_reuse => {
                Some(self.inner.session_gate.lock().await)
            }
            _ => None,
        };
        let mut req = self
            .inner
            .http
            .request(method, url)
            .headers(self.headers())
            .timeout(self.inner.cfg.timeout);
        if let Some(b) = body {
            req = req.header(header::CONTENT_TYPE, "application/json").body(b);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        self.remember_session(resp.headers(), resp.status().is_success());
        drop(gate);
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        if status.is_success() {
            return Ok(Answer {
                status,
                content_type,
                body,
            });
        }
        let err = error_from_response(status.as_u16(), &content_type, &body);
        if status == StatusCode::NOT_ACCEPTABLE {
            // «Истекло время ожидания сеанса»: start a new 1C session next time.
            self.forget_session();
        }
        Err(err)
    }

    fn transport_error(&self, e: reqwest::Error) -> OnecError {
        if e.is_timeout() {
            OnecError::Timeout(self.inner.cfg.timeout)
        } else if e.is_decode() {
            OnecError::Truncated(e.to_string())
        } else {
            OnecError::Transport(e.to_string())
        }
    }

    fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, self.inner.auth.clone());
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if self.inner.cfg.session_reuse {
            match self.session_state() {
                Session::Active(id) => {
                    if let Ok(cookie) = HeaderValue::from_str(&format!("ibsession={id}")) {
                        h.insert(header::COOKIE, cookie);
                    }
                }
                Session::Unknown => {
                    h.insert("IBSession", HeaderValue::from_static("start"));
                }
                Session::Unsupported => {}
            }
        }
        h
    }

    fn session_state(&self) -> Session {
        self.inner
            .session
            .lock()
            .map(|s| s.clone())
            .unwrap_or(Session::Unsupported)
    }

    /// Adopts an `ibsession` cookie; a successful answer to a start request without one means the
    /// publication does not reuse sessions (docs/onec.md §P1: the client must work without it).
    fn remember_session(&self, headers: &HeaderMap, success: bool) {
        if !self.inner.cfg.session_reuse {
            return;
        }
        let found = headers.get_all(header::SET_COOKIE).iter().find_map(|v| {
            let first = v.to_str().ok()?.split(';').next()?.trim();
            let (k, val) = first.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("ibsession")
                .then(|| val.trim().to_owned())
        });
        if let Ok(mut slot) = self.inner.session.lock() {
            match found {
                Some(id) => *slot = Session::Active(id),
                None if success && *slot == Session::Unknown => *slot = Session::Unsupported,
                None => {}
            }
        }
    }

    fn forget_session(&self) {
        if let Ok(mut slot) = self.inner.session.lock() {
            *slot = Session::Unknown;
        }
    }

    /// The 1C session id in use, if 1C handed one out.
    pub fn session_id(&self) -> Option<String> {
        match self.session_state() {
            Session::Active(id) => Some(id),
            _ => None,
        }
    }
}

/// Splits `ids` (deduplicated, order kept) into queries whose encoded query string stays within
/// `max_bytes` (a single id is always allowed, so no id is dropped).
pub fn chunk_queries<F: Fn(&[Guid]) -> Query>(
    ids: &[Guid],
    max_bytes: usize,
    make: F,
) -> Vec<Query> {
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<Guid> = ids.iter().copied().filter(|g| seen.insert(*g)).collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < ids.len() {
        let mut end = start + 1;
        let mut best = make(&ids[start..end]);
        while end < ids.len() {
            let candidate = make(&ids[start..=end]);
            if candidate.query_wire().len() > max_bytes {
                break;
            }
            best = candidate;
            end += 1;
        }
        out.push(best);
        start = end;
    }
    out
}

/// `Ref_Key eq guid'…' or …` for a chunk.
pub fn ref_key_in(ids: &[Guid]) -> Expr {
    Expr::any_eq(&Field(Path::new(Name::of("Ref_Key"))), ids.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_under_the_limit_and_keep_every_id() {
        let ids: Vec<Guid> = (0..100u128)
            .map(|i| Guid::from_uuid(uuid::Uuid::from_u128(i + 1)))
            .collect();
        let make = |c: &[Guid]| {
            Query::set(Name::of("Document_РеализацияТоваровУслуг")).filter(ref_key_in(c))
        };
        let qs = chunk_queries(&ids, 1500, make);
        assert!(qs.len() > 1);
        let mut total = 0;
        for q in &qs {
            assert!(q.query_wire().len() <= 1500, "{}", q.query_wire().len());
            total += q.decoded().matches("guid'").count();
        }
        assert_eq!(total, 100);
        // Duplicates are fetched once.
        let twice: Vec<Guid> = ids.iter().chain(ids.iter()).copied().collect();
        let n: usize = chunk_queries(&twice, 1500, make)
            .iter()
            .map(|q| q.decoded().matches("guid'").count())
            .sum();
        assert_eq!(n, 100);
        assert!(chunk_queries(&[], 1500, make).is_empty());
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
        };
        for retry in 1..10 {
            assert!(p.delay(retry) <= Duration::from_millis(300));
        }
        assert!(p.delay(1) <= Duration::from_millis(100));
    }
}
