//! `/tracking?agent=&date=`: who may see an agent's day, and the day's figures from the
//! simulator's orders and a ping track the test sends.

mod common;

use chrono::{Duration, SecondsFormat, Utc};
use common::{JSON, Store, admin, agent, app, client, get_as, post_pings, supervisor_of};
use onec_sim::demo::DEMO_AGENT;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

/// Metres per degree of latitude on the haversine's sphere.
const M_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

#[tokio::test]
async fn agents_and_clients_cannot_read_tracking_and_a_supervisor_only_their_team() {
    let app = app(Store::Postgres).await;
    let path = format!("/tracking?agent={DEMO_AGENT}");
    for who in [agent(), client()] {
        let reply = get_as(&app, &who, &path, Some(JSON)).await;
        assert_eq!(reply.status, 403, "{:?}", who.role);
    }
    let other_team = supervisor_of(&app, &[Uuid::new_v4()]).await;
    assert_eq!(
        get_as(&app, &other_team, &path, Some(JSON)).await.status,
        403
    );
    // Without an agent: the picker page (HTML) or a 400 problem (JSON).
    let pick = get_as(&app, &admin(), "/tracking", None).await;
    assert_eq!(pick.status, 200);
    assert!(pick.body.contains("Выберите агента"), "{}", pick.body);
    assert_eq!(
        get_as(&app, &admin(), "/tracking", Some(JSON)).await.status,
        400
    );
    let bad_date = format!("{path}&date=03.12.2026");
    assert_eq!(
        get_as(&app, &admin(), &bad_date, Some(JSON)).await.status,
        400
    );
}

#[tokio::test]
async fn the_supervisor_sees_the_day_with_its_track_and_figures() {
    let app = app(Store::Postgres).await;
    // Three pings 100 m apart going north, the last a minute ago (today in the base's zone
    // except in the first minutes after midnight).
    let now = Utc::now();
    let pings: Vec<Value> = (0..3)
        .map(|i| {
            let ts = (now - Duration::minutes(3 - i)).to_rfc3339_opts(SecondsFormat::Millis, true);
            let lat = 53.29 + 100.0 * i as f64 / M_PER_DEGREE;
            json!({"id": Uuid::new_v4(), "ts": ts, "lat": lat, "lon": 69.39331, "accuracy_m": 5})
        })
        .collect();
    // Sent newest first: the track is in time order anyway.
    let reversed: Vec<Value> = pings.iter().rev().cloned().collect();
    let sent = post_pings(
        &app,
        Some(&agent()),
        JSON,
        json!({"pings": reversed}).to_string(),
    )
    .await;
    assert_eq!(sent.status, 202, "{}", sent.body);

    let me = supervisor_of(&app, &[DEMO_AGENT]).await;
    let path = format!("/tracking?agent={DEMO_AGENT}");
    let reply = get_as(&app, &me, &path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let day = reply.json();
    let track = day["track"].as_array().unwrap();
    let ts: Vec<&str> = track.iter().map(|p| p["ts"].as_str().unwrap()).collect();
    assert_eq!(track.len(), 3);
    assert!(ts.windows(2).all(|w| w[0] < w[1]), "{ts:?}");
    let distance = day["totals"]["distance_m"].as_f64().unwrap();
    assert!((distance - 200.0).abs() < 0.01, "{distance}");

    // The orders: numbered in the order they were started, each duration finish − start, the
    // totals their count and sum.
    let orders = day["orders"].as_array().unwrap();
    assert_eq!(day["totals"]["orders"], orders.len());
    let mut sum = Decimal::ZERO;
    for (i, o) in orders.iter().enumerate() {
        assert_eq!(o["n"], i + 1);
        sum += o["amount"].as_str().unwrap().parse::<Decimal>().unwrap();
        if let (Some(s), Some(f)) = (o["started"].as_str(), o["finished"].as_str()) {
            let s = chrono::DateTime::parse_from_rfc3339(s).unwrap();
            let f = chrono::DateTime::parse_from_rfc3339(f).unwrap();
            if f >= s {
                assert_eq!(o["duration_s"], (f - s).num_seconds());
            }
        }
    }
    assert_eq!(
        day["totals"]["amount"]
            .as_str()
            .unwrap()
            .parse::<Decimal>()
            .unwrap(),
        sum
    );

    let page = get_as(&app, &me, &path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("День агента"), "{}", page.body);
}

#[tokio::test]
async fn the_map_loads_leaflet_from_static_and_images_only_from_the_tile_host() {
    let app = app(Store::Postgres).await;
    let path = format!("/tracking?agent={DEMO_AGENT}");
    let page = get_as(&app, &admin(), &path, None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(r#"<script src="/static/vendor/leaflet/leaflet.js">"#)
    );
    assert!(
        page.body
            .contains(r#"href="/static/vendor/leaflet/leaflet.css""#)
    );
    assert!(
        page.body
            .contains(r#"<script src="/static/js/tracking-map.js" defer>"#)
    );
    // Every script and stylesheet is the portal's own; the only other host is the tiles'.
    for attr in [r#"src="http"#, r#"href="http"#] {
        assert!(!page.body.contains(attr), "{attr} in {}", page.body);
    }
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("img-src 'self' data: https://tile.openstreetmap.org;"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self';"), "{csp}");
    // The data island is the JSON answer.
    let island = page
        .body
        .split(r#"id="tracking-data" type="application/json">"#)
        .nth(1)
        .unwrap();
    let island: Value = serde_json::from_str(island.split("</script>").next().unwrap()).unwrap();
    assert_eq!(island["agent"], DEMO_AGENT.to_string());
    assert!(
        std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../static/vendor/leaflet/LICENSE"
        ))
        .exists()
    );
}

#[tokio::test]
async fn the_team_page_has_every_agent_with_the_last_ping() {
    let app = app(Store::Postgres).await;
    let ts = (Utc::now() - Duration::minutes(2)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let one = json!({"pings": [{"id": Uuid::new_v4(), "ts": ts, "lat": 53.29, "lon": 69.39, "accuracy_m": 5}]});
    assert_eq!(
        post_pings(&app, Some(&agent()), JSON, one.to_string())
            .await
            .status,
        202
    );
    let me = supervisor_of(&app, &[DEMO_AGENT]).await;
    let reply = get_as(&app, &me, "/tracking/team", Some(JSON)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let day = reply.json();
    let agents = day["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["agent"], DEMO_AGENT.to_string());
    let age = agents[0]["last_ping_age_s"].as_i64().unwrap();
    assert!((110..=200).contains(&age), "{age}");
    assert_eq!(
        get_as(&app, &agent(), "/tracking/team", Some(JSON))
            .await
            .status,
        403
    );
    assert_eq!(get_as(&app, &me, "/tracking/team", None).await.status, 200);
}
