//! The accounting invariants of a base: registers agree with the documents that made them. Checked
//! over generated seeds (`ledgers.rs`) and after a live day has posted into a base (`live_day.rs`).

#![allow(dead_code)]

use std::collections::HashMap;

use chrono::NaiveDate;
use onec_sim::db::{col, tcol};
use onec_sim::schema as s;
use onec_sim::{Simulator, value::Value};
use rust_decimal::Decimal;
use uuid::Uuid;

pub fn posted(set: &str, row: &[Value]) -> bool {
    row[col(set, "Posted")].as_bool() && !row[col(set, "DeletionMark")].as_bool()
}

pub fn answer(sim: &Simulator, path: &str, params: &[(&str, &str)]) -> serde_json::Value {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match sim.query(path, &params).unwrap() {
        onec_sim::query::Answer::Json(j) => serde_json::from_str(&j).unwrap(),
        other => panic!("{other:?}"),
    }
}

pub fn dec(v: &serde_json::Value) -> Decimal {
    v.to_string().parse().unwrap()
}

/// Every order's total is the sum of its lines that are not cancelled.
pub fn order_totals_are_the_sum_of_their_live_lines(sim: &Simulator) {
    sim.read(|db| {
        let (lines, amount, cancelled) = (
            col(s::ORDERS, "Товары"),
            tcol(s::ORDERS, "Товары", "СуммаСНДС"),
            tcol(s::ORDERS, "Товары", "Отменено"),
        );
        for o in &db.table(s::ORDERS).rows {
            let sum: Decimal = o[lines]
                .as_table()
                .iter()
                .filter(|l| !l[cancelled].as_bool())
                .map(|l| l[amount].as_num())
                .sum();
            assert_eq!(sum, o[col(s::ORDERS, "СуммаДокумента")].as_num());
        }
    });
}

/// The demo agent's revenue turnover over `from..=to` is the total of their posted sales; returns it.
pub fn revenue_turnover_equals_posted_sales(
    sim: &Simulator,
    from: NaiveDate,
    to: NaiveDate,
) -> Decimal {
    let agent = sim.demo().agent;
    let expected: Decimal = sim.read(|db| {
        db.table(s::SALES)
            .rows
            .iter()
            .filter(|d| posted(s::SALES, d))
            .filter(|d| d[col(s::SALES, "Менеджер")].as_guid() == Some(agent))
            .filter(|d| {
                let day = d[col(s::SALES, "Date")].as_date().unwrap().date();
                day >= from && day <= to
            })
            .map(|d| d[col(s::SALES, "СуммаДокумента")].as_num())
            .sum()
    });
    let j = answer(
        sim,
        &format!(
            "AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(StartPeriod=datetime'{from}T00:00:00',EndPeriod=datetime'{to}T23:59:59',Condition='Менеджер_Key eq guid''{agent}''',Dimensions='Менеджер')"
        ),
        &[("$format", "json")],
    );
    let got: Decimal = j["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| dec(&r["СуммаВыручкиTurnover"]))
        .sum();
    assert_eq!(got, expected);
    got
}

/// Each sale's debt is its total less the payments against it, and never more than the document.
pub fn debts_equal_sales_less_payments_and_never_exceed_the_document(sim: &Simulator) {
    let expected: HashMap<Uuid, Decimal> = sim.read(|db| {
        let mut debt: HashMap<Uuid, Decimal> = HashMap::new();
        for d in db
            .table(s::SALES)
            .rows
            .iter()
            .filter(|d| posted(s::SALES, d))
        {
            *debt.entry(d[0].as_guid().unwrap()).or_default() +=
                d[col(s::SALES, "СуммаДокумента")].as_num();
        }
        for set in [s::CASH_RECEIPTS, s::BANK_RECEIPTS] {
            for p in db.table(set).rows.iter().filter(|p| posted(set, p)) {
                for l in p[col(set, "РасшифровкаПлатежа")].as_table() {
                    let sale = l[tcol(set, "РасшифровкаПлатежа", "ОбъектРасчетов")]
                        .as_guid()
                        .unwrap();
                    *debt.entry(sale).or_default() -=
                        l[tcol(set, "РасшифровкаПлатежа", "Сумма")].as_num();
                }
            }
        }
        debt.retain(|_, v| !v.is_zero());
        debt
    });
    let j = answer(
        sim,
        "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')",
        &[("$format", "json"), ("$select", "ДолгBalance,ЗаказКлиента")],
    );
    let got: HashMap<Uuid, Decimal> = j["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ЗаказКлиента"].as_str().unwrap().parse().unwrap(),
                dec(&r["ДолгBalance"]),
            )
        })
        .collect();
    assert_eq!(got, expected);
    sim.read(|db| {
        for (id, debt) in &got {
            let doc = db.get(s::SALES, *id).unwrap();
            assert!(
                *debt > Decimal::ZERO && *debt <= doc[col(s::SALES, "СуммаДокумента")].as_num()
            );
        }
    });
}

