//! The orders service: 1C (through `onec-client`) → domain types, through the shared read path
//! (`skazka_reads`: cache, time budget, breaker, kept data with its age).
//!
//! - Every read takes a [`Viewer`] and puts its owner into the 1C filter, so a document outside
//!   the viewer's scope is simply absent: [`ReadError::NotFound`].
//! - 1C calls per page are bounded and independent of the number of rows: a list is one request;
//!   an order's page is its header, then its lines, sales and Агент Плюс rows together, then the
//!   debts of its sales (id lists chunked and fetched concurrently by the client); the team's day
//!   is one request per chunk of agents.
//! - Built once per cold start (the function's state), shared by every request.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use onec_client::model::{AgentPlusProperties, BaseTz, OrderDate, OrderStatus, positions};
use onec_client::{Guid, OnecClient};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_reads::{LIVE, REFERENCE, ReadError, Reader, Served};
use skazka_viewer::{Team, Viewer};

use crate::domain::{
    Line, LinkedSale, OrderDetail, OrderSummary, SaleDetail, Taken, at, delivery_text,
    payment_text, totals,
};
use crate::e1c::{DocumentKind, E1cLinks};

/// Cache keys start with this; bump it when a cached type changes shape.
const KEY: &str = "orders:v2";

fn kind(date: OrderDate) -> &'static str {
    match date {
        OrderDate::Taken => "taken",
        OrderDate::Shipment => "shipment",
    }
}

/// The cache key of a list: whose data and the query, never a URL.
pub fn list_key(viewer: &Viewer, date: OrderDate, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "{KEY}:list:{}:{}:{from}:{to}",
        kind(date),
        viewer.cache_key()
    )
}

#[derive(Serialize, Deserialize)]
struct PropsCached {
    latitude: Guid,
    longitude: Guid,
    started: Guid,
    stopped: Guid,
}

/// The orders of one agent of a team within a range: the team's day, per agent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgentOrders {
    pub agent: Guid,
    pub count: usize,
    /// Over the orders that are not cancelled.
    pub total: Decimal,
}

/// Reads the orders pages' data. Cheap to clone.
#[derive(Clone)]
pub struct OrdersService {
    onec: OnecClient,
    reader: Reader,
    links: Arc<E1cLinks>,
}

impl OrdersService {
    pub fn new(onec: OnecClient, reader: Reader, links: E1cLinks) -> Self {
        OrdersService {
            onec,
            reader,
            links: Arc::new(links),
        }
    }

