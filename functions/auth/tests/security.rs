//! Sign-in and sessions tried as an attacker would (issue 12): each test is named after the
//! finding it closes.

mod common;

use common::*;
use skazka_testkit::{Reply, StatusCode};

/// Known open-redirect bypasses (raw, as a browser or curl would send them in `next`).
const REDIRECT_BYPASSES: &[&str] = &[
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%252F/evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/x\r\nSet-Cookie: a=b",
    "/x%0d%0aSet-Cookie:%20a=b",
    "/\u{ff0f}evil.example",
    "\u{ff0f}\u{ff0f}evil.example",
];

/// Opens `/login`, signs in with `next`, and returns the answer.
async fn sign_in_to(browser: &mut Browser, phone: &str, next: &str) -> Reply {
    let csrf = csrf_of(&browser.get("/login").await.body);
    browser
        .post_form(
            "/login",
            &[
                ("csrf", &csrf),
                ("phone", phone),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await
}

fn encoded(next: &str) -> String {
    url::form_urlencoded::byte_serialize(next.as_bytes()).collect()
}

#[tokio::test]
async fn open_redirect_after_sign_in_is_refused() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    for bad in REDIRECT_BYPASSES {
        // The sign-in form does not carry it on.
        let form = browser.get(&format!("/login?next={}", encoded(bad))).await;
        assert_eq!(form.status, StatusCode::OK, "{bad:?}");
        assert!(
            form.body.contains(r#"name="next" value="""#),
            "{bad:?}: {}",
            form.body
        );
        // Signing in goes to the role's home page.
        let signed_in = sign_in_to(&mut browser, AGENT, bad).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{bad:?}");
        assert_eq!(signed_in.header("location"), "/orders", "{bad:?}");
        // The refresh route goes back to this site's root.
        let refreshed = browser
            .get(&format!("/api/v1/auth/refresh?next={}", encoded(bad)))
            .await;
        assert_eq!(refreshed.status, StatusCode::SEE_OTHER, "{bad:?}");
        assert_eq!(refreshed.header("location"), "/?refreshed=1", "{bad:?}");
    }
    // A path on this site is kept.
    let kept = sign_in_to(&mut browser, AGENT, "/orders?from=2026-01-01").await;
    assert_eq!(kept.header("location"), "/orders?from=2026-01-01");
}

/// A JSON sign-in from `address` (as CloudFront names the viewer).
async fn token_from(router: &axum::Router, phone: &str, password: &str, address: &str) -> Reply {
    skazka_testkit::send(
        router,
        axum::http::Request::post("/api/v1/auth/token")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("cloudfront-viewer-address", format!("{address}:443"))
            .header("x-origin-verify", ORIGIN_SECRET)
            .body(axum::body::Body::from(
                serde_json::json!({"phone": phone, "password": password}).to_string(),
            ))
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_are_throttled_before_the_password_check() {
    let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    let router = skazka_auth::router(app.state.clone());
    let guesses = (0..40).map(|i| {
        let router = router.clone();
        tokio::spawn(async move {
            token_from(
                &router,
                AGENT,
                &format!("guess-{i}"),
                &format!("198.51.100.{i}"),
            )
            .await
            .status
        })
    });
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // From 40 addresses the phone's wide bound holds: exactly that many reached the check.
    let wide = skazka_auth::signin::WIDE_LIMIT as usize;
    assert_eq!((checked, throttled), (wide, 40 - wide), "{statuses:?}");
    // The phone stays throttled, the right password included.
    let after = token_from(&router, AGENT, PASSWORD, "198.51.100.200").await;
    assert_eq!(after.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Changes the password in `/profile` from `browser`.
async fn change_password(browser: &mut Browser, from: &str, to: &str) -> Reply {
    let csrf = csrf_of(&browser.get("/profile").await.body);
    browser
        .post_form(
            "/profile",
            &[
                ("csrf", &csrf),
                ("action", "password"),
                ("current", from),
                ("new", to),
                ("repeat", to),
            ],
        )
        .await
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    // The phone app signed in before the change.
    let issued = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD}),
    )
    .await
    .json();
    let old_access = issued["access_token"].as_str().unwrap().to_owned();
    let old_refresh = issued["refresh_token"].as_str().unwrap().to_owned();
    let mut other_browser = Browser::new(router.clone());
    other_browser.sign_in(AGENT, PASSWORD).await;
    let mut browser = Browser::new(router.clone());
    browser.sign_in(AGENT, PASSWORD).await;

    let changed = change_password(&mut browser, PASSWORD, "new-secret-42").await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);

    // The others are signed out: access tokens at once, refresh families too.
    assert_eq!(
        get_bearer(&router, "/profile", &old_access).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": old_refresh}),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        other_browser.get("/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let bounce = other_browser
        .get("/api/v1/auth/refresh?next=%2Fprofile")
        .await;
    assert!(
        bounce.header("location").starts_with("/login"),
        "{bounce:?}"
    );
    // The device that changed it stays signed in, and its refresh token still works.
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK);
    let own = browser.get("/api/v1/auth/refresh?next=%2Fprofile").await;
    assert_eq!(own.header("location"), "/profile?refreshed=1");
}

/// The refresh token a browser holds.
fn refresh_cookie(browser: &Browser) -> String {
    browser
        .jar
        .get(skazka_session::REFRESH_COOKIE)
        .cloned()
        .expect("a refresh cookie")
}

#[tokio::test]
async fn sign_out_after_the_access_token_expired_ends_the_refresh_family() {
    let app = demo_app(&[("SESSION_ACCESS_TTL_SECS", "1")]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    browser.sign_in(AGENT, PASSWORD).await;
    let csrf = csrf_of(&browser.get("/logout").await.body);
    let refresh = refresh_cookie(&browser);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    // The confirmation page opened earlier is submitted after the access token expired.
    let out = browser
        .post_form(skazka_web::LOGOUT_ACTION, &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/login");
    let after = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);

    // Opening /logout with only the refresh token goes round the refresh route to the
    // confirmation, whose form then ends the family.
    let mut second = Browser::new(router.clone());
    second.sign_in(AGENT, PASSWORD).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let page = second.get("/logout").await;
    assert_eq!(
        page.header("location"),
        "/api/v1/auth/refresh?next=%2Flogout"
    );
    // Another site's form (no valid CSRF token) ends nothing.
    let refresh = refresh_cookie(&second);
    let forged = second
        .post_form(skazka_web::LOGOUT_ACTION, &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);
    let still = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(still.status, StatusCode::OK, "{}", still.body);
}

#[tokio::test]
async fn cookies_are_host_prefixed_and_the_refresh_cookie_goes_only_where_it_is_used() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    let signed_in = browser.sign_in(AGENT, PASSWORD).await;
    let cookies: Vec<&str> = signed_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let find = |name: &str| {
        *cookies
            .iter()
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in {cookies:?}"))
    };
    for name in [
        skazka_session::ACCESS_COOKIE,
        skazka_session::REFRESHABLE_COOKIE,
    ] {
        let c = find(name);
        assert!(name.starts_with("__Host-"), "{name}");
        assert!(c.contains("; Path=/;") && c.contains("Secure"), "{c}");
        assert!(!c.contains("Domain"), "{c}");
    }
    let refresh = find(skazka_session::REFRESH_COOKIE);
    assert!(skazka_session::REFRESH_COOKIE.starts_with("__Secure-"));
    assert!(
        refresh.contains("; Path=/api/v1/auth;") && refresh.contains("Secure"),
        "{refresh}"
    );
    // The anonymous forms' cookie is `__Host-` too.
    let form = Browser::new(router.clone()).get("/login").await;
    assert!(
        form.header("set-cookie").starts_with("__Host-skazka_form="),
        "{:?}",
        form.headers
    );
    // With the jar honouring paths: pages still go round the refresh route (the flag), the
    // refresh route still rotates, and sign-out from a page's form ends the family.
    let page = browser.get("/profile").await;
    assert_eq!(page.status, StatusCode::OK);
    let back = browser.get("/api/v1/auth/refresh?next=%2Fprofile").await;
    assert_eq!(back.header("location"), "/profile?refreshed=1");
    let logout = browser.get("/logout").await;
    assert!(logout.body.contains(r#"action="/api/v1/auth/logout""#));
    let token = refresh_cookie(&browser);
    let csrf = csrf_of(&logout.body);
    browser
        .post_form(skazka_web::LOGOUT_ACTION, &[("csrf", &csrf)])
        .await;
    assert!(!browser.jar.contains_key(skazka_session::ACCESS_COOKIE));
    let after = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": token}),
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn private_pages_are_not_stored() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    for path in [
        "/admin",
        "/admin/users",
        "/admin/audit",
        "/admin/settings",
        "/profile",
        "/no-such-page",
    ] {
        let reply = admin.get(path).await;
        assert_eq!(reply.header("cache-control"), "no-store", "{path}");
    }
    let issued = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": ADMIN, "password": PASSWORD}),
    )
    .await
    .json();
    let bearer = get_bearer(
        &router,
        "/admin/users",
        issued["access_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(bearer.header("cache-control"), "no-store");
    // A request without a session keeps the page's own policy (here none).
    let anonymous = Browser::new(router.clone()).get("/no-such-page").await;
    assert!(anonymous.headers.get("cache-control").is_none());
}

/// Submits the registration form from `address`.
async fn register(browser: &mut Browser, phone: &str, name: &str, address: &str) -> Reply {
    let csrf = csrf_of(&browser.get("/register").await.body);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("phone", phone),
            ("name", name),
            ("password", "client-pass-1"),
            ("password2", "client-pass-1"),
        ])
        .finish();
    browser
        .send(
            axum::http::Request::post("/register")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cloudfront-viewer-address", format!("{address}:443"))
                .header("x-origin-verify", ORIGIN_SECRET),
            axum::body::Body::from(body),
        )
        .await
}

#[tokio::test]
async fn registration_is_throttled_and_every_field_bounded() {
    let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    // Fields too long: a clear 422 page, nothing stored.
    let long_name = "Я".repeat(201);
    let refused = register(&mut browser, "+77019990001", &long_name, "192.0.2.1").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("не длиннее 200 символов"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains(&long_name));
    let long_phone = format!("+7701{}", " ".repeat(40));
    let refused = register(&mut browser, &long_phone, "ТОО Ромашка", "192.0.2.1").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("не длиннее 32 символов"));
    // Five applications from one address in the window, then 429 with Retry-After.
    for i in 0..5 {
        let phone = format!("+7701999000{i}");
        let ok = register(&mut browser, &phone, "ТОО Ромашка", "192.0.2.2").await;
        assert_eq!(ok.status, StatusCode::OK, "{i}: {}", ok.body);
    }
    let throttled = register(&mut browser, "+77019990009", "ТОО Ромашка", "192.0.2.2").await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").parse::<u64>().unwrap() > 0);
    assert!(throttled.body.contains("Слишком много заявок"));
    // One phone is bounded across addresses too.
    for i in 0..5 {
        register(
            &mut browser,
            "+77019990100",
            "ТОО Ромашка",
            &format!("192.0.2.{}", 10 + i),
        )
        .await;
    }
    let same_phone = register(&mut browser, "+77019990100", "ТОО Ромашка", "192.0.2.99").await;
    assert_eq!(same_phone.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Signs an admin in and starts impersonating the demo agent: the browser now holds the
/// impersonation session.
async fn impersonating_the_agent(router: &axum::Router) -> Browser {
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let path = format!("/admin/users/{}", onec_sim::demo::DEMO_AGENT);
    let csrf = csrf_of(&admin.get(&path).await.body);
    let started = admin
        .post_form(&path, &[("csrf", &csrf), ("action", "impersonate")])
        .await;
    assert_eq!(started.header("location"), "/orders");
    assert!(
        admin
            .get("/profile")
            .await
            .body
            .contains("Вы работаете от имени")
    );
    admin
}

#[tokio::test]
async fn an_impersonation_ends_with_its_admin() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    // The admin signs out everywhere from another device: the impersonation ends at once.
    let mut impersonating = impersonating_the_agent(&router).await;
    let mut elsewhere = Browser::new(router.clone());
    elsewhere.sign_in(ADMIN, PASSWORD).await;
    let csrf = csrf_of(&elsewhere.get("/profile").await.body);
    elsewhere
        .post_form("/profile", &[("csrf", &csrf), ("action", "logout_all")])
        .await;
    assert_eq!(
        impersonating.get("/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let refresh = impersonating
        .get("/api/v1/auth/refresh?next=%2Fprofile")
        .await;
    assert!(
        refresh.header("location").starts_with("/login"),
        "{refresh:?}"
    );

    // The admin is deactivated (or loses the role): the impersonation's refresh is refused.
    let mut impersonating = impersonating_the_agent(&router).await;
    let (admin, _) = skazka_accounts::store::for_sign_in(app.state.db(), ADMIN)
        .await
        .unwrap()
        .unwrap();
    skazka_accounts::store::set_active(app.state.db(), admin.id, false)
        .await
        .unwrap();
    let refresh = impersonating
        .get("/api/v1/auth/refresh?next=%2Fprofile")
        .await;
    assert!(
        refresh.header("location").starts_with("/login"),
        "{refresh:?}"
    );
    // The family itself ended, not only this answer.
    let open: i64 = app
        .state
        .db()
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT count(*) FROM sessions WHERE impersonator_id = $1 AND revoked_at IS NULL",
            &[&admin.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(open, 0);
}

async fn refresh_json(router: &axum::Router, token: &str) -> Reply {
    post_json(
        router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": token}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_refreshing_at_once_share_the_successor_but_later_reuse_ends_the_session() {
    let app = demo_app(&[("SESSION_REFRESH_GRACE_SECS", "2")]).await;
    let router = skazka_auth::router(app.state.clone());
    let issued = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD}),
    )
    .await
    .json();
    let first = issued["refresh_token"].as_str().unwrap().to_owned();
    // Two tabs present the same token at the same moment: both get the same successor.
    let (a, b) = tokio::join!(refresh_json(&router, &first), refresh_json(&router, &first));
    assert_eq!(
        (a.status, b.status),
        (StatusCode::OK, StatusCode::OK),
        "{} {}",
        a.body,
        b.body
    );
    let successor = a.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(b.json()["refresh_token"], successor.as_str());
    assert_ne!(successor, first);
    // A third presentation a moment later (a slow tab) still gets it.
    let slow = refresh_json(&router, &first).await;
    assert_eq!(slow.json()["refresh_token"], successor.as_str());
    // The successor works, once, as any refresh token.
    let next = refresh_json(&router, &successor).await;
    assert_eq!(next.status, StatusCode::OK);
    let latest = next.json()["refresh_token"].as_str().unwrap().to_owned();
    let access = next.json()["access_token"].as_str().unwrap().to_owned();

    // Once the successor is spent, the first token is a copy even inside the grace period.
    let copy = refresh_json(&router, &first).await;
    assert_eq!(copy.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get_bearer(&router, "/profile", &access).await.status,
        StatusCode::UNAUTHORIZED,
        "the family ended"
    );
    assert_eq!(
        refresh_json(&router, &latest).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Past the grace period, a spent token is reuse: the family ends.
    let issued = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD}),
    )
    .await
    .json();
    let token = issued["refresh_token"].as_str().unwrap().to_owned();
    let rotated = refresh_json(&router, &token).await;
    let successor = rotated.json()["refresh_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_eq!(
        refresh_json(&router, &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh_json(&router, &successor).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// A wrong-password JSON sign-in naming its viewer, with `secret` as the origin header.
async fn guess_from(
    router: &axum::Router,
    phone: &str,
    viewer: &str,
    secret: Option<&str>,
) -> StatusCode {
    let mut request = axum::http::Request::post("/api/v1/auth/token")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("cloudfront-viewer-address", format!("{viewer}:443"));
    if let Some(secret) = secret {
        request = request.header("x-origin-verify", secret);
    }
    let body = serde_json::json!({"phone": phone, "password": "wrong-guess"}).to_string();
    skazka_testkit::send(router, request.body(axum::body::Body::from(body)).unwrap())
        .await
        .status
}

#[tokio::test]
async fn the_viewer_address_is_trusted_only_from_cloudfront() {
    let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    let router = skazka_auth::router(app.state.clone());
    let wide = skazka_auth::signin::WIDE_LIMIT as usize;
    let phones: Vec<String> = (0..wide + 3).map(|i| format!("+770155500{i:02}")).collect();
    // Going round CloudFront (no origin secret, or a wrong one) with a new "viewer" per request:
    // every request is the one address the API saw, and past the address's bound it is throttled.
    for (wrong_secret, offset) in [(None, 0), (Some("guessed-secret"), 100)] {
        let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
        let router = skazka_auth::router(app.state.clone());
        let statuses: Vec<StatusCode> = futures_serial(&phones, |i, phone| {
            let router = router.clone();
            async move {
                guess_from(
                    &router,
                    &phone,
                    &format!("198.51.100.{}", offset + i),
                    wrong_secret,
                )
                .await
            }
        })
        .await;
        let (checked, throttled) = statuses.split_at(wide);
        assert!(
            checked.iter().all(|s| *s == StatusCode::UNAUTHORIZED)
                && throttled
                    .iter()
                    .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
            "{wrong_secret:?}: {statuses:?}"
        );
    }
    // Through CloudFront (the secret present) each viewer counts on its own.
    let statuses = futures_serial(&phones, |i, phone| {
        let router = router.clone();
        async move {
            guess_from(
                &router,
                &phone,
                &format!("203.0.113.{i}"),
                Some(ORIGIN_SECRET),
            )
            .await
        }
    })
    .await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
}

/// Runs `f` over `items` one after another.
async fn futures_serial<F, Fut>(items: &[String], f: F) -> Vec<StatusCode>
where
    F: Fn(usize, String) -> Fut,
    Fut: std::future::Future<Output = StatusCode>,
{
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        out.push(f(i, item.clone()).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn strangers_cannot_lock_the_owner_out() {
    let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    let router = skazka_auth::router(app.state.clone());
    // The owner's phone app is signed in before the attack.
    let owner = token_from(&router, AGENT, PASSWORD, "203.0.113.1")
        .await
        .json();
    let owner_access = owner["access_token"].as_str().unwrap().to_owned();
    let owner_refresh = owner["refresh_token"].as_str().unwrap().to_owned();

    // Five guesses from one address close that address to the phone, not the owner's.
    for _ in 0..5 {
        token_from(&router, AGENT, "guess", "198.51.100.1").await;
    }
    assert_eq!(
        token_from(&router, AGENT, PASSWORD, "198.51.100.1")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        token_from(&router, AGENT, PASSWORD, "203.0.113.2")
            .await
            .status,
        StatusCode::OK
    );

    // Guesses from many addresses: past LIMIT each waits longer, and the wide bound closes the
    // phone to new devices…
    assert_eq!(skazka_auth::signin::delay(5), std::time::Duration::ZERO);
    assert!(skazka_auth::signin::delay(7) > skazka_auth::signin::delay(6));
    let attack = (0..skazka_auth::signin::WIDE_LIMIT + 2).map(|i| {
        let router = router.clone();
        tokio::spawn(async move {
            token_from(&router, AGENT, "guess", &format!("198.51.100.{}", 10 + i)).await
        })
    });
    for guess in attack {
        guess.await.unwrap();
    }
    assert_eq!(
        token_from(&router, AGENT, PASSWORD, "203.0.113.3")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …but not to the owner's signed-in device: its session lets it sign in again,
    let again = skazka_testkit::send(
        &router,
        axum::http::Request::post("/api/v1/auth/token")
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("authorization", format!("Bearer {owner_access}"))
            .header("cloudfront-viewer-address", "203.0.113.4:443")
            .header("x-origin-verify", ORIGIN_SECRET)
            .body(axum::body::Body::from(
                serde_json::json!({"phone": AGENT, "password": PASSWORD}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    // and its refresh token never goes through the throttle.
    assert_eq!(
        refresh_json(&router, &owner_refresh).await.status,
        StatusCode::OK
    );
}
