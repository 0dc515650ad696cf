//! The scheduled refresh against the simulator: what one run saves pages from asking 1C, changes
//! showing after the next run, a failing step, the lock, the log and the Lambda event.

use axum::body::Body;
use axum::http::Request;
use lambda_runtime::{Context, LambdaEvent};
use onec_sim::{Change, FaultMode, Faults, demo};
use rust_decimal::Decimal;
use skazka_prewarm::{Prewarm, Trigger};
use skazka_session::Identity;
use skazka_sync_log::Step;
use skazka_testkit::people::{admin, agent, token};
use skazka_testkit::{Reply, TestApp, send};

/// Every page of the portal, as the local runner serves them.
async fn get_as(app: &TestApp, who: Option<&Identity>, path: &str, accept: &str) -> Reply {
    let mut request = Request::get(path).header("accept", accept);
    if let Some(who) = who {
        let token = token(app, who);
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let router = skazka_local::router(app.state.clone());
    send(&router, request.body(Body::empty()).unwrap()).await
}

fn requests(app: &TestApp) -> u64 {
    app.sim.sim().stats().requests
}

#[tokio::test]
async fn after_one_run_the_catalogue_a_closed_months_report_and_the_companys_debts_ask_1c_nothing()
{
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    let run = prewarm.tick(Trigger::Start).await.unwrap().expect("a run");
    assert_eq!(run.steps.len(), Step::ALL.len());
    for s in &run.steps {
        assert_eq!(s.error, None, "{:?}", s.step);
        assert!(
            s.figures.onec_calls > 0,
            "{:?} counted its 1C calls",
            s.step
        );
    }

    let (agent, admin) = (agent(), admin());
    let product = get_as(
        &app,
        None,
        &format!("/catalogue/{}", demo::DEMO_PRODUCT),
        "text/html",
    )
    .await;
    let product = product.header("location").to_owned();
    let before = requests(&app);
    for (who, path) in [
        (None, "/catalogue".to_owned()),
        (None, product),
        (None, "/api/v1/catalogue?q=сосиски".to_owned()),
        (Some(&agent), "/catalogue/stock".to_owned()),
        (Some(&agent), "/catalogue/prices".to_owned()),
        (
            Some(&agent),
            "/reports/sales/clients?preset=last-month".to_owned(),
        ),
        // The whole company's open debts, by agent, with the agent picker.
        (Some(&admin), "/debts".to_owned()),
    ] {
        let reply = get_as(&app, who, &path, "text/html").await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    }
    assert_eq!(requests(&app), before, "no page asked 1C");
}

#[tokio::test]
async fn a_renamed_product_and_a_new_price_show_after_the_next_run() {
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    prewarm.tick(Trigger::Start).await.unwrap();
    let sim = app.sim.sim();
    sim.apply(Change::RenameProduct {
        product: demo::DEMO_PRODUCT,
        name: "Сосиски сливочные".into(),
    })
    .unwrap();
    sim.apply(Change::SetPrice {
        product: demo::DEMO_PRODUCT,
        price: Decimal::from(2500),
        price_kind: None,
    })
    .unwrap();
    let path = format!("/api/v1/catalogue/{}", demo::DEMO_PRODUCT);
    let before = get_as(&app, None, &path, "application/json").await.json();
    assert_eq!(
        before["name"], "Сосиски молочные 1 кг",
        "not before the run"
    );

    let run = prewarm.tick(Trigger::Schedule).await.unwrap().unwrap();
    let catalogue = run
        .steps
        .iter()
        .find(|s| s.step == Step::Catalogue)
        .unwrap();
    assert_eq!(
        catalogue.figures.rows_changed, 1,
        "only the renamed product"
    );
    let after = get_as(&app, None, &path, "application/json").await.json();
    assert_eq!(after["name"], "Сосиски сливочные");
    assert_eq!(after["price"]["price"], "2500");
}

#[tokio::test]
async fn a_failing_step_keeps_the_previous_data_and_is_reported() {
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    prewarm.tick(Trigger::Start).await.unwrap();
    app.sim.sim().set_faults(Faults {
        mode: Some(FaultMode::Unavailable),
        ..Faults::default()
    });
    let run = prewarm.tick(Trigger::Schedule).await.unwrap().unwrap();
    assert!(run.steps.iter().all(|s| s.error.is_some()), "{run:?}");
    // The previous copy and the cached stock and prices still serve the pages.
    let listing = get_as(&app, None, "/api/v1/catalogue", "application/json").await;
    assert_eq!(listing.status, 200);
    assert!(listing.json()["total"].as_i64().unwrap() > 100);

    let admin = admin();
    let log = get_as(&app, Some(&admin), "/admin/sync", "application/json").await;
    assert_eq!(log.status, 200, "{}", log.body);
    let runs = log.json()["runs"].as_array().unwrap().clone();
    assert_eq!(runs[0]["id"].as_i64(), Some(run.run), "newest first");
    assert!(runs[0]["steps"][0]["error"].as_str().is_some());
    assert!(runs[1]["steps"][0]["error"].is_null());
    let page = get_as(&app, Some(&admin), "/admin/sync", "text/html").await;
    assert!(page.body.contains("Ошибка:"), "the page shows the failure");
}

#[tokio::test]
async fn two_runs_at_once_do_not_both_work() {
    let app = skazka_testkit::app().await;
    let (a, b) = (Prewarm::new(&app.state), Prewarm::new(&app.state));
    let (ra, rb) = tokio::join!(a.tick(Trigger::Start), b.tick(Trigger::Start));
    let ran = [ra.unwrap(), rb.unwrap()]
        .iter()
        .filter(|r| r.is_some())
        .count();
    assert_eq!(ran, 1);
    // The lock is freed afterwards.
    assert!(a.tick(Trigger::Schedule).await.unwrap().is_some());
}

#[tokio::test]
async fn an_admins_run_now_is_taken_by_the_next_requests_run() {
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    assert!(
        prewarm.tick(Trigger::Requests).await.unwrap().is_none(),
        "nothing asked"
    );
    prewarm
        .log()
        .request(Step::StockPrices, None)
        .await
        .unwrap();
    let admin = admin();
    let waiting = get_as(&app, Some(&admin), "/admin/sync", "application/json")
        .await
        .json();
    assert_eq!(waiting["waiting"][0]["step"], "stock_prices");
    let page = get_as(&app, Some(&admin), "/admin/sync", "text/html").await;
    assert_eq!(page.header("refresh"), "3", "the page follows the run");

    let run = prewarm.tick(Trigger::Requests).await.unwrap().unwrap();
    let steps: Vec<Step> = run.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps, [Step::StockPrices]);
    let done = get_as(&app, Some(&admin), "/admin/sync", "application/json")
        .await
        .json();
    assert_eq!(done["waiting"], serde_json::json!([]));
}

