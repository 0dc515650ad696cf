//! In headless Chromium (chromedriver), at a phone's width: the demo agent signs in, opens
//! `/debts`, sorts by days overdue, opens a client and goes on to one of its sale documents. The
//! screenshots go to `target/browser/` (the test's output, not the repository).

use std::time::Duration;

use skazka_testkit::chromium::fantoccini::{Client, Locator};
use skazka_testkit::chromium::{Driver, PHONE, fill_sign_in, screenshot, serve, text};

/// Waits until the browser is on `path` (a navigation after a click or a form).
async fn wait_for_path(c: &Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached {path}: {}", c.current_url().await.unwrap());
}

async fn no_horizontal_scroll(c: &Client, page: &str) {
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
        "{page}: horizontal scrolling on a phone"
    );
}

#[tokio::test]
async fn demo_agent_reads_debts_on_a_phone() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let base = serve(skazka_local::router(app.state.clone())).await;
    let driver = Driver::start().await;
    let c = driver.browser(PHONE).await;

    // The debts page sends an anonymous visitor to the sign-in form and back.
    c.goto(&format!("{base}/debts")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    fill_sign_in(&c, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    wait_for_path(&c, "/debts").await;
    assert_eq!(text(&c, "h1").await, "Задолженность клиентов");
    assert!(text(&c, ".summary").await.contains("Всего долг"));
    let buckets = c.find_all(Locator::Css(".bucket")).await.unwrap();
    assert_eq!(buckets.len(), 5, "the five ageing buckets");
    no_horizontal_scroll(&c, "/debts").await;
    screenshot(&c, "debts-phone.png").await;

    // Sorted by days overdue: the first client has an overdue document, highlighted.
    c.find(Locator::LinkText("По просрочке"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".tab.current"))
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains("sort=overdue")
    );
    assert!(
        !c.find_all(Locator::Css(".doc-overdue"))
            .await
            .unwrap()
            .is_empty(),
        "overdue documents are highlighted"
    );
    screenshot(&c, "debts-overdue-phone.png").await;

    // A client's page, then one of its documents.
    let client = c.find(Locator::Css("section.client h2 a")).await.unwrap();
    let href = client.attr("href").await.unwrap().unwrap();
    client.click().await.unwrap();
    wait_for_path(&c, &href).await;
    assert!(text(&c, "body").await.contains("Оплаты за 90 дней"));
    no_horizontal_scroll(&c, &href).await;
    screenshot(&c, "debts-client-phone.png").await;
    let sale = c.find(Locator::Css(".doc a")).await.unwrap();
    let sale_href = sale.attr("href").await.unwrap().unwrap();
    assert!(sale_href.starts_with("/sales/"), "{sale_href}");
    assert!(
        !sale_href.contains("agent="),
        "an agent's own links pick nobody"
    );
    sale.click().await.unwrap();
    wait_for_path(&c, sale_href.split('?').next().unwrap()).await;
    assert!(
        text(&c, "body").await.contains("Не оплачена"),
        "the sale page shows the debt"
    );
    c.close().await.unwrap();
}
