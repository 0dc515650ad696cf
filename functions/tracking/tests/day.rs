//! `/tracking?agent=&date=`: who may see an agent's day, and the day's figures from the
//! simulator's orders and a ping track the test sends.

mod common;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use common::{JSON, Store, admin, agent, app, client, get_as, post_pings, supervisor_of};
use onec_sim::demo::DEMO_AGENT;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use uuid::Uuid;

/// Metres per degree of latitude on the haversine's sphere.
const M_PER_DEGREE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// `n` instants a minute apart, the last two minutes ago, all on one day of the base's zone
/// (moved before its midnight when the last minutes cross it), and that day.
fn minutes_of_one_day(n: i64) -> (Vec<DateTime<Utc>>, NaiveDate) {
    let zone = onec_client::model::BaseTz::default().0;
    let mut last = Utc::now() - Duration::minutes(2);
    let first = last - Duration::minutes(n - 1);
    let date = first.with_timezone(&zone).date_naive();
    if last.with_timezone(&zone).date_naive() != date {
        let midnight = zone
            .from_local_datetime(&date.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        last = midnight - Duration::seconds(1);
    }
    let times = (0..n).rev().map(|i| last - Duration::minutes(i)).collect();
    (times, date)
}

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
    // Three pings 100 m apart going north, a minute apart, on one day of the base's zone.
    let (times, date) = minutes_of_one_day(3);
    let pings: Vec<Value> = times
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let ts = at.to_rfc3339_opts(SecondsFormat::Millis, true);
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
    let path = format!("/tracking?agent={DEMO_AGENT}&date={date}");
    let reply = get_as(&app, &me, &path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let day = reply.json();
    described("AgentDay", &day);
    let track = day["track"].as_array().unwrap();
    let ts: Vec<&str> = track.iter().map(|p| p["ts"].as_str().unwrap()).collect();
    assert_eq!(track.len(), 3);
    assert!(ts.windows(2).all(|w| w[0] < w[1]), "{ts:?}");
    let distance = day["totals"]["distance_m"].as_f64().unwrap();
    assert!((distance - 200.0).abs() < 0.01, "{distance}");

    // The orders: numbered in the order they were started, each duration finish − start, the
    // totals their count and sum — on the latest day the demo agent has orders (just after the
    // base's midnight, today has none yet).
    let mut back = 0;
    let (path, day) = loop {
        let on = date - chrono::Days::new(back);
        let path = format!("/tracking?agent={DEMO_AGENT}&date={on}");
        let day = get_as(&app, &me, &path, Some(JSON)).await.json();
        if !day["orders"].as_array().unwrap().is_empty() || back == 7 {
            break (path, day);
        }
        back += 1;
    };
    let orders = day["orders"].as_array().unwrap();
    assert!(!orders.is_empty(), "the demo agent has orders in a week");
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
    // The portal's chrome and formatting: money as `1 234,50 ₸`, times in the base's zone, each
    // order linking to its page for this agent.
    assert!(page.body.contains("aria-label=\"Разделы\"") || page.body.contains("<nav"));
    assert!(!page.body.contains("UTC"), "no time in UTC");
    assert!(
        page.body.contains("\u{a0}₸"),
        "money as the portal writes it"
    );
    let first = orders[0]["order"].as_str().unwrap();
    assert!(
        page.body
            .contains(&format!("/orders/{first}?agent={DEMO_AGENT}")),
        "{}",
        page.body
    );
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
    let (times, date) = minutes_of_one_day(1);
    let ts = times[0].to_rfc3339_opts(SecondsFormat::Millis, true);
    let one = json!({"pings": [{"id": Uuid::new_v4(), "ts": ts, "lat": 53.29, "lon": 69.39, "accuracy_m": 5}]});
    assert_eq!(
        post_pings(&app, Some(&agent()), JSON, one.to_string())
            .await
            .status,
        202
    );
    let me = supervisor_of(&app, &[DEMO_AGENT]).await;
    let reply = get_as(
        &app,
        &me,
        &format!("/tracking/team?date={date}"),
        Some(JSON),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let day = reply.json();
    described("TeamDay", &day);
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

/// `value` is what the portal's OpenAPI description says of the schema `name`.
fn described(name: &str, value: &serde_json::Value) {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(skazka_tracking::openapi::ApiDoc::openapi()).unwrap();
    assert_eq!(
        skazka_testkit::openapi::check(&doc, name, value),
        Vec::<String>::new(),
        "{name}"
    );
}

/// The demo agent's orders of a day as the simulator stores them: (start, stop, position,
/// amount) from the document and what Агент Плюс wrote, in the order they were started.
fn sim_day(
    db: &onec_sim::db::Db,
    date: chrono::NaiveDate,
) -> Vec<(SimTime, SimTime, (f64, f64), Decimal)> {
    use onec_sim::db::col;
    use onec_sim::schema as s;
    let c = |f| col(s::ORDERS, f);
    let mut day: Vec<_> = db
        .table(s::ORDERS)
        .rows
        .iter()
        .filter(|r| {
            r[c("Менеджер")].as_guid() == Some(DEMO_AGENT)
                && !r[c("DeletionMark")].as_bool()
                && r[c("Date")].as_date().is_some_and(|d| d.date() == date)
        })
        .filter_map(|r| {
            let taken = onec_sim::inspect::agent_plus(db, r[0].as_guid()?)?;
            Some((
                taken.started,
                taken.stopped,
                (taken.latitude, taken.longitude),
                r[c("СуммаДокумента")].as_num(),
            ))
        })
        .collect();
    day.sort_by_key(|o| o.0);
    day
}

type SimTime = chrono::NaiveDateTime;

/// The great-circle distance, restated here rather than taken from the crate.
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.1 - a.1).to_radians() / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

#[tokio::test]
async fn a_days_figures_from_the_simulators_orders_and_a_track_equal_hand_computed_values() {
    let app = app(Store::Postgres).await;
    let sim = app.sim.sim().clone();
    let tz = app.state.reader().tz();
    // The latest day of the last week on which Агент Плюс recorded several of the agent's orders.
    let today = sim.as_of();
    let (date, orders) = (1..=7)
        .map(|back| today - chrono::Days::new(back))
        .map(|d| (d, sim.read(|db| sim_day(db, d))))
        .find(|(_, o)| o.len() >= 2)
        .expect("a day with orders taken with Агент Плюс");
    let utc = |t: SimTime| tz.0.from_local_datetime(&t).unwrap().with_timezone(&Utc);
    // A track: at each order's place at its start and stop, driving in between.
    let mut track = Vec::new();
    for (start, stop, at, _) in &orders {
        track.push((utc(*start), *at));
        track.push((utc(*stop), *at));
    }
    // The store gives them back in time order (visits may overlap).
    track.sort_by_key(|(t, _)| *t);
    let pings: Vec<Value> = track
        .iter()
        .map(|(t, (lat, lon))| {
            json!({"id": Uuid::new_v4(), "ts": t.to_rfc3339_opts(SecondsFormat::Secs, true),
                   "lat": lat, "lon": lon, "accuracy_m": 5})
        })
        .collect();
    // Pings older than a week are refused: this day is within it.
    let sent = post_pings(
        &app,
        Some(&agent()),
        JSON,
        json!({"pings": pings}).to_string(),
    )
    .await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    assert_eq!(sent.json()["accepted"], pings.len());

    let me = supervisor_of(&app, &[DEMO_AGENT]).await;
    let day = get_as(
        &app,
        &me,
        &format!("/tracking?agent={DEMO_AGENT}&date={date}"),
        Some(JSON),
    )
    .await
    .json();
    let rows = day["orders"].as_array().unwrap();
    let with_position: Vec<&Value> = rows.iter().filter(|r| r["taken_at"].is_object()).collect();
    assert_eq!(
        with_position.len(),
        orders.len(),
        "every order Агент Плюс recorded"
    );
    // Each order: its duration, the gap since the previous one, where it was taken.
    let mut previous_stop: Option<SimTime> = None;
    for (row, (start, stop, at, amount)) in with_position.iter().zip(&orders) {
        assert_eq!(row["duration_s"], (*stop - *start).num_seconds(), "{row}");
        if let Some(p) = previous_stop.filter(|_| row["n"] != 1) {
            assert_eq!(row["gap_s"], (*start - p).num_seconds().max(0), "{row}");
        }
        assert!((row["taken_at"]["lat"].as_f64().unwrap() - at.0).abs() < 1e-9);
        assert_eq!(
            row["amount"].as_str().unwrap().parse::<Decimal>().unwrap(),
            *amount
        );
        previous_stop = Some(*stop);
    }
    // The day: the distance along the track, the time from the first activity to the last.
    let distance: f64 = track.windows(2).map(|w| metres(w[0].1, w[1].1)).sum();
    let got = day["totals"]["distance_m"].as_f64().unwrap();
    assert!((got - distance).abs() < 0.01, "{got} against {distance}");
    let first = orders.iter().map(|o| o.0).min().unwrap();
    let last = orders.iter().map(|o| o.1).max().unwrap();
    let field = (last - first).num_seconds();
    if rows.len() == orders.len() {
        assert_eq!(day["totals"]["field_s"], field);
    } else {
        assert!(day["totals"]["field_s"].as_i64().unwrap() >= field);
    }
}
