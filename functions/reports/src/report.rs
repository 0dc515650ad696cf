//! The reports as the pages render them and JSON answers them: rows merged per partner or
//! product (docs/onec.md §6.3), sorted, with the totals row, the change against the previous
//! period of the same length, and the revenue by day for the chart.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use onec_client::Guid;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_web::{AppError, Stale};

use crate::figures::{Figures, Named, Row, Turnover, manufacturer, merge, partner, product};
use crate::period::Period;
pub use crate::precompute::Computed;
use crate::service::DaySales;

/// A column a report can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Name,
    Quantity,
    Revenue,
    Discount,
    Clients,
    Orders,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Name,
        SortKey::Quantity,
        SortKey::Revenue,
        SortKey::Discount,
        SortKey::Clients,
        SortKey::Orders,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Quantity => "quantity",
            SortKey::Revenue => "revenue",
            SortKey::Discount => "discount",
            SortKey::Clients => "clients",
            SortKey::Orders => "orders",
        }
    }
}

/// A report's order: a column and a direction. Revenue, largest first, by default (§6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Revenue,
            desc: true,
        }
    }
}

impl Sort {
    /// `?sort=<column>[&dir=asc|desc]`: names ascend and numbers descend unless told otherwise.
    pub fn parse(sort: Option<&str>, dir: Option<&str>) -> Result<Sort, AppError> {
        let key = match sort.map(str::trim).filter(|s| !s.is_empty()) {
            None => return Ok(Sort::default()),
            Some(s) => SortKey::ALL
                .into_iter()
                .find(|k| k.as_str() == s)
                .ok_or_else(|| AppError::BadRequest(format!("Неизвестная колонка: {s}")))?,
        };
        let desc = match dir.map(str::trim).filter(|s| !s.is_empty()) {
            None => key != SortKey::Name,
            Some("asc") => false,
            Some("desc") => true,
            Some(d) => return Err(AppError::BadRequest(format!("Неизвестный порядок: {d}"))),
        };
        Ok(Sort { key, desc })
    }

    /// Compares two rows; `counts` are each row's (clients, orders), for the team's columns.
    fn compare_counted(
        &self,
        a: &Row,
        ac: (usize, usize),
        b: &Row,
        bc: (usize, usize),
    ) -> Ordering {
        let by = match self.key {
            SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortKey::Quantity => a.figures.quantity.cmp(&b.figures.quantity),
            SortKey::Revenue => a.figures.revenue.cmp(&b.figures.revenue),
            SortKey::Discount => a.discount.cmp(&b.discount),
            SortKey::Clients => ac.0.cmp(&bc.0),
            SortKey::Orders => ac.1.cmp(&bc.1),
        };
        let by = if self.desc { by.reverse() } else { by };
        // Ties by name, so the order is stable whatever 1C returned.
        by.then_with(|| a.name.cmp(&b.name))
    }

    fn compare(&self, a: &Row, b: &Row) -> Ordering {
        self.compare_counted(a, (0, 0), b, (0, 0))
    }

    pub fn rows(&self, rows: &mut [Row]) {
        rows.sort_by(|a, b| self.compare(a, b));
    }
}

/// The revenue against the previous period of the same length.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Change {
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub previous: Decimal,
    pub delta: Decimal,
    /// `None` when the previous period sold nothing.
    pub percent: Option<Decimal>,
}

impl Change {
    pub fn new(period: Period, now: Decimal, previous: Decimal) -> Change {
        let p = period.previous();
        Change {
            previous_from: p.from,
            previous_to: p.to,
            previous,
            delta: now - previous,
            percent: (!previous.is_zero())
                .then(|| ((now - previous) * Decimal::ONE_HUNDRED / previous).round_dp(1)),
        }
    }
}

/// One day's revenue (posted sales) for the chart.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DayRevenue {
    pub date: NaiveDate,
    pub revenue: Decimal,
}

