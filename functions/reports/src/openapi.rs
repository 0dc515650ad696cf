//! This function's part of the portal's OpenAPI description (`/api/v1/openapi.json`), generated
//! from the answers' types. One handler serves the four reports
//! ([`crate::handlers::report`]), so the operations are declared here, one per path.

use skazka_web::openapi::Problems;

use crate::handlers::ReportParams;
use crate::report::{ClientsGoodsReport, ClientsReport, GoodsReport, TeamReport};

#[utoipa::path(
    get,
    path = "/reports/sales/clients",
    tag = "reports",
    summary = "Sales by client (one row per partner): quantity, revenue, discounts, share",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The report", body = ClientsReport), Problems)
)]
#[allow(dead_code)]
fn clients() {}

#[utoipa::path(
    get,
    path = "/reports/sales/goods",
    tag = "reports",
    summary = "Sales by product, grouped by manufacturer (`maker` filters)",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The report", body = GoodsReport), Problems)
)]
#[allow(dead_code)]
fn goods() {}

#[utoipa::path(
    get,
    path = "/reports/sales/clients-goods",
    tag = "reports",
    summary = "Sales by client, then the products each bought",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The report", body = ClientsGoodsReport), Problems)
)]
#[allow(dead_code)]
fn clients_goods() {}

#[utoipa::path(
    get,
    path = "/reports/sales/team",
    tag = "reports",
    summary = "Each agent of a supervisor's team (an admin: everyone) and the team's total; agents and clients get 403",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The report", body = TeamReport), Problems)
)]
#[allow(dead_code)]
fn team() {}

/// The operations above.
#[derive(utoipa::OpenApi)]
#[openapi(paths(clients, goods, clients_goods, team))]
pub struct ApiDoc;
