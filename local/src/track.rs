//! The demo agent's phone, played by the runner: for each of the agent's recent days a plausible
//! ping track — driving between the places where that day's orders were taken, pausing at each
//! for as long as the order took — written through the same ping store the phone API writes to,
//! so the supervisor's map of the demo day is not empty.
//!
//! The track is a function of the day's orders: ids and jitter come from a generator seeded by the
//! agent and the day, so writing a day again stores nothing twice (the ping id is the key).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use onec_client::Guid;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use skazka_pings::Ping;
use skazka_tracking::day::{Position, Visit, haversine_m};
use uuid::Uuid;

/// Seconds between pings while driving, and while standing at a client's.
const DRIVING_EVERY_S: i64 = 60;
const STANDING_EVERY_S: i64 = 180;
/// How long before the first order the agent sets out, and how far from it they start.
const SET_OUT_BEFORE_MIN: i64 = 25;
const START_OFFSET_DEG: f64 = 0.02;
/// A visit Агент Плюс recorded without a finish lasts this long.
const DEFAULT_VISIT_MIN: i64 = 10;

/// Where and when the agent stood: one per order with a known place, in time order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stop {
    pub at: Position,
    pub arrived: DateTime<Utc>,
    pub left: DateTime<Utc>,
}

/// The day's stops: each order where Агент Плюс recorded it (else the client's location), from
/// its start (else the document's time) to its finish.
pub fn stops(visits: &[Visit]) -> Vec<Stop> {
    let mut stops: Vec<Stop> = visits
        .iter()
        .filter_map(|v| {
            let at = v.taken_at.or(v.client_at)?;
            let arrived = v.started.unwrap_or(v.date);
            let left = v
                .finished
                .filter(|f| *f > arrived)
                .unwrap_or(arrived + Duration::minutes(DEFAULT_VISIT_MIN));
            Some(Stop { at, arrived, left })
        })
        .collect();
    stops.sort_by_key(|s| s.arrived);
    stops
}

/// A plausible track through `stops` for `agent` on `date`: setting out a little before the first,
/// a ping a minute while driving (straight between stops, a few metres of GPS noise), one every
/// three minutes while standing.
pub fn plausible_track(agent: Guid, date: NaiveDate, stops: &[Stop]) -> Vec<Ping> {
    let Some(first) = stops.first() else {
        return Vec::new();
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed(agent, date));
    let mut pings = Vec::new();
    let mut ping = |rng: &mut ChaCha8Rng, at: DateTime<Utc>, p: Position, speed: f32| {
        let noise = 0.00008; // ≈ 9 m
        let battery = (0.97 - (at - first.arrived).num_minutes().max(0) as f32 / 60.0 * 0.03)
            .clamp(0.05, 1.0);
        pings.push(Ping {
            id: uuid::Builder::from_random_bytes(rng.random()).into_uuid(),
            agent: agent.to_string(),
            at,
            latitude: p.lat + rng.random_range(-noise..noise),
            longitude: p.lon + rng.random_range(-noise..noise),
            accuracy_m: Some(rng.random_range(5.0..15.0)),
            speed_mps: Some(speed),
            battery: Some(battery),
        });
    };
    let home = Position {
        lat: first.at.lat - START_OFFSET_DEG,
        lon: first.at.lon - START_OFFSET_DEG,
    };
    let set_out = first.arrived - Duration::minutes(SET_OUT_BEFORE_MIN);
    let mut from = (home, set_out);
    for stop in stops {
        // Driving from the last place to this one (none when the orders overlap).
        let (origin, since) = from;
        let span = (stop.arrived - since).num_seconds();
        if span > 0 {
            let speed = (haversine_m(origin, stop.at) / span as f64) as f32;
            for s in (0..span).step_by(DRIVING_EVERY_S as usize) {
                let f = s as f64 / span as f64;
                let p = Position {
                    lat: origin.lat + (stop.at.lat - origin.lat) * f,
                    lon: origin.lon + (stop.at.lon - origin.lon) * f,
                };
                ping(&mut rng, since + Duration::seconds(s), p, speed);
            }
        }
        // Standing at the client's while the order is taken.
        let start = stop.arrived.max(since);
        let stay = (stop.left - start).num_seconds().max(0);
        // Until the moment of leaving, whose ping is the next leg's first.
        for s in (0..stay).step_by(STANDING_EVERY_S as usize) {
            ping(&mut rng, start + Duration::seconds(s), stop.at, 0.0);
        }
        from = (stop.at, stop.left.max(since));
    }
    pings
}

/// A stable seed from the agent and the day (FNV-1a: the same across builds and platforms).
fn seed(agent: Guid, date: NaiveDate) -> u64 {
    format!("{agent}:{date}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

/// The ids of a track are the same every time it is made.
pub fn ids(track: &[Ping]) -> Vec<Uuid> {
    track.iter().map(|p| p.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 7, h, m, 0).unwrap()
    }

    fn stop(lat: f64, lon: f64, from: (u32, u32), to: (u32, u32)) -> Stop {
        Stop {
            at: Position { lat, lon },
            arrived: at(from.0, from.1),
            left: at(to.0, to.1),
        }
    }

    #[test]
    fn the_track_drives_between_the_stops_and_pauses_at_each() {
        let agent = Guid::parse("2f2d8b6e-6d3b-11ee-8c99-0242ac120002").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 5, 7).unwrap();
        let stops = [
            stop(53.28, 69.39, (4, 0), (4, 20)),
            stop(53.30, 69.42, (4, 50), (5, 5)),
        ];
        let track = plausible_track(agent, date, &stops);
        // Time order, from 25 minutes before the first stop to the end of the last.
        assert!(track.windows(2).all(|w| w[0].at < w[1].at));
        assert_eq!(track.first().unwrap().at, at(3, 35));
        assert!(track.last().unwrap().at <= at(5, 5));
        // Every stop is passed within a few metres, and the agent stands still there.
        for s in &stops {
            let near: Vec<&Ping> = track
                .iter()
                .filter(|p| p.at >= s.arrived && p.at < s.left)
                .collect();
            assert!(near.len() >= 5, "{} pings at the stop", near.len());
            for p in near {
                let here = Position {
                    lat: p.latitude,
                    lon: p.longitude,
                };
                assert!(haversine_m(here, s.at) < 20.0);
                assert_eq!(p.speed_mps, Some(0.0));
            }
        }
        // Made again, the same pings: a second write stores nothing twice.
        assert_eq!(ids(&plausible_track(agent, date, &stops)), ids(&track));
        let other_day = date.succ_opt().unwrap();
        assert_ne!(ids(&plausible_track(agent, other_day, &stops)), ids(&track));
    }

    #[test]
    fn a_day_without_orders_has_no_track() {
        let agent = Guid::parse("2f2d8b6e-6d3b-11ee-8c99-0242ac120002").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 5, 7).unwrap();
        assert!(plausible_track(agent, date, &[]).is_empty());
    }
}
