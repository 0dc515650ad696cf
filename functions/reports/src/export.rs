//! Exports: what a report shows as one flat table ([`Table`]), written as CSV or as an XLSX
//! workbook (number formats, the totals row, a frozen header).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format as XlsxFormat, Workbook, XlsxError};
use skazka_web::AppError;

use crate::figures::Row;
use crate::report::{ClientsGoodsReport, ClientsReport, GoodsReport, Head, TeamReport};

/// The export errors; both are bugs, not the user's.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Quantity,
    Money,
    Percent,
    Count,
}

/// A cell: text, or a number written with its column's format.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(Decimal),
}

/// A report as one table: a header, the rows, the totals row.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<(&'static str, Kind)>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Vec<Cell>,
}

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

impl Table {
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

    /// CSV (UTF-8 with a BOM so spreadsheet programs read the Cyrillic; `;` as Russian Excel
    /// expects; numbers with a dot, unformatted, so they parse back exactly).
    pub fn csv(&self) -> Result<Vec<u8>, ExportError> {
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(self.columns.iter().map(|(label, _)| *label))?;
        for row in self.rows.iter().chain([&self.totals]) {
            out.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => t.clone(),
                Cell::Number(n) => n.normalize().to_string(),
            }))?;
        }
        out.into_inner()
            .map_err(|e| ExportError::Csv(e.into_error().into()))
    }

    /// An XLSX workbook with one sheet: the header frozen, numbers formatted by column, the
    /// totals row in bold.
    pub fn xlsx(&self) -> Result<Vec<u8>, ExportError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Отчёт")?;
        let bold = XlsxFormat::new().set_bold();
        let format = |kind: Kind| match kind {
            Kind::Text => XlsxFormat::new(),
            Kind::Quantity => XlsxFormat::new().set_num_format("#,##0.###"),
            Kind::Money => XlsxFormat::new().set_num_format("#,##0.00"),
            Kind::Percent => XlsxFormat::new().set_num_format("0.00"),
            Kind::Count => XlsxFormat::new().set_num_format("0"),
        };
        for (c, (label, kind)) in self.columns.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, *label, &bold)?;
            sheet.set_column_width(c, if *kind == Kind::Text { 40 } else { 16 })?;
        }
        let last = self.rows.len() + 1;
        for (r, row) in self.rows.iter().chain([&self.totals]).enumerate() {
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let kind = self.columns.get(c).map_or(Kind::Text, |(_, k)| *k);
                let mut f = format(kind);
                if r as usize == last {
                    f = f.set_bold();
                }
                let c = c as u16;
                match cell {
                    Cell::Text(t) => sheet.write_string_with_format(r, c, t, &f)?,
                    Cell::Number(n) => {
                        sheet.write_number_with_format(r, c, n.to_f64().unwrap_or(0.0), &f)?
                    }
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(book.save_to_buffer()?)
    }
}
