//! The scheduled refresh's cost (a bench, not a test): the duration and 1C calls of a full run
//! (every step, nothing copied yet) and of a repeat run (nothing changed in 1C), at `small` and —
//! unless `PREWARM_BENCH_SMALL_ONLY` is set — `large` scale, per step.
//!
//! ```sh
//! cargo bench -p skazka-prewarm --bench prewarm
//! ```

use std::time::Instant;

use onec_sim::{Scale, SimConfig};
use skazka_prewarm::{Prewarm, Trigger};

#[tokio::main]
async fn main() {
    let mut scales = vec![Scale::Small];
    if std::env::var_os("PREWARM_BENCH_SMALL_ONLY").is_none() {
        scales.push(Scale::Large);
    }
    for scale in scales {
        let app = skazka_testkit::app_with_sim(
            &[],
            SimConfig {
                scale,
                ..SimConfig::default()
            },
        )
        .await;
        let prewarm = Prewarm::new(&app.state);
        println!("\n== Refresh run at `{scale:?}` scale");
        for run in ["full", "repeat"] {
            let started = Instant::now();
            let summary = prewarm.tick(Trigger::Start).await.unwrap().expect("a run");
            let calls: u32 = summary.steps.iter().map(|s| s.figures.onec_calls).sum();
            println!(
                "{run:<8} {:>8.0} ms  {calls:>4} 1C calls",
                started.elapsed().as_secs_f64() * 1000.0
            );
            for s in &summary.steps {
                println!(
                    "    {:<14} {:>8} ms  {:>4} calls  {:>7} read  {:>7} changed{}",
                    s.step.name(),
                    s.duration_ms,
                    s.figures.onec_calls,
                    s.figures.rows_read,
                    s.figures.rows_changed,
                    s.error
                        .as_deref()
                        .map(|e| format!("  ERROR {e}"))
                        .unwrap_or_default()
                );
            }
        }
    }
}
