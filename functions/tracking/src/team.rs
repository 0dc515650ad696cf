//! `/tracking/team?date=`: every agent of a supervisor's team (an admin: every agent) for a day —
//! orders, amount, first and last activity, time in the field, distance, the last ping and its
//! age. One agent's day is read as `/tracking` reads it (cached per agent and day), agents
//! concurrently.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use futures::future::try_join_all;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_session::Session;
use skazka_viewer::{AgentNames, Team, Viewer};
use skazka_web::{AppError, Format};

use crate::TrackingState;
use crate::day::{Position, Rules, derive, track_of};
use crate::handlers::{date_of, with_map_policy};
use crate::service::day_bounds;
use crate::views::{self, Frame};

/// One agent's line.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentLine {
    pub agent: String,
    pub name: String,
    pub orders: usize,
    pub amount: Decimal,
    pub first_activity: Option<DateTime<Utc>>,
    pub last_activity: Option<DateTime<Utc>>,
    pub field_s: i64,
    pub distance_m: f64,
    pub last_ping: Option<DateTime<Utc>>,
    /// Seconds since the last ping, when there is one.
    pub last_ping_age_s: Option<i64>,
    /// Where the last ping was (the team map's marker).
    pub last_at: Option<Position>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TeamDay {
    pub date: NaiveDate,
    pub agents: Vec<AgentLine>,
}

pub async fn team(
    State(state): State<TrackingState>,
    session: Session,
    viewer: Viewer,
    format: Format,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let team = match &viewer {
        Viewer::Agent { team, .. } | Viewer::Team { team } if *team != Team::Own => team.clone(),
        _ => return Err(AppError::Forbidden),
    };
    let tz = state.days.tz();
    let date = date_of(query.as_deref(), tz.today())?;
    let names = AgentNames::read_or_empty(state.app.reader(), state.app.onec_client()).await;
    let agents: Vec<onec_client::Guid> = match team.agents() {
        Some(agents) => agents.to_vec(),
        None => names.0.iter().map(|a| a.id).collect(),
    };
    let settings = &state.app.config().tracking;
    let rules = Rules {
        min_visit_s: settings.min_visit_s.into(),
        far_m: settings.far_m.into(),
    };
    let (from, to) = day_bounds(tz, date);
    let now = Utc::now();
    let lines = try_join_all(agents.iter().map(|&agent| {
        let state = state.clone();
        let names = &names;
        async move {
            let key = agent.to_string();
            let (visits, pings) = tokio::join!(
                state.days.visits(agent, date),
                state.app.pings().between(&key, from, to)
            );
            let pings = pings.map_err(|e| AppError::Unavailable(e.to_string()))?;
            let track = track_of(&pings);
            let (_, totals) = derive(visits?.value, &track, rules);
            let last = pings.last();
            let last_ping = last.map(|p| p.at);
            Ok::<_, AppError>(AgentLine {
                name: names.name(agent),
                agent: key,
                orders: totals.orders,
                amount: totals.amount,
                first_activity: totals.first_activity,
                last_activity: totals.last_activity,
                field_s: totals.field_s,
                distance_m: totals.distance_m,
                last_ping,
                last_ping_age_s: last_ping.map(|t| (now - t).num_seconds()),
                last_at: last.map(Position::of),
            })
        }
    }))
    .await?;
    let mut agents = lines;
    agents.sort_by(|a, b| a.name.cmp(&b.name));
    let value = TeamDay { date, agents };
    let chrome = skazka_session::chrome(Some(&session));
    let frame = Frame {
        chrome: &chrome,
        tz,
    };
    let tiles = &settings.tile_url;
    let response = format.respond(&value, |day| views::team_page(day, tiles, &frame));
    Ok(with_map_policy(response, &settings.tile_origin()))
}
