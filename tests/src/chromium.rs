//! Headless Chromium for the browser tests: chromedriver on a free port with a fresh profile,
//! the portal served on a real socket, the sign-in form filled in, screenshots in
//! `target/browser/`. Needs `chromium` and `chromium-driver` (Debian; `scripts/test` installs
//! them).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::Router;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub use fantoccini;

/// A desktop window (CSS pixels).
pub const DESKTOP: (u32, u32) = (1024, 900);
/// An iPhone-sized window (CSS pixels).
pub const PHONE: (u32, u32) = (390, 844);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Where screenshots go: `target/browser/` (the tests' output, not the repository).
pub fn output_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let dir = target.join("browser");
    std::fs::create_dir_all(&dir).expect("target/browser");
    dir
}

/// Serves `router` on a free local port for the browser; answers its base URL.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serving") });
    base
}

/// chromedriver on a free port with a fresh Chromium profile; both go when dropped.
pub struct Driver {
    child: tokio::process::Child,
    port: u16,
    profile: PathBuf,
}

impl Driver {
    pub async fn start() -> Driver {
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
            std::env::temp_dir().join(format!("skazka-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&profile).expect("a Chromium profile directory");
        Driver {
            child,
            port,
            profile,
        }
    }

    /// A Chromium session with a `window` (CSS pixels). The flags keep Chromium from reaching
    /// the internet (its connections are refused here) and make it speak Russian.
    pub async fn browser(&self, window: (u32, u32)) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--hide-scrollbars", "--lang=ru-RU",
                    format!("--window-size={},{}", window.0, window.1),
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

/// Opens `/login`, fills in the form and submits it.
pub async fn sign_in(c: &Client, base: &str, phone: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.expect("/login");
    fill_sign_in(c, phone, password).await;
}

/// Fills in the sign-in form the browser shows and submits it.
pub async fn fill_sign_in(c: &Client, phone: &str, password: &str) {
    let field = |css: &'static str| async move {
        c.find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    };
    field("input[name=phone]")
        .await
        .send_keys(phone)
        .await
        .expect("typing the phone");
    field("input[name=password]")
        .await
        .send_keys(password)
        .await
        .expect("typing the password");
    field("form button[type=submit]")
        .await
        .click()
        .await
        .expect("submitting");
}

/// The text of the first element matching `css`, once it is there.
pub async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("element text")
}

/// The page never scrolls sideways (a phone's width); when it does, the message names the
/// elements that stick out.
pub async fn no_sideways_scroll(c: &Client) {
    let wide = c
        .execute(
            "if (document.documentElement.scrollWidth <= window.innerWidth) return [];
             return [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
               .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
            vec![],
        )
        .await
        .expect("the page answers");
    assert_eq!(wide, serde_json::json!([]), "the page scrolls sideways");
}

/// Saves a screenshot as `target/browser/<name>`; answers its path.
pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let png = c.screenshot().await.expect("a screenshot");
    let path = output_dir().join(name);
    std::fs::write(&path, png).expect("writing the screenshot");
    println!("screenshot: {}", path.display());
    path
}
