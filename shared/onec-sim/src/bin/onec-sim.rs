//! `onec-sim`: serves the simulated 1C base on a local port.

use std::io::Write;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use clap::Parser;
use onec_sim::{ClockConfig, Faults, Scale, SimConfig, Simulator};

#[derive(Parser)]
#[command(about = "A simulated 1C:Enterprise UT 11 OData publication with demo data")]
struct Args {
    #[arg(long, default_value_t = 8081)]
    port: u16,
    #[arg(long, value_enum, default_value = "small")]
    scale: ScaleArg,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Last day of the generated year (YYYY-MM-DD); default today in the base's time zone.
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Simulated seconds per real second of the base's clock (60: a real second is a minute).
    #[arg(long, env = "ONEC_SIM_CLOCK_SPEED", default_value_t = 1.0)]
    clock_speed: f64,
    /// Time of day (HH:MM) the clock starts at on the last day; default the real time, or the
    /// end of the day with --as-of.
    #[arg(long, env = "ONEC_SIM_CLOCK_START", value_parser = parse_time)]
    clock_start: Option<NaiveTime>,
    /// Post the rest of today's orders, deliveries and payments as the clock reaches them;
    /// default: on without --as-of, off with it.
    #[arg(long)]
    live: Option<bool>,
    #[arg(long, env = "ONEC_SIM_USER", default_value = "portal")]
    user: String,
    #[arg(
        long,
        env = "ONEC_SIM_PASSWORD",
        default_value = "portal",
        hide_env_values = true
    )]
    password: String,
}

fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s}: expected HH:MM"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ScaleArg {
    Small,
    Large,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let faults = Faults::from_env().map_err(anyhow::Error::msg)?;
    let scale = match args.scale {
        ScaleArg::Small => Scale::Small,
        ScaleArg::Large => Scale::Large,
    };
    let config = SimConfig {
        scale,
        seed: args.seed,
        as_of: args.as_of,
        clock: ClockConfig {
            start: args.clock_start,
            speed: args.clock_speed,
        },
        live_day: args.live.unwrap_or(args.as_of.is_none()),
        user: args.user.clone(),
        password: args.password,
        faults,
        ..SimConfig::default()
    };
    let started = std::time::Instant::now();
    let sim = tokio::task::spawn_blocking(move || {
        let mut last = -1i64;
        Simulator::with_progress(config, &mut |share| {
            let pct = (share * 100.0) as i64;
            if pct != last && matches!(scale, Scale::Large) {
                last = pct;
                let bar = "#".repeat((pct / 2) as usize);
                eprint!("\rgenerating [{bar:<50}] {pct:3}%");
                let _ = std::io::stderr().flush();
            }
        })
    })
    .await?;
    if matches!(scale, Scale::Large) {
        eprintln!();
    }
    let running = sim
        .serve(([127, 0, 0, 1], args.port).into())
        .await
        .with_context(|| format!("cannot listen on port {}", args.port))?;
    let demo = running.demo();
    println!(
        "1C OData simulator: {}  (data up to {}, generated in {:.1?})",
        running.base_url(),
        running.as_of(),
        started.elapsed()
    );
    println!(
        "OData user: {} (password from --password / ONEC_SIM_PASSWORD)",
        args.user
    );
    println!(
        "Demo portal logins (password {}):",
        onec_sim::demo::DEMO_PASSWORD
    );
    println!("  agent       +7 701 000 0001  ({})", demo.agent);
    println!("  supervisor  +7 701 000 0002  ({})", demo.supervisor);
    println!(
        "  client      +7 701 000 0003  (partner {})",
        demo.client_partner
    );
    println!("  admin       +7 701 000 0004  ({})", demo.admin);
    println!(
        "Faults: POST/DELETE http://{}/__sim/faults   Changes: POST http://{}/__sim/changes",
        running.addr(),
        running.addr()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
