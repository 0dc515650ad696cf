//! The HTTP layer against a recording server: the exact request target on the wire for every
//! typed request, Basic auth in UTF-8, session reuse, gzip.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::NaiveDate;
use onec_client::model::{self, OrderDate, Owner, SalesGrouping};
use onec_client::{ClientConfig, Guid, OnecClient, Query};

const ROOT: &str = "/UT/odata/standard.odata/";

#[derive(Clone, Default)]
struct Seen {
    requests: Arc<Mutex<Vec<(String, String, HeaderMap)>>>,
    /// Whether the server hands out a 1C session cookie (on the first request).
    sessions: bool,
}

async fn record(State(seen): State<Seen>, req: Request) -> Response {
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let first = {
        let mut r = seen.requests.lock().unwrap();
        r.push((req.method().to_string(), target, req.headers().clone()));
        r.len() == 1
    };
    // Large enough for the compression layer to gzip it.
    let pad = "x".repeat(4096);
    let body = format!(r#"{{"odata.metadata":"{pad}","value":[]}}"#);
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        body,
    )
        .into_response();
    if first && seen.sessions {
        resp.headers_mut().insert(
            header::SET_COOKIE,
            "ibsession=abc123; Path=/; HttpOnly".parse().unwrap(),
        );
    }
    resp
}

async fn serve() -> (String, Seen) {
    serve_with(true).await
}

async fn serve_with(sessions: bool) -> (String, Seen) {
    let seen = Seen {
        sessions,
        ..Seen::default()
    };
    let app = Router::new()
        .fallback(record)
        .with_state(seen.clone())
        .layer(tower_http::compression::CompressionLayer::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}{ROOT}"), seen)
}

fn g(s: &'static str) -> Guid {
    Guid::from_static(s)
}

#[tokio::test]
async fn every_typed_request_goes_out_exactly_as_built() {
    let (base, seen) = serve().await;
    let c = OnecClient::new(ClientConfig::new(&base, "Администратор", "пароль")).unwrap();
    let (u, s, a) = (
        g("f10f9345-f6f4-11ed-89ec-000c29dddd38"),
        g("5828755a-8819-11ed-89ab-000c29dddd38"),
        g("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b"),
    );
    let (d1, d2) = (
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 4, 30).unwrap(),
    );
    let mut expected: Vec<(&str, Query)> = Vec::new();
    let mut exp = |q: Query| expected.push(("GET", q));

    c.users().await.unwrap();
    exp(model::users_query());
    c.user(u).await.unwrap();
    exp(model::user_query(u));
    c.attribute_defs().await.unwrap();
    exp(model::attribute_defs_query());
    c.property_values().await.unwrap();
    exp(model::property_values_query());
    c.warehouses().await.unwrap();
    exp(model::warehouses_query());
    c.base_units().await.unwrap();
    exp(model::base_units_query());
    c.packages().await.unwrap();
    exp(model::packages_query());
    c.product_packages(s).await.unwrap();
    exp(model::product_packages_query(s));
    c.products().await.unwrap();
    exp(model::products_query());
    c.product_files().await.unwrap();
    exp(model::product_files_query());
    c.product_kinds().await.unwrap();
    exp(model::product_kinds_query());
    c.manufacturers().await.unwrap();
    exp(model::manufacturers_query());
    c.price_kinds().await.unwrap();
    exp(model::price_kinds_query());
    c.file_data(s).await.unwrap();
    exp(model::file_data_query(s));
    c.prices(s).await.unwrap();
    exp(model::prices_query(s));
    c.product_price(s, u).await.unwrap();
    exp(model::product_price_query(s, u));
    c.stock(s).await.unwrap();
    exp(model::stock_query(s));
    c.product_stock(s, u).await.unwrap();
    exp(model::product_stock_query(s, u));
    let agent = Owner::Agent(u);
    let partners = [a];
    let client = Owner::Partners(&partners);
    for (owner, date) in [
        (agent, OrderDate::Taken),
        (agent, OrderDate::Shipment),
        (client, OrderDate::Taken),
    ] {
        c.owned_orders(&owner, date, d1, d2).await.unwrap();
        exp(model::owned_orders_query(&owner, date, d1, d2));
    }
    c.owned_order(s, &agent).await.unwrap();
    exp(model::owned_order_query(s, &agent));
    c.order_lines_with_units(s).await.unwrap();
    exp(model::order_lines_with_units_query(s));
    c.agent_plus_rows(&[s, u]).await.unwrap();
    exp(model::agent_plus_rows_query(&[s, u]));
    c.order_sales(s, &client).await.unwrap();
    exp(model::order_sales_query(s, &client));
    c.owned_sale(s, &client).await.unwrap();
    exp(model::owned_sale_query(s, &client));
    c.sale_lines_with_units(s).await.unwrap();
    exp(model::sale_lines_with_units_query(s));
    c.sales_debts(&[s, u]).await.unwrap();
    exp(model::sales_debts_query(&[s, u]));
    // A client without partners owns nothing: no request goes out.
    let nobody = Owner::Partners(&[]);
    c.owned_orders(&nobody, OrderDate::Taken, d1, d2)
        .await
        .unwrap();
    assert!(c.owned_order(s, &nobody).await.unwrap().is_none());
    for grouping in [
        SalesGrouping::ByClients,
        SalesGrouping::ByGoods,
        SalesGrouping::ByClientsAndGoods,
    ] {
        c.sales_turnovers(u, d1, d2, grouping).await.unwrap();
        exp(model::sales_turnovers_query(u, d1, d2, grouping));
    }
    c.partners().await.unwrap();
    exp(model::partners_query());
    c.agent_partners(u).await.unwrap();
    exp(model::agent_partners_query(u));
    c.partners_by_ids(&[a]).await.unwrap();
    exp(model::partners_by_ids_query(&[a]));
    c.supplier_orders(d1).await.unwrap();
    exp(model::supplier_orders_query(d1));
    c.supplier_order_lines(&[s]).await.unwrap();
    exp(model::supplier_order_lines_query(&[s]));
    c.set_user_string_attribute(u, a, "p").await.unwrap();
    exp(model::user_attributes_query(u));
    expected.push(("PATCH", Query::key(model::names::USERS, u)));

    let requests = seen.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), expected.len());
    for ((method, target, _), (want_method, q)) in requests.iter().zip(&expected) {
        assert_eq!(method, want_method);
        assert_eq!(target, &format!("{ROOT}{}", q.wire()), "{}", q.decoded());
    }

    // Basic auth over UTF-8 bytes, even for a Cyrillic login.
    let token = base64::engine::general_purpose::STANDARD.encode("Администратор:пароль".as_bytes());
    let (_, _, h0) = &requests[0];
    assert_eq!(h0[header::AUTHORIZATION], format!("Basic {token}").as_str());
    assert!(
        h0[header::ACCEPT_ENCODING]
            .to_str()
            .unwrap()
            .contains("gzip")
    );
    // Session: `IBSession: start` until 1C hands out its cookie, then the cookie only.
    assert_eq!(h0["IBSession"], "start");
    let (_, _, h1) = &requests[1];
    assert!(h1.get("IBSession").is_none());
    assert_eq!(h1[header::COOKIE], "ibsession=abc123");
    assert_eq!(c.session_id().as_deref(), Some("abc123"));
}

