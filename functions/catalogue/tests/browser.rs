//! In headless Chromium at a phone's width: a visitor searches the catalogue, opens a product and
//! sees its picture and price; the page never scrolls sideways. Signed in as an agent, the same
//! page adds the exact figures. The screenshots go to `target/browser/`.

use std::time::Duration;

use skazka_testkit::chromium::fantoccini::{Client, Locator};
use skazka_testkit::chromium::{
    Driver, PHONE, fill_sign_in, no_sideways_scroll, screenshot, serve, text,
};

async fn picture_loaded(c: &Client, css: &str) -> bool {
    let script = format!(
        "const i = document.querySelector('{css}'); return !!i && i.complete && i.naturalWidth > 0;"
    );
    for _ in 0..50 {
        if c.execute(&script, vec![]).await.unwrap() == serde_json::Value::Bool(true) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn a_visitor_finds_a_product_on_a_phone_and_an_agent_sees_more() {
    let app = skazka_testkit::app().await;
    skazka_catalogue::service(&app.state)
        .refresh()
        .await
        .expect("catalogue refresh");
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let base = serve(skazka_local::router(app.state.clone())).await;
    let driver = Driver::start().await;
    let c = driver.browser(PHONE).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    c.goto(&format!("{base}/catalogue")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Каталог товаров");
    no_sideways_scroll(&c).await;
    let search = c.find(Locator::Css("input[name=q]")).await.unwrap();
    search.send_keys("молочные сосиски").await.unwrap();
    c.find(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//li[@class='card']//h2[text()='Сосиски молочные 1 кг']",
        ))
        .await
        .unwrap();
    assert!(
        picture_loaded(&c, "li.card img").await,
        "the card's picture"
    );
    no_sideways_scroll(&c).await;
    screenshot(&c, "catalogue-search-phone.png").await;

    c.find(Locator::LinkText("Сосиски молочные 1 кг"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("article.product"))
        .await
        .unwrap();
    assert_eq!(text(&c, "h1").await, "Сосиски молочные 1 кг");
    assert!(
        picture_loaded(&c, "img.main").await,
        "the product's picture"
    );
    assert!(text(&c, "table.prices").await.contains("₸"));
    assert!(text(&c, ".badge").await.contains("наличи") || text(&c, ".badge").await == "мало");
    no_sideways_scroll(&c).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(text(&c, "#staff").await, "", "nothing more for the public");
    screenshot(&c, "catalogue-product-phone.png").await;
    let product = c.current_url().await.unwrap();

    // An agent signs in and opens the same page: the exact figures appear below.
    c.goto(&format!("{base}/login")).await.unwrap();
    fill_sign_in(&c, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    c.goto(product.as_str()).await.unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//section[@id='staff']/h2[text()='Для сотрудников']",
        ))
        .await
        .unwrap();
    assert!(text(&c, "#staff").await.contains("Свободный остаток"));
    no_sideways_scroll(&c).await;
    screenshot(&c, "catalogue-product-agent-phone.png").await;
}