#[tokio::test]
async fn the_eventbridge_schedule_event_runs_the_handler_in_process() {
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    let payload: serde_json::Value =
        serde_json::from_str(&skazka_testkit::fixture("eventbridge/scheduled.json")).unwrap();
    let out = skazka_prewarm::handle(&prewarm, LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    assert_eq!(out["ran"], true);
    let steps = out["summary"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["step"] == "catalogue"));
    let requests_only = serde_json::json!({"skazka": "requests"});
    let out = skazka_prewarm::handle(
        &prewarm,
        LambdaEvent::new(requests_only, Context::default()),
    )
    .await
    .unwrap();
    assert_eq!(out["ran"], false, "nothing was asked for");
}

#[tokio::test]
async fn a_user_given_a_site_role_in_1c_signs_in_after_the_next_run() {
    let app = skazka_testkit::app().await;
    let prewarm = Prewarm::new(&app.state);
    prewarm.tick(Trigger::Start).await.unwrap();
    app.sim
        .sim()
        .apply(Change::AddUser {
            name: "Сарсенова Айгерим Нурлановна".into(),
            phone: "+7 (701) 555-12-34".into(),
            role: "agent".into(),
            password: "new-agent-pw".into(),
        })
        .unwrap();
    let sign_in = async || {
        let mut browser =
            skazka_testkit::jar::Browser::new(skazka_local::router(app.state.clone()));
        browser.sign_in("+77015551234", "new-agent-pw").await.status
    };
    assert_eq!(sign_in().await, 401, "not before the run");
    let run = prewarm.tick(Trigger::Schedule).await.unwrap().unwrap();
    let accounts = run.steps.iter().find(|s| s.step == Step::Accounts).unwrap();
    assert_eq!(accounts.figures.rows_changed, 1, "one account created");
    assert_eq!(sign_in().await, 303, "signed in after the run");
}
