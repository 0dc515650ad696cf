//! Property tests over seeds: registers agree with the documents that made them, and paging is exact.

mod common;

use std::collections::HashMap;

use onec_sim::db::{col, tcol};
use onec_sim::schema::{self as s, records_of};
use onec_sim::{Simulator, value::Value};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn sim(seed: u64) -> Simulator {
    Simulator::new(common::config(seed))
}

fn posted(set: &str, row: &[Value]) -> bool {
    row[col(set, "Posted")].as_bool() && !row[col(set, "DeletionMark")].as_bool()
}

fn answer(sim: &Simulator, path: &str, params: &[(&str, &str)]) -> serde_json::Value {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match sim.query(path, &params).unwrap() {
        onec_sim::query::Answer::Json(j) => serde_json::from_str(&j).unwrap(),
        other => panic!("{other:?}"),
    }
}

fn dec(v: &serde_json::Value) -> Decimal {
    v.to_string().parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    #[test]
    fn order_totals_are_the_sum_of_their_live_lines(seed in 0u64..1000) {
        let sim = sim(seed);
        sim.read(|db| {
            let (lines, amount, cancelled) = (col(s::ORDERS, "Товары"), tcol(s::ORDERS, "Товары", "СуммаСНДС"), tcol(s::ORDERS, "Товары", "Отменено"));
            for o in &db.table(s::ORDERS).rows {
                let sum: Decimal = o[lines].as_table().iter().filter(|l| !l[cancelled].as_bool()).map(|l| l[amount].as_num()).sum();
                assert_eq!(sum, o[col(s::ORDERS, "СуммаДокумента")].as_num());
            }
        });
    }

    #[test]
    fn revenue_turnover_equals_posted_sales(seed in 0u64..1000) {
        let sim = sim(seed);
        let agent = sim.demo().agent.to_string();
        let (from, to) = ("2026-09-01", "2026-09-30");
        let expected: Decimal = sim.read(|db| {
            db.table(s::SALES).rows.iter()
                .filter(|d| posted(s::SALES, d))
                .filter(|d| d[col(s::SALES, "Менеджер")].as_guid() == Some(sim.demo().agent))
                .filter(|d| { let day = d[col(s::SALES, "Date")].as_date().unwrap().date().to_string(); day.as_str() >= from && day.as_str() <= to })
                .map(|d| d[col(s::SALES, "СуммаДокумента")].as_num())
                .sum()
        });
        let j = answer(&sim, &format!("AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(StartPeriod=datetime'{from}T00:00:00',EndPeriod=datetime'{to}T23:59:59',Condition='Менеджер_Key eq guid''{agent}''',Dimensions='Менеджер')"), &[("$format", "json")]);
        let got: Decimal = j["value"].as_array().unwrap().iter().map(|r| dec(&r["СуммаВыручкиTurnover"])).sum();
        prop_assert!(expected > Decimal::ZERO);
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn debts_equal_sales_less_payments_and_never_exceed_the_document(seed in 0u64..1000) {
        let sim = sim(seed);
        let expected: HashMap<Uuid, Decimal> = sim.read(|db| {
            let mut debt: HashMap<Uuid, Decimal> = HashMap::new();
            for d in db.table(s::SALES).rows.iter().filter(|d| posted(s::SALES, d)) {
                *debt.entry(d[0].as_guid().unwrap()).or_default() += d[col(s::SALES, "СуммаДокумента")].as_num();
            }
            for set in [s::CASH_RECEIPTS, s::BANK_RECEIPTS] {
                for p in db.table(set).rows.iter().filter(|p| posted(set, p)) {
                    for l in p[col(set, "РасшифровкаПлатежа")].as_table() {
                        *debt.entry(l[tcol(set, "РасшифровкаПлатежа", "ОбъектРасчетов")].as_guid().unwrap()).or_default() -= l[tcol(set, "РасшифровкаПлатежа", "Сумма")].as_num();
                    }
                }
            }
            debt.retain(|_, v| !v.is_zero());
            debt
        });
        let j = answer(&sim, "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')", &[("$format", "json"), ("$select", "ДолгBalance,ЗаказКлиента")]);
        let got: HashMap<Uuid, Decimal> = j["value"].as_array().unwrap().iter()
            .map(|r| (r["ЗаказКлиента"].as_str().unwrap().parse().unwrap(), dec(&r["ДолгBalance"]))).collect();
        prop_assert_eq!(&got, &expected);
        sim.read(|db| {
            for (id, debt) in &got {
                let doc = db.get(s::SALES, *id).unwrap();
                assert!(*debt > Decimal::ZERO && *debt <= doc[col(s::SALES, "СуммаДокумента")].as_num());
            }
        });
    }

    #[test]
    fn stock_balance_is_receipts_less_sales_and_reserves(seed in 0u64..1000) {
        let sim = sim(seed);
        let warehouse = sim.demo().main_warehouse;
        let mut expected: HashMap<Uuid, [Decimal; 3]> = HashMap::new();
        sim.read(|db| {
            for d in db.table(s::PURCHASES).rows.iter().filter(|d| posted(s::PURCHASES, d) && d[col(s::PURCHASES, "Склад")].as_guid() == Some(warehouse)) {
                for l in d[col(s::PURCHASES, "Товары")].as_table() {
                    expected.entry(l[tcol(s::PURCHASES, "Товары", "Номенклатура")].as_guid().unwrap()).or_default()[0] += l[tcol(s::PURCHASES, "Товары", "Количество")].as_num();
                }
            }
            for d in db.table(s::SALES).rows.iter().filter(|d| posted(s::SALES, d) && d[col(s::SALES, "Склад")].as_guid() == Some(warehouse)) {
                for l in d[col(s::SALES, "Товары")].as_table() {
                    expected.entry(l[tcol(s::SALES, "Товары", "Номенклатура")].as_guid().unwrap()).or_default()[0] -= l[tcol(s::SALES, "Товары", "Количество")].as_num();
                }
            }
            for o in db.table(s::ORDERS).rows.iter().filter(|o| posted(s::ORDERS, o) && o[col(s::ORDERS, "Склад")].as_guid() == Some(warehouse)) {
                let slot = match o[col(s::ORDERS, "Статус")].as_str() { Some("КОтгрузке") => 1, Some("КОбеспечению") => 2, _ => continue };
                for l in o[col(s::ORDERS, "Товары")].as_table().iter().filter(|l| !l[tcol(s::ORDERS, "Товары", "Отменено")].as_bool()) {
                    expected.entry(l[tcol(s::ORDERS, "Товары", "Номенклатура")].as_guid().unwrap()).or_default()[slot] += l[tcol(s::ORDERS, "Товары", "Количество")].as_num();
                }
            }
        });
        expected.retain(|_, v| v.iter().any(|x| !x.is_zero()));
        let j = answer(&sim, "AccumulationRegister_СвободныеОстатки/Balance(Dimensions='Номенклатура,Склад')", &[("$format", "json"), ("$filter", &format!("Склад_Key eq guid'{warehouse}'"))]);
        let got: HashMap<Uuid, [Decimal; 3]> = j["value"].as_array().unwrap().iter().map(|r| {
            (r["Номенклатура_Key"].as_str().unwrap().parse().unwrap(), [dec(&r["ВНаличииBalance"]), dec(&r["ВРезервеСоСкладаBalance"]), dec(&r["ВРезервеПодЗаказBalance"])])
        }).collect();
        prop_assert_eq!(got, expected);
        let _ = records_of(s::STOCK);
    }

    #[test]
    fn top_and_skip_pages_concatenate_to_the_ordered_set(seed in 0u64..1000, page in 1usize..40) {
        let sim = sim(seed);
        let base = [("$format", "json"), ("$select", "Ref_Key"), ("$orderby", "Date,Number")];
        let all = answer(&sim, "Document_РеализацияТоваровУслуг", &base)["value"].as_array().unwrap().clone();
        let mut pages = Vec::new();
        let mut skip = 0;
        loop {
            let (s, t) = (skip.to_string(), page.to_string());
            let mut params = base.to_vec();
            params.extend([("$skip", s.as_str()), ("$top", t.as_str())]);
            let rows = answer(&sim, "Document_РеализацияТоваровУслуг", &params)["value"].as_array().unwrap().clone();
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
