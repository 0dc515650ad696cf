//! The live day: while a demo runs, the base goes on working. Agents take orders through the day,
//! yesterday's orders are delivered (cash taken on delivery), all posted through the change API
//! ([`Simulator::apply`]) as the base's clock reaches their time, so lists, debts and reports move.
//!
//! The plan is made once, from where the clock stands at start to the end of the working day, and
//! is deterministic by seed and day; the clock's speed ([`crate::ClockConfig::speed`]) decides how
//! fast it unfolds in real time.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::Simulator;
use crate::changes::{Change, NewLine};
use crate::db::{Db, col};
use crate::demo::DemoIds;
use crate::schema as s;

/// One thing the live day posts at its time.
#[derive(Debug, Clone)]
pub enum Step {
    /// An agent takes an order from one of their clients.
    Order(Change),
    /// An order is delivered: its sale is posted, and cash orders are paid on delivery.
    Deliver { order: Uuid, cash: bool },
}

/// The working day the live day fills: orders from nine, deliveries from ten to five.
fn hours(day: chrono::NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

/// Runs the live day of `sim` until its plan is done (the task is aborted with the server).
pub(crate) async fn run(sim: Simulator) {
    let clock = *sim.clock();
    let now = clock.now();
    let seed = sim.config().seed;
    let steps = sim.read(|db| plan(db, sim.demo(), now, seed));
    tracing::info!(steps = steps.len(), "live day planned from {now}");
    for (at, step) in steps {
        let wait = clock.real_until(at);
        if wait == std::time::Duration::MAX {
            return; // a clock standing still never gets there
        }
        tokio::time::sleep(wait).await;
        if let Err(e) = post(&sim, step) {
            tracing::warn!("live day: {e}");
        }
    }
}

/// Posts one step through the change API.
pub fn post(sim: &Simulator, step: Step) -> Result<Uuid, crate::changes::ChangeError> {
    match step {
        Step::Order(change) => sim.apply(change),
        Step::Deliver { order, cash } => {
            let sale = sim.apply(Change::PostSale { order })?;
            if cash {
                let amount = sim
                    .read(|db| {
                        db.get(s::SALES, sale)
                            .map(|d| d[col(s::SALES, "СуммаДокумента")].as_num())
                    })
                    .unwrap_or_default();
                if amount > Decimal::ZERO {
                    sim.apply(Change::PostPayment { sale, amount })?;
                }
            }
            Ok(sale)
        }
    }
}

/// The rest of the working day after `now`, in time order.
pub fn plan(db: &Db, demo: &DemoIds, now: NaiveDateTime, seed: u64) -> Vec<(NaiveDateTime, Step)> {
    let day = now.date();
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(day_number(day)));
    let mut steps = Vec::new();
    let products = live_products(db);
    let clients = clients_by_agent(db);
    let agents = std::iter::once(demo.agent).chain(demo.other_agents.iter().copied());
    for agent in agents {
        let Some(partners) = clients.get(&agent).filter(|p| !p.is_empty()) else {
            continue;
        };
        // The demo agent is the busy one: an order every quarter to three quarters of an hour.
        let gap = if agent == demo.agent { 15..45 } else { 60..200 };
        let mut at = now.max(hours(day, 9, 0)) + Duration::minutes(rng.random_range(gap.clone()));
        while at < hours(day, 18, 30) {
            let partner = *partners.choose(&mut rng).expect("non-empty");
            let lines: Vec<NewLine> = (0..rng.random_range(1..6))
                .filter_map(|_| {
                    let product = *products.choose(&mut rng)?;
                    Some(NewLine {
                        product,
                        quantity: Decimal::from(rng.random_range(1..20)),
                        price: None,
                    })
                })
                .collect();
            let status = *["КОтгрузке", "КОтгрузке", "КОбеспечению", "НеСогласован"]
                .choose(&mut rng)
                .expect("non-empty");
            if !lines.is_empty() {
                steps.push((
                    at,
                    Step::Order(Change::PostOrder {
                        agent,
                        partner,
                        lines,
                        status: Some(status.into()),
                        shipment_date: None,
                    }),
                ));
            }
            at += Duration::minutes(rng.random_range(gap.clone()));
        }
    }
    let (from, to) = (now.max(hours(day, 10, 0)), hours(day, 17, 0));
    if from < to {
        let span = (to - from).num_seconds();
        for (order, cash) in due_deliveries(db, day) {
            let at = from + Duration::seconds(rng.random_range(0..span));
            steps.push((at, Step::Deliver { order, cash }));
        }
    }
    steps.sort_by_key(|(at, _)| *at);
    steps
}

fn day_number(day: chrono::NaiveDate) -> u64 {
    chrono::Datelike::num_days_from_ce(&day) as u64
}

/// Products an agent can sell: elements, not marked for deletion.
fn live_products(db: &Db) -> Vec<Uuid> {
    let (folder, deleted) = (
        col(s::PRODUCTS, "IsFolder"),
        col(s::PRODUCTS, "DeletionMark"),
    );
    db.table(s::PRODUCTS)
        .rows
        .iter()
        .filter(|r| !r[folder].as_bool() && !r[deleted].as_bool())
        .filter_map(|r| r[0].as_guid())
        .collect()
}

/// Each agent's clients (partners whose main manager the agent is).
fn clients_by_agent(db: &Db) -> HashMap<Uuid, Vec<Uuid>> {
    let (manager, client, deleted) = (
        col(s::PARTNERS, "ОсновнойМенеджер"),
        col(s::PARTNERS, "Клиент"),
        col(s::PARTNERS, "DeletionMark"),
    );
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for r in &db.table(s::PARTNERS).rows {
        if let (true, Some(agent), Some(id)) = (
            r[client].as_bool() && !r[deleted].as_bool(),
            r[manager].as_guid(),
            r[0].as_guid(),
        ) {
            out.entry(agent).or_default().push(id);
        }
    }
    out
}

/// Posted orders waiting for shipment that are due by `day` (those of the last days).
fn due_deliveries(db: &Db, day: chrono::NaiveDate) -> Vec<(Uuid, bool)> {
    let c = |f: &str| col(s::ORDERS, f);
    let (status, shipment, posted, deleted, payment, date) = (
        c("Статус"),
        c("ДатаОтгрузки"),
        c("Posted"),
        c("DeletionMark"),
        c("ФормаОплаты"),
        c("Date"),
    );
    let since = day - Duration::days(3);
    db.table(s::ORDERS)
        .rows
        .iter()
        .filter(|o| o[posted].as_bool() && !o[deleted].as_bool())
        .filter(|o| o[status].as_str() == Some("КОтгрузке"))
        .filter(|o| {
            let ship = o[shipment].as_date().map(|d| d.date());
            let taken = o[date].as_date().map(|d| d.date());
            ship.is_some_and(|d| d <= day) && taken.is_some_and(|d| d >= since && d < day)
        })
        .filter_map(|o| Some((o[0].as_guid()?, o[payment].as_str() == Some("Наличная"))))
        .collect()
}
