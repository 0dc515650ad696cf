//! Every 1C call is traced: a span with the entity set, duration, rows and bytes.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use onec_client::{ClientConfig, OnecClient};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

type Fields = Arc<Mutex<Vec<(String, String)>>>;

/// Collects the fields of `onec.get` spans.
struct Collect(Fields);

struct Visitor<'a>(&'a Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .lock()
            .unwrap()
            .push((field.name().to_owned(), format!("{value:?}")));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0
            .lock()
            .unwrap()
            .push((field.name().to_owned(), value.to_string()));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Collect {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "onec.get" {
            attrs.record(&mut Visitor(&self.0));
        }
    }
    fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
        values.record(&mut Visitor(&self.0));
    }
}

#[tokio::test]
async fn calls_are_traced_with_set_duration_rows_and_bytes() {
    let fields: Fields = Arc::default();
    let subscriber = tracing_subscriber::registry().with(Collect(fields.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let body = r#"{"odata.metadata":"x","value":[{"Ref_Key":"3eac8407-623e-11ec-8f2b-54ee75d06a1b","Description":"Основной склад"}]}"#;
    let app = Router::new().fallback(move || async move {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let c = OnecClient::new(ClientConfig::new(
        format!("http://{addr}/UT/odata/standard.odata/"),
        "p",
        "p",
    ))
    .unwrap();
    assert_eq!(c.warehouses().await.unwrap().len(), 1);

    let got = fields.lock().unwrap().clone();
    let get = |k: &str| got.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("entity_set").as_deref(), Some("Catalog_Склады"));
    assert_eq!(get("rows").as_deref(), Some("1"));
    assert_eq!(get("bytes"), Some(body.len().to_string()));
    assert!(get("duration_ms").is_some());
}
