//! In real headless Chromium (chromedriver): the wrong-password message shows, then the demo agent
//! signs in and reaches their home page; their profile shows who they are. Screenshots go to
//! `target/browser/`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

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

/// chromedriver on a free port with a fresh Chromium profile; both go when dropped.
struct Driver {
    child: tokio::process::Child,
    port: u16,
    profile: PathBuf,
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
        let profile =
            std::env::temp_dir().join(format!("skazka-auth-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&profile).unwrap();
        Driver {
            child,
            port,
            profile,
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
                    "--no-first-run", "--lang=ru-RU", "--window-size=1024,900",
                    format!("--user-data-dir={}", self.profile.display()),
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
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

async fn sign_in(c: &Client, base: &str, phone: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=phone]"))
        .await
        .unwrap()
        .send_keys(phone)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn demo_agent_signs_in_in_chromium_and_a_wrong_password_is_told() {
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
    let started = Instant::now();

    // A wrong password: the message shows on the form, nothing else.
    sign_in(&c, &base, "8 701 000 00 01", "not-my-password").await;
    let error = text(&c, "#login-error").await;
    assert_eq!(error, "Неверный номер телефона или пароль.");
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    let png = c.screenshot().await.unwrap();
    std::fs::write(output_dir().join("login-wrong-password.png"), png).unwrap();

    // The demo agent signs in and lands on their home page.
    sign_in(&c, &base, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    c.wait()
        .for_url(&url::Url::parse(&format!("{base}/orders")).unwrap())
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(output_dir().join("agent-home.png"), png).unwrap();
    let source = c.source().await.unwrap();
    assert!(!source.contains("Страница не найдена"), "{source}");
    // The session cookie is HttpOnly: no script sees it.
    let visible: String = c
        .execute("return document.cookie", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!visible.contains("skazka_session") && !visible.contains("skazka_refresh"));

    // Their profile says who they are; the navigation has no admin link.
    c.goto(&format!("{base}/profile")).await.unwrap();
    assert_eq!(text(&c, "#profile-name").await, "Жумабеков Арман Серикович");
    assert_eq!(text(&c, "#profile-role").await, "Торговый агент");
    assert!(c.find(Locator::Css("nav a[href='/admin']")).await.is_err());
    println!("browser flow took {:?}", started.elapsed());
    c.close().await.unwrap();
}
