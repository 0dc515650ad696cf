//! In headless Chromium (chromedriver), at a phone's width: the demo agent signs in, opens today's
//! orders, changes the date range, opens an order, sees its lines and its sales document. The
//! screenshots go to `target/browser/` (the test's output, not the repository).

use std::collections::BTreeSet;

use chrono::{Datelike, Days};
use onec_sim::db::col;
use onec_sim::schema as s;
use serde_json::json;
use skazka_testkit::chromium::fantoccini::{Client, Locator};
use skazka_testkit::chromium::{Driver, PHONE, fill_sign_in, screenshot, serve};
use uuid::Uuid;

async fn h1(c: &Client) -> String {
    c.find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn demo_agent_reads_orders_on_a_phone() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let base = serve(skazka_local::router(app.state.clone())).await;

    let driver = Driver::start().await;
    let c = driver.browser(PHONE).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    // Sign in: the orders page sends an anonymous visitor to the sign-in form and back.
    c.goto(&format!("{base}/orders")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    fill_sign_in(&c, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    c.wait()
        .for_url(&url::Url::parse(&format!("{base}/orders")).unwrap())
        .await
        .unwrap();

    // Today's orders.
    let today = app.sim.sim().as_of();
    assert_eq!(h1(&c).await, "Заказы по дате заказа");
    let summary = c
        .find(Locator::Css(".summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains(&format!(
            "{:02}.{:02}.{}",
            today.day(),
            today.month(),
            today.year()
        )),
        "{summary}"
    );
    screenshot(&c, "orders-today-phone.png").await;

    // Another range: the preset for this week, or the last fortnight through the form.
    let (from, to) = (today - Days::new(13), today);
    let form_from = c.find(Locator::Id("from")).await.unwrap();
    c.execute(
        "arguments[0].value = arguments[1]; document.getElementById('to').value = arguments[2];",
        vec![
            serde_json::to_value(&form_from).unwrap(),
            json!(from.to_string()),
            json!(to.to_string()),
        ],
    )
    .await
    .unwrap();
    c.find(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".day")).await.unwrap();
    let url = c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains(&format!("from={from}")),
        "{url}"
    );
    let days = c.find_all(Locator::Css("section.day")).await.unwrap();
    assert!(days.len() > 3, "a fortnight of orders: {} days", days.len());
    screenshot(&c, "orders-filters-phone.png").await;
    let first_day = c.find(Locator::Css("section.day")).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView();",
        vec![serde_json::to_value(&first_day).unwrap()],
    )
    .await
    .unwrap();
    let list_png = screenshot(&c, "orders-list-phone.png").await;
    assert!(std::fs::metadata(&list_png).unwrap().len() > 10_000);
    // Readable on a phone: nothing wider than the screen.
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        overflow.as_i64(),
        Some(0),
        "horizontal scrolling on a phone"
    );

    // An order with a sales document, in that range.
    let with_sales: BTreeSet<Uuid> = app.sim.sim().read(|db| {
        let order = col(s::SALES, "ЗаказКлиента");
        db.table(s::SALES)
            .rows
            .iter()
            .filter_map(|r| r[order].as_guid())
            .collect()
    });
    let links = c.find_all(Locator::Css("a.order-number")).await.unwrap();
    let mut target = None;
    for a in links {
        let href = a.attr("href").await.unwrap().unwrap_or_default();
        let id = href.trim_start_matches("/orders/");
        if Uuid::parse_str(id).is_ok_and(|id| with_sales.contains(&id)) {
            target = Some(a);
            break;
        }
    }
    let target = target.expect("an order with a sale in the fortnight");
    c.execute(
        "arguments[0].scrollIntoView();",
        vec![serde_json::to_value(&target).unwrap()],
    )
    .await
    .unwrap();
    target.click().await.unwrap();
    c.wait()
        .for_element(Locator::Css("section.lines"))
        .await
        .unwrap();
    assert!(h1(&c).await.starts_with("Заказ № "));
    let lines = c.find_all(Locator::Css("li.line")).await.unwrap();
    assert!(!lines.is_empty(), "the order's lines");
    assert!(
        c.find(Locator::Css("#onec-link")).await.is_ok(),
        "the 1C link"
    );
    screenshot(&c, "order-phone.png").await;

    // Its sales document.
    let sale = c.find(Locator::Css(".sale-list a")).await.unwrap();
    sale.click().await.unwrap();
    c.wait().for_element(Locator::Css("p.alert")).await.unwrap();
    assert!(h1(&c).await.starts_with("Реализация № "));
    assert!(
        !c.find_all(Locator::Css("li.line"))
            .await
            .unwrap()
            .is_empty()
    );
    screenshot(&c, "sale-phone.png").await;

    c.close().await.unwrap();
}
