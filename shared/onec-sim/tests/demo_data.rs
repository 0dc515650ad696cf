//! Property tests over seeds and clock times: the demo's people have names whose parts agree in
//! gender, and nothing in the base is dated later than the base's clock.

mod common;

use chrono::{NaiveDate, NaiveTime};
use onec_sim::db::col;
use onec_sim::names::{Gender, gender_of};
use onec_sim::schema::{self as s, Schema};
use onec_sim::value::Value;
use onec_sim::{ClockConfig, SimConfig, Simulator};
use proptest::prelude::*;

/// The gender a surname shows, if it shows one (Ким, Петренко do not).
fn surname_gender(surname: &str) -> Option<Gender> {
    let ends = |endings: &[&str]| endings.iter().any(|e| surname.ends_with(e));
    if ends(&["ова", "ева", "ёва", "ина", "ына", "ская", "цкая"]) {
        Some(Gender::Female)
    } else if ends(&["ов", "ев", "ёв", "ин", "ын", "ский", "цкий"]) {
        Some(Gender::Male)
    } else {
        None
    }
}

/// The gender of a patronymic, Russianised (-ович/-овна) or Kazakh (-ұлы/-қызы).
fn patronymic_gender(patronymic: &str) -> Option<Gender> {
    if patronymic.ends_with("вич") || patronymic.ends_with("ұлы") {
        Some(Gender::Male)
    } else if patronymic.ends_with("вна") || patronymic.ends_with("қызы") {
        Some(Gender::Female)
    } else {
        None
    }
}

/// Checks «Surname First [Patronymic]»; returns the parts.
fn check_name(name: &str, with_patronymic: bool) -> Vec<String> {
    let parts: Vec<&str> = name.split(' ').collect();
    assert_eq!(parts.len(), if with_patronymic { 3 } else { 2 }, "{name}");
    let gender = gender_of(parts[1]).unwrap_or_else(|| panic!("a known first name: {name}"));
    if let Some(g) = surname_gender(parts[0]) {
        assert_eq!(g, gender, "surname of «{name}»");
    }
    if with_patronymic {
        assert_eq!(
            patronymic_gender(parts[2]),
            Some(gender),
            "patronymic of «{name}»"
        );
    }
    parts.into_iter().map(String::from).collect()
}

fn description(row: &[Value], set: &str) -> String {
    row[col(set, "Description")].as_str().unwrap().to_string()
}

fn names_agree(sim: &Simulator) {
    sim.read(|db| {
        for p in &db.table(s::PERSONS).rows {
            check_name(&description(p, s::PERSONS), true);
        }
        // Users: «Surname First (role)», besides a few service accounts.
        for u in &db.table(s::USERS).rows {
            let name = description(u, s::USERS);
            let short = name.split(" (").next().unwrap();
            if short.split(' ').nth(1).and_then(gender_of).is_some() {
                check_name(short, false);
            }
        }
        // Sole proprietors: «ИП Surname First Patronymic»; their partner «ИП Surname F.P. (маг. …)».
        let partner = col(s::COUNTERPARTIES, "Партнер");
        for c in &db.table(s::COUNTERPARTIES).rows {
            let Some(person) = description(c, s::COUNTERPARTIES)
                .strip_prefix("ИП ")
                .map(String::from)
            else {
                continue;
            };
            let parts = check_name(&person, true);
            let initial = |s: &str| s.chars().next().unwrap();
            let short = format!(
                "ИП {} {}.{}.",
                parts[0],
                initial(&parts[1]),
                initial(&parts[2])
            );
            let p = db.get(s::PARTNERS, c[partner].as_guid().unwrap()).unwrap();
            assert!(description(p, s::PARTNERS).starts_with(&short), "{short}");
        }
    });
}

fn nothing_later_than_the_clock(sim: &Simulator) {
    let now = sim.now();
    sim.read(|db| {
        let schema = Schema::get();
        for ty in schema.sets.iter().filter(|t| t.is_document()) {
            let date = col(&ty.name, "Date");
            for d in &db.table(&ty.name).rows {
                let at = d[date].as_date().unwrap();
                assert!(at <= now, "{} {at} is later than the clock {now}", ty.name);
            }
        }
        for register in [s::PRICES, s::STOCK, s::SETTLEMENTS, s::REVENUE] {
            let rec = s::records_of(register);
            let period = col(&rec, "Period");
            for r in &db.table(&rec).rows {
                assert!(r[period].as_date().unwrap() <= now, "{rec}");
            }
        }
    });
}

/// Eight bases a run (each is a whole generation); `PROPTEST_CASES` asks for another number.
fn config() -> ProptestConfig {
    let asked = std::env::var_os("PROPTEST_CASES").is_some();
    let default = ProptestConfig::default();
    ProptestConfig {
        cases: if asked { default.cases } else { 8 },
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn people_and_the_clock(seed in 0u64..1000, minute in 0u32..24 * 60) {
        let start = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap();
        let sim = Simulator::new(SimConfig {
            clock: ClockConfig { start: Some(start), speed: 1.0 },
            ..common::config(seed)
        });
        prop_assert_eq!(sim.now().date(), NaiveDate::parse_from_str(common::AS_OF, "%Y-%m-%d").unwrap());
        names_agree(&sim);
        nothing_later_than_the_clock(&sim);
    }
}

#[test]
fn a_fixed_day_is_complete_and_its_clock_stands_at_its_end() {
    let sim = Simulator::new(common::config(1));
    assert_eq!(sim.now().to_string(), format!("{} 23:59:59", common::AS_OF));
    nothing_later_than_the_clock(&sim);
}

#[test]
fn the_fixed_demo_people_keep_their_names() {
    let sim = Simulator::new(common::config(1));
    sim.read(|db| {
        let client = db.get(s::PARTNERS, sim.demo().client_partner).unwrap();
        assert_eq!(
            description(client, s::PARTNERS),
            "ИП Сапарова Г.К. (маг. Береке)"
        );
    });
    names_agree(&sim);
}
