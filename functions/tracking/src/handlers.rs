//! `/tracking?agent=&date=`: one agent's day for a supervisor (their team) or an admin — the
//! orders in the order they were taken, the ping track and the day's totals; HTML for people, the
//! same value as JSON.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use skazka_session::Session;
use skazka_viewer::{AgentNames, Picker, Team, Viewer, picker};
use skazka_web::{AppError, Format, Stale};

use crate::TrackingState;
use crate::day::{Row, Rules, Totals, derive, track_of};
use crate::service::day_bounds;
use crate::views::{self, Frame};

/// One ping of the track.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrackPoint {
    pub ts: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
}

/// An agent's day: what the page shows and the JSON answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentDay {
    pub agent: String,
    pub date: NaiveDate,
    /// In the order they were taken.
    pub orders: Vec<Row>,
    /// The pings, oldest first.
    pub track: Vec<TrackPoint>,
    pub totals: Totals,
    pub min_visit_s: u32,
    pub far_m: u32,
    /// Present when 1C failed and the orders are the last good data.
    pub stale: Option<Stale>,
}

/// `date=YYYY-MM-DD` from the query; absent is today in the base's zone.
pub(crate) fn date_of(query: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let value = query
        .unwrap_or("")
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "date")
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty());
    match value {
        None => Ok(today),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest("Параметр date — дата вида 2026-12-03".into())),
    }
}

/// Tracking is for supervisors (their team) and admins: an agent's own view and a client's are
/// refused; without `?agent=` there is no day to show.
fn picked(viewer: &Viewer) -> Result<onec_client::Guid, AppError> {
    match viewer {
        Viewer::Agent { agent, team } if *team != Team::Own => Ok(*agent),
        Viewer::Team { .. } => Err(AppError::BadRequest(
            "Выберите агента: /tracking?agent=<идентификатор>".into(),
        )),
        _ => Err(AppError::Forbidden),
    }
}

pub async fn day(
    State(state): State<TrackingState>,
    session: Session,
    viewer: Viewer,
    format: Format,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let tz = state.days.tz();
    let date = date_of(query.as_deref(), tz.today())?;
    let chrome = skazka_session::chrome(Some(&session));
    let frame = Frame {
        chrome: &chrome,
        tz,
    };
    let names = AgentNames::read_or_empty(state.app.reader(), state.app.onec_client()).await;
    if matches!(viewer, Viewer::Team { .. }) && format == Format::Html {
        let chooser = Picker::of(&viewer, &names)
            .map(|p| picker(&p, "/tracking", &[("date", date.to_string())]));
        return Ok(views::pick_page(chooser, date, &frame).into_response());
    }
    let agent = picked(&viewer)?;
    let (from, to) = day_bounds(tz, date);
    let agent_key = agent.to_string();
    let (visits, pings) = tokio::join!(
        state.days.visits(agent, date),
        state.app.pings().between(&agent_key, from, to)
    );
    let visits = visits?;
    let pings = pings.map_err(|e| AppError::Unavailable(e.to_string()))?;
    let settings = &state.app.config().tracking;
    let rules = Rules {
        min_visit_s: settings.min_visit_s.into(),
        far_m: settings.far_m.into(),
    };
    let track = track_of(&pings);
    let (orders, totals) = derive(visits.value, &track, rules);
    let value = AgentDay {
        agent: agent_key,
        date,
        orders,
        track: pings
            .into_iter()
            .map(|p| TrackPoint {
                ts: p.at,
                lat: p.latitude,
                lon: p.longitude,
                accuracy_m: p.accuracy_m,
            })
            .collect(),
        totals,
        min_visit_s: settings.min_visit_s,
        far_m: settings.far_m,
        stale: visits.stale,
    };
    let name = names.name(agent);
    let tiles = &settings.tile_url;
    let response = format.respond(&value, |day| views::day_page(day, &name, tiles, &frame));
    Ok(with_map_policy(response, &settings.tile_origin()))
}

/// The map's tiles come from the tile server: allowed for images on the map pages, nowhere else.
pub(crate) fn with_map_policy(mut response: Response, tile_origin: &str) -> Response {
    let csp = skazka_web::headers::csp_with_images_from(tile_origin);
    if let Ok(csp) = http::HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_today_unless_given() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(date_of(None, today).unwrap(), today);
        assert_eq!(
            date_of(Some("agent=x&date=2026-12-01"), today)
                .unwrap()
                .to_string(),
            "2026-12-01"
        );
        assert!(date_of(Some("date=01.12.2026"), today).is_err());
    }
}
