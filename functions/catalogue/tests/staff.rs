//! What employees see beyond the public catalogue: exact figures on a product page (a private
//! fragment), the stock and price tables and their XLSX exports.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::*;
use onec_sim::demo;

#[tokio::test]
async fn employees_see_exact_figures_and_the_public_sees_nothing() {
    let (app, _) = refreshed().await;
    // A product in stock at the main warehouse today (the demo base follows the base's clock, so
    // which products are sold out changes from day to day).
    let product = visible(&app)
        .into_iter()
        .map(|p| p.id)
        .find(|&p| {
            free_stock(&app, p) > rust_decimal::Decimal::ZERO && main_price(&app, p).is_some()
        })
        .expect("a product in stock with a price");
    let path = format!("/catalogue/{product}/staff");

    let public = get(&app, &path).await;
    assert_eq!(public.status, 204);
    assert!(public.body.is_empty());
    assert_eq!(public.header("cache-control"), "private, no-store");
    let a_client = get_as(&app, &client(), &path).await;
    assert_eq!(a_client.status, 204, "clients see the public figures only");

    let staff = get_as(&app, &employee(), &path).await;
    assert_eq!(staff.status, 200, "{}", staff.body);
    assert_eq!(staff.header("cache-control"), "private, no-store");
    let free = free_stock(&app, product);
    assert!(
        staff.body.contains(&skazka_web::format::quantity(free)),
        "exact free stock {free}: {}",
        staff.body
    );
    let price = main_price(&app, product).unwrap();
    assert!(staff.body.contains(&skazka_web::format::money(price)));
    assert!(staff.body.contains("Оптовая цена"), "price kinds by name");
    assert!(
        staff.body.contains("Основной склад"),
        "warehouses by name: {}",
        staff.body
    );
}

#[tokio::test]
async fn the_stock_and_price_tables_are_for_employees_only_and_export_to_xlsx() {
    let (app, _) = refreshed().await;
    assert_eq!(
        get(&app, "/catalogue/stock").await.status,
        303,
        "sign in first"
    );
    assert_eq!(
        get_as(&app, &client(), "/catalogue/stock").await.status,
        403
    );

    let page = get_as(&app, &employee(), "/catalogue/stock?q=сосиски").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), "private, no-store");
    assert!(page.body.contains("Сосиски молочные 1 кг"));
    // By manufacturer: the demo product's, and the products without one.
    let maker = onec_sim::demo::DEMO_MAKER;
    let by_maker = get_as(
        &app,
        &employee(),
        &format!("/catalogue/stock?maker={maker}"),
    )
    .await;
    assert!(by_maker.body.contains("Сосиски молочные 1 кг"));
    assert!(
        by_maker
            .body
            .contains(&format!("<option value=\"{maker}\" selected>"))
    );
    let without = get_as(&app, &employee(), "/catalogue/stock?maker=none").await;
    assert_eq!(without.status, 200);
    assert!(!without.body.contains("Сосиски молочные 1 кг"));

    let token = app.state.sessions().issue(&employee()).unwrap().token;
    for (path, sheet_has) in [
        ("/catalogue/stock/export.xlsx", "Свободно"),
        ("/catalogue/prices/export.xlsx", "Цена, ₸"),
    ] {
        use tower::ServiceExt;
        let request = axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router(&app).oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let rows: Vec<Vec<Data>> = book
            .worksheet_range("Отчёт")
            .unwrap()
            .rows()
            .map(|r| r.to_vec())
            .collect();
        assert!(
            rows[0].contains(&Data::String(sheet_has.into())),
            "{path}: {:?}",
            rows[0]
        );
        let visible = visible(&app).len();
        let demo_row = rows
            .iter()
            .find(|r| r.get(1) == Some(&Data::String("Сосиски молочные 1 кг".into())))
            .unwrap_or_else(|| panic!("{path}: the demo product"));
        if path.contains("stock") {
            assert_eq!(rows.len(), visible + 1, "every visible product");
            let free = free_stock(&app, demo::DEMO_PRODUCT);
            assert_eq!(demo_row[6], Data::Float(free.try_into().unwrap()));
        } else {
            let price: f64 = main_price(&app, demo::DEMO_PRODUCT)
                .unwrap()
                .try_into()
                .unwrap();
            assert_eq!(demo_row[3], Data::Float(price));
        }
    }

    let prices = get_as(&app, &employee(), "/catalogue/prices").await;
    assert_eq!(prices.status, 200);
    assert!(prices.body.contains("Оптовая цена"));
    let wrong = get_as(
        &app,
        &employee(),
        "/catalogue/prices?kind=00000000-0000-0000-0000-000000000001",
    )
    .await;
    assert_eq!(wrong.status, 400);
}

#[tokio::test]
async fn the_tables_answer_json_as_the_openapi_document_describes() {
    let (app, _) = refreshed().await;
    let stock = json_as(&app, &employee(), "/catalogue/stock?q=сосиски").await;
    assert_eq!(undescribed("StockTable", &stock), Vec::<String>::new());
    assert!(!stock["lines"].as_array().unwrap().is_empty());
    let prices = json_as(&app, &employee(), "/catalogue/prices").await;
    assert_eq!(undescribed("PriceTable", &prices), Vec::<String>::new());
    assert!(!prices["lines"].as_array().unwrap().is_empty());
}
