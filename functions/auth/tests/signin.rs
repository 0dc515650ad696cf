//! Sign-in, sessions and CSRF through the auth function's router, against the simulator and a
//! real Postgres (each test its own database).

mod common;

use std::time::{Duration, Instant};

use common::*;
use skazka_testkit::StatusCode;

#[tokio::test]
async fn each_role_signs_in_and_lands_on_its_home_page() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    for (phone, home, name) in [
        (AGENT, "/orders", "Жумабеков Арман Серикович"),
        (SUPERVISOR, "/orders", "Ахметова Гульнара Маратовна"),
        (CLIENT, "/my/orders", ""),
        (ADMIN, "/admin", "Ким Сергей Викторович"),
    ] {
        let mut browser = Browser::new(router.clone());
        let reply = browser.sign_in(phone, PASSWORD).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{phone}: {}",
            reply.body
        );
        assert_eq!(reply.header("location"), home, "{phone}");
        let cookies: Vec<&str> = reply
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        for name in [
            "__Host-skazka_session=",
            "__Secure-skazka_refresh=",
            "__Host-skazka_refreshable=",
        ] {
            let c = cookies.iter().find(|c| c.starts_with(name)).unwrap();
            assert!(
                c.contains("HttpOnly") && c.contains("Secure") && c.contains("SameSite=Lax"),
                "{c}"
            );
        }
        let profile = browser.get("/profile").await;
        assert_eq!(profile.status, StatusCode::OK, "{phone}");
        assert!(profile.body.contains(name), "{phone}: {}", profile.body);
        assert!(profile.body.contains(phone));
        // The typed phone may be written any way.
        let mut other = Browser::new(router.clone());
        let typed = format!(
            "8 ({}) {}-{}-{}",
            &phone[2..5],
            &phone[5..8],
            &phone[8..10],
            &phone[10..]
        );
        assert_eq!(
            other.sign_in(&typed, PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    }
    // Security headers on every HTML page.
    let login = Browser::new(router.clone()).get("/login").await;
    assert!(
        login
            .header("content-security-policy")
            .contains("script-src 'self'")
    );
    assert!(!login.body.contains("<script"));
    assert!(
        login
            .header("strict-transport-security")
            .starts_with("max-age=")
    );
    assert_eq!(login.header("x-content-type-options"), "nosniff");
    assert_eq!(login.header("x-frame-options"), "DENY");
    assert!(!login.header("referrer-policy").is_empty());
    // The navigation shows each role only what it may open; admin pages refuse the others.
    let mut agent = Browser::new(router.clone());
    agent.sign_in(AGENT, PASSWORD).await;
    let profile = agent.get("/profile").await;
    assert!(!profile.body.contains("href=\"/admin\""));
    assert_eq!(
        agent.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = agent.get_json("/admin/users").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.header("content-type"), "application/problem+json");
    assert!(!refused.body.contains(AGENT));
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let users = admin.get("/admin/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(admin.get("/profile").await.body.contains("href=\"/admin\""));
    // Unauthenticated: HTML goes to /login?next=…, JSON gets 401.
    let mut anonymous = Browser::new(router.clone());
    let page = anonymous.get("/admin/users?role=agent").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.header("location"),
        "/login?next=%2Fadmin%2Fusers%3Frole%3Dagent"
    );
    assert_eq!(
        anonymous.get_json("/profile").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_phone_get_one_answer() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    let started = Instant::now();
    let wrong = browser.sign_in(AGENT, "not-the-password").await;
    let wrong_time = started.elapsed();
    let started = Instant::now();
    let unknown = browser.sign_in("+77779998877", "not-the-password").await;
    let unknown_time = started.elapsed();
    for reply in [&wrong, &unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(
            reply.body.contains("Неверный номер телефона или пароль."),
            "{}",
            reply.body
        );
        assert!(
            reply
                .headers
                .get("set-cookie")
                .is_none_or(|c| !c.to_str().unwrap().contains("skazka_session"))
        );
    }
    eprintln!("wrong password {wrong_time:?}, unknown phone {unknown_time:?}");
    // Both check an Argon2id hash: neither answers in a fraction of the other's time.
    assert!(unknown_time * 3 > wrong_time && wrong_time * 3 > unknown_time);

    let json = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": "+77779998877", "password": "x", "device_id": "d"}),
    )
    .await;
    let json_wrong = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": SUPERVISOR, "password": "x", "device_id": "d"}),
    )
    .await;
    assert_eq!(json.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json.json()["detail"], json_wrong.json()["detail"]);

    let bad = browser.sign_in("12345", PASSWORD).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("+7 и 10 цифр"), "{}", bad.body);
}

