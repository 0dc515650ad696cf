//! A report's period: presets (today, this week, this month, last month, this quarter) or a
//! custom `from`/`to`, whole days in the base's zone (docs/onec.md §6.3), and the previous period
//! of the same length the change is measured against.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use skazka_web::AppError;

/// The longest period a report may ask for: a year (one turnovers request whatever its length).
pub const MAX_DAYS: i64 = 366;

/// A named period of the picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Today,
    Week,
    Month,
    LastMonth,
    Quarter,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Today,
        Preset::Week,
        Preset::Month,
        Preset::LastMonth,
        Preset::Quarter,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Week => "week",
            Preset::Month => "month",
            Preset::LastMonth => "last-month",
            Preset::Quarter => "quarter",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Today => "Сегодня",
            Preset::Week => "Эта неделя",
            Preset::Month => "Этот месяц",
            Preset::LastMonth => "Прошлый месяц",
            Preset::Quarter => "Этот квартал",
        }
    }

    /// The period on `today`: the current week, month and quarter run up to today (what has
    /// been sold so far), last month is whole.
    pub fn period(self, today: NaiveDate) -> Period {
        let month = today.with_day(1).unwrap_or(today);
        let from = match self {
            Preset::Today => today,
            Preset::Week => today - Days::new(u64::from(today.weekday().num_days_from_monday())),
            Preset::Month => month,
            Preset::LastMonth => {
                let from = month - Months::new(1);
                return Period {
                    from,
                    to: month - Days::new(1),
                };
            }
            Preset::Quarter => {
                let back = today.month0() % 3;
                month - Months::new(back)
            }
        };
        Period { from, to: today }
    }

    fn parse(s: &str) -> Result<Preset, AppError> {
        Preset::ALL
            .into_iter()
            .find(|p| p.key() == s)
            .ok_or_else(|| AppError::BadRequest(format!("Неизвестный период: {s}")))
    }
}

/// Whole days `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        let to = self.from - Days::new(1);
        Period {
            from: to - Days::new((self.days() - 1) as u64),
            to,
        }
    }

    /// Every day of the period, in order.
    pub fn each_day(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(|d| *d <= self.to)
    }

    /// The preset this period equals on `today`, if any.
    pub fn preset(&self, today: NaiveDate) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.period(today) == *self)
    }

    /// Checks `?preset=` or `?from=&to=` (`to` defaults to `from`, `from` to `to`); neither is
    /// this month so far (the original's default).
    pub fn parse(
        preset: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, AppError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|s| !s.is_empty())
        }
        let (from, to) = (given(from), given(to));
        if let Some(p) = given(preset) {
            return Ok(Preset::parse(p)?.period(today));
        }
        let period = match (from.map(date).transpose()?, to.map(date).transpose()?) {
            (None, None) => return Ok(Preset::Month.period(today)),
            (Some(from), None) => Period { from, to: from },
            (None, Some(to)) => Period { from: to, to },
            (Some(from), Some(to)) => Period { from, to },
        };
        if period.from > period.to {
            return Err(AppError::BadRequest(
                "Начало периода позже его конца".to_owned(),
            ));
        }
        if period.days() > MAX_DAYS {
            return Err(AppError::BadRequest(format!(
                "Период не длиннее {MAX_DAYS} дней"
            )));
        }
        Ok(period)
    }
}

fn date(v: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest("Дата должна быть в виде ГГГГ-ММ-ДД, например 2024-05-07".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn presets_on_a_wednesday_in_may() {
        let today = d("2024-05-15");
        let p = |preset: Preset| preset.period(today);
        assert_eq!(
            p(Preset::Today),
            Period {
                from: today,
                to: today
            }
        );
        assert_eq!(p(Preset::Week).from, d("2024-05-13"));
        assert_eq!(p(Preset::Month).from, d("2024-05-01"));
        assert_eq!(
            p(Preset::LastMonth),
            Period {
                from: d("2024-04-01"),
                to: d("2024-04-30")
            }
        );
        assert_eq!(p(Preset::Quarter).from, d("2024-04-01"));
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        let march = Period {
            from: d("2024-03-01"),
            to: d("2024-03-31"),
        };
        assert_eq!(
            march.previous(),
            Period {
                from: d("2024-01-30"),
                to: d("2024-02-29")
            }
        );
        assert_eq!(march.previous().days(), 31);
    }

    #[test]
    fn parsing_checks_order_length_and_form() {
        let today = d("2024-05-15");
        let ok = |p, f, t| Period::parse(p, f, t, today);
        assert_eq!(ok(None, None, None).unwrap(), Preset::Month.period(today));
        assert_eq!(
            ok(Some("last-month"), None, None).unwrap().to,
            d("2024-04-30")
        );
        assert_eq!(
            ok(None, Some("2024-05-02"), None).unwrap(),
            Period {
                from: d("2024-05-02"),
                to: d("2024-05-02")
            }
        );
        assert!(ok(None, Some("2024-05-03"), Some("2024-05-02")).is_err());
        assert!(ok(None, Some("2023-01-01"), Some("2024-05-02")).is_err());
        assert!(ok(None, Some("02.05.2024"), None).is_err());
        assert!(ok(Some("year"), None, None).is_err());
    }
}
