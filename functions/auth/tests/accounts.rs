//! Accounts from 1C (the sync through the simulator's change API), revocation seen by another
//! function's router (two states sharing Redis, as two Lambdas do), impersonation, site settings,
//! and no plain password anywhere.

mod common;

use axum::Router;
use axum::routing::get;
use common::*;
use onec_sim::demo::{DEMO_AGENT, DEMO_SUPERVISOR, ROLE_MANAGER, ROLE_USER};
use skazka_app::{AppState, PostgresTarget};
use skazka_session::{Scope, Session};
use skazka_testkit::StatusCode;

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

async fn sync_now(admin: &mut Browser) -> String {
    let page = admin.get("/admin/sync").await;
    let csrf = csrf_of(&page.body);
    let reply = admin.post_form("/admin/sync", &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

fn count(body: &str, id: &str) -> usize {
    let marker = format!("id=\"{id}\">");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("{id} in {body}"))
        + marker.len();
    let end = body[start..].find('<').unwrap() + start;
    body[start..end].parse().unwrap()
}

#[tokio::test]
async fn the_sync_creates_updates_and_deactivates_accounts() {
    let app = skazka_testkit::app().await;
    let first = skazka_accounts::demo::ensure(
        app.state.db(),
        app.state.onec_client(),
        app.state.sessions(),
        CLIENT,
        PASSWORD,
        onec_client::Guid::from_uuid(onec_sim::demo::DEMO_CLIENT_PARTNER),
    )
    .await
    .unwrap();
    // small demo: 6 agents, a supervisor, an admin; the invalid, the deletion-marked and the one
    // without a site role get no account.
    assert_eq!(
        (first.created, first.updated, first.deactivated),
        (8, 0, 0),
        "{first:?}"
    );
    let router = skazka_auth::router(app.state.clone());
    let mut admin = Browser::new(router.clone());
    assert_eq!(
        admin.sign_in(ADMIN, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let again = sync_now(&mut admin).await;
    assert_eq!(
        (
            count(&again, "sync-created"),
            count(&again, "sync-updated"),
            count(&again, "sync-deactivated")
        ),
        (0, 0, 0)
    );

    // In 1C: the agent becomes a supervisor and gets a new site password.
    let mut agent = Browser::new(router.clone());
    agent.sign_in(AGENT, PASSWORD).await;
    assert_eq!(agent.get("/profile").await.status, StatusCode::OK);
    set_onec_user(&app.sim, DEMO_AGENT, "novyi-parol-77", Some(ROLE_MANAGER));
    let changed = sync_now(&mut admin).await;
    assert_eq!(
        (
            count(&changed, "sync-created"),
            count(&changed, "sync-updated"),
            count(&changed, "sync-deactivated")
        ),
        (0, 1, 0)
    );
    // Their sessions ended; the old password no longer works, the new one does, with the new role.
    assert_eq!(agent.get("/profile").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        Browser::new(router.clone())
            .sign_in(AGENT, PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let mut again_agent = Browser::new(router.clone());
    let reply = again_agent.sign_in(AGENT, "novyi-parol-77").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        again_agent
            .get("/profile")
            .await
            .body
            .contains("Супервайзер")
    );

    // In 1C: the supervisor is marked invalid.
    set_onec_invalid(&app.sim, DEMO_SUPERVISOR, true);
    let gone = sync_now(&mut admin).await;
    assert_eq!(
        (
            count(&gone, "sync-created"),
            count(&gone, "sync-updated"),
            count(&gone, "sync-deactivated")
        ),
        (0, 0, 1)
    );
    let deactivated = Browser::new(router.clone())
        .sign_in(SUPERVISOR, PASSWORD)
        .await;
    assert_eq!(deactivated.status, StatusCode::FORBIDDEN);
    assert!(deactivated.body.contains("Учётная запись отключена"));
    // History stays: the account is there, deactivated.
    let list = admin.get("/admin/users?role=supervisor").await;
    assert!(
        list.body.contains("Ахметова") && list.body.contains("отключена"),
        "{}",
        list.body
    );

    // Back in 1C: valid again, role back to agent → reactivated and updated.
    set_onec_invalid(&app.sim, DEMO_SUPERVISOR, false);
    set_onec_user(&app.sim, DEMO_AGENT, "novyi-parol-77", Some(ROLE_USER));
    let back = sync_now(&mut admin).await;
    assert_eq!(
        (
            count(&back, "sync-created"),
            count(&back, "sync-updated"),
            count(&back, "sync-deactivated")
        ),
        (0, 2, 0)
    );
    // No site role any more: no access.
    set_onec_user(&app.sim, DEMO_AGENT, "novyi-parol-77", None);
    let no_role = sync_now(&mut admin).await;
    assert_eq!(count(&no_role, "sync-deactivated"), 1);
}

/// A router like another function's: its own state (own verifier from the same keys), the same
/// configuration (Redis and its key prefix included) and Postgres, a page that needs a session.
async fn other_function(app: &skazka_testkit::TestApp) -> Router {
    let config = app.state.config().clone();
    let state = AppState::init(
        config,
        skazka_app::Uses::ALL,
        Some(skazka_testkit::sim_endpoint(&app.sim)),
        Some(PostgresTarget {
            config: app.db.config.clone(),
            origin: "test database",
        }),
    )
    .await
    .unwrap();
    let routes = Router::new().route(
        "/orders",
        get(
            |session: Session, scope: Scope| async move { format!("{} {scope:?}", session.name()) },
        ),
    );
    skazka_app::shell("orders", routes, state)
}

#[tokio::test]
async fn sign_out_is_seen_by_another_functions_router() {
    let redis = redis_url();
    let keys = "k1:0123456789abcdef0123456789abcdef-test";
    let vars = [("REDIS_URL", redis.as_str()), ("SESSION_KEYS", keys)];
    let app = demo_app(&vars).await;
    let auth = skazka_auth::router(app.state.clone());
    let orders = other_function(&app).await;
    let mut browser = Browser::new(auth.clone());
    browser.sign_in(AGENT, PASSWORD).await;
    let cookie = browser
        .jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let ask = |cookie: String| {
        let orders = orders.clone();
        async move {
            skazka_testkit::send(
                &orders,
                axum::http::Request::get("/orders")
                    .header("cookie", cookie)
                    .header("accept", "application/json")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let before = ask(cookie.clone()).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert!(before.body.contains("Agent"), "{}", before.body);
    // Sign out in the auth function; the copied cookie no longer opens the other function.
    let profile = browser.get("/profile").await;
    let csrf = csrf_of(&profile.body);
    let out = browser.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = ask(cookie).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);

    // A supervisor's scope carries the team; another agent than the team's is refused.
    let mut supervisor = Browser::new(auth.clone());
    supervisor.sign_in(SUPERVISOR, PASSWORD).await;
    let cookie = supervisor
        .jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let team = ask(cookie.clone()).await;
    assert!(
        team.body.contains("Supervisor") && team.body.contains(&DEMO_AGENT.to_string()),
        "{}",
        team.body
    );

    // The admin narrows the team to the demo agent: the supervisor's tokens end at once, and the
    // next one carries the new team.
    let mut admin = Browser::new(auth.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let path = format!("/admin/users/{DEMO_SUPERVISOR}");
    let detail = admin.get(&path).await;
    assert!(detail.body.contains("Команда"));
    let csrf = csrf_of(&detail.body);
    let agent = DEMO_AGENT.to_string();
    let saved = admin
        .post_form(
            &path,
            &[("csrf", &csrf), ("action", "team"), ("agent", &agent)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(ask(cookie).await.status, StatusCode::UNAUTHORIZED);
    let mut supervisor = Browser::new(auth.clone());
    supervisor.sign_in(SUPERVISOR, PASSWORD).await;
    let cookie = supervisor
        .jar
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let narrowed = ask(cookie).await;
    assert!(narrowed.body.contains(&agent), "{}", narrowed.body);
    // Exactly the demo agent (the team before may already be that: Redis is shared between runs,
    // and a previous run's narrowed team can still be cached when this one starts).
    assert_eq!(
        narrowed.body.matches("Guid(").count(),
        1,
        "{}",
        narrowed.body
    );
}

#[tokio::test]
async fn impersonation_is_audited_and_shown() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let agent_id = DEMO_AGENT.to_string();
    let detail = admin.get(&format!("/admin/users/{agent_id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let csrf = csrf_of(&detail.body);
    let started = admin
        .post_form(
            &format!("/admin/users/{agent_id}"),
            &[("csrf", &csrf), ("action", "impersonate")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    assert_eq!(started.header("location"), "/orders");
    let profile = admin.get("/profile").await;
    assert!(profile.body.contains("Жумабеков"));
    assert!(
        profile.body.contains("Вы работаете от имени"),
        "{}",
        profile.body
    );
    assert!(profile.body.contains("Ким Сергей Викторович"));
    // As the agent, admin pages are closed.
    assert_eq!(
        admin.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    // Back to the admin's own account.
    let csrf = csrf_of(&profile.body);
    let back = admin.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.header("location"), format!("/admin/users/{agent_id}"));
    let log = admin.get("/admin/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("вход от имени пользователя"));
    assert!(log.body.contains("возврат из режима"));
    assert!(log.body.contains("Ким Сергей Викторович") && log.body.contains("Жумабеков"));
}

#[tokio::test]
async fn site_settings_are_found_by_name_and_validated_when_saved() {
    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    let page = admin.get("/admin/settings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (settings, _) = skazka_accounts::settings::load(app.state.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(settings.warehouse.as_uuid(), onec_sim::demo::MAIN_WAREHOUSE);
    assert_eq!(settings.user.role_supervisor.as_uuid(), ROLE_MANAGER);
    assert_eq!(
        settings.user.site_password.as_uuid(),
        onec_sim::demo::ATTR_SITE_PASSWORD
    );
    let csrf = csrf_of(&page.body);
    let s = &settings;
    let g = |x: onec_client::Guid| x.to_string();
    let mut fields: Vec<(&str, String)> = vec![
        ("csrf", csrf.clone()),
        ("warehouse", g(s.warehouse)),
        ("price_kind", g(s.price_kinds[0])),
        ("user_show_on_site", g(s.user.show_on_site)),
        ("user_site_password", g(s.user.site_password)),
        ("user_site_role", g(s.user.site_role)),
        ("role_agent", g(s.user.role_agent)),
        ("role_supervisor", g(s.user.role_supervisor)),
        ("role_admin", g(s.user.role_admin)),
        ("product_minimum_weight", g(s.products.minimum_weight)),
        ("product_hide_on_site", g(s.products.hide_on_site)),
        ("unit_kilogram", g(s.units.kilogram)),
        ("unit_piece", g(s.units.piece)),
        ("order_latitude", g(s.orders.latitude)),
        ("order_longitude", g(s.orders.longitude)),
        ("order_time_started", g(s.orders.time_started)),
        ("order_time_stopped", g(s.orders.time_stopped)),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = admin.post_form("/admin/settings", &pairs).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("Настройки сохранены"));
    // A GUID 1C does not know is refused with a reason.
    fields[1].1 = "00000000-0000-0000-0000-0000000000aa".to_owned();
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = admin.post_form("/admin/settings", &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Склад не найден в 1С"),
        "{}",
        refused.body
    );
}