/// Every day of the period with its posted sales' total (zero on days without sales).
pub fn by_day(period: Period, sales: &[DaySales]) -> Vec<DayRevenue> {
    let mut sums: BTreeMap<NaiveDate, Decimal> =
        period.each_day().map(|d| (d, Decimal::ZERO)).collect();
    for s in sales {
        if let Some(sum) = sums.get_mut(&s.date) {
            *sum += s.revenue;
        }
    }
    sums.into_iter()
        .map(|(date, revenue)| DayRevenue { date, revenue })
        .collect()
}

/// The totals row.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ReportTotals)]
pub struct Totals {
    #[serde(flatten)]
    pub figures: Figures,
    pub discount: Decimal,
}

impl Totals {
    fn of(figures: Figures) -> Totals {
        Totals {
            discount: figures.discount(),
            figures,
        }
    }
}

/// What every report carries besides its rows.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Head {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The picked agent (a supervisor's or an admin's), carried in links.
    pub agent: Option<Guid>,
    pub sort: Sort,
    /// The grand total: the revenue of what is shown.
    pub total: Decimal,
    pub totals: Totals,
    pub change: Change,
    pub days: Vec<DayRevenue>,
    pub stale: Option<Stale>,
    pub computed: Option<Computed>,
}

/// What a report is built from: the period's and the previous period's turnovers and the
/// period's posted sales, as read.
pub struct Inputs {
    pub period: Period,
    pub agent: Option<Guid>,
    pub sort: Sort,
    pub now: Vec<Turnover>,
    pub before: Vec<Turnover>,
    pub sales: Vec<DaySales>,
    pub stale: Option<Stale>,
    /// Through which day and when the closed days were pre-computed, when they were.
    pub computed: Option<Computed>,
}

impl Inputs {
    fn head(&self, now: Figures, before: Figures) -> Head {
        Head {
            from: self.period.from,
            to: self.period.to,
            agent: self.agent,
            sort: self.sort,
            total: now.revenue,
            totals: Totals::of(now),
            change: Change::new(self.period, now.revenue, before.revenue),
            days: by_day(self.period, &self.sales),
            stale: self.stale.clone(),
            computed: self.computed.clone(),
        }
    }
}

fn rows(merged: Vec<(Named, Figures, Vec<&Turnover>)>, total: Decimal, sort: Sort) -> Vec<Row> {
    let mut rows: Vec<Row> = merged
        .into_iter()
        .map(|(n, f, _)| Row::new(&n, f, total))
        .collect();
    sort.rows(&mut rows);
    rows
}

fn sum(rows: &[Turnover]) -> Figures {
    Figures::sum(rows.iter().map(|t| &t.figures))
}

/// By client: one row per partner.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientsReport {
    #[serde(flatten)]
    pub head: Head,
    pub rows: Vec<Row>,
}

impl ClientsReport {
    pub fn build(i: Inputs) -> ClientsReport {
        let total = sum(&i.now);
        ClientsReport {
            rows: rows(merge(&i.now, partner), total.revenue, i.sort),
            head: i.head(total, sum(&i.before)),
        }
    }
}

/// A row with the rows under it: a manufacturer's products, a client's purchases.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    #[serde(flatten)]
    pub row: Row,
    pub products: Vec<Row>,
}

/// A manufacturer the goods report can be filtered to: `key` is its ref, or `none` for the
/// products without one.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Maker {
    pub key: String,
    pub name: String,
}

pub const NO_MAKER_KEY: &str = "none";

fn maker_key(n: &Named) -> String {
    n.id.map(|g| g.to_string())
        .unwrap_or_else(|| NO_MAKER_KEY.to_owned())
}

/// By product, grouped by manufacturer (products without one in their own group).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoodsReport {
    #[serde(flatten)]
    pub head: Head,
    /// The manufacturer the report is filtered to.
    pub maker: Option<String>,
    /// Every manufacturer of the period, for the filter.
    pub makers: Vec<Maker>,
    pub groups: Vec<Group>,
}

