//! An agent's day, derived: the orders in the order they were taken, each with its duration, the
//! gap since the previous one and how far from the client's location it was taken; and the day's
//! totals (orders, amount, time in the field, distance travelled along the ping track, first and
//! last activity). Pure functions over what the service read, so every figure is testable by hand.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The Earth's mean radius, metres (the haversine's sphere).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

impl Position {
    /// Where a ping was taken.
    pub fn of(ping: &skazka_pings::Ping) -> Position {
        Position {
            lat: ping.latitude,
            lon: ping.longitude,
        }
    }
}

/// The pings as a track: each one's time and position, in the store's (time) order.
pub fn track_of(pings: &[skazka_pings::Ping]) -> Vec<(DateTime<Utc>, Position)> {
    pings.iter().map(|p| (p.at, Position::of(p))).collect()
}

/// The great-circle distance between two positions, metres.
pub fn haversine_m(a: Position, b: Position) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// The length of a track (positions in time order), metres.
pub fn track_length_m(track: &[Position]) -> f64 {
    track.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

/// One order as read: who, how much, and what Агент Плюс recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub order: String,
    pub number: String,
    pub client: String,
    pub amount: Decimal,
    /// The document's time (when Агент Плюс recorded no start).
    pub date: DateTime<Utc>,
    pub started: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
    /// Where the order was taken (Агент Плюс).
    pub taken_at: Option<Position>,
    /// The client's location in 1C.
    pub client_at: Option<Position>,
}

/// When a visit is flagged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rules {
    pub min_visit_s: i64,
    pub far_m: f64,
}

/// One row of the side list (and of the JSON).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = VisitRow)]
pub struct Row {
    /// The marker's number, 1 first.
    pub n: usize,
    pub order: String,
    pub number: String,
    pub client: String,
    pub amount: Decimal,
    pub started: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
    pub duration_s: Option<i64>,
    /// From the previous order's finish (or start) to this one's start.
    pub gap_s: Option<i64>,
    /// From where it was taken to the client's location.
    pub distance_from_client_m: Option<f64>,
    pub taken_at: Option<Position>,
    pub client_at: Option<Position>,
    /// Shorter than the rules' minimum.
    pub short: bool,
    /// Taken farther from the client than the rules allow.
    pub far: bool,
}

/// The day's totals.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DayTotals)]
pub struct Totals {
    pub orders: usize,
    pub amount: Decimal,
    pub first_activity: Option<DateTime<Utc>>,
    pub last_activity: Option<DateTime<Utc>>,
    /// From the first activity to the last.
    pub field_s: i64,
    pub distance_m: f64,
}

