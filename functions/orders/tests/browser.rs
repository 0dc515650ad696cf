//! In headless Chromium (chromedriver), at a phone's width: the demo agent signs in, opens today's
//! orders, changes the date range, opens an order, sees its lines and its sales document. The
//! screenshots go to `target/browser/` (the test's output, not the repository).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::{Datelike, Days};
use fantoccini::{Client, ClientBuilder, Locator};
use onec_sim::db::col;
use onec_sim::schema as s;
use serde_json::json;
use uuid::Uuid;

/// An iPhone-sized window (CSS pixels).
const PHONE: (u32, u32) = (390, 844);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn output_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")));
    let dir = target.join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: tokio::process::Child,
    port: u16,
    _profile: tempfile_dir::Dir,
}

mod tempfile_dir {
    /// A fresh directory for Chromium's profile, removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let p = std::env::temp_dir().join(format!("skazka-chromium-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Driver {
    async fn start() -> Driver {
        let port = free_port();
        let child = tokio::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver (apt-get install chromium chromium-driver; scripts/test does)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver {
            child,
            port,
            _profile: tempfile_dir::Dir::new(),
        }
    }

    async fn browser(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--hide-scrollbars", "--lang=ru-RU",
                    format!("--window-size={},{}", PHONE.0, PHONE.1),
                    format!("--user-data-dir={}", self._profile.0.display()),
                ]
            }),
        );
        ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

async fn h1(c: &Client) -> String {
    c.find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn shot(c: &Client, name: &str) -> PathBuf {
    let png = c.screenshot().await.unwrap();
    let path = output_dir().join(name);
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
    path
}

#[tokio::test]
async fn demo_agent_reads_orders_on_a_phone() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = skazka_local::router(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let driver = Driver::start().await;
    let c = driver.browser().await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    // Sign in: the orders page sends an anonymous visitor to the sign-in form and back.
    c.goto(&format!("{base}/orders")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    let phone = c.find(Locator::Css("input[name=phone]")).await.unwrap();
    phone.send_keys("+7 701 000 0001").await.unwrap();
    let password = c.find(Locator::Css("input[name=password]")).await.unwrap();
    password
        .send_keys(onec_sim::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
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
    shot(&c, "orders-today-phone.png").await;

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
    shot(&c, "orders-filters-phone.png").await;
    let first_day = c.find(Locator::Css("section.day")).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView();",
        vec![serde_json::to_value(&first_day).unwrap()],
    )
    .await
    .unwrap();
    let list_png = shot(&c, "orders-list-phone.png").await;
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
    shot(&c, "order-phone.png").await;

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
    shot(&c, "sale-phone.png").await;

    c.close().await.unwrap();
}
