//! Prints the simulator's figures at `large` scale: generation time and peak memory, and the median
//! latency of one agent's day of orders and of a month of `Turnovers` with `Condition`.
//!
//! Run: `cargo bench -p onec-sim --bench large` (release build; generation takes a while).

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use onec_sim::{Scale, SimConfig, Simulator};

/// A memory figure of this process from `/proc/self/status` (`VmHWM` peak, `VmRSS` now), in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(
    sim: &Simulator,
    path: &str,
    params: &[(String, String)],
    runs: usize,
) -> (Duration, usize) {
    let mut bytes = 0;
    let samples = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let answer = sim.query(path, params).expect("query succeeds");
            if let onec_sim::query::Answer::Json(j) = answer {
                bytes = j.len();
            }
            t.elapsed()
        })
        .collect();
    (median(samples), bytes)
}

fn main() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).expect("valid date");
    let config = SimConfig {
        scale: Scale::Large,
        as_of: Some(as_of),
        ..SimConfig::default()
    };
    let started = Instant::now();
    let mut shown = usize::MAX;
    let sim = Simulator::with_progress(config, &mut |share| {
        let pct = (share * 100.0) as usize;
        if pct != shown {
            shown = pct;
            eprint!("\rgenerating large base: {pct:3}%");
        }
    });
    eprintln!();
    let generation = started.elapsed();
    let (orders, lines, products, agents) = sim.read(|db| {
        let orders = &db.table(onec_sim::schema::ORDERS).rows;
        let col = onec_sim::db::col(onec_sim::schema::ORDERS, "Товары");
        let lines: usize = orders.iter().map(|o| o[col].as_table().len()).sum();
        (
            orders.len(),
            lines,
            db.table(onec_sim::schema::PRODUCTS).rows.len(),
            sim.demo().other_agents.len() + 1,
        )
    });
    println!(
        "large base: {products} products, {agents} agents, {orders} orders, {lines} order lines"
    );
    println!(
        "generation: {generation:.2?}, peak RSS {:.0} MiB, base held in {:.0} MiB RSS",
        status_mib("VmHWM:"),
        status_mib("VmRSS:")
    );

    if std::env::var_os("CENSUS").is_some() {
        sim.read(census);
    }
    let agent = sim.demo().agent;
    let day = as_of - Days::days(1);
    let p = |pairs: &[(&str, String)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<Vec<_>>()
    };
    let day_params = p(&[
        ("$format", "json".into()),
        ("$filter", format!("Менеджер_Key eq guid'{agent}' and Date ge datetime'{day}T00:00:00' and Date le datetime'{day}T23:59:59'")),
        ("$select", "Ref_Key,Number,Date,СуммаДокумента,Комментарий,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark".into()),
        ("$expand", "Партнер".into()),
    ]);
    let (d, bytes) = time(&sim, "Document_ЗаказКлиента", &day_params, 21);
    println!("one agent's day of orders: median {d:.2?} over 21 runs ({bytes} bytes)");
    let month = format!(
        "AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(StartPeriod=datetime'2026-10-01T00:00:00',EndPeriod=datetime'2026-10-31T23:59:59',Condition='Менеджер_Key eq guid''{agent}''',Dimensions='Менеджер,АналитикаУчетаПоПартнерам')"
    );
    let month_params = p(&[
        ("$format", "json".into()),
        (
            "$select",
            "КоличествоTurnover,СуммаВыручкиTurnover,АналитикаУчетаПоПартнерам/Партнер/Description"
                .into(),
        ),
        ("$expand", "АналитикаУчетаПоПартнерам/Партнер".into()),
        ("$orderby", "СуммаВыручкиTurnover desc".into()),
    ]);
    let (d, bytes) = time(&sim, &month, &month_params, 21);
    println!("a month of Turnovers with Condition: median {d:.2?} over 21 runs ({bytes} bytes)");
}

/// Where the base's memory goes: rows and values per table (tabular sections counted inside their
/// owner), and how many distinct long strings the values point at (`CENSUS=1`).
fn census(db: &onec_sim::db::Db) {
    use onec_sim::value::Value;
    use std::collections::HashSet;
    #[derive(Default)]
    struct Count {
        rows: usize,
        section_rows: usize,
        values: usize,
    }
    fn walk(v: &Value, count: &mut Count, strings: &mut HashSet<usize>) {
        count.values += 1;
        match v {
            Value::Str(s) => {
                strings.insert(s.as_ptr() as usize);
            }
            Value::Table(rows) => {
                for r in rows.iter() {
                    count.section_rows += 1;
                    r.iter().for_each(|v| walk(v, count, strings));
                }
            }
            _ => {}
        }
    }
    let schema = onec_sim::schema::Schema::get();
    let mut strings = HashSet::new();
    let mut per: Vec<(&str, Count)> = db
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut count = Count {
                rows: t.rows.len(),
                ..Count::default()
            };
            for v in t.rows.iter().flat_map(|r| r.iter()) {
                walk(v, &mut count, &mut strings);
            }
            (schema.sets[i].name.as_str(), count)
        })
        .collect();
    per.sort_by_key(|(_, c)| std::cmp::Reverse(c.values));
    let total: usize = per.iter().map(|(_, c)| c.values).sum();
    println!(
        "values held: {total} ({} distinct long strings)",
        strings.len()
    );
    for (name, c) in per.iter().take(8) {
        println!(
            "  {name}: {} rows, {} section rows, {} values",
            c.rows, c.section_rows, c.values
        );
    }
}
