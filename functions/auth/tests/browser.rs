//! In real headless Chromium (chromedriver): the wrong-password message shows, then the demo agent
//! signs in and reaches their home page; their profile shows who they are. Screenshots go to
//! `target/browser/`.

use std::time::Instant;

use skazka_testkit::chromium::fantoccini::Locator;
use skazka_testkit::chromium::{DESKTOP, Driver, screenshot, serve, sign_in, text};

#[tokio::test]
async fn demo_agent_signs_in_in_chromium_and_a_wrong_password_is_told() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let base = serve(skazka_local::router(app.state.clone())).await;

    let driver = Driver::start().await;
    let c = driver.browser(DESKTOP).await;
    let started = Instant::now();

    // A wrong password: the message shows on the form, nothing else.
    sign_in(&c, &base, "8 701 000 00 01", "not-my-password").await;
    let error = text(&c, "#login-error").await;
    assert_eq!(error, "Неверный номер телефона или пароль.");
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    screenshot(&c, "login-wrong-password.png").await;

    // The demo agent signs in and lands on their home page.
    sign_in(&c, &base, "+7 701 000 0001", onec_sim::demo::DEMO_PASSWORD).await;
    c.wait()
        .for_url(&url::Url::parse(&format!("{base}/orders")).unwrap())
        .await
        .unwrap();
    screenshot(&c, "agent-home.png").await;
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
