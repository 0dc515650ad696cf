//! A list page's query (range, search, sort), its presets, and the list grouped by day.

use chrono::{Datelike, Days, NaiveDate};
use onec_client::Guid;
use onec_client::model::OrderDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use skazka_web::AppError;

use crate::domain::OrderSummary;
use skazka_web::Stale;

/// The longest range a list may ask for (one 1C request; a quarter of one agent's orders).
pub const MAX_DAYS: u64 = 92;

/// A list's query parameters as they come (strings: a bad one is a 400 page, not a rejection).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListParams {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Search by client name or order number.
    pub q: Option<String>,
    pub sort: Option<String>,
}

/// How rows are ordered within each day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = OrdersSort)]
pub enum Sort {
    #[default]
    #[serde(rename = "time")]
    Time,
    #[serde(rename = "-time")]
    TimeDesc,
    #[serde(rename = "-amount")]
    AmountDesc,
    #[serde(rename = "amount")]
    Amount,
    #[serde(rename = "client")]
    Client,
    #[serde(rename = "number")]
    Number,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Time,
        Sort::TimeDesc,
        Sort::AmountDesc,
        Sort::Amount,
        Sort::Client,
        Sort::Number,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Time => "time",
            Sort::TimeDesc => "-time",
            Sort::AmountDesc => "-amount",
            Sort::Amount => "amount",
            Sort::Client => "client",
            Sort::Number => "number",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Time => "по времени",
            Sort::TimeDesc => "сначала поздние",
            Sort::AmountDesc => "сначала крупные",
            Sort::Amount => "сначала мелкие",
            Sort::Client => "по клиенту",
            Sort::Number => "по номеру",
        }
    }

    fn parse(s: Option<&str>) -> Result<Sort, AppError> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Sort::Time),
            Some(s) => Sort::ALL
                .into_iter()
                .find(|k| k.as_str() == s)
                .ok_or_else(|| {
                    AppError::BadRequest(format!("Неизвестный порядок сортировки: {s}"))
                }),
        }
    }
}

/// A list's checked query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub search: String,
    pub sort: Sort,
}

fn parse_date(name: &str, v: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!(
            "Дата «{name}» должна быть в виде ГГГГ-ММ-ДД, например 2024-05-07"
        ))
    })
}

impl ListQuery {
    /// Checks the parameters; a missing date is `today` (the base's today).
    pub fn parse(p: &ListParams, today: NaiveDate) -> Result<Self, AppError> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|s| !s.trim().is_empty())
        }
        let from = match given(&p.from) {
            Some(v) => parse_date("с", v)?,
            None => given(&p.to)
                .map(|v| parse_date("по", v))
                .transpose()?
                .unwrap_or(today),
        };
        let to = match given(&p.to) {
            Some(v) => parse_date("по", v)?,
            None => from,
        };
        if from > to {
            return Err(AppError::BadRequest(
                "Начало периода позже его конца".to_owned(),
            ));
        }
        if (to - from).num_days() as u64 >= MAX_DAYS {
            return Err(AppError::BadRequest(format!(
                "Период не длиннее {MAX_DAYS} дней"
            )));
        }
        Ok(ListQuery {
            from,
            to,
            search: p
                .q
                .as_deref()
                .unwrap_or("")
                .trim()
                .chars()
                .take(100)
                .collect(),
            sort: Sort::parse(p.sort.as_deref())?,
        })
    }
}

/// A date preset of the picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub label: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Today, yesterday, tomorrow (shipments only), this week (Monday to Sunday), this month.
pub fn presets(date: OrderDate, today: NaiveDate) -> Vec<Preset> {
    let day = Days::new(1);
    let mut out = vec![Preset {
        label: "Сегодня",
        from: today,
        to: today,
    }];
    let yesterday = today - day;
    out.push(Preset {
        label: "Вчера",
        from: yesterday,
        to: yesterday,
    });
    if date == OrderDate::Shipment {
        let tomorrow = today + day;
        out.push(Preset {
            label: "Завтра",
            from: tomorrow,
            to: tomorrow,
        });
    }
    let monday = today - Days::new(today.weekday().num_days_from_monday() as u64);
    out.push(Preset {
        label: "Эта неделя",
        from: monday,
        to: monday + Days::new(6),
    });
    let first = today.with_day(1).unwrap_or(today);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .map(|d| d - day)
        .unwrap_or(today);
    out.push(Preset {
        label: "Этот месяц",
        from: first,
        to: last,
    });
    out
}

/// One day of a list.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = OrdersDay)]
pub struct Day {
    pub date: NaiveDate,
    pub count: usize,
    /// Over the orders that are not cancelled.
    pub total: Decimal,
    pub orders: Vec<OrderSummary>,
}