#[tokio::test]
async fn the_spec_wire_example_reaches_the_server_unchanged() {
    let (base, seen) = serve().await;
    let c = OnecClient::new(ClientConfig::new(&base, "portal", "portal")).unwrap();
    c.stock(g("3eac8407-623e-11ec-8f2b-54ee75d06a1b"))
        .await
        .unwrap();
    let target = seen.requests.lock().unwrap()[0].1.clone();
    // docs/onec.md §1, with the extra reserve columns this client selects.
    assert_eq!(
        target,
        "/UT/odata/standard.odata/AccumulationRegister_%D0%A1%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%BD%D1%8B%D0%B5%D0%9E%D1%81%D1%82%D0%B0%D1%82%D0%BA%D0%B8/Balance(Dimensions='%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0,%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4')?$format=json&$filter=%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4_Key%20eq%20guid%273eac8407-623e-11ec-8f2b-54ee75d06a1b%27&$select=%D0%92%D0%9D%D0%B0%D0%BB%D0%B8%D1%87%D0%B8%D0%B8Balance,%D0%92%D0%A0%D0%B5%D0%B7%D0%B5%D1%80%D0%B2%D0%B5%D0%A1%D0%BE%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4%D0%B0Balance,%D0%92%D0%A0%D0%B5%D0%B7%D0%B5%D1%80%D0%B2%D0%B5%D0%9F%D0%BE%D0%B4%D0%97%D0%B0%D0%BA%D0%B0%D0%B7Balance,%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0_Key"
    );
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = ClientConfig::new(format!("http://{addr}{ROOT}"), "portal", "portal");
    cfg.retry = onec_client::RetryPolicy::none();
    let c = OnecClient::new(cfg).unwrap();
    let e = c.warehouses().await.unwrap_err();
    assert!(
        matches!(e, onec_client::OnecError::Transport(_)) && e.is_retryable(),
        "{e:?}"
    );
}

#[tokio::test]
async fn concurrent_first_calls_open_one_session() {
    let (base, seen) = serve().await;
    let c = OnecClient::new(ClientConfig::new(&base, "portal", "portal")).unwrap();
    // Enough ids for several chunks, fetched four at a time.
    let ids: Vec<Guid> = (1..=200u128)
        .map(|i| Guid::from_uuid(uuid::Uuid::from_u128(i)))
        .collect();
    c.sales_debts(&ids).await.unwrap();
    let requests = seen.requests.lock().unwrap().clone();
    assert!(requests.len() > 4, "{}", requests.len());
    let starts = requests
        .iter()
        .filter(|(_, _, h)| h.get("IBSession").is_some())
        .count();
    assert_eq!(starts, 1);
    assert!(
        requests[1..]
            .iter()
            .all(|(_, _, h)| h[header::COOKIE] == "ibsession=abc123")
    );
}

#[tokio::test]
async fn publications_without_session_reuse_work() {
    let (base, seen) = serve_with(false).await;
    let c = OnecClient::new(ClientConfig::new(&base, "portal", "portal")).unwrap();
    for _ in 0..3 {
        c.warehouses().await.unwrap();
    }
    let requests = seen.requests.lock().unwrap().clone();
    assert_eq!(requests[0].2["IBSession"], "start");
    for (_, _, h) in &requests[1..] {
        assert!(h.get("IBSession").is_none() && h.get(header::COOKIE).is_none());
    }
    assert!(c.session_id().is_none());
}