/// Stock at the main warehouse: receipts less sales in hand, open orders' lines in reserve.
pub fn stock_balance_is_receipts_less_sales_and_reserves(sim: &Simulator) {
    let warehouse = sim.demo().main_warehouse;
    let mut expected: HashMap<Uuid, [Decimal; 3]> = HashMap::new();
    let at = |set: &str, d: &[Value]| {
        posted(set, d) && d[col(set, "Склад")].as_guid() == Some(warehouse)
    };
    sim.read(|db| {
        for (set, sign) in [(s::PURCHASES, Decimal::ONE), (s::SALES, -Decimal::ONE)] {
            for d in db.table(set).rows.iter().filter(|d| at(set, d)) {
                for l in d[col(set, "Товары")].as_table() {
                    let product = l[tcol(set, "Товары", "Номенклатура")].as_guid().unwrap();
                    expected.entry(product).or_default()[0] +=
                        sign * l[tcol(set, "Товары", "Количество")].as_num();
                }
            }
        }
        for o in db.table(s::ORDERS).rows.iter().filter(|o| at(s::ORDERS, o)) {
            let slot = match o[col(s::ORDERS, "Статус")].as_str() {
                Some("КОтгрузке") => 1,
                Some("КОбеспечению") => 2,
                _ => continue,
            };
            let cancelled = tcol(s::ORDERS, "Товары", "Отменено");
            for l in o[col(s::ORDERS, "Товары")]
                .as_table()
                .iter()
                .filter(|l| !l[cancelled].as_bool())
            {
                let product = l[tcol(s::ORDERS, "Товары", "Номенклатура")]
                    .as_guid()
                    .unwrap();
                expected.entry(product).or_default()[slot] +=
                    l[tcol(s::ORDERS, "Товары", "Количество")].as_num();
            }
        }
    });
    expected.retain(|_, v| v.iter().any(|x| !x.is_zero()));
    let j = answer(
        sim,
        "AccumulationRegister_СвободныеОстатки/Balance(Dimensions='Номенклатура,Склад')",
        &[
            ("$format", "json"),
            ("$filter", &format!("Склад_Key eq guid'{warehouse}'")),
        ],
    );
    let got: HashMap<Uuid, [Decimal; 3]> = j["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["Номенклатура_Key"].as_str().unwrap().parse().unwrap(),
                [
                    dec(&r["ВНаличииBalance"]),
                    dec(&r["ВРезервеСоСкладаBalance"]),
                    dec(&r["ВРезервеПодЗаказBalance"]),
                ],
            )
        })
        .collect();
    assert_eq!(got, expected);
}

/// All of the above over the whole history.
pub fn all_hold(sim: &Simulator) {
    order_totals_are_the_sum_of_their_live_lines(sim);
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    revenue_turnover_equals_posted_sales(sim, first, sim.now().date());
    debts_equal_sales_less_payments_and_never_exceed_the_document(sim);
    stock_balance_is_receipts_less_sales_and_reserves(sim);
}