/// A list page: the orders of a range, searched, sorted and grouped by day.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrderList {
    /// `taken` (by order date) or `shipment` (by shipment date).
    pub date_kind: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The agent whose orders these are (agents' pages; absent for clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<Guid>,
    pub search: String,
    pub sort: Sort,
    pub count: usize,
    /// Over the orders that are not cancelled.
    pub total: Decimal,
    pub days: Vec<Day>,
    /// Present when 1C failed and this is the last good data.
    pub stale: Option<Stale>,
}

/// Whether `o` matches a search (client name or number, case-insensitive).
pub fn matches(o: &OrderSummary, search: &str) -> bool {
    if search.is_empty() {
        return true;
    }
    let needle = search.to_lowercase();
    o.client.to_lowercase().contains(&needle)
        || o.number.to_lowercase().contains(&needle)
        || o.number_1c.to_lowercase().contains(&needle)
}

impl OrderList {
    pub fn build(
        date: OrderDate,
        query: &ListQuery,
        agent: Option<Guid>,
        orders: Vec<OrderSummary>,
        stale: Option<Stale>,
    ) -> Self {
        let day_of = |o: &OrderSummary| match date {
            OrderDate::Taken => Some(o.date.date_naive()),
            OrderDate::Shipment => o.shipment_date,
        };
        let mut rows: Vec<OrderSummary> = orders
            .into_iter()
            .filter(|o| matches(o, &query.search))
            .collect();
        rows.sort_by(|a, b| {
            let by = match query.sort {
                Sort::Time => a.date.cmp(&b.date),
                Sort::TimeDesc => b.date.cmp(&a.date),
                Sort::AmountDesc => b.total.cmp(&a.total),
                Sort::Amount => a.total.cmp(&b.total),
                Sort::Client => a.client.to_lowercase().cmp(&b.client.to_lowercase()),
                Sort::Number => a.number_1c.cmp(&b.number_1c),
            };
            // Days in calendar order whatever the sort; ties by time, then number.
            day_of(a)
                .cmp(&day_of(b))
                .then(by)
                .then(a.date.cmp(&b.date))
                .then(a.number_1c.cmp(&b.number_1c))
        });
        let mut days: Vec<Day> = Vec::new();
        for o in rows {
            let Some(d) = day_of(&o) else { continue };
            if days.last().map(|x| x.date) != Some(d) {
                days.push(Day {
                    date: d,
                    count: 0,
                    total: Decimal::ZERO,
                    orders: Vec::new(),
                });
            }
            let day = days.last_mut().expect("pushed above");
            day.count += 1;
            if o.counts() {
                day.total += o.total;
            }
            day.orders.push(o);
        }
        OrderList {
            date_kind: match date {
                OrderDate::Taken => "taken",
                OrderDate::Shipment => "shipment",
            },
            from: query.from,
            to: query.to,
            agent,
            search: query.search.clone(),
            sort: query.sort,
            count: days.iter().map(|d| d.count).sum(),
            total: days.iter().map(|d| d.total).sum(),
            days,
            stale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn params(from: Option<&str>, to: Option<&str>) -> ListParams {
        ListParams {
            from: from.map(Into::into),
            to: to.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn ranges_default_to_today_and_are_checked() {
        let today = d(2026, 11, 26);
        let q = ListQuery::parse(&params(None, None), today).unwrap();
        assert_eq!((q.from, q.to, q.sort), (today, today, Sort::Time));
        let q = ListQuery::parse(&params(Some("2026-11-01"), None), today).unwrap();
        assert_eq!((q.from, q.to), (d(2026, 11, 1), d(2026, 11, 1)));
        let q = ListQuery::parse(&params(None, Some("2026-11-20")), today).unwrap();
        assert_eq!((q.from, q.to), (d(2026, 11, 20), d(2026, 11, 20)));
        assert!(ListQuery::parse(&params(Some("26.11.2026"), None), today).is_err());
        assert!(ListQuery::parse(&params(Some("2026-11-27"), Some("2026-11-26")), today).is_err());
        assert!(ListQuery::parse(&params(Some("2026-01-01"), Some("2026-11-26")), today).is_err());
        let bad_sort = ListParams {
            sort: Some("price; drop".into()),
            ..Default::default()
        };
        assert!(ListQuery::parse(&bad_sort, today).is_err());
    }

    #[test]
    fn presets_of_both_lists() {
        let today = d(2026, 11, 26); // a Thursday
        let taken = presets(OrderDate::Taken, today);
        assert_eq!(
            taken.iter().map(|p| p.label).collect::<Vec<_>>(),
            ["Сегодня", "Вчера", "Эта неделя", "Этот месяц"]
        );
        assert_eq!(
            (taken[2].from, taken[2].to),
            (d(2026, 11, 23), d(2026, 11, 29))
        );
        assert_eq!(
            (taken[3].from, taken[3].to),
            (d(2026, 11, 1), d(2026, 11, 30))
        );
        let shipment = presets(OrderDate::Shipment, today);
        assert_eq!(shipment[2].label, "Завтра");
        assert_eq!(shipment[2].from, d(2026, 11, 27));
    }
}