/// The orders in time order with their derived figures, and the day's totals.
pub fn derive(
    mut visits: Vec<Visit>,
    track: &[(DateTime<Utc>, Position)],
    rules: Rules,
) -> (Vec<Row>, Totals) {
    visits.sort_by_key(|v| v.started.unwrap_or(v.date));
    let mut rows = Vec::with_capacity(visits.len());
    let mut previous_end: Option<DateTime<Utc>> = None;
    for (i, v) in visits.into_iter().enumerate() {
        let start = v.started.unwrap_or(v.date);
        let duration_s = match (v.started, v.finished) {
            (Some(s), Some(f)) if f >= s => Some((f - s).num_seconds()),
            _ => None,
        };
        let distance = match (v.taken_at, v.client_at) {
            (Some(a), Some(b)) => Some(haversine_m(a, b)),
            _ => None,
        };
        rows.push(Row {
            n: i + 1,
            gap_s: previous_end.map(|end| (start - end).num_seconds().max(0)),
            short: duration_s.is_some_and(|d| d < rules.min_visit_s),
            far: distance.is_some_and(|d| d > rules.far_m),
            order: v.order,
            number: v.number,
            client: v.client,
            amount: v.amount,
            started: v.started,
            finished: v.finished,
            duration_s,
            distance_from_client_m: distance,
            taken_at: v.taken_at,
            client_at: v.client_at,
        });
        previous_end = Some(v.finished.unwrap_or(start));
    }
    let moments = rows
        .iter()
        .flat_map(|r| [r.started, r.finished])
        .flatten()
        .chain(track.iter().map(|(t, _)| *t));
    let (first, last) = moments.fold(
        (None, None),
        |(lo, hi): (Option<DateTime<Utc>>, Option<DateTime<Utc>>), t| {
            (
                Some(lo.map_or(t, |l| l.min(t))),
                Some(hi.map_or(t, |h| h.max(t))),
            )
        },
    );
    let positions: Vec<Position> = track.iter().map(|(_, p)| *p).collect();
    let totals = Totals {
        orders: rows.len(),
        amount: rows.iter().map(|r| r.amount).sum(),
        first_activity: first,
        last_activity: last,
        field_s: match (first, last) {
            (Some(f), Some(l)) => (l - f).num_seconds(),
            _ => 0,
        },
        distance_m: track_length_m(&positions),
    };
    (rows, totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap()
    }

    const KOKSHETAU: Position = Position {
        lat: 53.29,
        lon: 69.39331,
    };

    /// `metres` due north of Kokshetau (a degree of latitude is πR/180 metres).
    fn north(metres: f64) -> Position {
        let degrees = metres / (EARTH_RADIUS_M * std::f64::consts::PI / 180.0);
        Position {
            lat: KOKSHETAU.lat + degrees,
            lon: KOKSHETAU.lon,
        }
    }

    fn visit(
        order: &str,
        started: (u32, u32),
        finished: (u32, u32),
        amount: i64,
        taken: f64,
    ) -> Visit {
        Visit {
            order: order.into(),
            number: order.into(),
            client: format!("Клиент {order}"),
            amount: Decimal::from(amount),
            date: t(started.0, started.1),
            started: Some(t(started.0, started.1)),
            finished: Some(t(finished.0, finished.1)),
            taken_at: Some(north(taken)),
            client_at: Some(KOKSHETAU),
        }
    }

    #[test]
    fn haversine_matches_a_meridian_arc() {
        assert!((haversine_m(KOKSHETAU, north(1000.0)) - 1000.0).abs() < 0.01);
        assert_eq!(haversine_m(KOKSHETAU, KOKSHETAU), 0.0);
    }

    #[test]
    fn a_day_in_time_order_with_gaps_durations_distances_and_flags() {
        let rules = Rules {
            min_visit_s: 120,
            far_m: 300.0,
        };
        // Given out of order: the list is by start time.
        let visits = vec![
            visit("B", (11, 0), (11, 1), 2_000, 500.0),
            visit("A", (9, 30), (9, 45), 1_000, 50.0),
        ];
        // Pings every 100 m north from 09:00 to 12:00 (4 pings, 300 m).
        let track: Vec<_> = (0..4)
            .map(|i| (t(9 + i, 0), north(100.0 * i as f64)))
            .collect();
        let (rows, totals) = derive(visits, &track, rules);
        assert_eq!(
            rows.iter().map(|r| r.order.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        assert_eq!(rows[0].n, 1);
        assert_eq!(rows[0].duration_s, Some(15 * 60));
        assert_eq!(rows[0].gap_s, None);
        assert!(!rows[0].short && !rows[0].far);
        assert!((rows[0].distance_from_client_m.unwrap() - 50.0).abs() < 0.01);
        assert_eq!(rows[1].duration_s, Some(60));
        assert_eq!(rows[1].gap_s, Some(75 * 60), "09:45 to 11:00");
        assert!(rows[1].short && rows[1].far);
        assert_eq!(totals.orders, 2);
        assert_eq!(totals.amount, Decimal::from(3_000));
        assert_eq!(totals.first_activity, Some(t(9, 0)));
        assert_eq!(totals.last_activity, Some(t(12, 0)));
        assert_eq!(totals.field_s, 3 * 3600);
        assert!((totals.distance_m - 300.0).abs() < 0.01);
    }

    #[test]
    fn a_day_without_pings_or_positions_still_adds_up() {
        let mut v = visit("A", (10, 0), (10, 20), 500, 0.0);
        v.taken_at = None;
        let (rows, totals) = derive(
            vec![v],
            &[],
            Rules {
                min_visit_s: 120,
                far_m: 300.0,
            },
        );
        assert_eq!(rows[0].distance_from_client_m, None);
        assert!(!rows[0].far);
        assert_eq!(totals.field_s, 20 * 60);
        assert_eq!(totals.distance_m, 0.0);
    }
}
