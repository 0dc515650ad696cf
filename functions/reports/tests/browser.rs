//! In headless Chromium at a phone's width: the demo agent signs in, opens the reports from the
//! navigation, the report by client, picks last month, sorts by name; the page never scrolls
//! sideways (the wide table scrolls in its own box) and the chart is drawn without script; then
//! exports what is shown as XLSX, a workbook whose total is the page's. The screenshots go to
//! `target/browser/`.

use std::io::Cursor;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};

use skazka_testkit::chromium::fantoccini::{Client, Locator};
use skazka_testkit::chromium::{
    Driver, PHONE, fill_sign_in, no_sideways_scroll, screenshot, serve,
};

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn wait_path(c: &Client, path: &str) {
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached {path}: {}", c.current_url().await.unwrap());
}

#[tokio::test]
async fn demo_agent_reads_a_sales_report_on_a_phone() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let base = serve(skazka_local::router(app.state.clone())).await;
    let driver = Driver::start().await;
    let c = driver.browser(PHONE).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    c.goto(&format!("{base}/reports/sales")).await.unwrap();
    wait_path(&c, "/login").await;
    fill_sign_in(&c, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    wait_path(&c, "/reports/sales").await;
    assert_eq!(text(&c, "h1").await, "Отчёты о продажах");

    c.find(Locator::LinkText("Продажи по клиентам"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(&c, "/reports/sales/clients").await;
    c.wait()
        .for_element(Locator::Css("table.report"))
        .await
        .unwrap();
    assert!(text(&c, ".report-total").await.contains("₸"));
    no_sideways_scroll(&c).await;
    screenshot(&c, "reports-clients-phone.png").await;

    c.find(Locator::LinkText("Прошлый месяц"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".presets strong"))
        .await
        .unwrap();
    assert_eq!(text(&c, ".presets strong").await, "Прошлый месяц");
    assert!(
        c.find(Locator::Css("figure.report-chart svg rect"))
            .await
            .is_ok(),
        "the revenue by day is drawn"
    );

    c.find(Locator::Css("thead th a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("thead th a"))
        .await
        .unwrap();
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("sort=name")
    );
    let names: Vec<String> = {
        let mut out = Vec::new();
        for cell in c.find_all(Locator::Css("tbody th")).await.unwrap() {
            out.push(cell.text().await.unwrap().to_lowercase());
        }
        out
    };
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    no_sideways_scroll(&c).await;
    screenshot(&c, "reports-clients-by-name-phone.png").await;

    // Export: the link the page shows, fetched by the browser with its session as a tap would.
    let href = c
        .find(Locator::LinkText("Excel (XLSX)"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the export link");
    assert!(href.contains("sort=name"), "exports what is shown: {href}");
    let file = c
        .execute_async(
            r#"const [href, done] = arguments;
               fetch(href).then(async r => done({
                   status: r.status,
                   type: r.headers.get('content-type'),
                   disposition: r.headers.get('content-disposition'),
                   bytes: Array.from(new Uint8Array(await r.arrayBuffer())),
               })).catch(e => done({error: String(e)}));"#,
            vec![serde_json::Value::String(href)],
        )
        .await
        .unwrap();
    assert_eq!(file["status"], 200, "{}", file["error"]);
    assert!(
        file["type"].as_str().unwrap().contains("spreadsheetml"),
        "{}",
        file["type"]
    );
    assert!(file["disposition"].as_str().unwrap().contains(".xlsx"));
    let bytes: Vec<u8> = file["bytes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_u64().unwrap() as u8)
        .collect();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a valid workbook");
    let sheet = book.worksheet_range("Отчёт").unwrap();
    let last: Vec<Data> = sheet.rows().next_back().unwrap().to_vec();
    assert_eq!(last[0], Data::String("Итого".into()));
    let Data::Float(revenue) = last[2] else {
        panic!("the total revenue is a number: {last:?}");
    };
    let shown = text(&c, ".report-total .total").await;
    let shown: f64 = shown
        .chars()
        .filter(|ch| ch.is_ascii_digit() || *ch == ',')
        .collect::<String>()
        .replace(',', ".")
        .parse()
        .unwrap();
    assert!(
        (revenue - shown).abs() < 0.01,
        "{revenue} in the file, {shown} on the page"
    );
}
