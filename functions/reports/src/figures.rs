//! The sums every report adds up, the turnover rows as the service keeps them (cacheable), and
//! merging rows of one partner's or one product's several analytics keys (docs/onec.md §4, §6.3).

use std::collections::HashMap;

use onec_client::Guid;
use onec_client::model::SalesTurnover;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Quantity, revenue and discounts of some sales.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    /// Base units.
    pub quantity: Decimal,
    /// Revenue with VAT, KZT.
    pub revenue: Decimal,
    pub manual_discount: Decimal,
    pub auto_discount: Decimal,
}

impl Figures {
    pub fn discount(&self) -> Decimal {
        self.manual_discount + self.auto_discount
    }

    pub fn add(&mut self, o: &Figures) {
        self.quantity += o.quantity;
        self.revenue += o.revenue;
        self.manual_discount += o.manual_discount;
        self.auto_discount += o.auto_discount;
    }

    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Figures>) -> Figures {
        let mut total = Figures::default();
        for f in all {
            total.add(f);
        }
        total
    }
}

/// A catalog object a row is about: the partner, the product or the manufacturer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Named {
    pub id: Option<Guid>,
    pub name: String,
}

impl Named {
    fn of(n: &onec_client::model::Named) -> Named {
        Named {
            id: n.id,
            name: n.name.clone(),
        }
    }

    /// What rows merge on: the ref, or the name when 1C sent no ref.
    pub fn merge_key(&self) -> String {
        self.id
            .map(|g| g.to_string())
            .unwrap_or_else(|| format!("name:{}", self.name))
    }
}

/// One turnovers row as the service keeps it in the cache.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Turnover {
    pub agent: Option<Guid>,
    pub partner: Option<Named>,
    pub product: Option<Named>,
    pub manufacturer: Option<Named>,
    pub figures: Figures,
}

impl Turnover {
    pub fn from_onec(t: &SalesTurnover) -> Self {
        Turnover {
            agent: t.manager,
            partner: t.partner.as_ref().map(Named::of),
            product: t.product.as_ref().map(Named::of),
            manufacturer: t.manufacturer.as_ref().map(Named::of),
            figures: Figures {
                quantity: t.quantity,
                revenue: t.revenue,
                manual_discount: t.manual_discount,
                auto_discount: t.auto_discount,
            },
        }
    }
}

/// One report row: whom or what it is about, its sums and its share of the report's revenue.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ReportRow)]
pub struct Row {
    pub id: Option<Guid>,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Manual plus automatic.
    pub discount: Decimal,
    /// Percent of the report's revenue, two decimals.
    pub share: Decimal,
}

impl Row {
    pub fn new(named: &Named, figures: Figures, total: Decimal) -> Row {
        Row {
            id: named.id,
            name: named.name.clone(),
            discount: figures.discount(),
            share: share(figures.revenue, total),
            figures,
        }
    }
}

/// `part` as a percentage of `total`, two decimals (zero of nothing).
pub fn share(part: Decimal, total: Decimal) -> Decimal {
    if total.is_zero() {
        Decimal::ZERO
    } else {
        (part * Decimal::ONE_HUNDRED / total).round_dp(2)
    }
}

/// The rows grouped by `key` (a partner, a product…) with their figures summed, in first-seen
/// order: a partner with two contracts (two analytics keys) is one entry.
pub fn merge<'a>(
    rows: impl IntoIterator<Item = &'a Turnover>,
    key: impl Fn(&Turnover) -> Named,
) -> Vec<(Named, Figures, Vec<&'a Turnover>)> {
    let mut order: Vec<(Named, Figures, Vec<&Turnover>)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for t in rows {
        let named = key(t);
        let i = *at.entry(named.merge_key()).or_insert_with(|| {
            order.push((named, Figures::default(), Vec::new()));
            order.len() - 1
        });
        order[i].1.add(&t.figures);
        order[i].2.push(t);
    }
    order
}

pub const NO_CLIENT: &str = "Клиент не указан";
pub const NO_PRODUCT: &str = "Товар не указан";
pub const NO_MAKER: &str = "Без производителя";

fn or_named(n: &Option<Named>, missing: &str) -> Named {
    n.clone().unwrap_or(Named {
        id: None,
        name: missing.to_owned(),
    })
}

pub fn partner(t: &Turnover) -> Named {
    or_named(&t.partner, NO_CLIENT)
}

pub fn product(t: &Turnover) -> Named {
    or_named(&t.product, NO_PRODUCT)
}

/// A product's manufacturer; products without one share the group [`NO_MAKER`].
pub fn manufacturer(t: &Turnover) -> Named {
    match &t.manufacturer {
        Some(m) if m.id.is_some() || !m.name.is_empty() => m.clone(),
        _ => Named {
            id: None,
            name: NO_MAKER.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(partner: &str, id: Guid, revenue: i64) -> Turnover {
        Turnover {
            agent: None,
            partner: Some(Named {
                id: Some(id),
                name: partner.to_owned(),
            }),
            product: None,
            manufacturer: None,
            figures: Figures {
                quantity: Decimal::ONE,
                revenue: revenue.into(),
                manual_discount: Decimal::ONE,
                auto_discount: Decimal::TWO,
            },
        }
    }

    #[test]
    fn one_partners_keys_are_one_row() {
        let a = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
        let b = Guid::from_static("f10f9346-f6f4-11ed-89ec-000c29dddd38");
        let rows = [t("Береке", a, 100), t("Айгуль", b, 50), t("Береке", a, 10)];
        let merged = merge(&rows, partner);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].1.revenue, Decimal::from(110));
        assert_eq!(merged[0].1.discount(), Decimal::from(6));
        assert_eq!(
            share(Decimal::from(110), Decimal::from(160)),
            "68.75".parse().unwrap()
        );
        assert_eq!(manufacturer(&rows[0]).name, NO_MAKER);
    }
}
