//! `/tracking?agent=&date=`: one agent's day for a supervisor (their team) or an admin — the
//! orders in the order they were taken, the ping track and the day's totals; HTML for people, the
//! same value as JSON.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use maud::html;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_viewer::{AgentNames, Picker, Team, Viewer, picker};
use skazka_web::{AppError, Format, Stale};

use crate::TrackingState;
use crate::day::{Position, Row, Rules, Totals, derive};
use crate::service::day_bounds;

/// One ping of the track.
#[derive(Debug, Serialize)]
pub struct TrackPoint {
    pub ts: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
}

/// An agent's day: what the page shows and the JSON answers.
#[derive(Debug, Serialize)]
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
    viewer: Viewer,
    format: Format,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let tz = state.days.tz();
    let date = date_of(query.as_deref(), tz.today())?;
    if matches!(viewer, Viewer::Team { .. }) && format == Format::Html {
        return Ok(pick_page(&state, &viewer, date).await.into_response());
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
    let track: Vec<(DateTime<Utc>, Position)> = pings
        .iter()
        .map(|p| {
            (
                p.at,
                Position {
                    lat: p.latitude,
                    lon: p.longitude,
                },
            )
        })
        .collect();
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
    let tiles = &settings.tile_url;
    let mut response = format.respond(&value, |day| page(day, tiles));
    // The map's tiles come from the tile server: allowed for images on this page, nowhere else.
    let csp = skazka_web::headers::csp_with_images_from(&settings.tile_origin());
    if let Ok(csp) = http::HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

/// The day as a JSON data island for the map's script: `<` escaped so no text can close the
/// element.
fn data_island(day: &AgentDay) -> maud::PreEscaped<String> {
    let json = serde_json::to_string(day).unwrap_or_else(|_| "null".into());
    maud::PreEscaped(json.replace('<', "\\u003c"))
}

/// A supervisor or an admin without `?agent=`: pick the agent whose day to see.
async fn pick_page(state: &TrackingState, viewer: &Viewer, date: NaiveDate) -> maud::Markup {
    let names = AgentNames::read_or_empty(state.app.reader(), state.app.onec_client()).await;
    let chooser =
        Picker::of(viewer, &names).map(|p| picker(&p, "/tracking", &[("date", date.to_string())]));
    skazka_web::page(
        "Контроль агентов",
        html! {
            h1 { "Контроль агентов" }
            p { "Выберите агента, чтобы увидеть его день на карте." }
            @if let Some(chooser) = chooser { (chooser) }
        },
    )
}

fn minutes(seconds: i64) -> String {
    format!("{} мин", seconds / 60)
}

fn money(amount: Decimal) -> String {
    format!("{} ₸", amount.round_dp(2))
}

fn page(day: &AgentDay, tiles: &str) -> maud::Markup {
    let tz_time =
        |t: &Option<DateTime<Utc>>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    skazka_web::page(
        "Контроль агентов",
        html! {
            h1 { "День агента, " (day.date.format("%d.%m.%Y")) }
            link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css";
            div #map data-tiles=(tiles) {}
            script #tracking-data type="application/json" { (data_island(day)) }
            script src="/static/vendor/leaflet/leaflet.js" {}
            script src="/static/js/tracking-map.js" defer {}
            (skazka_web::stale_banner(day.stale.as_ref()))
            section.totals {
                p { "Заказов: " (day.totals.orders) ", на сумму " (money(day.totals.amount)) }
                p { "В поле: " (minutes(day.totals.field_s)) ", пройдено " (format!("{:.1} км", day.totals.distance_m / 1000.0)) }
                p { "Первая активность: " (tz_time(&day.totals.first_activity)) " (UTC), последняя: " (tz_time(&day.totals.last_activity)) " (UTC)" }
            }
            table {
                thead { tr { th { "№" } th { "Клиент" } th { "Сумма" } th { "Начат" } th { "Завершён" } th { "Длительность" } th { "Перерыв" } th { "От клиента" } } }
                tbody {
                    @for r in &day.orders {
                        tr.short[r.short].far[r.far] data-n=(r.n) {
                            td { (r.n) }
                            td { a href={ "/orders/" (r.order) } { (r.client) } }
                            td { (money(r.amount)) }
                            td { (tz_time(&r.started)) }
                            td { (tz_time(&r.finished)) }
                            td { (r.duration_s.map(minutes).unwrap_or_default()) @if r.short { " ⚠ короткий визит" } }
                            td { (r.gap_s.map(minutes).unwrap_or_default()) }
                            td { (r.distance_from_client_m.map(|d| format!("{d:.0} м")).unwrap_or_default()) @if r.far { " ⚠ далеко от клиента" } }
                        }
                    }
                }
            }
        },
    )
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
