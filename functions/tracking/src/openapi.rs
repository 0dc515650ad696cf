//! This function's part of the portal's OpenAPI description (`/api/v1/openapi.json`): the phone
//! app's ping API and the supervisor's day as JSON, generated from the answers' types. The ping
//! batch is read by hand (so every failure is the portal's own problem); [`PingBatch`] describes
//! what the phone sends.

use chrono::{DateTime, NaiveDate, Utc};
use skazka_web::openapi::{BodyProblems, Problems};
use uuid::Uuid;

use crate::handlers::AgentDay;
use crate::intake::Accepted;
use crate::team::TeamDay;

/// A batch of positions from an agent's phone: at most 500 pings, 256 KiB.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PingBatch {
    pub pings: Vec<SentPing>,
}

/// One position as the phone sends it. A ping is refused (listed under `rejected` with a reason:
/// `missing_<field>`, `invalid_id`, `invalid_ts`, `lat_out_of_range`, `lon_out_of_range`,
/// `ts_in_future` — more than 5 minutes ahead —, `ts_too_old` — over 7 days —,
/// `not_an_object`) without failing the others. Sent again (same `id`), it is not stored twice.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SentPing {
    /// The phone's own UUID for this ping: the key that makes a resent batch harmless.
    pub id: Uuid,
    /// When the position was taken (RFC 3339).
    pub ts: DateTime<Utc>,
    /// Degrees, −90 to 90.
    pub lat: f64,
    /// Degrees, −180 to 180.
    pub lon: f64,
    /// Metres.
    pub accuracy_m: f64,
    /// Metres per second, when the phone knows it.
    pub speed_mps: Option<f64>,
    /// 0 to 1, when the phone knows it.
    pub battery: Option<f64>,
}

/// The day asked for.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayParam {
    /// `YYYY-MM-DD` in the base's zone; today when absent.
    pub date: Option<NaiveDate>,
}

#[utoipa::path(
    post,
    path = "/api/v1/tracking/pings",
    tag = "tracking",
    summary = "An agent's phone sends its positions",
    description = "With the agent's bearer token from `POST /api/v1/auth/token`. Only agents (403 otherwise). `415` unless `application/json`, `413` over 500 pings or 256 KiB, `400` for a body that is not `{\"pings\": [...]}`.",
    request_body(content = PingBatch, content_type = "application/json"),
    responses(
        (status = 202, description = "Stored, already stored and refused pings", body = Accepted),
        Problems,
        BodyProblems,
    ),
    security(("bearer" = []))
)]
#[allow(dead_code)]
fn pings() {}

#[utoipa::path(
    get,
    path = "/tracking",
    tag = "tracking",
    summary = "One agent's day: orders where and when they were taken, the ping track, totals",
    description = "Supervisors (their team) and admins; agents and clients 403. `agent` is required for JSON.",
    params(DayParam, skazka_viewer::AgentParam),
    responses((status = 200, description = "The day", body = AgentDay), Problems)
)]
#[allow(dead_code)]
fn day() {}

#[utoipa::path(
    get,
    path = "/tracking/team",
    tag = "tracking",
    summary = "Every agent of the team for a day",
    params(DayParam),
    responses((status = 200, description = "The team's day", body = TeamDay), Problems)
)]
#[allow(dead_code)]
fn team() {}

/// The tracking routes' part of the portal's description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(pings, day, team))]
pub struct ApiDoc;
