//! What the catalogue shows: a product's card and page with its public price and stock level,
//! built from the copy's rows and the cached stock and prices.

use chrono::NaiveDate;
use onec_client::Guid;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::offers::{Delivery, PriceLine, Stock};
use crate::store::{PackageRow, ProductRow};

/// Stock as the public sees it: never the exact figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockLevel {
    InStock,
    Low,
    Out,
}

impl StockLevel {
    /// `available` base units against the threshold of the product's unit (kg or pieces).
    pub fn of(available: Decimal, low_below: Decimal) -> StockLevel {
        if available <= Decimal::ZERO {
            StockLevel::Out
        } else if available < low_below {
            StockLevel::Low
        } else {
            StockLevel::InStock
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StockLevel::InStock => "в наличии",
            StockLevel::Low => "мало",
            StockLevel::Out => "нет в наличии",
        }
    }

    /// The CSS class of its badge.
    pub fn class(self) -> &'static str {
        match self {
            StockLevel::InStock => "stock-in",
            StockLevel::Low => "stock-low",
            StockLevel::Out => "stock-out",
        }
    }
}

/// A price per one unit: the base unit or a package.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitPrice {
    /// `кг`, `шт`, `коробка 10 шт`…
    pub unit: String,
    /// KZT.
    pub price: Decimal,
}

/// A product in the listing.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Card {
    pub id: Guid,
    pub name: String,
    pub code: String,
    /// The product page's path (`/catalogue/{id}-{slug}`).
    pub url: String,
    pub manufacturer: Option<String>,
    /// The cover picture's path, `None` for the placeholder.
    pub image: Option<String>,
    /// The public price per base unit, when 1C has one.
    pub price: Option<UnitPrice>,
    pub stock: StockLevel,
}

/// A product folder, as a product page names it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupRef {
    pub id: Guid,
    pub name: String,
}

/// A product's public page.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProductPage {
    #[serde(flatten)]
    pub card: Card,
    pub description: String,
    /// The folders from the top down.
    pub groups: Vec<GroupRef>,
    pub weighed: bool,
    /// The public price per base unit and per each package.
    pub prices: Vec<UnitPrice>,
    pub images: Vec<String>,
    /// When out of stock: the soonest expected delivery.
    pub next_delivery: Option<NaiveDate>,
}

/// The base unit's name as shown: кг for weighed goods, else the unit's name or шт.
pub fn unit_name(row: &ProductRow) -> String {
    match &row.unit_name {
        _ if row.weighed => "кг".to_owned(),
        Some(name) if !name.trim().is_empty() => name.trim().to_owned(),
        _ => "шт".to_owned(),
    }
}

/// A product page's path; without a slug it redirects to the one with the current slug.
pub fn product_url(id: Guid, slug: &str) -> String {
    if slug.is_empty() {
        format!("/catalogue/{id}")
    } else {
        format!("/catalogue/{id}-{slug}")
    }
}

pub fn file_url(file: Guid) -> String {
    format!("/catalogue/files/{file}")
}

/// A price line per base unit (`package_size`: base units in the line's package, when it has one).
pub fn per_unit(line: &PriceLine, package_size: Option<Decimal>) -> Option<Decimal> {
    match (line.package, package_size) {
        (None, _) => Some(line.price),
        (Some(_), Some(size)) if !size.is_zero() => Some((line.price / size).round_dp(2)),
        (Some(_), _) => None,
    }
}

/// The card of `row` with its price per base unit and its stock level.
pub fn card(
    row: &ProductRow,
    unit_price: Option<Decimal>,
    stock: Stock,
    low_below: Decimal,
) -> Card {
    Card {
        id: row.id,
        name: row.name.clone(),
        code: row.code.clone(),
        url: product_url(row.id, &row.slug),
        manufacturer: row.manufacturer.clone(),
        image: row.cover.map(file_url),
        price: unit_price.map(|price| UnitPrice {
            unit: unit_name(row),
            price,
        }),
        stock: StockLevel::of(stock.available, low_below),
    }
}

/// The price per base unit, then per each package (base-unit price × the package's size).
pub fn package_prices(card: &Card, packages: &[PackageRow]) -> Vec<UnitPrice> {
    let Some(base) = &card.price else {
        return Vec::new();
    };
    std::iter::once(base.clone())
        .chain(
            packages
                .iter()
                .filter(|p| p.size > Decimal::ONE)
                .map(|p| UnitPrice {
                    unit: p.name.clone(),
                    price: (base.price * p.size).round_dp(2),
                }),
        )
        .collect()
}

/// The soonest delivery on or after `today`.
pub fn next_delivery(deliveries: &[Delivery], today: NaiveDate) -> Option<NaiveDate> {
    deliveries
        .iter()
        .map(|d| d.date)
        .filter(|d| *d >= today)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_levels_follow_the_threshold() {
        let ten = Decimal::from(10);
        assert_eq!(StockLevel::of(Decimal::ZERO, ten), StockLevel::Out);
        assert_eq!(StockLevel::of(Decimal::from(-3), ten), StockLevel::Out);
        assert_eq!(StockLevel::of(Decimal::new(95, 1), ten), StockLevel::Low);
        assert_eq!(StockLevel::of(ten, ten), StockLevel::InStock);
    }

    #[test]
    fn a_price_per_package_is_shown_per_unit() {
        let line = PriceLine {
            price: Decimal::from(1200),
            package: Some(Guid::from_uuid(uuid::Uuid::from_u128(1))),
            since: None,
        };
        assert_eq!(
            per_unit(&line, Some(Decimal::from(12))),
            Some(Decimal::from(100))
        );
        assert_eq!(per_unit(&line, None), None);
    }
}