#[tokio::test]
async fn five_failures_throttle_the_phone_and_the_address() {
    let app = demo_app(&[("ORIGIN_SECRET", ORIGIN_SECRET)]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    for _ in 0..5 {
        assert_eq!(
            browser.sign_in(AGENT, "wrong-one").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password waits now.
    let throttled = browser.sign_in(AGENT, PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = throttled.header("retry-after").parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(throttled.body.contains("Слишком много неудачных попыток"));
    // The phone app's route shares the counters, with a problem body.
    let json = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD, "device_id": "phone-1"}),
    )
    .await;
    assert_eq!(json.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(json.header("retry-after").parse::<u64>().unwrap() > 0);
    assert_eq!(json.header("content-type"), "application/problem+json");
    // Another phone from the same address (an office behind one address) still signs in: the
    // address alone has a wider bound (see `security.rs`).
    let other = browser.sign_in(SUPERVISOR, PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // From another address (CloudFront names the viewer) that phone may sign in.
    let csrf = csrf_of(&browser.get("/login").await.body);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("phone", SUPERVISOR),
            ("password", PASSWORD),
        ])
        .finish();
    let elsewhere = browser
        .send(
            axum::http::Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cloudfront-viewer-address", "203.0.113.7:50123")
                .header("x-origin-verify", ORIGIN_SECRET),
            axum::body::Body::from(body),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "{}",
        elsewhere.body
    );
}

#[tokio::test]
async fn a_registered_client_waits_for_approval() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut visitor = Browser::new(router.clone());
    let form = visitor.get("/register").await;
    let csrf = csrf_of(&form.body);
    let registered = visitor
        .post_form(
            "/register",
            &[
                ("csrf", &csrf),
                ("phone", "8 702 555 12 34"),
                ("name", "ТОО Ромашка"),
                ("password", "romashka-2026"),
                ("password2", "romashka-2026"),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK);
    assert!(registered.body.contains("Заявка принята"));
    let waiting = visitor.sign_in("+77025551234", "romashka-2026").await;
    assert_eq!(waiting.status, StatusCode::FORBIDDEN);
    assert!(waiting.body.contains("ещё не одобрена"), "{}", waiting.body);
    // A wrong password says nothing about the application.
    let wrong = visitor.sign_in("+77025551234", "romashka-2027").await;
    assert!(!wrong.body.contains("одобрена"));

    // The admin links a partner and approves.
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let list = admin
        .get("/admin/users?q=%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0&role=client")
        .await;
    let marker = "href=\"/admin/users/";
    let table = list.body.find("<tbody>").expect("a table");
    let start = list.body[table..].find(marker).expect("listed") + table + marker.len();
    let id = &list.body[start..start + 36];
    let detail = admin
        .get(&format!("/admin/users/{id}?partner_q=%D0%B0"))
        .await;
    assert!(detail.body.contains("ждёт одобрения"));
    let csrf = csrf_of(&detail.body);
    let partner = onec_sim::demo::DEMO_CLIENT_PARTNER.to_string();
    let linked = admin
        .post_form(
            &format!("/admin/users/{id}"),
            &[
                ("csrf", &csrf),
                ("action", "link"),
                ("partner", &partner),
                ("partner_name", "Демо"),
            ],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER);
    let approved = admin
        .post_form(
            &format!("/admin/users/{id}"),
            &[("csrf", &csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let signed_in = visitor.sign_in("+77025551234", "romashka-2026").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.header("location"), "/my/orders");
    let log = admin.get("/admin/audit").await;
    assert!(log.body.contains("одобрение клиента") && log.body.contains("привязка партнёра"));
}

#[tokio::test]
async fn tokens_expire_refresh_rotates_and_reuse_revokes_the_family() {
    // No grace period: the spent token presented again at once is reuse (the grace period has
    // its own test in `security.rs`).
    let app = demo_app(&[
        ("SESSION_ACCESS_TTL_SECS", "1"),
        ("SESSION_REFRESH_GRACE_SECS", "0"),
    ])
    .await;
    let router = skazka_auth::router(app.state.clone());
    let issued = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD, "device_id": "phone-1"}),
    )
    .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let tokens = issued.json();
    {
        use utoipa::OpenApi;
        let doc = serde_json::to_value(skazka_auth::api::ApiDoc::openapi()).unwrap();
        let problems = skazka_testkit::openapi::check(&doc, "TokenResponse", &tokens);
        assert_eq!(problems, Vec::<String>::new(), "described");
    }
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 1);
    assert_eq!(issued.header("cache-control"), "no-store");
    let access = tokens["access_token"].as_str().unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        get_bearer(&router, "/profile", access).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = get_bearer(&router, "/profile", access).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(expired.header("www-authenticate"), "Bearer");

    let rotated = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let next = rotated.json();
    let next_refresh = next["refresh_token"].as_str().unwrap().to_owned();
    let next_access = next["access_token"].as_str().unwrap().to_owned();
    assert_ne!(next_refresh, refresh);
    assert_eq!(
        get_bearer(&router, "/profile", &next_access).await.status,
        StatusCode::OK
    );

    // The spent token again: refused, and the whole family with it.
    let reused = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get_bearer(&router, "/profile", &next_access).await.status,
        StatusCode::UNAUTHORIZED
    );
    let after = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": next_refresh}),
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // A browser whose access cookie expired goes through the refresh route and comes back.
    let mut browser = Browser::new(router.clone());
    browser.sign_in(SUPERVISOR, PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let bounce = browser.get("/profile").await;
    assert_eq!(bounce.status, StatusCode::SEE_OTHER);
    assert_eq!(
        bounce.header("location"),
        "/api/v1/auth/refresh?next=%2Fprofile"
    );
    let back = browser.get("/api/v1/auth/refresh?next=%2Fprofile").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.header("location"), "/profile?refreshed=1");
    assert_eq!(
        browser.get("/profile?refreshed=1").await.status,
        StatusCode::OK
    );

    // A browser that drops the new access cookie (over 4 KB, or cookies disabled) ends at the
    // sign-in page with a message, never round the refresh again.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(
        browser
            .get("/profile")
            .await
            .header("location")
            .starts_with("/api/v1/auth/refresh")
    );
    let back = browser.get("/api/v1/auth/refresh?next=%2Fprofile").await;
    assert_eq!(back.header("location"), "/profile?refreshed=1");
    browser.jar.remove(skazka_session::ACCESS_COOKIE);
    let lost = browser.get("/profile?refreshed=1").await;
    assert_eq!(lost.status, StatusCode::SEE_OTHER);
    assert_eq!(
        lost.header("location"),
        "/login?next=%2Fprofile&reason=cookie"
    );
    let login = browser.get(lost.header("location")).await;
    assert!(
        login.body.contains("Сессия не сохранилась"),
        "{}",
        login.body
    );

    // Revoke (the phone app's sign-out).
    let pair = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": ADMIN, "password": PASSWORD, "device_id": "phone-2"}),
    )
    .await
    .json();
    let revoked = post_json(
        &router,
        "/api/v1/auth/revoke",
        serde_json::json!({"refresh_token": pair["refresh_token"]}),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let dead = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": pair["refresh_token"]}),
    )
    .await;
    assert_eq!(dead.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idle_sessions_end() {
    let app = demo_app(&[("SESSION_IDLE_TIMEOUT_SECS", "1")]).await;
    let router = skazka_auth::router(app.state.clone());
    let tokens = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": AGENT, "password": PASSWORD, "device_id": "d"}),
    )
    .await
    .json();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let refused = post_json(
        &router,
        "/api/v1/auth/refresh",
        serde_json::json!({"refresh_token": tokens["refresh_token"]}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.json()["detail"].as_str().unwrap().contains("истёк"));
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut browser = Browser::new(router.clone());
    // Sign-in form without its token.
    browser.get("/login").await;
    let refused = browser
        .post_form("/login", &[("phone", AGENT), ("password", PASSWORD)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let forged = browser
        .post_form(
            "/login",
            &[("csrf", "forged"), ("phone", AGENT), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Signed-in forms.
    assert_eq!(
        browser.sign_in(AGENT, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    for (path, fields) in [
        ("/profile", vec![("action", "logout_all")]),
        ("/logout", vec![]),
        (
            "/profile",
            vec![
                ("action", "password"),
                ("csrf", "x"),
                ("current", PASSWORD),
                ("new", "12345678"),
                ("repeat", "12345678"),
            ],
        ),
    ] {
        let reply = browser.post_form(path, &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path} {fields:?}");
    }
    // Still signed in: nothing happened.
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK);
    // Another session's token does not fit either.
    let mut other = Browser::new(router.clone());
    other.sign_in(AGENT, PASSWORD).await;
    let foreign = csrf_of(&other.get("/profile").await.body);
    let reply = browser.post_form("/logout", &[("csrf", &foreign)]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_person_changes_their_password_and_signs_out_everywhere() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut phone_app = Browser::new(router.clone());
    phone_app.sign_in(AGENT, PASSWORD).await;
    let mut browser = Browser::new(router.clone());
    browser.sign_in(AGENT, PASSWORD).await;
    let profile = browser.get("/profile").await;
    let csrf = csrf_of(&profile.body);
    let short = browser
        .post_form(
            "/profile",
            &[
                ("csrf", &csrf),
                ("action", "password"),
                ("current", PASSWORD),
                ("new", "short"),
                ("repeat", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = browser
        .post_form(
            "/profile",
            &[
                ("csrf", &csrf),
                ("action", "password"),
                ("current", PASSWORD),
                ("new", "new-secret-42"),
                ("repeat", "new-secret-42"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        Browser::new(router.clone())
            .sign_in(AGENT, PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        Browser::new(router.clone())
            .sign_in(AGENT, "new-secret-42")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let everywhere = browser
        .post_form("/profile", &[("csrf", &csrf), ("action", "logout_all")])
        .await;
    assert_eq!(everywhere.status, StatusCode::SEE_OTHER);
    assert_eq!(everywhere.header("location"), "/login");
    // The other device's session is gone too (its access token at once, its refresh token too).
    assert_eq!(
        phone_app.get("/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let refresh = phone_app.get("/api/v1/auth/refresh?next=%2Fprofile").await;
    assert!(refresh.header("location").starts_with("/login"));
}
