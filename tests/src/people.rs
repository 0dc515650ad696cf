//! People with real session tokens, and requests as them through a function's router: what every
//! function's tests share. A person is an [`Identity`] as a token carries it; a supervisor's team
//! is looked up per request in the accounts, so [`supervisor_of`] writes it there.

use axum::Router;
use axum::body::Body;
use onec_client::Guid;
use onec_sim::demo;
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_session::{Identity, Role};
use uuid::Uuid;

use crate::{Reply, TestApp, send};

pub const JSON: &str = "application/json";

pub fn guid(u: Uuid) -> Guid {
    Guid::from_uuid(u)
}

/// A person with a fresh account and session id.
pub fn person(role: Role, onec_ref: Option<Uuid>, partners: &[Uuid]) -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        role,
        name: format!("Тест {role}"),
        onec_ref: onec_ref.map(guid),
        partners: partners.iter().copied().map(guid).collect(),
        impersonator: None,
    }
}

/// The demo agent.
pub fn agent() -> Identity {
    person(Role::Agent, Some(demo::DEMO_AGENT), &[])
}

/// The demo client's contact person.
pub fn client() -> Identity {
    person(Role::Client, None, &[demo::DEMO_CLIENT_PARTNER])
}

/// A supervisor without an account, so without a team.
pub fn supervisor() -> Identity {
    person(Role::Supervisor, None, &[])
}

pub fn admin() -> Identity {
    person(Role::Admin, None, &[])
}

/// The demo supervisor, synced from the simulator, with its team set to `team`.
pub async fn supervisor_of(app: &TestApp, team: &[Uuid]) -> Identity {
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    skazka_accounts::store::set_team(app.state.db(), demo::DEMO_SUPERVISOR, Some(team))
        .await
        .expect("team");
    Identity {
        user_id: demo::DEMO_SUPERVISOR,
        ..person(Role::Supervisor, Some(demo::DEMO_SUPERVISOR), &[])
    }
}

/// An access token for `who`, as the sign-in API gives one.
pub fn token(app: &TestApp, who: &Identity) -> String {
    app.state.sessions().issue(who).expect("token").token
}

/// `GET path` from `router` as `who` (bearer token), with `Accept: accept` when given.
pub async fn get_as(
    router: &Router,
    app: &TestApp,
    who: &Identity,
    path: &str,
    accept: Option<&str>,
) -> Reply {
    let mut request = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {}", token(app, who)));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    send(router, request.body(Body::empty()).expect("request")).await
}

/// `GET path` as JSON, which must answer 200.
pub async fn json_as(router: &Router, app: &TestApp, who: &Identity, path: &str) -> Value {
    let reply = get_as(router, app, who, path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// A decimal the JSON answers carry as text.
pub fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal text: {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("decimal text {v}: {e}"))
}
