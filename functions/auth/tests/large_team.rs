//! At `large` scale the demo supervisor's default team is every agent of the base (300). The
//! team is looked up per request, not carried in the access token, so every cookie the portal
//! sets stays under the 4 KB browsers keep (the token holding the team measured 15,855 bytes,
//! and Chromium looped between `/orders` and the refresh route).
//!
//! Generating the `large` base is the slow part of this file (its time is printed: ~65 s in a
//! debug build); the first test gives a supervisor the same team size on the `small` base in a
//! few seconds.

use std::time::Instant;

use onec_sim::{Scale, SimConfig};
use skazka_testkit::chromium::{DESKTOP, Driver, screenshot, serve, sign_in, text};
use skazka_testkit::{Browser, Reply, StatusCode, TestApp};

const SUPERVISOR: &str = "+77010000002";
/// Browsers drop a cookie whose name, value and attributes exceed 4096 bytes.
const COOKIE_LIMIT: usize = 4096;

async fn large_portal() -> TestApp {
    let started = Instant::now();
    let app = skazka_testkit::app_with_sim(
        &[],
        SimConfig {
            scale: Scale::Large,
            ..SimConfig::default()
        },
    )
    .await;
    eprintln!("large simulator generated in {:?}", started.elapsed());
    let started = Instant::now();
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    eprintln!("large base's accounts synced in {:?}", started.elapsed());
    app
}

/// Every `Set-Cookie` of `reply`: under the limit; answers the largest's size.
fn cookies_fit(reply: &Reply) -> usize {
    let mut largest = 0;
    for value in reply.headers.get_all("set-cookie") {
        let size = value.as_bytes().len();
        let name = value.to_str().unwrap_or("").split('=').next().unwrap_or("");
        assert!(size < COOKIE_LIMIT, "{name}: {size} bytes");
        largest = largest.max(size);
    }
    largest
}

/// Signs the demo supervisor in over HTTP and opens `agent`'s orders: every cookie set on the way
/// fits; answers the session cookie's size.
async fn supervisor_cookies_fit(router: axum::Router, agent: impl std::fmt::Display) -> usize {
    let mut http = Browser::new(router);
    cookies_fit(&http.get("/login").await);
    let signed_in = http
        .sign_in(SUPERVISOR, onec_sim::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let largest = cookies_fit(&signed_in);
    let refreshed = http.get("/api/v1/auth/refresh?next=%2Forders").await;
    assert_eq!(refreshed.status, StatusCode::SEE_OTHER);
    cookies_fit(&refreshed);
    let orders = http.get(&format!("/orders?agent={agent}")).await;
    assert_eq!(orders.status, StatusCode::OK, "{}", orders.body);
    cookies_fit(&orders);
    eprintln!(
        "session cookie value {} bytes, largest Set-Cookie {largest} bytes",
        http.jar["skazka_session"].len()
    );
    largest
}

#[tokio::test]
async fn a_supervisor_of_three_hundred_more_agents_keeps_small_cookies() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    // 300 more agents in the portal (1C users the sync would have made).
    let client = app.state.db().get().await.unwrap();
    for n in 0..300 {
        let id = uuid::Uuid::new_v4();
        client
            .execute(
                "INSERT INTO accounts (id, role, phone, name, onec_ref) VALUES ($1, 'agent', $2, $3, $1)",
                &[&id, &format!("+7702{n:07}"), &format!("Агент {n:03}")],
            )
            .await
            .unwrap();
    }
    let team = skazka_accounts::store::team_refs(app.state.db(), onec_sim::demo::DEMO_SUPERVISOR)
        .await
        .unwrap();
    assert!(team.len() > 300, "{} agents", team.len());
    let router = skazka_local::router(app.state.clone());
    supervisor_cookies_fit(router, onec_sim::demo::DEMO_AGENT).await;
}

#[tokio::test]
async fn a_supervisor_of_every_agent_of_the_large_base_signs_in_and_opens_an_agents_orders() {
    let app = large_portal().await;
    let agents = {
        let demo = app.sim.sim().demo();
        let mut agents = demo.other_agents.clone();
        agents.push(onec_sim::demo::DEMO_AGENT);
        agents
    };
    assert!(agents.len() >= 300, "{} agents", agents.len());
    // The demo supervisor's default team: every agent of the base.
    let team = skazka_accounts::store::team_refs(app.state.db(), onec_sim::demo::DEMO_SUPERVISOR)
        .await
        .unwrap();
    assert_eq!(team.len(), agents.len());
    let picked = agents[agents.len() / 2];
    let router = skazka_local::router(app.state.clone());

    // Over HTTP: every cookie of the sign-in, the refresh and the pages fits.
    supervisor_cookies_fit(router.clone(), picked).await;

    // In Chromium: signs in, opens the picked agent's orders, no loop, no sign-in page.
    let base = serve(router).await;
    let driver = Driver::start().await;
    let c = driver.browser(DESKTOP).await;
    sign_in(&c, &base, SUPERVISOR, onec_sim::demo::DEMO_PASSWORD).await;
    c.wait()
        .for_url(&url::Url::parse(&format!("{base}/orders")).unwrap())
        .await
        .expect("the supervisor's home page");
    c.goto(&format!("{base}/orders?agent={picked}"))
        .await
        .expect("an agent's orders");
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/orders", "{url}");
    assert!(text(&c, "h1").await.starts_with("Заказы"));
    let source = c.source().await.unwrap();
    assert!(
        source.contains(&picked.to_string()),
        "the picked agent's page"
    );
    screenshot(&c, "large-supervisor-agent-orders.png").await;
    c.close().await.unwrap();
}
