//! The navigation shows only sections that answer: every link the layout shows a role, signed in
//! as the demo person of that role, opens a page in the whole portal (the local runner's router).

use skazka_testkit::{Browser, StatusCode};
use skazka_web::Role;

/// The `href`s of the page's navigation.
fn nav_hrefs(html: &str) -> Vec<String> {
    let start = html.find("<nav class=\"site-nav\"").expect("a navigation");
    let end = start + html[start..].find("</nav>").expect("the navigation's end");
    html[start..end]
        .split("href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// Opens `from`, then every link of its navigation: each must be `200`, and the navigation must
/// be the role's row of the sections table.
async fn every_link_answers(browser: &mut Browser, from: &str, role: Option<Role>) {
    let page = browser.get(from).await;
    assert_eq!(page.status, StatusCode::OK, "{from} as {role:?}");
    let hrefs = nav_hrefs(&page.body);
    let expected: Vec<&str> = skazka_web::nav_links(role).map(|s| s.href).collect();
    assert_eq!(hrefs, expected, "navigation of {role:?}");
    for href in &hrefs {
        let reply = browser.get(href).await;
        assert_eq!(reply.status, StatusCode::OK, "{href} as {role:?}");
    }
}

#[tokio::test]
async fn every_navigation_link_of_every_role_answers() {
    let app = skazka_testkit::app().await;
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    let router = skazka_local::router(app.state.clone());

    every_link_answers(&mut Browser::new(router.clone()), "/login", None).await;

    let roles = [Role::Agent, Role::Supervisor, Role::Client, Role::Admin];
    for ((_, phone), role) in skazka_local::DEMO_LOGINS.into_iter().zip(roles) {
        let mut browser = Browser::new(router.clone());
        let signed_in = browser.sign_in(phone, skazka_local::DEMO_PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "sign-in of {role}");
        every_link_answers(&mut browser, role.home(), Some(role)).await;
    }
}
