//! Charts drawn on the server as inline SVG (no script): the revenue by day as columns, and the
//! largest rows by share as horizontal bars. Colours are presentation attributes, which the CSP
//! allows (inline `style` it does not).

use maud::{Markup, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use skazka_web::format;

use crate::figures::Row;
use crate::report::DayRevenue;

const WIDTH: f64 = 640.0;
const BAR: &str = "#2f6f9f";

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

/// Columns of each day's revenue, with the largest day's amount as the scale.
pub fn by_day(days: &[DayRevenue]) -> Markup {
    let height = 160.0;
    let max = days.iter().map(|d| d.revenue).max().unwrap_or_default();
    if days.is_empty() || max <= Decimal::ZERO {
        return html! {};
    }
    let step = WIDTH / days.len() as f64;
    let bar = (step * 0.8).max(1.0);
    html! {
        figure.report-chart {
            svg viewBox=(format!("0 0 {WIDTH} {}", height + 20.0)) role="img"
                aria-label="Выручка по дням" xmlns="http://www.w3.org/2000/svg" {
                @for (i, d) in days.iter().enumerate() {
                    @let h = (f(d.revenue) / f(max) * height).max(0.0);
                    rect x=(format!("{:.1}", i as f64 * step)) y=(format!("{:.1}", height - h))
                        width=(format!("{bar:.1}")) height=(format!("{h:.1}")) fill=(BAR) {
                        title { (format::date(d.date)) ": " (format::money(d.revenue)) }
                    }
                }
                line x1="0" y1=(height) x2=(WIDTH) y2=(height) stroke="#999" {}
                text x="0" y=(height + 16.0) font-size="12" { (format::date(days[0].date)) }
                text x=(WIDTH) y=(height + 16.0) font-size="12" text-anchor="end" {
                    (format::date(days[days.len() - 1].date))
                }
            }
            figcaption { "Выручка по дням; наибольшая за день — " (format::money(max)) }
        }
    }
}

/// The `top` largest rows by share of revenue as bars, the rest summed into one.
pub fn by_share(rows: &[Row], top: usize, caption: &str) -> Markup {
    let mut sorted: Vec<&Row> = rows.iter().filter(|r| r.share > Decimal::ZERO).collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.share));
    if sorted.is_empty() {
        return html! {};
    }
    let rest: Decimal = sorted.iter().skip(top).map(|r| r.share).sum();
    let mut bars: Vec<(String, Decimal)> = sorted
        .iter()
        .take(top)
        .map(|r| (r.name.clone(), r.share))
        .collect();
    if rest > Decimal::ZERO {
        bars.push(("Остальные".to_owned(), rest));
    }
    let line = 24.0;
    let label = 260.0;
    let height = line * bars.len() as f64;
    html! {
        figure.report-chart {
            svg viewBox=(format!("0 0 {WIDTH} {height}")) role="img" aria-label=(caption)
                xmlns="http://www.w3.org/2000/svg" {
                @for (i, (name, share)) in bars.iter().enumerate() {
                    @let y = i as f64 * line;
                    @let w = f(*share) / 100.0 * (WIDTH - label - 60.0);
                    text x="0" y=(format!("{:.1}", y + 16.0)) font-size="12" { (short(name)) }
                    rect x=(label) y=(format!("{:.1}", y + 4.0)) width=(format!("{w:.1}"))
                        height="16" fill=(BAR) {}
                    text x=(format!("{:.1}", label + w + 4.0)) y=(format!("{:.1}", y + 16.0))
                        font-size="12" { (format::percent(*share)) }
                }
            }
            figcaption { (caption) }
        }
    }
}

/// A label that fits beside the bars.
fn short(name: &str) -> String {
    const MAX: usize = 38;
    if name.chars().count() <= MAX {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>())
    }
}
