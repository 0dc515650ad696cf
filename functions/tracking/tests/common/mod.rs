//! What the tracking tests share: people with real session tokens, requests through the
//! function's router, and an app whose pings live in either store.
#![allow(dead_code)]

use skazka_session::Identity;
use skazka_testkit::{Reply, TestApp, send};
use uuid::Uuid;

#[allow(unused_imports)] // each test file uses some
pub use skazka_testkit::people::{
    JSON, admin, agent, client, guid, person, supervisor, supervisor_of, token,
};

/// Where the test's pings live.
#[derive(Clone, Copy, Debug)]
pub enum Store {
    Postgres,
    Dynamo,
}

/// A fresh app with its pings in `store` (DynamoDB: moto at `DYNAMODB_ENDPOINT`, a fresh table).
pub async fn app(store: Store) -> TestApp {
    match store {
        Store::Postgres => skazka_testkit::app().await,
        Store::Dynamo => {
            let endpoint = std::env::var("DYNAMODB_ENDPOINT")
                .expect("DYNAMODB_ENDPOINT is not set: run scripts/test, which starts moto_server");
            let table = format!("skazka-pings-{}", Uuid::new_v4().simple());
            let app = skazka_testkit::app_with(&[
                ("PINGS_TABLE", &table),
                ("DYNAMODB_ENDPOINT", &endpoint),
            ])
            .await;
            let settings = app.state.config().pings.clone().unwrap();
            skazka_pings::DynamoPings::connect(&settings, skazka_pings::DEFAULT_RETENTION)
                .await
                .ensure_table()
                .await
                .unwrap();
            app
        }
    }
}

pub async fn request(app: &TestApp, request: axum::http::Request<axum::body::Body>) -> Reply {
    let router = skazka_tracking::router(app.state.clone());
    send(&router, request).await
}

/// `POST /api/v1/tracking/pings` as `who` (bearer token), with a content type and a body.
pub async fn post_pings(
    app: &TestApp,
    who: Option<&Identity>,
    content_type: &str,
    body: impl Into<axum::body::Body>,
) -> Reply {
    let mut r = axum::http::Request::post("/api/v1/tracking/pings")
        .header("content-type", content_type)
        .header("accept", JSON);
    if let Some(who) = who {
        r = r.header("authorization", format!("Bearer {}", token(app, who)));
    }
    request(app, r.body(body.into()).unwrap()).await
}

pub async fn get_as(app: &TestApp, who: &Identity, path: &str, accept: Option<&str>) -> Reply {
    let mut r = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {}", token(app, who)));
    if let Some(accept) = accept {
        r = r.header("accept", accept);
    }
    request(app, r.body(axum::body::Body::empty()).unwrap()).await
}