    pub fn tz(&self) -> BaseTz {
        self.reader.tz()
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    pub fn onec(&self) -> &OnecClient {
        &self.onec
    }

    /// One agent's or one client's orders taken (or shipping) within `from..=to`: one request.
    pub async fn list(
        &self,
        viewer: &Viewer,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Served<Vec<OrderSummary>>, ReadError> {
        let owner = viewer.owner().ok_or(ReadError::NotFound)?;
        let tz = self.tz();
        let internal = viewer.internal();
        self.reader
            .read(&list_key(viewer, date, from, to), LIVE, || async {
                let orders = self.onec.owned_orders(&owner, date, from, to).await?;
                Ok(orders
                    .iter()
                    .map(|o| OrderSummary::from_onec(o, tz, internal, None))
                    .collect())
            })
            .await
    }

    /// Each agent's order count and total within `from..=to`, for a supervisor's team or (admin)
    /// everyone: one request per chunk of agents. Agents without orders are in the list too when
    /// the team names them.
    pub async fn team_day(
        &self,
        team: &Team,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Served<Vec<AgentOrders>>, ReadError> {
        let key = format!("{KEY}:team:{}:{}:{from}:{to}", kind(date), team.cache_key());
        self.reader
            .read(&key, LIVE, || async {
                let orders = self.onec.team_orders(team.agents(), date, from, to).await?;
                let mut by_agent: HashMap<Guid, AgentOrders> = team
                    .agents()
                    .unwrap_or_default()
                    .iter()
                    .map(|&agent| {
                        let none = AgentOrders {
                            agent,
                            count: 0,
                            total: Decimal::ZERO,
                        };
                        (agent, none)
                    })
                    .collect();
                for order in &orders {
                    let Some(agent) = order.manager else { continue };
                    let row = by_agent.entry(agent).or_insert(AgentOrders {
                        agent,
                        count: 0,
                        total: Decimal::ZERO,
                    });
                    row.count += 1;
                    if order.status() != OrderStatus::Cancelled {
                        row.total += order.total;
                    }
                }
                Ok(by_agent.into_values().collect())
            })
            .await
    }

    /// One order with its lines, where it was taken, and its sales with their debts.
    pub async fn order(&self, viewer: &Viewer, id: Guid) -> Result<Served<OrderDetail>, ReadError> {
        let key = format!("{KEY}:order:{}:{id}", viewer.cache_key());
        self.reader
            .read(&key, LIVE, || self.fetch_order(viewer, id))
            .await?
            .found()
    }

    async fn fetch_order(
        &self,
        viewer: &Viewer,
        id: Guid,
    ) -> Result<Option<OrderDetail>, ReadError> {
        let owner = viewer.owner().ok_or(ReadError::NotFound)?;
        // The header first: it proves the order is the viewer's before anything else is read.
        let Some(header) = self.onec.owned_order(id, &owner).await? else {
            return Ok(None);
        };
        let internal = viewer.internal();
        let taken = async {
            if !internal {
                return Ok(None);
            }
            Ok::<_, ReadError>(Some(self.taken(id).await?))
        };
        let (lines, sales, taken) = futures::try_join!(
            async { Ok::<_, ReadError>(self.onec.order_lines_with_units(id).await?) },
            async { Ok::<_, ReadError>(self.onec.order_sales(id, &owner).await?) },
            taken,
        )?;
        let sale_ids: Vec<Guid> = sales.iter().map(|s| s.id).collect();
        let debts = if sale_ids.is_empty() {
            HashMap::new()
        } else {
            self.onec.sales_debts(&sale_ids).await?
        };
        let tz = self.tz();
        let lines: Vec<Line> = lines.iter().map(Line::from_onec).collect();
        let all_cancelled = !lines.is_empty() && lines.iter().all(|l| l.cancelled);
        let mut sales: Vec<LinkedSale> = sales
            .iter()
            .map(|s| LinkedSale::from_onec(s, tz, debts.get(&s.id).copied().unwrap_or_default()))
            .collect();
        sales.sort_by_key(|s| s.date);
        Ok(Some(OrderDetail {
            order: OrderSummary::from_onec(&header, tz, internal, Some(all_cancelled)),
            totals: totals(&lines),
            lines,
            taken,
            sales,
            onec_link: internal.then(|| self.links.link(DocumentKind::Order, id)),
        }))
    }

    /// Where and when Агент Плюс recorded the order (its four rows), if it did.
    async fn taken(&self, order: Guid) -> Result<Option<Taken>, ReadError> {
        let Some(props) = self.agent_plus_properties().await? else {
            return Ok(None);
        };
        let rows = self.onec.agent_plus_rows(&[order]).await?;
        let Some(p) = positions(&rows, &props).remove(&order) else {
            return Ok(None);
        };
        let tz = self.tz();
        let started = p.started.map(|t| at(tz, t));
        let finished = p.stopped.map(|t| at(tz, t));
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

    async fn agent_plus_properties(&self) -> Result<Option<AgentPlusProperties>, ReadError> {
        let key = format!("{KEY}:agent-plus-properties");
        let served = self
            .reader
            .read(&key, REFERENCE, || async {
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
            })
            .await?;
        Ok(served.value.map(|p| AgentPlusProperties {
            latitude: p.latitude,
            longitude: p.longitude,
            started: p.started,
            stopped: p.stopped,
        }))
    }

    /// One sale document with its lines and remaining debt.
    pub async fn sale(&self, viewer: &Viewer, id: Guid) -> Result<Served<SaleDetail>, ReadError> {
        let key = format!("{KEY}:sale:{}:{id}", viewer.cache_key());
        self.reader
            .read(&key, LIVE, || self.fetch_sale(viewer, id))
            .await?
            .found()
    }

    async fn fetch_sale(&self, viewer: &Viewer, id: Guid) -> Result<Option<SaleDetail>, ReadError> {
        let owner = viewer.owner().ok_or(ReadError::NotFound)?;
        let Some(sale) = self.onec.owned_sale(id, &owner).await? else {
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
            date: sale.date.map(|d| at(self.tz(), d)),
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
}
