//! This function's part of the portal's OpenAPI description (`/api/v1/openapi.json`), generated
//! from the answers' types. One handler serves an agent's `/debts` and a client's `/my/debts`, so
//! the operations are declared here, one per path.

use onec_client::Guid;
use skazka_web::openapi::Problems;

use crate::domain::{ClientPage, DebtsReport};

/// The lists' query.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search by client (partner or counterparty) name.
    pub q: Option<String>,
    /// `debt` (default, largest first), `overdue` (most days first) or `client` (by name).
    pub sort: Option<String>,
}

/// A client page's partner.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PartnerPath {
    /// The partner's ref; one outside the viewer's documents (or not a GUID) is `404`.
    pub id: Guid,
}

#[utoipa::path(
    get,
    path = "/debts",
    tag = "debts",
    summary = "What the agent's clients owe; a supervisor's or admin's team without `agent`",
    description = "Open sale documents aged by their payment due date, grouped by client. `total` is the remaining debt. At most a minute behind 1C; `stale` says how old kept data is when 1C fails.",
    params(ListParams, skazka_viewer::AgentParam),
    responses((status = 200, description = "The debts", body = DebtsReport), Problems)
)]
#[allow(dead_code)]
fn debts() {}

#[utoipa::path(
    get,
    path = "/debts/clients/{id}",
    tag = "debts",
    summary = "One client's open documents and 90 days of payments",
    params(PartnerPath, skazka_viewer::AgentParam),
    responses((status = 200, description = "The client", body = ClientPage), Problems)
)]
#[allow(dead_code)]
fn client() {}

#[utoipa::path(
    get,
    path = "/my/debts",
    tag = "debts",
    summary = "What a client's own partners owe",
    params(ListParams),
    responses((status = 200, description = "The debts", body = DebtsReport), Problems)
)]
#[allow(dead_code)]
fn my_debts() {}

#[utoipa::path(
    get,
    path = "/my/debts/clients/{id}",
    tag = "debts",
    summary = "One of a client's own partners",
    params(PartnerPath),
    responses((status = 200, description = "The client", body = ClientPage), Problems)
)]
#[allow(dead_code)]
fn my_client() {}

/// The debts routes' part of the portal's description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(debts, client, my_debts, my_client))]
pub struct ApiDoc;
