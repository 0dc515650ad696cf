//! Exports: what a page shows as one flat [`Table`], written as an XLSX workbook (number formats,
//! a bold totals row, a frozen header) or as CSV, and answered as a download ([`File`]).
//!
//! rust_xlsxwriter writes the workbook (a well-kept crate that needs no template and writes to a
//! buffer); the csv crate quotes.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format as XlsxFormat, Workbook, XlsxError};
use skazka_web::AppError;

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

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
}

/// A page's data as one table: a header, the rows, and a totals row when the page has one.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<(&'static str, Kind)>,
    pub rows: Vec<Vec<Cell>>,
    /// Written last, in bold; empty for a table without totals.
    pub totals: Vec<Cell>,
}

/// The file formats a table is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum File {
    Xlsx,
    Csv,
}

impl File {
    /// `xlsx` / `csv` (a `?format=` value or an `export.xlsx` path's extension).
    pub fn parse(s: &str) -> Option<File> {
        match s {
            "xlsx" => Some(File::Xlsx),
            "csv" => Some(File::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            File::Xlsx => "xlsx",
            File::Csv => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            File::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            File::Csv => "text/csv; charset=utf-8",
        }
    }

    /// `table` as a download named `{name}.{extension}` (`name` in ASCII: it goes into a header).
    pub fn download(self, table: &Table, name: &str) -> Result<Response, ExportError> {
        let body = match self {
            File::Xlsx => table.xlsx()?,
            File::Csv => table.csv()?,
        };
        Ok((
            [
                (header::CONTENT_TYPE, self.content_type().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{}\"", self.extension()),
                ),
            ],
            body,
        )
            .into_response())
    }
}

impl Table {
    fn all_rows(&self) -> impl Iterator<Item = &Vec<Cell>> {
        let totals = (!self.totals.is_empty()).then_some(&self.totals);
        self.rows.iter().chain(totals)
    }

    /// CSV (UTF-8 with a BOM so spreadsheet programs read the Cyrillic; `;` as Russian Excel
    /// expects; numbers with a dot, unformatted, so they parse back exactly).
    pub fn csv(&self) -> Result<Vec<u8>, ExportError> {
        let mut out = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        out.write_record(self.columns.iter().map(|(label, _)| *label))?;
        for row in self.all_rows() {
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
        let totals_at = (!self.totals.is_empty()).then_some(self.rows.len() + 1);
        for (r, row) in self.all_rows().enumerate() {
            let r = r + 1;
            for (c, cell) in row.iter().enumerate() {
                let kind = self.columns.get(c).map_or(Kind::Text, |(_, k)| *k);
                let mut f = format(kind);
                if Some(r) == totals_at {
                    f = f.set_bold();
                }
                let (r, c) = (r as u32, c as u16);
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

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn table(totals: Vec<Cell>) -> Table {
        Table {
            title: "Остатки".into(),
            columns: vec![("Товар", Kind::Text), ("Остаток", Kind::Quantity)],
            rows: vec![
                vec![Cell::text("Мука"), Cell::Number(Decimal::new(125, 1))],
                vec![Cell::text("Сахар; «рафинад»"), Cell::Number(Decimal::ZERO)],
            ],
            totals,
        }
    }

    fn read_back(bytes: Vec<u8>) -> Vec<Vec<Data>> {
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Отчёт").unwrap();
        range.rows().map(|r| r.to_vec()).collect()
    }

    #[test]
    fn xlsx_reads_back_with_header_rows_and_totals() {
        let t = table(vec![
            Cell::text("Итого"),
            Cell::Number(Decimal::new(125, 1)),
        ]);
        let rows = read_back(t.xlsx().unwrap());
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0][0], Data::String("Товар".into()));
        assert_eq!(rows[1][1], Data::Float(12.5));
        assert_eq!(rows[3][0], Data::String("Итого".into()));
    }

    #[test]
    fn a_table_without_totals_has_no_empty_last_row() {
        assert_eq!(read_back(table(vec![]).xlsx().unwrap()).len(), 3);
        let csv = String::from_utf8(table(vec![]).csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}Товар;Остаток\nМука;12.5\n\"Сахар; «рафинад»\";0\n"
        );
    }
}
