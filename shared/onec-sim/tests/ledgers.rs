//! Property tests over seeds: registers agree with the documents that made them, and paging is exact.

mod common;
mod invariants;

use chrono::NaiveDate;
use invariants::answer;
use onec_sim::Simulator;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn sim(seed: u64) -> Simulator {
    Simulator::new(common::config(seed))
}

/// 32 seeds a run; `PROPTEST_CASES` asks for more (never fewer).
fn config() -> ProptestConfig {
    let asked = std::env::var_os("PROPTEST_CASES").is_some();
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if asked { default.cases.max(32) } else { 32 },
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    /// One base per seed (a generation is the expensive part), every ledger checked against it.
    #[test]
    fn registers_agree_with_the_documents_that_made_them(seed in 0u64..1000) {
        let sim = sim(seed);
        invariants::order_totals_are_the_sum_of_their_live_lines(&sim);
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let september = invariants::revenue_turnover_equals_posted_sales(&sim, day("2026-09-01"), day("2026-09-30"));
        prop_assert!(september > Decimal::ZERO);
        invariants::debts_equal_sales_less_payments_and_never_exceed_the_document(&sim);
        invariants::stock_balance_is_receipts_less_sales_and_reserves(&sim);
    }

    #[test]
    fn top_and_skip_pages_concatenate_to_the_ordered_set(page in 1usize..40) {
        static BASE: std::sync::OnceLock<Simulator> = std::sync::OnceLock::new();
        let sim = BASE.get_or_init(|| sim(1));
        // The demo agent's month of sales: every page size down to one row stays ~100 requests.
        let month = format!("Менеджер_Key eq guid'{}' and Date ge datetime'2026-09-01T00:00:00' and Date lt datetime'2026-10-01T00:00:00'", common::AGENT);
        let base = [("$format", "json"), ("$select", "Ref_Key"), ("$orderby", "Date,Number"), ("$filter", month.as_str())];
        let all = answer(sim, "Document_РеализацияТоваровУслуг", &base)["value"].as_array().unwrap().clone();
        let mut pages = Vec::new();
        let mut skip = 0;
        loop {
            let (s, t) = (skip.to_string(), page.to_string());
            let mut params = base.to_vec();
            params.extend([("$skip", s.as_str()), ("$top", t.as_str())]);
            let rows = answer(sim, "Document_РеализацияТоваровУслуг", &params)["value"].as_array().unwrap().clone();
            if rows.is_empty() { break; }
            skip += rows.len();
            pages.extend(rows);
        }
        prop_assert_eq!(pages, all);
    }
}

#[test]
fn inlinecount_is_a_string_and_ignores_paging_as_documented() {
    let sim = sim(1);
    let j = answer(
        &sim,
        "Catalog_Склады",
        &[
            ("$format", "json"),
            ("$inlinecount", "allpages"),
            ("$top", "1"),
        ],
    );
    assert_eq!(j["odata.count"], "4");
    assert_eq!(j["value"].as_array().unwrap().len(), 4);
}
