//! Ageing of open debts: how many days past its due date a document is, and the bucket that puts
//! it in (not yet due, 1–7, 8–30, 31–60, over 60 days overdue).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How overdue a debt is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Due today or later, or without a due date (it cannot be known to be overdue).
    NotDue,
    #[serde(rename = "days_1_7")]
    Days1To7,
    #[serde(rename = "days_8_30")]
    Days8To30,
    #[serde(rename = "days_31_60")]
    Days31To60,
    #[serde(rename = "over_60")]
    Over60,
}

impl Bucket {
    /// Every bucket, in the order the pages show them.
    pub const ALL: [Bucket; 5] = [
        Bucket::NotDue,
        Bucket::Days1To7,
        Bucket::Days8To30,
        Bucket::Days31To60,
        Bucket::Over60,
    ];

    /// The bucket of a debt `days` overdue (zero or negative: not yet due).
    pub fn of(days: i64) -> Bucket {
        match days {
            ..=0 => Bucket::NotDue,
            1..=7 => Bucket::Days1To7,
            8..=30 => Bucket::Days8To30,
            31..=60 => Bucket::Days31To60,
            _ => Bucket::Over60,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bucket::NotDue => "Срок не наступил",
            Bucket::Days1To7 => "1–7 дней",
            Bucket::Days8To30 => "8–30 дней",
            Bucket::Days31To60 => "31–60 дней",
            Bucket::Over60 => "Более 60 дней",
        }
    }

    pub fn overdue(self) -> bool {
        self != Bucket::NotDue
    }
}

/// Days past `due` on `today`: positive when overdue; `None` without a due date.
pub fn days_overdue(due: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    due.map(|d| (today - d).num_days())
}

/// The debt in each bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Buckets {
    pub not_due: Decimal,
    pub days_1_7: Decimal,
    pub days_8_30: Decimal,
    pub days_31_60: Decimal,
    pub over_60: Decimal,
}

impl Buckets {
    pub fn add(&mut self, bucket: Bucket, debt: Decimal) {
        *self.slot(bucket) += debt;
    }

    fn slot(&mut self, bucket: Bucket) -> &mut Decimal {
        match bucket {
            Bucket::NotDue => &mut self.not_due,
            Bucket::Days1To7 => &mut self.days_1_7,
            Bucket::Days8To30 => &mut self.days_8_30,
            Bucket::Days31To60 => &mut self.days_31_60,
            Bucket::Over60 => &mut self.over_60,
        }
    }

    pub fn get(&self, bucket: Bucket) -> Decimal {
        match bucket {
            Bucket::NotDue => self.not_due,
            Bucket::Days1To7 => self.days_1_7,
            Bucket::Days8To30 => self.days_8_30,
            Bucket::Days31To60 => self.days_31_60,
            Bucket::Over60 => self.over_60,
        }
    }

    pub fn merge(&mut self, other: &Buckets) {
        for b in Bucket::ALL {
            self.add(b, other.get(b));
        }
    }

    /// Everything past due.
    pub fn overdue(&self) -> Decimal {
        Bucket::ALL
            .iter()
            .filter(|b| b.overdue())
            .map(|&b| self.get(b))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_at_their_boundaries() {
        let cases = [
            (-5, Bucket::NotDue),
            (0, Bucket::NotDue),
            (1, Bucket::Days1To7),
            (7, Bucket::Days1To7),
            (8, Bucket::Days8To30),
            (30, Bucket::Days8To30),
            (31, Bucket::Days31To60),
            (60, Bucket::Days31To60),
            (61, Bucket::Over60),
            (400, Bucket::Over60),
        ];
        for (days, bucket) in cases {
            assert_eq!(Bucket::of(days), bucket, "{days} days overdue");
        }
    }

    #[test]
    fn days_overdue_count_from_the_due_date() {
        let d = |day| NaiveDate::from_ymd_opt(2024, 5, day).unwrap();
        assert_eq!(days_overdue(Some(d(10)), d(10)), Some(0), "due today");
        assert_eq!(days_overdue(Some(d(10)), d(11)), Some(1));
        assert_eq!(days_overdue(Some(d(10)), d(3)), Some(-7), "due in a week");
        assert_eq!(days_overdue(None, d(3)), None);
    }

    #[test]
    fn buckets_add_up() {
        let mut b = Buckets::default();
        b.add(Bucket::NotDue, Decimal::from(5));
        b.add(Bucket::Over60, Decimal::from(7));
        b.add(Bucket::Days8To30, Decimal::from(3));
        let mut total = Buckets::default();
        total.merge(&b);
        total.merge(&b);
        assert_eq!(total.overdue(), Decimal::from(20));
        assert_eq!(total.get(Bucket::NotDue), Decimal::from(10));
    }
}
