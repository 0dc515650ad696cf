//! A simulator of a 1C:Enterprise 8.3 "Управление торговлей 11" standard OData publication.
//!
//! Planned public API (being written now):
//! - `SimConfig { scale: Scale, seed: u64, as_of: Option<NaiveDate>, user: String, password: String }`
//!   with `Default` (small, seed 1, today in Asia/Almaty, `portal`/`portal`).
//! - `Simulator::new(SimConfig) -> Simulator` (cheap to clone, `Arc` inside), `sim.router() -> axum::Router`
//!   serving `/UT/odata/standard.odata/…` and `/__sim/…`.
//! - `Simulator::spawn(SimConfig).await -> RunningSim` binds 127.0.0.1:0; `RunningSim::base_url()` is
//!   `http://127.0.0.1:PORT/UT/odata/standard.odata/`, `RunningSim::sim()` gives the `Simulator`.
//! - `sim.set_faults(Faults)`, `sim.reset_faults()`, `Faults { mode: Option<FaultMode>, latency_ms: u64, error_rate: f64 }`,
//!   `FaultMode::{Maintenance, Unavailable, Html, Truncated, Stall}`.
//! - `sim.demo() -> DemoIds` (fixed demo people and partner refs), change API (`rename_product`, `hide_product`,
//!   `set_price`, `post_order`, `post_sale`, `post_payment`).
//! - `onec_sim::filter::parse(&str) -> Result<filter::Expr, filter::ParseError>`; `Expr: Display` prints the canonical form.
pub fn _placeholder() {}