impl GoodsReport {
    pub fn build(i: Inputs, maker: Option<&str>) -> GoodsReport {
        let mut makers: Vec<Maker> = merge(&i.now, manufacturer)
            .into_iter()
            .map(|(n, _, _)| Maker {
                key: maker_key(&n),
                name: n.name,
            })
            .collect();
        makers.sort_by(|a, b| a.name.cmp(&b.name));
        let keep = |t: &&Turnover| maker.is_none_or(|m| maker_key(&manufacturer(t)) == m);
        let now: Vec<Turnover> = i.now.iter().filter(keep).cloned().collect();
        let before: Vec<Turnover> = i.before.iter().filter(keep).cloned().collect();
        let total = sum(&now);
        let groups = groups(&now, manufacturer, product, total.revenue, i.sort);
        GoodsReport {
            head: i.head(total, sum(&before)),
            maker: maker.map(str::to_owned),
            makers,
            groups,
        }
    }
}

/// Rows merged by `outer`, each with its rows merged by `inner`; shares of `total` throughout.
fn groups(
    rows: &[Turnover],
    outer: impl Fn(&Turnover) -> Named,
    inner: impl Fn(&Turnover) -> Named + Copy,
    total: Decimal,
    sort: Sort,
) -> Vec<Group> {
    let mut groups: Vec<Group> = merge(rows, outer)
        .into_iter()
        .map(|(n, f, members)| Group {
            row: Row::new(&n, f, total),
            products: self::rows(merge(members, inner), total, sort),
        })
        .collect();
    groups.sort_by(|a, b| sort.compare(&a.row, &b.row));
    groups
}

/// By client, then the products each bought.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientsGoodsReport {
    #[serde(flatten)]
    pub head: Head,
    pub clients: Vec<Group>,
}

impl ClientsGoodsReport {
    pub fn build(i: Inputs) -> ClientsGoodsReport {
        let total = sum(&i.now);
        ClientsGoodsReport {
            clients: groups(&i.now, partner, product, total.revenue, i.sort),
            head: i.head(total, sum(&i.before)),
        }
    }
}

/// One agent of a team: their sales, clients and documents.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgentRow {
    #[serde(flatten)]
    pub row: Row,
    /// Partners with sales in the period.
    pub clients: usize,
    /// Posted sale documents in the period that sold something.
    pub orders: usize,
}

/// The team's sales: each agent's, and the team's total.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TeamReport {
    #[serde(flatten)]
    pub head: Head,
    pub agents: Vec<AgentRow>,
    /// Partners with sales (a partner two agents sold to counts once).
    pub clients: usize,
    pub orders: usize,
}

impl TeamReport {
    /// `i.now` grouped by agent and partner; `names` the agents' names; `members` the team's
    /// agents (listed even without sales), `None` for everyone.
    pub fn build(i: Inputs, members: Option<&[Guid]>, name: impl Fn(Guid) -> String) -> TeamReport {
        let total = sum(&i.now);
        let mut by_agent: HashMap<Guid, (Figures, HashSet<String>, usize)> = members
            .unwrap_or_default()
            .iter()
            .map(|a| (*a, Default::default()))
            .collect();
        for t in &i.now {
            let Some(a) = t.agent else { continue };
            let e = by_agent.entry(a).or_default();
            e.0.add(&t.figures);
            e.1.insert(partner(t).merge_key());
        }
        for s in &i.sales {
            if let Some(a) = s.agent {
                by_agent.entry(a).or_default().2 += s.documents;
            }
        }
        let clients: HashSet<String> = i.now.iter().map(|t| partner(t).merge_key()).collect();
        let mut agents: Vec<AgentRow> = by_agent
            .into_iter()
            .map(|(a, (f, c, orders))| AgentRow {
                row: Row::new(
                    &Named {
                        id: Some(a),
                        name: name(a),
                    },
                    f,
                    total.revenue,
                ),
                clients: c.len(),
                orders,
            })
            .collect();
        let sort = i.sort;
        agents.sort_by(|a, b| {
            sort.compare_counted(&a.row, (a.clients, a.orders), &b.row, (b.clients, b.orders))
        });
        TeamReport {
            orders: i.sales.iter().map(|s| s.documents).sum(),
            clients: clients.len(),
            head: i.head(total, sum(&i.before)),
            agents,
        }
    }
}
