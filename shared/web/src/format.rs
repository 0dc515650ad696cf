//! Russian formatting every page shares: money (`1 234 567 ₸`), quantities, dates (`07.05.2024`),
//! times in the base's zone, durations and ages.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use rust_decimal::Decimal;

/// `1234567.5` → `1 234 567,50 ₸`; whole amounts without decimals: `1 234 567 ₸`. The group
/// separator is a no-break space (as `ru` number formatting does), so an amount never wraps.
pub fn money(v: Decimal) -> String {
    format!("{}\u{a0}₸", number(v.round_dp(2), true))
}

/// A quantity: `12`, `1,5`, `0,250`.
pub fn quantity(v: Decimal) -> String {
    number(v.normalize(), false)
}

/// A percentage: `5`, `12,5`.
pub fn percent(v: Decimal) -> String {
    format!("{} %", number(v.round_dp(2).normalize(), false))
}

fn number(v: Decimal, money: bool) -> String {
    let negative = v.is_sign_negative() && !v.is_zero();
    let text = v.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
        if money && frac.len() == 1 {
            out.push('0');
        }
    }
    out
}

/// `07.05.2024`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `10:42`.
pub fn time(t: &DateTime<FixedOffset>) -> String {
    t.format("%H:%M").to_string()
}

/// `07.05.2024 10:42`.
pub fn date_time(t: &DateTime<FixedOffset>) -> String {
    t.format("%d.%m.%Y %H:%M").to_string()
}

const WEEKDAYS: [&str; 7] = [
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

/// `вторник, 07.05.2024`.
pub fn day_heading(d: NaiveDate) -> String {
    format!(
        "{}, {}",
        WEEKDAYS[d.weekday().num_days_from_monday() as usize],
        date(d)
    )
}

/// `1 ч 5 мин`, `12 мин`, `40 с`.
pub fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s} с"),
        (0, m) => format!("{m} мин"),
        (h, 0) => format!("{h} ч"),
        (h, m) => format!("{h} ч {m} мин"),
    }
}

/// `5 минут`, `2 часа`, `3 дня` назад — how old kept data is.
pub fn age(seconds: u64) -> String {
    let (n, forms) = if seconds < 3600 {
        ((seconds / 60).max(1), ["минуту", "минуты", "минут"])
    } else if seconds < 86_400 {
        (seconds / 3600, ["час", "часа", "часов"])
    } else {
        (seconds / 86_400, ["день", "дня", "дней"])
    };
    format!("{n} {}", plural(n, forms))
}

/// The Russian plural form for `n`.
pub fn plural(n: u64, forms: [&'static str; 3]) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => forms[0],
        (2..=4, r) if !(12..=14).contains(&r) => forms[1],
        _ => forms[2],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_forms() {
        assert_eq!(
            money(Decimal::from(1_234_567)),
            "1\u{a0}234\u{a0}567\u{a0}₸"
        );
        assert_eq!(money("84350.5".parse().unwrap()), "84\u{a0}350,50\u{a0}₸");
        assert_eq!(money("999.00".parse().unwrap()), "999\u{a0}₸");
        assert_eq!(money("-1500".parse().unwrap()), "−1\u{a0}500\u{a0}₸");
        assert_eq!(quantity("1.500".parse().unwrap()), "1,5");
        assert_eq!(percent("5.00".parse().unwrap()), "5 %");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2024, 5, 7).unwrap()),
            "07.05.2024"
        );
        assert_eq!(
            day_heading(NaiveDate::from_ymd_opt(2024, 5, 7).unwrap()),
            "вторник, 07.05.2024"
        );
        assert_eq!(duration(3900), "1 ч 5 мин");
        assert_eq!(duration(40), "40 с");
        assert_eq!(age(125), "2 минуты");
        assert_eq!(age(11 * 60), "11 минут");
        assert_eq!(age(21 * 3600), "21 час");
        assert_eq!(age(5 * 86_400), "5 дней");
    }
}
