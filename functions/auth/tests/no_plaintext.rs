//! No plain password in Postgres, the logs or any response. A test binary of its own: the log
//! capture is a thread-local subscriber, which other tests running at once in the same process
//! would race with for tracing's callsite cache.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;

async fn sync_now(admin: &mut Browser) -> String {
    let page = admin.get("/admin/sync").await;
    let csrf = csrf_of(&page.body);
    admin
        .post_form("/admin/sync", &[("csrf", &csrf)])
        .await
        .body
}

/// Collects everything logged while a test runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_plain_password_in_postgres_logs_or_responses() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = demo_app(&[]).await;
    let router = skazka_auth::router(app.state.clone());
    let mut seen = Vec::new();
    let mut agent = Browser::new(router.clone());
    agent.sign_in(AGENT, PASSWORD).await;
    agent.sign_in(AGENT, "wrong-password-1").await;
    let profile = agent.get("/profile").await;
    let csrf = csrf_of(&profile.body);
    agent
        .post_form(
            "/profile",
            &[
                ("csrf", &csrf),
                ("action", "password"),
                ("current", PASSWORD),
                ("new", "svoi-parol-2026"),
                ("repeat", "svoi-parol-2026"),
            ],
        )
        .await;
    set_onec_user(
        &app.sim,
        onec_sim::demo::DEMO_ADMIN,
        "admin-v-1c-99",
        Some(onec_sim::demo::ROLE_ADMIN),
    );
    let mut admin = Browser::new(router.clone());
    admin.sign_in(ADMIN, PASSWORD).await;
    sync_now(&mut admin).await;
    admin.sign_in(ADMIN, "admin-v-1c-99").await;
    let tokens = post_json(
        &router,
        "/api/v1/auth/token",
        serde_json::json!({"phone": SUPERVISOR, "password": PASSWORD, "device_id": "d"}),
    )
    .await;
    seen.push(tokens.body.clone());
    seen.extend(agent.seen.iter().cloned());
    seen.extend(admin.seen.iter().cloned());

    let secrets = [
        PASSWORD,
        "wrong-password-1",
        "svoi-parol-2026",
        "admin-v-1c-99",
    ];
    let db = app.state.db().get().await.unwrap();
    let mut dump = String::new();
    for table in [
        "accounts",
        "sessions",
        "refresh_tokens",
        "site_settings",
        "account_syncs",
        "audit_log",
        "account_partners",
    ] {
        for row in db
            .query(&format!("SELECT row_to_json(t)::text FROM {table} t"), &[])
            .await
            .unwrap()
        {
            dump.push_str(&row.get::<_, String>(0));
            dump.push('\n');
        }
    }
    assert!(dump.contains("$argon2id$"), "hashes are stored");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("signed in"), "logs were captured: {logs}");
    for secret in secrets {
        assert!(!dump.contains(secret), "{secret} in Postgres");
        assert!(!logs.contains(secret), "{secret} in the logs");
        for body in &seen {
            assert!(!body.contains(secret), "{secret} in a response: {body}");
        }
    }
}
