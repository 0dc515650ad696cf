//! The public catalogue against the simulator: what is shown and what never is, search, the
//! figures beside the simulator's own, refreshes picking up changes, and edge caching.

mod common;

use common::*;
use onec_sim::changes::{Change, NewLine};
use onec_sim::demo;
use rust_decimal::Decimal;

#[tokio::test]
async fn the_listing_shows_every_visible_product_and_nothing_hidden_or_deleted() {
    let (app, _) = refreshed().await;
    let all = sim_products(&app);
    let visible = visible(&app);
    assert!(
        all.iter().any(|p| p.hidden),
        "the demo base hides some products"
    );
    assert!(
        all.iter().any(|p| p.deleted),
        "the demo base marks some for deletion"
    );

    let listing = get_json(&app, "/api/v1/catalogue").await;
    assert_eq!(undescribed("Listing", &listing), Vec::<String>::new());
    assert_eq!(listing["total"], visible.len() as i64);
    assert_eq!(listing["items"].as_array().unwrap().len(), 24);

    let sitemap = get(&app, "/sitemap.xml").await;
    assert_eq!(sitemap.status, 200);
    for p in &all {
        let id = p.id.to_string();
        let page = get(&app, &format!("/catalogue/{id}")).await;
        if p.hidden || p.deleted {
            assert_eq!(page.status, 404, "{} is not shown", p.name);
            assert!(!sitemap.body.contains(&id), "{} not in the sitemap", p.name);
            let found = get_json(&app, &format!("/api/v1/catalogue?q={}", p.code)).await;
            assert_eq!(found["total"], 0, "{} is not found by search", p.name);
        } else {
            assert_eq!(page.status, 308, "{}: its address gets the slug", p.name);
            assert!(sitemap.body.contains(&id), "{} in the sitemap", p.name);
        }
    }
}

#[tokio::test]
async fn a_folder_whose_products_are_all_hidden_is_not_shown() {
    let (app, svc) = refreshed().await;
    let folder = visible(&app)[0]
        .folder
        .expect("demo products are in folders");
    let groups = get(&app, "/catalogue").await.body;
    assert!(groups.contains(&folder.to_string()));
    for p in sim_products(&app)
        .iter()
        .filter(|p| p.folder == Some(folder))
    {
        app.sim
            .sim()
            .apply(Change::HideProduct {
                product: p.id,
                hidden: true,
            })
            .unwrap();
    }
    svc.refresh().await.unwrap();
    assert!(
        !get(&app, "/catalogue")
            .await
            .body
            .contains(&folder.to_string())
    );
    assert!(
        !get(&app, "/sitemap.xml")
            .await
            .body
            .contains(&folder.to_string())
    );
    let listing = get_json(&app, &format!("/api/v1/catalogue?group={folder}")).await;
    assert_eq!(listing["total"], 0);
}

