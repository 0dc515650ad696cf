//! Exports carry exactly what the page shows: the XLSX read back with calamine and the CSV parsed
//! have the report's rows and totals, in the report's order.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::Days;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use common::*;

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() < Decimal::new(1, 2)
}

#[tokio::test]
async fn xlsx_and_csv_hold_the_reports_rows_and_totals() {
    let app = skazka_testkit::app().await;
    let to = app.sim.sim().as_of();
    let from = to - Days::new(29);
    let query = format!("from={from}&to={to}");
    let report = json_as(&app, &agent(), &format!("/reports/sales/clients?{query}")).await;
    let rows = report["rows"].as_array().unwrap();

    for path in [
        format!("/reports/sales/clients?{query}&format=xlsx"),
        format!("/reports/sales/clients/export.xlsx?{query}"),
    ] {
        let reply = file_as(&app, &agent(), &path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.header("content-type").contains("spreadsheetml"));
        assert!(reply.header("content-disposition").contains(".xlsx"));
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(reply.bytes.clone())).unwrap();
        let sheet = book.worksheet_range("Отчёт").unwrap();
        let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        assert_eq!(cells[0][0], Data::String("Клиент".into()));
        assert_eq!(cells.len(), rows.len() + 2, "header, rows, totals");
        for (row, want) in cells[1..].iter().zip(rows) {
            assert_eq!(row[0], Data::String(want["name"].as_str().unwrap().into()));
        }
        let last = cells.last().unwrap();
        assert_eq!(last[0], Data::String("Итого".into()));
        let number = |d: &Data| match d {
            Data::Float(f) => Decimal::from_f64(*f).unwrap(),
            other => panic!("a number: {other:?}"),
        };
        assert!(close(number(&last[1]), dec(&report["totals"]["quantity"])));
        assert!(close(number(&last[2]), dec(&report["total"])));
        assert!(close(number(&last[5]), dec(&report["totals"]["discount"])));
    }

    let reply = file_as(
        &app,
        &agent(),
        &format!("/reports/sales/clients?{query}&format=csv"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/csv"));
    let text = std::str::from_utf8(&reply.bytes)
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_owned();
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    assert_eq!(&csv.headers().unwrap()[0], "Клиент");
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.len() + 1);
    for (r, want) in records.iter().zip(rows) {
        assert_eq!(&r[0], want["name"].as_str().unwrap());
        assert_eq!(r[2].parse::<Decimal>().unwrap(), dec(&want["revenue"]));
    }
    let totals = records.last().unwrap();
    assert_eq!(&totals[0], "Итого");
    assert_eq!(totals[2].parse::<Decimal>().unwrap(), dec(&report["total"]));

    // The goods report exports its products with their manufacturer; the team's, its counts.
    let goods = file_as(
        &app,
        &agent(),
        &format!("/reports/sales/goods/export.csv?{query}"),
    )
    .await;
    assert_eq!(goods.status, 200);
    assert!(
        std::str::from_utf8(&goods.bytes)
            .unwrap()
            .contains("Производитель;Товар")
    );
    let unknown = file_as(
        &app,
        &agent(),
        &format!("/reports/sales/clients?{query}&format=pdf"),
    )
    .await;
    assert_eq!(unknown.status, 400);
}
