//! The orders service: 1C (through `onec-client`) → domain types, through the cache.
//!
//! - Every read takes a [`Viewer`] (from the session's scope) and puts its owner into the 1C filter,
//!   so a document outside the scope is simply absent: [`ServiceError::NotFound`].
//! - 1C calls per page are bounded and independent of the number of rows: a list is one request;
//!   an order's page is its header, then its lines, sales and Агент Плюс rows together, then the
//!   debts of its sales (id lists chunked and fetched concurrently by the client).
//! - Values are cached per viewer and query with short TTLs ([`LIST`], [`DOCUMENT`]); concurrent
//!   misses of one key make one 1C call; when 1C fails (down, slow past [`BUDGET`], garbage) the
//!   last good value is served with its age ([`Served::stale`]); with nothing kept the error is
//!   [`ServiceError::Unavailable`] (a 503 page, never 1C's text).

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use onec_client::model::{AgentPlusProperties, BaseTz, OrderDate, positions};
use onec_client::{Guid, OnecClient, OnecError};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use skazka_cache::{CacheHandle, Freshness, Policy};
use skazka_web::AppError;

use crate::domain::{
    Line, LinkedSale, OrderDetail, OrderSummary, SaleDetail, Taken, at, delivery_text,
    payment_text, totals,
};
use crate::e1c::{DocumentKind, E1cLinks};
use crate::viewer::Viewer;

/// Lists: orders change during the day (new orders, statuses), so a minute.
pub const LIST: Policy = Policy::new(Duration::from_secs(60), Duration::from_secs(7 * 86_400));
/// One order or sale document.
pub const DOCUMENT: Policy = Policy::new(Duration::from_secs(60), Duration::from_secs(7 * 86_400));
/// The Агент Плюс property refs and the 1C users (agent names) hardly ever change.
pub const REFERENCE: Policy =
    Policy::new(Duration::from_secs(3_600), Duration::from_secs(30 * 86_400));
/// How long one page waits for 1C before it serves what it has kept.
pub const BUDGET: Duration = Duration::from_secs(10);
/// Cache keys start with this; bump it when a cached type changes shape.
const KEY: &str = "orders:v1";

/// The cache key of a list: the viewer (whose data) and the query, never a URL.
pub fn list_key(viewer: &Viewer, date: OrderDate, from: NaiveDate, to: NaiveDate) -> String {
    let kind = match date {
        OrderDate::Taken => "taken",
        OrderDate::Shipment => "shipment",
    };
    format!("{KEY}:list:{kind}:{}:{from}:{to}", viewer.cache_key())
}

/// Why a page has no data.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Absent, or not the viewer's.
    #[error("not found")]
    NotFound,
    /// 1C failed and nothing is kept.
    #[error("1C unavailable: {0}")]
    Unavailable(#[from] OnecError),
    #[error("1C did not answer within {0:?}")]
    Timeout(Duration),
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => AppError::NotFound,
            other => AppError::Unavailable(other.to_string()),
        }
    }
}

/// Data served because 1C failed: when it was fetched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stale {
    /// When the data was read from 1C, in the base's zone.
    pub as_of: DateTime<FixedOffset>,
    pub age_seconds: u64,
}

/// A value and, when it is not fresh, how old it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Served<T> {
    pub value: T,
    pub stale: Option<Stale>,
}

/// An agent for the selector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentName {
    pub id: Guid,
    pub name: String,
}

#[derive(Serialize, Deserialize)]
struct PropsCached {
    latitude: Guid,
    longitude: Guid,
    started: Guid,
    stopped: Guid,
}

/// The service over one state's 1C client and cache.
#[derive(Clone, Copy)]
pub struct OrdersService<'a> {
    pub onec: &'a OnecClient,
    pub cache: &'a CacheHandle,
    pub tz: BaseTz,
    pub links: &'a E1cLinks,
}

