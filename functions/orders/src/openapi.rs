//! This function's part of the portal's OpenAPI description (`/api/v1/openapi.json`), generated
//! from the answers' types. One handler serves the four lists (see [`crate::handlers::LISTS`]) and
//! one the agents' and clients' order pages, so the operations are declared here, one per path.

use chrono::NaiveDate;
use onec_client::Guid;
use serde::Serialize;
use skazka_web::openapi::Problems;

use crate::domain::{OrderDetail, SaleDetail};
use crate::handlers::Detail;
use crate::list::{OrderList, Sort};
use crate::team::TeamDay;

/// A list's query. A malformed value is a `400` problem naming it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// The first day (`YYYY-MM-DD`); default today in the base's zone.
    pub from: Option<NaiveDate>,
    /// The last day; default `from`. At most 92 days.
    pub to: Option<NaiveDate>,
    /// Search by client name or order number (at most 100 characters).
    pub q: Option<String>,
    /// How each day's orders are ordered; default `time`.
    pub sort: Option<Sort>,
}

/// A document page's id.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct DocumentPath {
    /// The document's ref; one outside the viewer's documents (or not a GUID) is `404`.
    pub id: Guid,
}

/// What an agents' list answers: one agent's orders, or — a supervisor or admin without `agent` —
/// the team's orders per agent.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum OrdersOrTeam {
    Orders(OrderList),
    Team(TeamDay),
}

#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    summary = "The agent's orders by the day they were taken; a supervisor's or admin's team without `agent`",
    description = "Grouped by day; `total` is over the orders that are not cancelled. `stale` says how old kept data is when 1C fails.",
    params(ListParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The orders", body = OrdersOrTeam), Problems)
)]
#[allow(dead_code)]
fn orders() {}

#[utoipa::path(
    get,
    path = "/orders/by-shipment",
    tag = "orders",
    summary = "The agent's orders by shipment date; a supervisor's or admin's team without `agent`",
    params(ListParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The orders", body = OrdersOrTeam), Problems)
)]
#[allow(dead_code)]
fn orders_by_shipment() {}

#[utoipa::path(
    get,
    path = "/my/orders",
    tag = "orders",
    summary = "A client's own orders by the day they were taken",
    params(ListParams),
    responses((status = 200, description = "The orders", body = OrderList), Problems)
)]
#[allow(dead_code)]
fn my_orders() {}

#[utoipa::path(
    get,
    path = "/my/orders/by-shipment",
    tag = "orders",
    summary = "A client's own orders by shipment date",
    params(ListParams),
    responses((status = 200, description = "The orders", body = OrderList), Problems)
)]
#[allow(dead_code)]
fn my_orders_by_shipment() {}

#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    summary = "One of the agent's orders: lines, totals, where it was taken, its sale documents",
    description = "A supervisor or admin names the agent with `agent` (without it: `400`).",
    params(DocumentPath, skazka_viewer::AgentParam),
    responses((status = 200, description = "The order", body = Detail<OrderDetail>), Problems)
)]
#[allow(dead_code)]
fn order() {}

#[utoipa::path(
    get,
    path = "/my/orders/{id}",
    tag = "orders",
    summary = "One of a client's own orders (without internal fields)",
    params(DocumentPath),
    responses((status = 200, description = "The order", body = Detail<OrderDetail>), Problems)
)]
#[allow(dead_code)]
fn my_order() {}

#[utoipa::path(
    get,
    path = "/sales/{id}",
    tag = "orders",
    summary = "One of the viewer's sale documents, with what is left to pay",
    params(DocumentPath, skazka_viewer::AgentParam),
    responses((status = 200, description = "The sale", body = Detail<SaleDetail>), Problems)
)]
#[allow(dead_code)]
fn sale() {}

/// The orders routes' part of the portal's description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    orders,
    orders_by_shipment,
    my_orders,
    my_orders_by_shipment,
    order,
    my_order,
    sale
))]
pub struct ApiDoc;
