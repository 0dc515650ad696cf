//! The live day: a base served with a running clock goes on working, and its ledgers still agree.

mod common;
mod invariants;

use std::time::{Duration, Instant};

use chrono::NaiveTime;
use onec_sim::{ClockConfig, SimConfig, Simulator};

/// The demo agent's orders of the base's day, as the portal's day list asks for them.
fn agents_day(sim: &Simulator) -> Vec<serde_json::Value> {
    let day = sim.as_of();
    let filter = format!(
        "Менеджер_Key eq guid'{}' and Date ge datetime'{day}T00:00:00' and Date le datetime'{day}T23:59:59'",
        sim.demo().agent
    );
    invariants::answer(
        sim,
        "Document_ЗаказКлиента",
        &[
            ("$format", "json"),
            ("$filter", &filter),
            ("$select", "Ref_Key,Date"),
        ],
    )["value"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn new_orders_appear_as_the_clock_runs_and_the_ledgers_still_agree() {
    // 600×: a simulated hour of the working day passes in six real seconds.
    let running = Simulator::spawn(SimConfig {
        clock: ClockConfig {
            start: NaiveTime::from_hms_opt(10, 0, 0),
            speed: 600.0,
        },
        live_day: true,
        ..common::config(7)
    })
    .await
    .unwrap();
    let sim = running.sim();
    let before = agents_day(sim).len();
    let deadline = Instant::now() + Duration::from_secs(40);
    let after = loop {
        let now = agents_day(sim);
        if now.len() > before || Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        after.len() > before,
        "no new order in {:?} of simulated time",
        sim.now() - sim.as_of().and_hms_opt(10, 0, 0).unwrap()
    );
    let clock = sim.now();
    for o in &after {
        let at =
            chrono::NaiveDateTime::parse_from_str(o["Date"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S")
                .unwrap();
        assert!(
            at <= clock,
            "an order at {at}, later than the clock {clock}"
        );
    }
    invariants::all_hold(sim);
}

#[tokio::test]
async fn a_fixed_day_without_a_live_day_stays_as_generated() {
    let running = Simulator::spawn(common::config(7)).await.unwrap();
    let before = agents_day(running.sim());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(agents_day(running.sim()), before);
}

#[test]
fn the_live_plan_fills_the_rest_of_the_working_day_in_order() {
    let sim = Simulator::new(SimConfig {
        clock: ClockConfig {
            start: NaiveTime::from_hms_opt(13, 0, 0),
            speed: 1.0,
        },
        ..common::config(3)
    });
    let now = sim.now();
    let plan = sim.read(|db| onec_sim::live::plan(db, sim.demo(), now, 3));
    assert!(!plan.is_empty());
    assert!(plan.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
    let end = sim.as_of().and_hms_opt(18, 30, 0).unwrap();
    assert!(plan.iter().all(|(at, _)| *at > now && *at < end));
    let demo_orders = plan
        .iter()
        .filter(|(_, step)| matches!(step, onec_sim::live::Step::Order(onec_sim::Change::PostOrder { agent, .. }) if *agent == sim.demo().agent))
        .count();
    assert!(
        demo_orders >= 5,
        "the demo agent keeps working: {demo_orders}"
    );
}
