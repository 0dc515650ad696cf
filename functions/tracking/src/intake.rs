//! `POST /api/v1/tracking/pings`: the phone app's batches of positions.
//!
//! The body is read by hand (not with axum's `Json`) so every failure is the portal's own problem
//! body with a Russian detail: `415` unless `application/json`, `413` over [`MAX_BODY`] bytes or
//! [`MAX_PINGS`] pings, `400` for JSON that is not `{"pings":[…]}`. Inside a well-formed batch a
//! bad ping does not fail the others: it is listed under `rejected` with a reason code.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use skazka_pings::Ping;
use skazka_session::{Role, Session};
use skazka_web::AppError;
use uuid::Uuid;

use crate::TrackingState;

/// The most pings one batch may carry.
pub const MAX_PINGS: usize = 500;
/// The largest body read: room for [`MAX_PINGS`] pings with every field.
pub const MAX_BODY: usize = 256 * 1024;
/// How far ahead of the server's clock a phone's clock may be.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// Pings older than this are refused (a phone offline for a week sends them no more).
pub const MAX_AGE: Duration = Duration::days(7);

/// The answer: how many were stored now, how many the store already had, and which were refused.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Accepted {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: Vec<Rejected>,
}

/// A refused ping: its id as sent (empty when it had none) and a reason code.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rejected {
    pub id: String,
    pub reason: String,
}

#[derive(Deserialize)]
struct Batch {
    pings: Vec<Value>,
}

/// One ping as the phone sends it; every field optional here so a missing one is named.
#[derive(Deserialize)]
struct RawPing {
    id: Option<String>,
    ts: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    accuracy_m: Option<f64>,
    speed_mps: Option<f64>,
    battery: Option<f64>,
}

fn require<T>(value: Option<T>, name: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing_{name}"))
}

fn within(value: f64, range: std::ops::RangeInclusive<f64>, name: &str) -> Result<f64, String> {
    if value.is_finite() && range.contains(&value) {
        Ok(value)
    } else {
        Err(format!("{name}_out_of_range"))
    }
}

/// A sent ping checked against the rules, as the agent's [`Ping`], or the reason code it is
/// refused for: `missing_<field>`, `invalid_<field>`, `<field>_out_of_range`, `ts_in_future`,
/// `ts_too_old`, `not_an_object`.
pub fn check(raw: &Value, agent: &str, now: DateTime<Utc>) -> Result<Ping, String> {
    let raw: RawPing = serde_json::from_value(raw.clone()).map_err(|_| {
        if !raw.is_object() {
            return "not_an_object".to_owned();
        }
        // serde's message does not name the field: find the one of the wrong JSON type.
        let field = [
            "id",
            "ts",
            "lat",
            "lon",
            "accuracy_m",
            "speed_mps",
            "battery",
        ]
        .into_iter()
        .find(|f| raw.get(*f).is_some_and(|v| !v.is_null() && bad_type(f, v)))
        .unwrap_or("ping");
        format!("invalid_{field}")
    })?;
    let id = Uuid::parse_str(&require(raw.id, "id")?).map_err(|_| "invalid_id".to_owned())?;
    let at = DateTime::parse_from_rfc3339(&require(raw.ts, "ts")?)
        .map_err(|_| "invalid_ts".to_owned())?
        .with_timezone(&Utc);
    if at > now + CLOCK_SKEW {
        return Err("ts_in_future".into());
    }
    if at < now - MAX_AGE {
        return Err("ts_too_old".into());
    }
    let latitude = within(require(raw.lat, "lat")?, -90.0..=90.0, "lat")?;
    let longitude = within(require(raw.lon, "lon")?, -180.0..=180.0, "lon")?;
    let accuracy = within(
        require(raw.accuracy_m, "accuracy_m")?,
        0.0..=100_000.0,
        "accuracy_m",
    )?;
    let speed = raw
        .speed_mps
        .map(|s| within(s, 0.0..=1_000.0, "speed_mps"))
        .transpose()?;
    let battery = raw
        .battery
        .map(|b| within(b, 0.0..=1.0, "battery"))
        .transpose()?;
    Ok(Ping {
        id,
        agent: agent.to_owned(),
        // The stores keep milliseconds.
        at: DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at),
        latitude,
        longitude,
        accuracy_m: Some(accuracy as f32),
        speed_mps: speed.map(|s| s as f32),
        battery: battery.map(|b| b as f32),
    })
}

/// Whether a present field has a JSON type its field cannot take.
fn bad_type(field: &str, value: &Value) -> bool {
    match field {
        "id" | "ts" => !value.is_string(),
        _ => !value.is_number(),
    }
}

