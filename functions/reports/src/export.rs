//! The reports as flat tables ([`Table`]) for the XLSX and CSV exports (`skazka-export` writes
//! them).

use rust_decimal::Decimal;
pub use skazka_export::{Cell, File, Kind, Table};

use crate::figures::Row;
use crate::report::{ClientsGoodsReport, ClientsReport, GoodsReport, Head, TeamReport};

const FIGURES: [(&str, Kind); 6] = [
    ("Количество", Kind::Quantity),
    ("Выручка, ₸", Kind::Money),
    ("Ручная скидка, ₸", Kind::Money),
    ("Автоматическая скидка, ₸", Kind::Money),
    ("Скидка, ₸", Kind::Money),
    ("Доля, %", Kind::Percent),
];

fn figures(r: &Row) -> Vec<Cell> {
    let f = &r.figures;
    [
        f.quantity,
        f.revenue,
        f.manual_discount,
        f.auto_discount,
        r.discount,
        r.share,
    ]
    .into_iter()
    .map(Cell::Number)
    .collect()
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

/// The totals row: `lead` text cells, then the figures (the share is the whole: 100 %).
fn totals(head: &Head, lead: usize) -> Vec<Cell> {
    let t = &head.totals;
    let mut cells = vec![text("Итого")];
    cells.extend((1..lead).map(|_| text("")));
    let hundred = if t.figures.revenue.is_zero() {
        Decimal::ZERO
    } else {
        Decimal::ONE_HUNDRED
    };
    cells.extend(
        [
            t.figures.quantity,
            t.figures.revenue,
            t.figures.manual_discount,
            t.figures.auto_discount,
            t.discount,
            hundred,
        ]
        .map(Cell::Number),
    );
    cells
}

fn columns(lead: &[&'static str]) -> Vec<(&'static str, Kind)> {
    lead.iter()
        .map(|l| (*l, Kind::Text))
        .chain(FIGURES)
        .collect()
}

fn title(what: &str, head: &Head) -> String {
    format!("{what} {} — {}", head.from, head.to)
}

pub fn clients(r: &ClientsReport) -> Table {
    Table {
        title: title("Продажи по клиентам", &r.head),
        columns: columns(&["Клиент"]),
        rows: r
            .rows
            .iter()
            .map(|row| [vec![text(&row.name)], figures(row)].concat())
            .collect(),
        totals: totals(&r.head, 1),
    }
}

pub fn goods(r: &GoodsReport) -> Table {
    Table {
        title: title("Продажи по товарам", &r.head),
        columns: columns(&["Производитель", "Товар"]),
        rows: r
            .groups
            .iter()
            .flat_map(|g| {
                g.products
                    .iter()
                    .map(|p| [vec![text(&g.row.name), text(&p.name)], figures(p)].concat())
            })
            .collect(),
        totals: totals(&r.head, 2),
    }
}

pub fn clients_goods(r: &ClientsGoodsReport) -> Table {
    Table {
        title: title("Продажи по клиентам и товарам", &r.head),
        columns: columns(&["Клиент", "Товар"]),
        rows: r
            .clients
            .iter()
            .flat_map(|g| {
                g.products
                    .iter()
                    .map(|p| [vec![text(&g.row.name), text(&p.name)], figures(p)].concat())
            })
            .collect(),
        totals: totals(&r.head, 2),
    }
}

pub fn team(r: &TeamReport) -> Table {
    let mut columns = columns(&["Агент"]);
    columns.extend([("Клиентов", Kind::Count), ("Документов", Kind::Count)]);
    let count = |n: usize| Cell::Number(Decimal::from(n));
    let mut totals = totals(&r.head, 1);
    totals.extend([count(r.clients), count(r.orders)]);
    Table {
        title: title("Продажи команды", &r.head),
        columns,
        rows: r
            .agents
            .iter()
            .map(|a| {
                [
                    vec![text(&a.row.name)],
                    figures(&a.row),
                    vec![count(a.clients), count(a.orders)],
                ]
                .concat()
            })
            .collect(),
        totals,
    }
}
