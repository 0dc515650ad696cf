//! Fault injection, 1C session reuse and the change API, each on a simulator of its own.

mod common;

use std::time::{Duration, Instant};

use common::{AGENT, get, start};
use onec_sim::{Change, FaultMode, Faults, NewLine};
use rust_decimal::Decimal;

#[tokio::test]
async fn each_fault_looks_like_the_real_thing() {
    let f = start(common::config(1));
    let q = "Catalog_Склады?$format=json";
    let post = |body: &'static str| {
        let url = f.base.replace("/UT/odata/standard.odata/", "/__sim/faults");
        async move {
            reqwest::Client::new()
                .post(url)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(post(r#"{"mode": "maintenance"}"#).await, 200);
    let r = get(&f, q).await;
    assert_eq!(r.status, 403);
    assert!(
        r.text
            .contains("Начало сеанса с информационной базой запрещено")
    );
    f.sim.set_faults(Faults {
        mode: Some(FaultMode::Unavailable),
        ..Faults::default()
    });
    let r = get(&f, q).await;
    assert_eq!(
        (r.status, r.headers["content-type"].to_str().unwrap()),
        (503, "text/html; charset=utf-8")
    );
    f.sim.set_faults(Faults {
        mode: Some(FaultMode::Html),
        ..Faults::default()
    });
    let r = get(&f, q).await;
    assert_eq!(r.status, 200);
    assert!(r.text.starts_with("<!DOCTYPE html>"));
    f.sim.set_faults(Faults {
        mode: Some(FaultMode::Truncated),
        ..Faults::default()
    });
    let r = get(&f, q).await;
    assert_eq!(r.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&r.text).is_err(),
        "cut JSON: {}",
        r.text
    );
    f.sim.set_faults(Faults {
        mode: Some(FaultMode::Stall),
        ..Faults::default()
    });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let started = Instant::now();
    let res = client
        .get(format!("{}{}", f.base, common::wire(q)))
        .basic_auth("portal", Some("portal"))
        .send()
        .await;
    let body = match res {
        Ok(r) => r.text().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(
        body.is_err_and(|e| e.is_timeout()),
        "a stalled body never completes"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    f.sim.set_faults(Faults {
        latency_ms: 300,
        ..Faults::default()
    });
    let started = Instant::now();
    assert_eq!(get(&f, q).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    f.sim.set_faults(Faults {
        error_rate: 0.5,
        ..Faults::default()
    });
    let mut failed = 0;
    for _ in 0..40 {
        if get(&f, q).await.status == 503 {
            failed += 1;
        }
    }
    assert!((5..=35).contains(&failed), "about half fail: {failed}");
    assert_eq!(
        reqwest::Client::new()
            .delete(f.base.replace("/UT/odata/standard.odata/", "/__sim/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(get(&f, q).await.status, 200);
    assert_eq!(post(r#"{"error_rate": 2}"#).await, 422);
}

#[tokio::test]
async fn sessions_are_reused_with_the_ibsession_cookie() {
    let f = start(common::config(1));
    let client = reqwest::Client::new();
    let url = format!("{}Catalog_Склады?$format=json", f.base);
    let first = client
        .get(&url)
        .basic_auth("portal", Some("portal"))
        .header("IBSession", "start")
        .send()
        .await
        .unwrap();
    let cookie = first.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("ibsession="));
    for _ in 0..5 {
        let r = client
            .get(&url)
            .basic_auth("portal", Some("portal"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(
        f.sim.stats().sessions_started,
        1,
        "one session for six calls"
    );
    client
        .get(&url)
        .basic_auth("portal", Some("portal"))
        .send()
        .await
        .unwrap();
    client
        .get(&url)
        .basic_auth("portal", Some("portal"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        f.sim.stats().sessions_started,
        3,
        "without reuse every call is a session"
    );
}

#[tokio::test]
async fn changes_reach_every_register() {
    let f = start(common::config(1));
    let demo = f.sim.demo().clone();
    f.sim
        .apply(Change::RenameProduct {
            product: demo.product,
            name: "Сосиски «Новые»".into(),
        })
        .unwrap();
    let r = get(
        &f,
        &format!(
            "Catalog_Номенклатура(guid'{}')?$format=json&$select=Description",
            demo.product
        ),
    )
    .await;
    assert_eq!(r.json()["Description"], "Сосиски «Новые»");
    f.sim
        .apply(Change::SetPrice {
            product: demo.product,
            price: Decimal::from(9999),
            price_kind: None,
        })
        .unwrap();
    let r = get(&f, &format!("InformationRegister_ЦеныНоменклатуры_RecordType/SliceLast?$format=json&$filter=Номенклатура_Key eq guid'{}' and ВидЦены_Key eq guid'{}'&$select=Цена", demo.product, demo.main_price_kind)).await;
    assert_eq!(r.rows()[0]["Цена"], 9999);
    let order = f
        .sim
        .apply(Change::PostOrder {
            agent: demo.agent,
            partner: demo.client_partner,
            lines: vec![NewLine {
                product: demo.product,
                quantity: Decimal::from(3),
                price: Some(Decimal::from(1000)),
            }],
            status: None,
            shipment_date: None,
        })
        .unwrap();
    let r = get(&f, &format!("Document_ЗаказКлиента?$format=json&$filter=Ref_Key eq guid'{order}'&$select=СуммаДокумента,Статус,Менеджер_Key")).await;
    assert_eq!(r.rows()[0]["СуммаДокумента"], 3000);
    assert_eq!(r.rows()[0]["Менеджер_Key"], AGENT);
    let sale = f.sim.apply(Change::PostSale { order }).unwrap();
    let debt = |f: &common::Fixture| {
        let q = format!(
            "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента eq cast(guid'{sale}', 'Document_РеализацияТоваровУслуг')&$select=ДолгBalance"
        );
        let f = common::Fixture {
            base: f.base.clone(),
            sim: f.sim.clone(),
        };
        async move { get(&f, &q).await.rows() }
    };
    assert_eq!(debt(&f).await[0]["ДолгBalance"], 3000);
    f.sim
        .apply(Change::PostPayment {
            sale,
            amount: Decimal::from(1000),
        })
        .unwrap();
    assert_eq!(debt(&f).await[0]["ДолгBalance"], 2000);
    f.sim
        .apply(Change::PostPayment {
            sale,
            amount: Decimal::from(2000),
        })
        .unwrap();
    assert!(
        debt(&f).await.is_empty(),
        "a paid document leaves the balance"
    );
    let r = get(
        &f,
        &format!(
            "Document_ЗаказКлиента?$format=json&$filter=Ref_Key eq guid'{order}'&$select=Статус"
        ),
    )
    .await;
    assert_eq!(r.rows()[0]["Статус"], "Закрыт");
    // Over HTTP too.
    let url = f
        .base
        .replace("/UT/odata/standard.odata/", "/__sim/changes");
    let r = reqwest::Client::new()
        .post(url)
        .body(format!(
            r#"{{"op": "hide_product", "product": "{}", "hidden": true}}"#,
            demo.product
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