/// The id a refused ping was sent with, for the answer.
fn sent_id(raw: &Value) -> String {
    match raw.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads and parses the batch: `415`, `413` or `400` problems for what is not one.
async fn read_batch(headers: &HeaderMap, body: Body) -> Result<Vec<Value>, AppError> {
    if !json_content_type(headers) {
        return Err(AppError::UnsupportedMediaType(
            "Ожидается Content-Type: application/json".into(),
        ));
    }
    let too_large = || AppError::TooLarge(format!("Тело запроса больше {} КиБ", MAX_BODY / 1024));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    // The body is in memory already (Lambda, tests) or local: the only failure is its size.
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| too_large())?;
    let batch: Batch = serde_json::from_slice(&bytes).map_err(|e| {
        AppError::BadRequest(format!("Ожидается JSON вида {{\"pings\": [...]}}: {e}"))
    })?;
    if batch.pings.len() > MAX_PINGS {
        return Err(AppError::TooLarge(format!(
            "Не больше {MAX_PINGS} точек за раз, прислано {}",
            batch.pings.len()
        )));
    }
    Ok(batch.pings)
}

/// The handler: only an agent, with the bearer token of the sign-in API, sends pings.
pub async fn post(
    State(state): State<TrackingState>,
    session: Session,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Accepted>), AppError> {
    session.require(&[Role::Agent])?;
    // A cookie session would need a CSRF token: the phone app sends the bearer token.
    session.check_csrf(None)?;
    let agent = session
        .identity
        .onec_ref
        .ok_or(AppError::Forbidden)?
        .to_string();
    let raw = read_batch(&headers, body).await?;
    let now = Utc::now();
    let mut answer = Accepted::default();
    let mut valid = Vec::with_capacity(raw.len());
    for sent in &raw {
        match check(sent, &agent, now) {
            Ok(ping) => valid.push(ping),
            Err(reason) => answer.rejected.push(Rejected {
                id: sent_id(sent),
                reason,
            }),
        }
    }
    if !valid.is_empty() {
        let recorded = state
            .app
            .pings()
            .record(&valid)
            .await
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        answer.accepted = recorded.stored;
        answer.duplicates = recorded.duplicates;
    }
    Ok((StatusCode::ACCEPTED, Json(answer)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn sent(ts: &str) -> Value {
        json!({"id": "5d6f3b1c-2a4e-4b8e-9c1d-0f2e3a4b5c6d", "ts": ts, "lat": 53.28, "lon": 69.39,
               "accuracy_m": 12.5, "speed_mps": 1.2, "battery": 0.81})
    }

    fn reason(v: Value) -> String {
        check(&v, "agent", now()).unwrap_err()
    }

    #[test]
    fn a_complete_ping_is_the_agents() {
        let ping = check(&sent("2026-12-03T13:59:00.123+05:00"), "agent", now()).unwrap();
        assert_eq!(ping.agent, "agent");
        assert_eq!(ping.at.to_rfc3339(), "2026-12-03T08:59:00.123+00:00");
        assert_eq!((ping.latitude, ping.longitude), (53.28, 69.39));
        assert_eq!(ping.battery, Some(0.81));
    }

    #[test]
    fn speed_and_battery_are_optional_the_rest_is_not() {
        let mut v = sent("2026-12-03T08:00:00Z");
        v.as_object_mut().unwrap().remove("speed_mps");
        v.as_object_mut().unwrap().remove("battery");
        assert!(check(&v, "agent", now()).is_ok());
        for field in ["id", "ts", "lat", "lon", "accuracy_m"] {
            let mut v = sent("2026-12-03T08:00:00Z");
            v.as_object_mut().unwrap().remove(field);
            assert_eq!(reason(v), format!("missing_{field}"));
        }
    }

    #[test]
    fn out_of_range_and_malformed_fields_are_named() {
        let with = |field: &str, value: Value| {
            let mut v = sent("2026-12-03T08:00:00Z");
            v[field] = value;
            reason(v)
        };
        assert_eq!(with("lat", json!(90.5)), "lat_out_of_range");
        assert_eq!(with("lon", json!(-180.01)), "lon_out_of_range");
        assert_eq!(with("accuracy_m", json!(-1)), "accuracy_m_out_of_range");
        assert_eq!(with("battery", json!(1.5)), "battery_out_of_range");
        assert_eq!(with("lat", json!("53.28")), "invalid_lat");
        assert_eq!(with("id", json!("not-a-uuid")), "invalid_id");
        assert_eq!(with("ts", json!("03.12.2026 09:00")), "invalid_ts");
        assert_eq!(reason(json!(42)), "not_an_object");
    }

    #[test]
    fn time_must_be_within_the_last_week_and_the_clock_skew() {
        assert!(check(&sent("2026-12-03T09:04:59Z"), "a", now()).is_ok());
        assert_eq!(reason(sent("2026-12-03T09:05:01Z")), "ts_in_future");
        assert!(check(&sent("2026-11-26T09:00:01Z"), "a", now()).is_ok());
        assert_eq!(reason(sent("2026-11-26T08:59:59Z")), "ts_too_old");
    }
}