impl<'a> OrdersService<'a> {
    async fn cached<T, F, Fut>(
        &self,
        key: String,
        policy: Policy,
        fetch: F,
    ) -> Result<Served<T>, ServiceError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let fetched = self
            .cache
            .get_or_fetch(&key, policy, || async move {
                match tokio::time::timeout(BUDGET, fetch()).await {
                    Ok(result) => result,
                    Err(_) => Err(ServiceError::Timeout(BUDGET)),
                }
            })
            .await;
        let fetched = match fetched {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, key, "1C read failed, nothing kept");
                return Err(e);
            }
        };
        let stale = match fetched.freshness {
            Freshness::Fresh => None,
            Freshness::Stale { age } => {
                tracing::warn!(
                    key,
                    age_s = age.as_secs(),
                    "1C read failed, serving kept data"
                );
                Some(Stale {
                    as_of: Utc
                        .timestamp_millis_opt(fetched.stored_at_ms as i64)
                        .single()
                        .unwrap_or_else(Utc::now)
                        .with_timezone(&self.tz.0)
                        .fixed_offset(),
                    age_seconds: age.as_secs(),
                })
            }
        };
        Ok(Served {
            value: fetched.value,
            stale,
        })
    }

    /// The viewer's orders taken (or shipping) within `from..=to`: one 1C request.
    pub async fn list(
        &self,
        viewer: &Viewer,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Served<Vec<OrderSummary>>, ServiceError> {
        self.cached(list_key(viewer, date, from, to), LIST, || async {
            let orders = self
                .onec
                .owned_orders(&viewer.owner(), date, from, to)
                .await?;
            Ok(orders
                .iter()
                .map(|o| OrderSummary::from_onec(o, self.tz, viewer.internal(), None))
                .collect())
        })
        .await
    }

    /// One order with its lines, where it was taken, and its sales with their debts.
    pub async fn order(
        &self,
        viewer: &Viewer,
        id: Guid,
    ) -> Result<Served<OrderDetail>, ServiceError> {
        let key = format!("{KEY}:order:{}:{id}", viewer.cache_key());
        let served = self
            .cached(key, DOCUMENT, || self.fetch_order(viewer, id))
            .await?;
        match served.value {
            Some(value) => Ok(Served {
                value,
                stale: served.stale,
            }),
            None => Err(ServiceError::NotFound),
        }
    }

    async fn fetch_order(
        &self,
        viewer: &Viewer,
        id: Guid,
    ) -> Result<Option<OrderDetail>, ServiceError> {
        let owner = viewer.owner();
        // The header first: it proves the order is the viewer's before anything else is read.
        let Some(header) = self.onec.owned_order(id, &owner).await? else {
            return Ok(None);
        };
        let internal = viewer.internal();
        let taken = async {
            if !internal {
                return Ok(None);
            }
            Ok::<_, ServiceError>(Some(self.taken(id).await?))
        };
        let (lines, sales, taken) = futures::try_join!(
            async { Ok::<_, ServiceError>(self.onec.order_lines_with_units(id).await?) },
            async { Ok::<_, ServiceError>(self.onec.order_sales(id, &owner).await?) },
            taken,
        )?;
        let sale_ids: Vec<Guid> = sales.iter().map(|s| s.id).collect();
        let debts = if sale_ids.is_empty() {
            HashMap::new()
        } else {
            self.onec.sales_debts(&sale_ids).await?
        };
        let lines: Vec<Line> = lines.iter().map(Line::from_onec).collect();
        let all_cancelled = !lines.is_empty() && lines.iter().all(|l| l.cancelled);
        let mut sales: Vec<LinkedSale> = sales
            .iter()
            .map(|s| {
                LinkedSale::from_onec(s, self.tz, debts.get(&s.id).copied().unwrap_or_default())
            })
            .collect();
        sales.sort_by_key(|s| s.date);
        Ok(Some(OrderDetail {
            order: OrderSummary::from_onec(&header, self.tz, internal, Some(all_cancelled)),
            totals: totals(&lines),
            lines,
            taken,
            sales,
            onec_link: internal.then(|| self.links.link(DocumentKind::Order, id)),
        }))
    }

    /// Where and when Агент Плюс recorded the order (its four rows), if it did.
    async fn taken(&self, order: Guid) -> Result<Option<Taken>, ServiceError> {
        let Some(props) = self.agent_plus_properties().await? else {
            return Ok(None);
        };
        let rows = self.onec.agent_plus_rows(&[order]).await?;
        let Some(p) = positions(&rows, &props).remove(&order) else {
            return Ok(None);
        };
        let started = p.started.map(|t| at(self.tz, t));
        let finished = p.stopped.map(|t| at(self.tz, t));
        Ok(Some(Taken {
            latitude: p.latitude,
            longitude: p.longitude,
            duration_seconds: match (started, finished) {
                (Some(s), Some(f)) if f >= s => Some((f - s).num_seconds()),
                _ => None,
            },
            started,
            finished,
        }))
    }

    async fn agent_plus_properties(&self) -> Result<Option<AgentPlusProperties>, ServiceError> {
        let served = self
            .cached(
                format!("{KEY}:agent-plus-properties"),
                REFERENCE,
                || async {
                    Ok(self
                        .onec
                        .agent_plus_properties()
                        .await?
                        .map(|p| PropsCached {
                            latitude: p.latitude,
                            longitude: p.longitude,
                            started: p.started,
                            stopped: p.stopped,
                        }))
                },
            )
            .await?;
        Ok(served.value.map(|p| AgentPlusProperties {
            latitude: p.latitude,
            longitude: p.longitude,
            started: p.started,
            stopped: p.stopped,
        }))
    }

    /// One sale document with its lines and remaining debt.
    pub async fn sale(
        &self,
        viewer: &Viewer,
        id: Guid,
    ) -> Result<Served<SaleDetail>, ServiceError> {
        let key = format!("{KEY}:sale:{}:{id}", viewer.cache_key());
        let served = self
            .cached(key, DOCUMENT, || self.fetch_sale(viewer, id))
            .await?;
        match served.value {
            Some(value) => Ok(Served {
                value,
                stale: served.stale,
            }),
            None => Err(ServiceError::NotFound),
        }
    }

    async fn fetch_sale(
        &self,
        viewer: &Viewer,
        id: Guid,
    ) -> Result<Option<SaleDetail>, ServiceError> {
        let Some(sale) = self.onec.owned_sale(id, &viewer.owner()).await? else {
            return Ok(None);
        };
        let ids = [id];
        let (lines, debts) = futures::try_join!(
            self.onec.sale_lines_with_units(id),
            self.onec.sales_debts(&ids),
        )?;
        let lines: Vec<Line> = lines.iter().map(Line::from_onec).collect();
        let debt = debts.get(&id).copied().unwrap_or_default();
        let internal = viewer.internal();
        let delivery_method: onec_client::model::DeliveryMethod =
            sale.delivery_method.clone().into();
        Ok(Some(SaleDetail {
            id,
            number: onec_client::model::short_number(&sale.number),
            number_1c: sale.number.clone(),
            date: sale.date.map(|d| at(self.tz, d)),
            client: sale
                .partner
                .as_ref()
                .map(|p| p.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Партнер не найден".to_owned()),
            total: sale.total,
            posted: sale.posted,
            payment_form: payment_text(&sale.payment_form),
            delivery: delivery_text(&delivery_method),
            address: sale.delivery_address.clone(),
            comment: internal.then(|| sale.comment.clone()),
            order: sale.order,
            totals: totals(&lines),
            lines,
            paid: debt <= Decimal::ZERO,
            debt: debt.max(Decimal::ZERO),
            onec_link: internal.then(|| self.links.link(DocumentKind::Sale, id)),
        }))
    }

    /// Valid 1C users by name, for the agent selector (cached for an hour).
    pub async fn agents(&self) -> Result<Served<Vec<AgentName>>, ServiceError> {
        self.cached(format!("{KEY}:agents"), REFERENCE, || async {
            let mut users: Vec<AgentName> = self
                .onec
                .users()
                .await?
                .into_iter()
                .filter(|u| !u.deleted && !u.invalid)
                .map(|u| AgentName {
                    id: u.id,
                    name: u.name,
                })
                .collect();
            users.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(users)
        })
        .await
    }
}
