//! The team's day: what a supervisor (or an admin) sees before picking an agent — each agent's
//! order count and total over the range, and the team's.

use chrono::NaiveDate;
use onec_client::Guid;
use onec_client::model::OrderDate;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_viewer::AgentNames;
use skazka_web::Stale;

use crate::list::ListQuery;
use crate::service::AgentOrders;

/// One agent's line of the team's day.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = TeamAgentLine)]
pub struct AgentLine {
    pub agent: Guid,
    pub name: String,
    pub count: usize,
    /// Over the orders that are not cancelled.
    pub total: Decimal,
}

/// The team's orders of a range, per agent.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = TeamOrders)]
pub struct TeamDay {
    /// `taken` (by order date) or `shipment` (by shipment date).
    pub date_kind: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Busiest first (by total, then by name).
    pub agents: Vec<AgentLine>,
    pub count: usize,
    pub total: Decimal,
    /// Present when 1C failed and this is the last good data.
    pub stale: Option<Stale>,
}

impl TeamDay {
    pub fn build(
        date: OrderDate,
        query: &ListQuery,
        rows: Vec<AgentOrders>,
        names: &AgentNames,
        stale: Option<Stale>,
    ) -> Self {
        let mut agents: Vec<AgentLine> = rows
            .into_iter()
            .map(|r| AgentLine {
                name: names.name(r.agent),
                agent: r.agent,
                count: r.count,
                total: r.total,
            })
            .collect();
        agents.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
        TeamDay {
            date_kind: match date {
                OrderDate::Taken => "taken",
                OrderDate::Shipment => "shipment",
            },
            from: query.from,
            to: query.to,
            count: agents.iter().map(|a| a.count).sum(),
            total: agents.iter().map(|a| a.total).sum(),
            agents,
            stale,
        }
    }
}
