//! The demo agent's phone as the runner plays it: each recent day of orders has a ping track on
//! the supervisor's map, passing where every order was taken, and writing a day again stores
//! nothing twice.

mod common;

use axum::body::Body;
use common::runner_signed_in;
use skazka_testkit::send;

#[tokio::test]
async fn the_demo_agents_days_have_a_track_on_the_supervisors_map() {
    let (runner, _db, token) = runner_signed_in(1).await;

    let today = runner.state.reader().tz().today();
    let mut days_with_orders = 0;
    for back in 1..=skazka_local::DEMO_TRACK_DAYS {
        let date = today - chrono::Days::new(back);
        let stored = skazka_local::demo_track(&runner.state, date).await;
        let request = axum::http::Request::get(format!(
            "/tracking?agent={}&date={date}",
            onec_sim::demo::DEMO_AGENT
        ))
        .header("accept", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
        let reply = send(&runner.router, request).await;
        assert_eq!(reply.status, 200, "{date}: {}", reply.body);
        let day = reply.json();
        let orders = day["orders"].as_array().unwrap();
        let track = day["track"].as_array().unwrap();
        if orders.is_empty() {
            assert!(track.is_empty(), "{date}: no orders, no track");
            continue;
        }
        days_with_orders += 1;
        assert_eq!(track.len(), stored, "{date}: the track is what was written");
        assert!(
            day["totals"]["distance_m"].as_f64().unwrap() > 0.0,
            "{date}"
        );
        // Every order where it was taken is on the track (a ping within 30 m of it).
        for o in orders {
            let Some(at) = o["taken_at"].as_object() else {
                continue;
            };
            let (lat, lon) = (at["lat"].as_f64().unwrap(), at["lon"].as_f64().unwrap());
            let nearest = track
                .iter()
                .map(|p| {
                    let (dlat, dlon) = (
                        p["lat"].as_f64().unwrap() - lat,
                        p["lon"].as_f64().unwrap() - lon,
                    );
                    ((dlat * 111_000.0).powi(2) + (dlon * 67_000.0).powi(2)).sqrt()
                })
                .fold(f64::INFINITY, f64::min);
            assert!(
                nearest < 30.0,
                "{date}: order {} is {nearest:.0} m off the track",
                o["number"]
            );
        }
        assert_eq!(
            skazka_local::demo_track(&runner.state, date).await,
            0,
            "{date}: written again, nothing stored twice"
        );
    }
    assert!(
        days_with_orders > 0,
        "the demo agent has orders in the last week"
    );
}