#[tokio::test]
async fn search_finds_parts_of_words_in_any_order_codes_and_yo_as_ye() {
    let (app, svc) = refreshed().await;
    let hits = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let demo_id = demo::DEMO_PRODUCT.to_string();
    // «Сосиски молочные 1 кг»: parts of words, in another order, any case.
    for q in ["молоч%20сосис", "СОСИСКИ", "сос%20мол%201"] {
        let found = get_json(&app, &format!("/api/v1/catalogue?q={q}")).await;
        assert!(hits(&found).contains(&demo_id), "q={q}");
    }
    let code = visible(&app)
        .into_iter()
        .find(|p| p.id == demo::DEMO_PRODUCT)
        .unwrap()
        .code;
    let by_code = get_json(&app, &format!("/api/v1/catalogue?q={code}")).await;
    assert_eq!(hits(&by_code), std::slice::from_ref(&demo_id));

    app.sim
        .sim()
        .apply(Change::RenameProduct {
            product: demo::DEMO_PRODUCT,
            name: "Конфеты «Ёлочка» 200 г".into(),
        })
        .unwrap();
    svc.refresh().await.unwrap();
    for q in ["елочка", "ЁЛОЧ", "ёлочка%20конф"] {
        let found = get_json(&app, &format!("/api/v1/catalogue?q={q}")).await;
        assert!(hits(&found).contains(&demo_id), "q={q}");
    }
    let none = get_json(&app, "/api/v1/catalogue?q=несуществующийтовар").await;
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn a_renamed_product_is_renamed_after_a_refresh_and_its_old_address_redirects() {
    let (app, svc) = refreshed().await;
    let old = get(&app, &format!("/catalogue/{}", demo::DEMO_PRODUCT)).await;
    let old_url = old.header("location").to_owned();
    assert!(old_url.ends_with("-sosiski-molochnye-1-kg"), "{old_url}");
    assert_eq!(get(&app, &old_url).await.status, 200);

    app.sim
        .sim()
        .apply(Change::RenameProduct {
            product: demo::DEMO_PRODUCT,
            name: "Сардельки говяжьи".into(),
        })
        .unwrap();
    svc.refresh().await.unwrap();
    let moved = get(&app, &old_url).await;
    assert_eq!(moved.status, 308);
    let new_url = moved.header("location").to_owned();
    assert!(new_url.ends_with("-sardelki-govyazhi"), "{new_url}");
    let page = get(&app, &new_url).await;
    assert!(page.body.contains("<h1>Сардельки говяжьи</h1>"));
}

#[tokio::test]
async fn price_and_stock_are_the_simulators_and_a_sold_out_product_shows_none_after_a_refresh() {
    let (app, svc) = refreshed().await;
    let product = visible(&app)
        .into_iter()
        .find(|p| free_stock(&app, p.id) >= Decimal::from(50) && main_price(&app, p.id).is_some())
        .expect("a product well in stock");
    let page = get_json(&app, &format!("/api/v1/catalogue/{}", product.id)).await;
    assert_eq!(undescribed("ProductAnswer", &page), Vec::<String>::new());
    assert_eq!(
        dec(&page["price"]["price"]),
        main_price(&app, product.id).unwrap()
    );
    assert_eq!(page["stock"], "in_stock");
    assert!(
        page.get("available").is_none(),
        "the public never sees exact stock"
    );

    // An order that takes the whole free stock (reserved for shipment) sells it out.
    let all = free_stock(&app, product.id);
    app.sim
        .sim()
        .apply(Change::PostOrder {
            agent: demo::DEMO_AGENT,
            partner: demo::DEMO_CLIENT_PARTNER,
            lines: vec![NewLine {
                product: product.id,
                quantity: all,
                price: None,
            }],
            status: Some("КОтгрузке".into()),
            shipment_date: None,
        })
        .unwrap();
    assert_eq!(free_stock(&app, product.id), Decimal::ZERO);
    svc.refresh().await.unwrap();
    let page = get_json(&app, &format!("/api/v1/catalogue/{}", product.id)).await;
    assert_eq!(page["stock"], "out");
    let html = get(&app, &format!("/catalogue/{}", product.id)).await;
    let html = get(&app, html.header("location")).await.body;
    assert!(html.contains("нет в наличии"));

    // A new price shows after the next refresh.
    app.sim
        .sim()
        .apply(Change::SetPrice {
            product: product.id,
            price: Decimal::from(4321),
            price_kind: None,
        })
        .unwrap();
    svc.refresh().await.unwrap();
    let page = get_json(&app, &format!("/api/v1/catalogue/{}", product.id)).await;
    assert_eq!(dec(&page["price"]["price"]), Decimal::from(4321));
}

#[tokio::test]
async fn after_a_refresh_pages_make_no_1c_calls_and_survive_1c_going_down() {
    let (app, _) = refreshed().await;
    let paths = [
        "/catalogue".to_owned(),
        "/catalogue?q=сосиски&in_stock=1".to_owned(),
        format!("/catalogue/{}", demo::DEMO_PRODUCT),
        "/api/v1/catalogue?page=2".to_owned(),
        "/sitemap.xml".to_owned(),
    ];
    // The first product page reads its site settings and picture list from Postgres only.
    let before = onec_requests(&app);
    for path in &paths {
        let reply = get(&app, path).await;
        assert!(
            matches!(reply.status.as_u16(), 200 | 308),
            "{path}: {}",
            reply.status
        );
    }
    assert_eq!(onec_requests(&app), before, "no 1C calls after a refresh");

    app.sim.sim().set_faults(onec_sim::faults::Faults {
        mode: Some(onec_sim::faults::FaultMode::Unavailable),
        ..Default::default()
    });
    for path in &paths {
        let reply = get(&app, path).await;
        assert!(
            matches!(reply.status.as_u16(), 200 | 308),
            "{path} with 1C down: {}",
            reply.status
        );
    }
}

#[tokio::test]
async fn a_product_new_in_1c_is_found_by_its_pages_first_visit() {
    let (app, svc) = refreshed().await;
    // As if the product appeared in 1C after the last copy.
    let db = svc.store.pool().get().await.unwrap();
    db.execute(
        "DELETE FROM catalogue_products WHERE id = $1",
        &[&demo::DEMO_PRODUCT],
    )
    .await
    .unwrap();
    let page = get(&app, &format!("/catalogue/{}", demo::DEMO_PRODUCT)).await;
    assert_eq!(page.status, 308);
    let found = get_json(&app, "/api/v1/catalogue?q=сосиски%20молочные").await;
    assert!(found["total"].as_i64().unwrap() >= 1);
    // An id 1C does not know is "not found", as HTML and as a problem body.
    let unknown = "00000000-0000-0000-0000-000000000001";
    assert_eq!(
        get(&app, &format!("/catalogue/{unknown}")).await.status,
        404
    );
    let problem = skazka_testkit::get(
        &router(&app),
        &format!("/api/v1/catalogue/{unknown}"),
        Some(JSON),
    )
    .await;
    assert_eq!(problem.status, 404);
    assert_eq!(problem.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn bad_parameters_get_a_clear_400() {
    let (app, _) = refreshed().await;
    for query in [
        "page=0",
        "page=x",
        "group=abc",
        "maker=1",
        "sort=price",
        "q=a&q=b",
    ] {
        let html = get(&app, &format!("/catalogue?{query}")).await;
        assert_eq!(html.status, 400, "{query}");
        assert!(html.header("content-type").starts_with("text/html"));
        let problem = skazka_testkit::get(
            &router(&app),
            &format!("/api/v1/catalogue?{query}"),
            Some(JSON),
        )
        .await;
        assert_eq!(problem.status, 400, "{query}");
        assert_eq!(problem.header("content-type"), "application/problem+json");
    }
}

#[tokio::test]
async fn public_answers_are_cached_at_the_edge_with_an_etag_and_no_cookies() {
    let (app, _) = refreshed().await;
    let product = get(&app, &format!("/catalogue/{}", demo::DEMO_PRODUCT)).await;
    let product_url = product.header("location").to_owned();
    let paths = [
        "/".to_owned(),
        "/catalogue".to_owned(),
        product_url.clone(),
        "/api/v1/catalogue".to_owned(),
        "/sitemap.xml".to_owned(),
        "/robots.txt".to_owned(),
    ];
    for path in &paths {
        let anonymous = get(&app, path).await;
        assert_eq!(anonymous.status, 200, "{path}");
        assert_eq!(
            anonymous.header("cache-control"),
            skazka_config::DEFAULT_CACHE_CONTROL,
            "{path}"
        );
        let etag = anonymous.header("etag").to_owned();
        assert!(
            etag.starts_with('"') && etag.len() == 34,
            "{path}: strong ETag {etag}"
        );
        assert!(anonymous.headers.get("set-cookie").is_none(), "{path}");

        // Signed in: the very same document, still public, still without cookies.
        let signed_in = get_as(&app, &employee(), path).await;
        assert_eq!(signed_in.body, anonymous.body, "{path}: nothing personal");
        assert_eq!(signed_in.header("etag"), etag);
        assert_eq!(
            signed_in.header("cache-control"),
            skazka_config::DEFAULT_CACHE_CONTROL
        );
        assert!(signed_in.headers.get("set-cookie").is_none(), "{path}");

        let request = axum::http::Request::get(path.as_str())
            .header("if-none-match", &etag)
            .body(axum::body::Body::empty())
            .unwrap();
        let revalidated = skazka_testkit::send(&router(&app), request).await;
        assert_eq!(revalidated.status, 304, "{path}");
        assert!(revalidated.body.is_empty());
        assert_eq!(revalidated.header("etag"), etag);
    }
    let page = get(&app, &product_url).await.body;
    for tag in [
        "<meta name=\"description\"",
        "<link rel=\"canonical\" href=\"http://localhost:3000/catalogue/",
        "<meta property=\"og:image\"",
        "<title>Сосиски молочные 1 кг — Сказка</title>",
    ] {
        assert!(page.contains(tag), "{tag}");
    }
}
