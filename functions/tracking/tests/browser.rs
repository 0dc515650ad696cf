//! In headless Chromium at a phone's width: the demo supervisor signs in and opens the demo
//! agent's day (with the track the runner writes for the demo phone), sees the numbered order
//! markers and the track on the map, and taps a row of the side list, which focuses its marker.
//! The tile server is under `.invalid` (never resolves), so the test depends on no outside host.
//! Screenshots go to `target/browser/`.

use std::time::Duration;

use onec_sim::demo;
use skazka_testkit::chromium::fantoccini::{Client, Locator};
use skazka_testkit::chromium::{
    Driver, PHONE, fill_sign_in, no_sideways_scroll, screenshot, serve,
};

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn wait_for(c: &Client, css: &str) {
    for _ in 0..100 {
        if count(c, css).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never appeared: {css}");
}

#[tokio::test]
async fn the_demo_supervisor_sees_the_agents_day_and_taps_an_order() {
    let app =
        skazka_testkit::app_with(&[("TRACKING_TILE_URL", "https://tiles.invalid/{z}/{x}/{y}.png")])
            .await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    // The most recent day of the last week on which the demo agent took orders, with its track.
    let today = app.state.reader().tz().today();
    let mut day = None;
    for back in 1..=skazka_local::DEMO_TRACK_DAYS {
        let date = today - chrono::Days::new(back);
        if skazka_local::demo_track(&app.state, date).await > 0 {
            day = Some(date);
            break;
        }
    }
    let day = day.expect("the demo agent took orders in the last week");
    let base = serve(skazka_local::router(app.state.clone())).await;
    let driver = Driver::start().await;
    let c = driver.browser(PHONE).await;
    c.set_window_size(PHONE.0, PHONE.1).await.unwrap();

    c.goto(&format!("{base}/login")).await.unwrap();
    fill_sign_in(&c, "+7 701 000 0002", demo::DEMO_PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    c.goto(&format!(
        "{base}/tracking?agent={}&date={day}",
        demo::DEMO_AGENT
    ))
    .await
    .unwrap();
    wait_for(&c, ".order-marker").await;
    let rows = count(&c, "tr[data-n]").await;
    assert!(rows > 0, "the side list has the day's orders");
    assert_eq!(
        count(&c, ".order-marker").await,
        rows,
        "a numbered marker per order"
    );
    assert!(
        count(&c, "path.leaflet-interactive").await > 0,
        "the track is drawn"
    );
    assert!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .starts_with("День агента"),
    );
    no_sideways_scroll(&c).await;
    screenshot(&c, "tracking-day-phone.png").await;

    // Tapping a row (not its link) focuses the order's marker: its popup opens.
    let row = c.find(Locator::Css("tr[data-n] td")).await.unwrap();
    row.click().await.unwrap();
    wait_for(&c, ".leaflet-popup").await;
    assert_eq!(count(&c, "tr.focused").await, 1);
    let popup = c
        .find(Locator::Css(".leaflet-popup-content"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(popup.starts_with("1. "), "{popup}");
    screenshot(&c, "tracking-day-focused-phone.png").await;
}
