//! The catalogue's figures (a bench, not a test; loopback only):
//!
//! 1. requests per second and median latency of `/catalogue`, a search and a product page on the
//!    local runner's router with a warm cache, beside a static file served by the same server (the
//!    ratio is the figure);
//! 2. Lighthouse's four scores (mobile settings, Debian's Chromium) of `/catalogue` and a product
//!    page, when Lighthouse is installed (`scripts/lighthouse-install` puts it in
//!    `target/lighthouse`);
//! 3. the duration and 1C calls of a full catalogue refresh and of a repeat one (nothing changed)
//!    at `small` and — unless `CATALOGUE_BENCH_SMALL_ONLY` is set — `large` scale.
//!
//! ```sh
//! cargo bench -p skazka-catalogue --bench catalogue
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use onec_sim::{Scale, SimConfig};

const LOAD_SECONDS: u64 = 5;
const CONNECTIONS: usize = 8;

#[tokio::main]
async fn main() {
    let app = skazka_testkit::app().await;
    let svc = skazka_catalogue::service(&app.state);
    refresh_figures("small", &svc).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = skazka_local::router(app.state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let base = format!("http://{addr}");
    let product = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/catalogue/{}", onec_sim::demo::DEMO_PRODUCT))
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();

    println!(
        "\n== Throughput on loopback ({CONNECTIONS} connections, {LOAD_SECONDS} s each, warm cache)"
    );
    let paths = [
        ("static file /static/css/skazka.css", "/static/css/skazka.css".to_owned()),
        ("/catalogue", "/catalogue".to_owned()),
        ("search /catalogue?q=сосиски молочные", "/catalogue?q=%D1%81%D0%BE%D1%81%D0%B8%D1%81%D0%BA%D0%B8%20%D0%BC%D0%BE%D0%BB%D0%BE%D1%87%D0%BD%D1%8B%D0%B5".to_owned()),
        ("product page", product.clone()),
    ];
    let mut static_rps = 0.0;
    for (i, (label, path)) in paths.iter().enumerate() {
        let (rps, median) = load(&format!("{base}{path}")).await;
        if i == 0 {
            static_rps = rps;
        }
        println!(
            "{label:<40} {rps:>8.0} req/s  median {:>6.2} ms  ({:.2} of the static file's rate)",
            median.as_secs_f64() * 1000.0,
            rps / static_rps
        );
    }

    lighthouse(&base, &product).await;

    if std::env::var_os("CATALOGUE_BENCH_SMALL_ONLY").is_none() {
        let large = skazka_testkit::app_with_sim(
            &[],
            SimConfig {
                scale: Scale::Large,
                ..SimConfig::default()
            },
        )
        .await;
        refresh_figures("large", &skazka_catalogue::service(&large.state)).await;
    }
}

async fn refresh_figures(scale: &str, svc: &skazka_catalogue::CatalogueService) {
    println!("\n== Catalogue refresh at `{scale}` scale");
    for run in ["full", "repeat (nothing changed)"] {
        let started = Instant::now();
        let report = svc.refresh().await.expect("refresh");
        println!(
            "{run:<26} {:>8.0} ms  {:>3} 1C calls  {:>6} rows read  {:>6} rows changed  {} stock, {} price rows",
            started.elapsed().as_secs_f64() * 1000.0,
            report.onec_calls,
            report.copy.rows_read,
            report.copy.rows_changed,
            report.offers.stock_rows,
            report.offers.price_rows,
        );
    }
}

/// `CONNECTIONS` clients asking `url` one request after another for `LOAD_SECONDS`.
async fn load(url: &str) -> (f64, Duration) {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (http, url) = (http.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let response = http.get(&url).send().await.unwrap();
                    assert!(
                        response.status().is_success(),
                        "{url}: {}",
                        response.status()
                    );
                    response.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    (all.len() as f64 / elapsed, all[all.len() / 2])
}

fn lighthouse_bin() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bin = root.join("target/lighthouse/node_modules/.bin/lighthouse");
    bin.exists().then_some(bin)
}

/// Lighthouse's scores of the two public pages, mobile settings (its defaults).
async fn lighthouse(base: &str, product: &str) {
    println!("\n== Lighthouse (mobile) — performance / accessibility / best practices / SEO");
    let Some(bin) = lighthouse_bin() else {
        println!("not installed: run scripts/lighthouse-install first");
        return;
    };
    for (label, path) in [("/catalogue", "/catalogue"), ("product page", product)] {
        let out = tokio::process::Command::new(&bin)
            .arg(format!("{base}{path}"))
            .args([
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ])
            .env("CHROME_PATH", "/usr/bin/chromium")
            .output()
            .await
            .expect("lighthouse runs");
        let report: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(r) => r,
            Err(e) => {
                println!(
                    "{label}: no report ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                continue;
            }
        };
        let score = |c: &str| {
            report["categories"][c]["score"]
                .as_f64()
                .map_or("—".to_owned(), |s| format!("{:.0}", s * 100.0))
        };
        println!(
            "{label:<14} {:>4} / {:>4} / {:>4} / {:>4}",
            score("performance"),
            score("accessibility"),
            score("best-practices"),
            score("seo")
        );
        // What kept a category below 100, for whoever improves it.
        for audit in report["audits"]
            .as_object()
            .into_iter()
            .flat_map(|a| a.values())
        {
            let failed = audit["score"].as_f64().is_some_and(|s| s < 0.9)
                && audit["scoreDisplayMode"] == "binary";
            if failed {
                println!(
                    "    failed: {}",
                    audit["title"].as_str().unwrap_or_default()
                );
            }
        }
    }
}
