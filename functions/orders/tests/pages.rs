//! The orders pages end to end against the simulator: a signed-in person (a real session token),
//! the router in the shared shell, the 1C client, the cache. Expectations are computed from the
//! simulator's own tables, not through the portal's client.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{Days, NaiveDate, NaiveDateTime};
use onec_client::Guid;
use onec_client::model::OrderDate;
use onec_sim::db::{Db, col, tcol};
use onec_sim::schema as s;
use onec_sim::{Change, FaultMode, Faults, NewLine, demo};
use rust_decimal::Decimal;
use serde_json::Value;
use skazka_cache::Entry;
use skazka_orders::service::list_key;
use skazka_orders::viewer::Viewer;
use skazka_session::{Identity, Role};
use skazka_testkit::{Reply, TestApp, send};
use uuid::Uuid;

const JSON: &str = "application/json";

fn guid(u: Uuid) -> Guid {
    Guid::parse(&u.to_string()).unwrap()
}

fn person(role: Role, onec_ref: Option<Uuid>, partners: &[Uuid]) -> Identity {
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

fn agent() -> Identity {
    person(Role::Agent, Some(demo::DEMO_AGENT), &[])
}

fn client() -> Identity {
    person(Role::Client, None, &[demo::DEMO_CLIENT_PARTNER])
}

async fn get_as(app: &TestApp, who: &Identity, path: &str, accept: Option<&str>) -> Reply {
    let token = app.state.sessions().issue(who).unwrap().token;
    let mut request =
        axum::http::Request::get(path).header("authorization", format!("Bearer {token}"));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let router = skazka_orders::router(app.state.clone());
    send(&router, request.body(axum::body::Body::empty()).unwrap()).await
}

async fn json_as(app: &TestApp, who: &Identity, path: &str) -> Value {
    let reply = get_as(app, who, path, Some(JSON)).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// The number of 1C calls a response's `Server-Timing` reports.
fn onec_calls(reply: &Reply) -> u32 {
    let timing = reply.header("server-timing");
    let desc = timing
        .split("desc=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no onec entry: {timing}"));
    desc.split(' ').next().unwrap().parse().unwrap()
}

/// An order as the simulator stores it.
#[derive(Debug, Clone)]
struct SimOrder {
    id: Uuid,
    agent: Option<Uuid>,
    partner: Option<Uuid>,
    date: NaiveDateTime,
    shipment: Option<NaiveDateTime>,
    status: String,
    deleted: bool,
    total: Decimal,
    /// (amount, cancelled) per line.
    lines: Vec<(Decimal, bool)>,
}

fn sim_orders(db: &Db) -> Vec<SimOrder> {
    let t = db.table(s::ORDERS);
    let c = |f| col(s::ORDERS, f);
    let (sum, cancelled) = (
        tcol(s::ORDERS, "Товары", "Сумма"),
        tcol(s::ORDERS, "Товары", "Отменено"),
    );
    t.rows
        .iter()
        .map(|r| SimOrder {
            id: r[0].as_guid().unwrap(),
            agent: r[c("Менеджер")].as_guid(),
            partner: r[c("Партнер")].as_guid(),
            date: r[c("Date")].as_date().unwrap(),
            shipment: r[c("ДатаОтгрузки")].as_date(),
            status: r[c("Статус")].as_str().unwrap_or("").to_owned(),
            deleted: r[c("DeletionMark")].as_bool(),
            total: r[c("СуммаДокумента")].as_num(),
            lines: r[c("Товары")]
                .as_table()
                .iter()
                .map(|l| (l[sum].as_num(), l[cancelled].as_bool()))
                .collect(),
        })
        .collect()
}

fn in_range(t: Option<NaiveDateTime>, from: NaiveDate, to: NaiveDate) -> bool {
    t.is_some_and(|t| t.date() >= from && t.date() <= to)
}

/// §5.2, restated independently: the deletion mark cancels; the three open statuses are
/// "created"; the rest is "completed" unless every line is cancelled.
fn expected_status(o: &SimOrder) -> &'static str {
    if o.deleted {
        "cancelled"
    } else if ["НеСогласован", "КОбеспечению", "КОтгрузке"].contains(&o.status.as_str())
    {
        "created"
    } else if !o.lines.is_empty() && o.lines.iter().all(|(_, c)| *c) {
        "cancelled"
    } else {
        "completed"
    }
}

fn listed(list: &Value) -> Vec<Value> {
    list["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["orders"].as_array().unwrap().clone())
        .collect()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal text: {v}"))
        .parse()
        .unwrap()
}

fn ids(list: &Value) -> BTreeSet<String> {
    listed(list)
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn agent_lists_match_the_simulator_for_both_date_kinds() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(6);
    let orders = sim.read(sim_orders);
    for (path, on_shipment) in [("/orders", false), ("/orders/by-shipment", true)] {
        let list = json_as(&app, &agent(), &format!("{path}?from={from}&to={to}")).await;
        let expected: Vec<&SimOrder> = orders
            .iter()
            .filter(|o| o.agent == Some(demo::DEMO_AGENT))
            .filter(|o| {
                in_range(
                    if on_shipment {
                        o.shipment
                    } else {
                        Some(o.date)
                    },
                    from,
                    to,
                )
            })
            .collect();
        assert!(
            expected.len() > 5,
            "{path}: the demo agent has orders that week"
        );
        let want: BTreeSet<String> = expected.iter().map(|o| o.id.to_string()).collect();
        assert_eq!(ids(&list), want, "{path}");
        assert_eq!(list["count"], expected.len());
        let total: Decimal = expected
            .iter()
            .filter(|o| expected_status(o) != "cancelled")
            .map(|o| o.total)
            .sum();
        assert_eq!(dec(&list["total"]), total, "{path}");
        // Grouped by the list's date, days in order, each day's sums adding up.
        let mut previous = None;
        let mut sum = Decimal::ZERO;
        for day in list["days"].as_array().unwrap() {
            let date: NaiveDate = day["date"].as_str().unwrap().parse().unwrap();
            assert!(previous < Some(date));
            previous = Some(date);
            sum += dec(&day["total"]);
            for o in day["orders"].as_array().unwrap() {
                let sim = expected
                    .iter()
                    .find(|e| e.id.to_string() == o["id"])
                    .unwrap();
                let on = if on_shipment {
                    sim.shipment.unwrap()
                } else {
                    sim.date
                };
                assert_eq!(on.date(), date);
                assert!(o["comment"].is_string(), "agents see comments");
            }
        }
        assert_eq!(sum, total);
        assert!(list["stale"].is_null());

        let page = get_as(&app, &agent(), &format!("{path}?from={from}&to={to}"), None).await;
        assert_eq!(page.status, 200);
        assert!(page.header("content-type").starts_with("text/html"));
        assert!(page.body.contains("Что значат статусы"), "legend");
        assert!(page.body.contains("Эта неделя"), "presets");
        assert_eq!(
            page.body.contains(">Завтра<"),
            on_shipment,
            "tomorrow only for shipments"
        );
    }
    // Today by default, in the base's zone.
    let today = json_as(&app, &agent(), "/orders").await;
    assert_eq!(today["from"], to.to_string());
    assert_eq!(today["to"], to.to_string());
}

#[tokio::test]
async fn search_and_sort_within_the_range() {
    let app = skazka_testkit::app().await;
    let to = app.sim.sim().as_of();
    let from = to - Days::new(13);
    let all = json_as(
        &app,
        &agent(),
        &format!("/orders?from={from}&to={to}&sort=-amount"),
    )
    .await;
    for day in all["days"].as_array().unwrap() {
        let amounts: Vec<Decimal> = day["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| dec(&o["total"]))
            .collect();
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    }
    let first = &listed(&all)[0];
    let client = first["client"].as_str().unwrap();
    let word: String = client.chars().take(6).collect();
    let found = json_as(
        &app,
        &agent(),
        &format!(
            "/orders?from={from}&to={to}&q={}",
            enc(&word.to_lowercase())
        ),
    )
    .await;
    assert!(found["count"].as_u64().unwrap() >= 1);
    assert!(listed(&found).iter().all(|o| {
        o["client"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains(&word.to_lowercase())
    }));
    let number = first["number"].as_str().unwrap();
    let by_number = json_as(
        &app,
        &agent(),
        &format!("/orders?from={from}&to={to}&q={}", enc(number)),
    )
    .await;
    assert!(ids(&by_number).contains(first["id"].as_str().unwrap()));
    let bad = get_as(&app, &agent(), "/orders?from=07.05.2024", Some(JSON)).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn status_mapping_for_every_1c_status_and_the_deletion_mark() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(90);
    // One fresh order in each of 1C's statuses (the demo's history has them by chance).
    for status in ["НеСогласован", "КОбеспечению", "КОтгрузке", "Закрыт"]
    {
        sim.apply(Change::PostOrder {
            agent: demo::DEMO_AGENT,
            partner: demo::DEMO_CLIENT_PARTNER,
            lines: vec![NewLine {
                product: demo::DEMO_PRODUCT,
                quantity: Decimal::ONE,
                price: None,
            }],
            status: Some(status.to_owned()),
            shipment_date: None,
        })
        .unwrap();
    }
    let orders = sim.read(sim_orders);
    let by_id: HashMap<String, &SimOrder> = orders.iter().map(|o| (o.id.to_string(), o)).collect();
    let list = json_as(&app, &agent(), &format!("/orders?from={from}&to={to}")).await;
    let mut seen = BTreeSet::new();
    for o in listed(&list) {
        let sim = by_id[o["id"].as_str().unwrap()];
        assert_eq!(o["status"]["status"], expected_status(sim), "{o}");
        assert_eq!(o["status"]["deleted"], sim.deleted);
        let onec = match sim.status.as_str() {
            "НеСогласован" => "Не согласован",
            "КОбеспечению" => "К обеспечению",
            "КОтгрузке" => "К отгрузке",
            "Закрыт" => "Закрыт",
            other => other,
        };
        assert_eq!(o["status"]["onec_status"], onec);
        let all_cancelled = sim.lines.iter().all(|(_, c)| *c);
        seen.insert(format!(
            "{}{}{}",
            sim.status,
            if sim.deleted { "+deleted" } else { "" },
            if all_cancelled && !sim.deleted && sim.status == "Закрыт" {
                "+all-lines-cancelled"
            } else {
                ""
            }
        ));
    }
    for want in [
        "НеСогласован",
        "КОбеспечению",
        "КОтгрузке",
        "Закрыт",
        "Закрыт+all-lines-cancelled",
    ] {
        assert!(seen.contains(want), "{want} not covered: {seen:?}");
    }
    assert!(
        seen.iter().any(|s| s.ends_with("+deleted")),
        "deletion mark not covered: {seen:?}"
    );
    // Each badge is explained by the legend.
    let page = get_as(
        &app,
        &agent(),
        &format!("/orders?from={from}&to={to}"),
        None,
    )
    .await;
    for label in ["Создан", "Выполнен", "Отменён"] {
        assert!(page.body.contains(label), "{label}");
    }
}

/// An agent's order with a cancelled line and a sale, from the simulator.
fn order_with_cancelled_line_and_sale(db: &Db) -> Uuid {
    let sales = db.table(s::SALES);
    let order_col = col(s::SALES, "ЗаказКлиента");
    let made_from: BTreeSet<Uuid> = sales
        .rows
        .iter()
        .filter_map(|r| r[order_col].as_guid())
        .collect();
    sim_orders(db)
        .into_iter()
        .find(|o| {
            o.agent == Some(demo::DEMO_AGENT)
                && !o.deleted
                && o.lines.iter().any(|(_, c)| *c)
                && o.lines.iter().any(|(_, c)| !*c)
                && made_from.contains(&o.id)
        })
        .expect("the demo has such an order")
        .id
}

#[tokio::test]
async fn order_detail_totals_lines_sales_and_position() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let id = sim.read(order_with_cancelled_line_and_sale);
    let sim_order = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.id == id)
        .unwrap();
    let detail = json_as(&app, &agent(), &format!("/orders/{id}")).await;
    let lines = detail["lines"].as_array().unwrap();
    assert_eq!(lines.len(), sim_order.lines.len());
    let counted: Decimal = lines
        .iter()
        .filter(|l| l["cancelled"] == false)
        .map(|l| dec(&l["amount"]))
        .sum();
    assert_eq!(
        dec(&detail["totals"]["amount"]),
        counted,
        "totals are the non-cancelled lines"
    );
    let sim_counted: Decimal = sim_order
        .lines
        .iter()
        .filter(|(_, c)| !c)
        .map(|(a, _)| *a)
        .sum();
    assert_eq!(counted, sim_counted);
    assert_eq!(
        dec(&detail["order"]["total"]),
        sim_order.total,
        "1C's total agrees"
    );
    assert!(lines.iter().any(|l| l["cancelled"] == true));
    assert!(
        lines
            .iter()
            .all(|l| !l["unit"].as_str().unwrap().is_empty()),
        "units"
    );
    let sales = detail["sales"].as_array().unwrap();
    assert!(!sales.is_empty());
    let link = detail["onec_link"].as_str().unwrap();
    let onec_id = guid(id).to_onec_id();
    assert!(link.starts_with("e1c://server/127.0.0.1:"), "{link}");
    assert!(
        link.ends_with(&format!(
            "/UT#e1cib/data/Документ.ЗаказКлиента?ref={onec_id}"
        )),
        "{link}"
    );
    assert!(detail["taken"].is_object() || detail["taken"].is_null());

    // The sale's page: its debt as the order's page says, a link back to the order.
    let sale_id = sales[0]["id"].as_str().unwrap();
    let sale = json_as(&app, &agent(), &format!("/sales/{sale_id}")).await;
    assert_eq!(dec(&sale["debt"]), dec(&sales[0]["debt"]));
    assert_eq!(sale["paid"], dec(&sale["debt"]).is_zero());
    assert_eq!(sale["order"], id.to_string());
    let sale_counted: Decimal = sale["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| dec(&l["amount"]))
        .sum();
    assert_eq!(dec(&sale["totals"]["amount"]), sale_counted);

    // The pages.
    let page = get_as(&app, &agent(), &format!("/orders/{id}"), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("line-cancelled"));
    assert!(page.body.contains(&format!("/sales/{sale_id}")));
    assert!(page.body.contains("Открыть в 1С"));
    let page = get_as(&app, &agent(), &format!("/sales/{sale_id}"), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("/orders/{id}")));
    assert!(page.body.contains("Оплачена полностью") || page.body.contains("Не оплачена: долг"));

    // Bounded 1C calls: header, then lines, sales and Агент Плюс rows, then the sales' debts.
    let other = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.agent == Some(demo::DEMO_AGENT) && o.id != id && o.lines.len() > 3)
        .unwrap();
    let cold = get_as(&app, &agent(), &format!("/orders/{}", other.id), Some(JSON)).await;
    assert_eq!(cold.status, 200);
    assert!(
        (4..=5).contains(&onec_calls(&cold)),
        "{}",
        cold.header("server-timing")
    );
    let warm = get_as(&app, &agent(), &format!("/orders/{}", other.id), Some(JSON)).await;
    assert_eq!(onec_calls(&warm), 0);
}

#[tokio::test]
async fn orders_taken_with_agent_plus_show_where_and_when() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let rows = sim.read(|db| {
        let t = db.table("InformationRegister_ДополнительныеСведения");
        let obj = col("InformationRegister_ДополнительныеСведения", "Объект");
        t.rows
            .iter()
            .filter_map(|r| r[obj].as_guid())
            .collect::<BTreeSet<Uuid>>()
    });
    let id = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.agent == Some(demo::DEMO_AGENT) && rows.contains(&o.id))
        .expect("an order written by Агент Плюс")
        .id;
    let detail = json_as(&app, &agent(), &format!("/orders/{id}")).await;
    let taken = &detail["taken"];
    assert!(taken["latitude"].as_f64().unwrap() > 40.0, "{taken}");
    assert!(taken["started"].is_string());
    let page = get_as(&app, &agent(), &format!("/orders/{id}"), None).await;
    assert!(page.body.contains("openstreetmap.org"));
    assert!(page.body.contains("Длительность") || taken["duration_seconds"].is_null());
}

#[tokio::test]
async fn clients_see_only_their_partners_orders_without_internal_fields() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(90);
    let orders = sim.read(sim_orders);
    let list = json_as(&app, &client(), &format!("/my/orders?from={from}&to={to}")).await;
    let want: BTreeSet<String> = orders
        .iter()
        .filter(|o| {
            o.partner == Some(demo::DEMO_CLIENT_PARTNER) && in_range(Some(o.date), from, to)
        })
        .map(|o| o.id.to_string())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids(&list), want);
    assert!(list.get("agent").is_none());
    for o in listed(&list) {
        assert!(o.get("comment").is_none(), "no agent notes: {o}");
    }
    let by_shipment = json_as(
        &app,
        &client(),
        &format!("/my/orders/by-shipment?from={from}&to={to}"),
    )
    .await;
    assert!(by_shipment["count"].as_u64().unwrap() > 0);

    let own = want.iter().next().unwrap();
    let detail = json_as(&app, &client(), &format!("/my/orders/{own}")).await;
    for internal in ["taken", "onec_link"] {
        assert!(detail.get(internal).is_none(), "{internal}: {detail}");
    }
    assert!(detail["order"].get("comment").is_none());
    let page = get_as(&app, &client(), &format!("/my/orders/{own}"), None).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Открыть в 1С") && !page.body.contains("Комментарий"));

    // Another client's order, even of the same agent: 404, as page and as problem.
    let other = orders
        .iter()
        .find(|o| o.partner != Some(demo::DEMO_CLIENT_PARTNER))
        .unwrap();
    for path in [format!("/my/orders/{}", other.id), format!("/orders/{own}")] {
        let r = get_as(&app, &client(), &path, None).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("Страница не найдена"));
        let r = get_as(&app, &client(), &path, Some(JSON)).await;
        assert_eq!(
            (r.status.as_u16(), r.header("content-type")),
            (404, "application/problem+json")
        );
    }
    // The client's sale documents open at /sales/{id}; another client's do not.
    let (own_sale, other_sale) = sim.read(|db| {
        let partner = col(s::SALES, "Партнер");
        let rows = &db.table(s::SALES).rows;
        let own = rows
            .iter()
            .find(|r| r[partner].as_guid() == Some(demo::DEMO_CLIENT_PARTNER));
        let other = rows
            .iter()
            .find(|r| r[partner].as_guid() != Some(demo::DEMO_CLIENT_PARTNER));
        (
            own.unwrap()[0].as_guid().unwrap(),
            other.unwrap()[0].as_guid().unwrap(),
        )
    });
    let sale = json_as(&app, &client(), &format!("/sales/{own_sale}")).await;
    assert!(sale.get("comment").is_none() && sale.get("onec_link").is_none());
    let r = get_as(&app, &client(), &format!("/sales/{other_sale}"), Some(JSON)).await;
    assert_eq!(r.status, 404);
    // The agent pages are not the client's.
    assert_eq!(
        get_as(&app, &client(), "/orders", Some(JSON)).await.status,
        403
    );
    // Nor are the client pages an agent's.
    assert_eq!(
        get_as(&app, &agent(), "/my/orders", Some(JSON))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn supervisors_pick_agents_of_their_team_only() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let other = sim.demo().other_agents[0];
    // The team is looked up per request: the synced demo supervisor, narrowed to the demo agent.
    skazka_local::demo_accounts(&app.state)
        .await
        .expect("demo accounts");
    skazka_accounts::store::set_team(
        app.state.db(),
        demo::DEMO_SUPERVISOR,
        Some(&[demo::DEMO_AGENT]),
    )
    .await
    .expect("team");
    let supervisor = Identity {
        user_id: demo::DEMO_SUPERVISOR,
        ..person(Role::Supervisor, Some(demo::DEMO_SUPERVISOR), &[])
    };
    let to = sim.as_of();
    let from = to - Days::new(3);

    let page = get_as(&app, &supervisor, "/orders", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Выберите агента"), "{}", page.body);
    assert!(page.body.contains(&demo::DEMO_AGENT.to_string()));

    let mine = json_as(
        &app,
        &supervisor,
        &format!("/orders?agent={}&from={from}&to={to}", demo::DEMO_AGENT),
    )
    .await;
    let as_agent = json_as(&app, &agent(), &format!("/orders?from={from}&to={to}")).await;
    assert_eq!(mine["agent"], demo::DEMO_AGENT.to_string());
    assert_eq!(ids(&mine), ids(&as_agent));
    let html = get_as(
        &app,
        &supervisor,
        &format!("/orders?agent={}&from={from}&to={to}", demo::DEMO_AGENT),
        None,
    )
    .await;
    assert!(
        html.body.contains(&format!("agent={}", demo::DEMO_AGENT)),
        "links keep the pick"
    );
    let order = listed(&mine)[0]["id"].as_str().unwrap().to_owned();
    let detail = get_as(
        &app,
        &supervisor,
        &format!("/orders/{order}?agent={}", demo::DEMO_AGENT),
        Some(JSON),
    )
    .await;
    assert_eq!(detail.status, 200);

    // Outside the team: refused, on every page.
    for path in [
        format!("/orders?agent={other}"),
        format!("/orders/by-shipment?agent={other}"),
        format!("/orders/{order}?agent={other}"),
    ] {
        assert_eq!(
            get_as(&app, &supervisor, &path, Some(JSON)).await.status,
            403,
            "{path}"
        );
    }
    // A team agent cannot be used to reach another agent's order.
    let others_order = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.agent == Some(other))
        .unwrap()
        .id;
    let r = get_as(
        &app,
        &supervisor,
        &format!("/orders/{others_order}?agent={}", demo::DEMO_AGENT),
        Some(JSON),
    )
    .await;
    assert_eq!(r.status, 404);

    // An admin picks any agent.
    let admin = person(Role::Admin, Some(demo::DEMO_ADMIN), &[]);
    let theirs = json_as(
        &app,
        &admin,
        &format!("/orders?agent={other}&from={from}&to={to}"),
    )
    .await;
    assert_eq!(theirs["agent"], other.to_string());
    let detail = get_as(
        &app,
        &admin,
        &format!("/orders/{others_order}?agent={other}"),
        Some(JSON),
    )
    .await;
    assert_eq!(detail.status, 200);
}

#[tokio::test]
async fn another_agents_documents_and_malformed_guids_are_404() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let other = sim.demo().other_agents[0];
    let theirs = sim
        .read(sim_orders)
        .into_iter()
        .find(|o| o.agent == Some(other))
        .unwrap()
        .id;
    let their_sale = sim.read(|db| {
        let t = db.table(s::SALES);
        let m = col(s::SALES, "Менеджер");
        t.rows
            .iter()
            .find(|r| r[m].as_guid() == Some(other))
            .unwrap()[0]
            .as_guid()
            .unwrap()
    });
    for path in [format!("/orders/{theirs}"), format!("/sales/{their_sale}")] {
        let r = get_as(&app, &agent(), &path, None).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("Страница не найдена"));
    }
    for bad in [
        "by-date",
        "6d0c2b1a0c2f11ef8a52000c29dddd38",
        "x'%20or%20'1'='1",
        "6d0c2b1a-0c2f-11ef-8a52-000c29dddd3",
    ] {
        for base in ["/orders/", "/sales/", "/my/orders/"] {
            let r = get_as(&app, &agent(), &format!("{base}{bad}"), None).await;
            assert_eq!(r.status, 404, "{base}{bad}");
            assert!(r.body.contains("Страница не найдена"));
            assert_eq!(onec_calls(&r), 0, "no 1C call for a malformed id");
        }
    }
}

/// Puts a list's cached value back in time, as if it were fetched `age` ago.
async fn age_list(app: &TestApp, viewer: &Viewer, date: OrderDate, day: NaiveDate, age: Duration) {
    let key = list_key(viewer, date, day, day);
    let backend = app.state.cache().backend();
    let entry = backend.get(&key).await.unwrap().expect("cached");
    let older = Entry {
        stored_at_ms: entry.stored_at_ms - age.as_millis() as u64,
        value: entry.value,
    };
    backend
        .put(&key, &older, Duration::from_secs(3600))
        .await
        .unwrap();
}

#[tokio::test]
async fn kept_data_with_a_banner_when_1c_is_down_and_503_without() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let day = sim.as_of();
    let path = format!("/orders?from={day}&to={day}");
    let fresh = json_as(&app, &agent(), &path).await;
    let viewer = Viewer::Agent {
        agent: guid(demo::DEMO_AGENT),
    };
    age_list(
        &app,
        &viewer,
        OrderDate::Taken,
        day,
        Duration::from_secs(600),
    )
    .await;

    for mode in [FaultMode::Maintenance, FaultMode::Html] {
        sim.set_faults(Faults {
            mode: Some(mode),
            ..Faults::default()
        });
        let kept = json_as(&app, &agent(), &path).await;
        assert_eq!(ids(&kept), ids(&fresh), "{mode:?}");
        let age = kept["stale"]["age_seconds"].as_u64().unwrap();
        assert!((600..700).contains(&age), "{age}");
        let page = get_as(&app, &agent(), &path, None).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("1С сейчас недоступна. Показаны данные на"),
            "{}",
            page.body
        );
        assert!(page.body.contains("10 минут назад"), "banner says how old");

        // Nothing kept for another day: a friendly 503, never 1C's own text.
        let other = day - Days::new(40);
        let r = get_as(
            &app,
            &agent(),
            &format!("/orders?from={other}&to={other}"),
            None,
        )
        .await;
        assert_eq!(r.status, 503, "{mode:?}");
        assert!(r.body.contains("Учётная система сейчас недоступна"));
        assert!(
            !r.body.contains("odata") && !r.body.contains("Технологический"),
            "{}",
            r.body
        );
        let r = get_as(
            &app,
            &agent(),
            &format!("/orders?from={other}&to={other}"),
            Some(JSON),
        )
        .await;
        assert_eq!(r.status, 503);
        assert_eq!(r.header("content-type"), "application/problem+json");
    }
    sim.reset_faults();
    let again = json_as(&app, &agent(), &path).await;
    assert!(again["stale"].is_null(), "fresh again once 1C is back");
}

/// Posts `n` orders of the demo agent shipping on `day`.
fn post_orders(sim: &onec_sim::Simulator, n: usize, day: NaiveDate) {
    for _ in 0..n {
        sim.apply(Change::PostOrder {
            agent: demo::DEMO_AGENT,
            partner: demo::DEMO_CLIENT_PARTNER,
            lines: vec![NewLine {
                product: demo::DEMO_PRODUCT,
                quantity: Decimal::from(2),
                price: Some(Decimal::from(1500)),
            }],
            status: None,
            shipment_date: Some(day),
        })
        .unwrap();
    }
}

#[tokio::test]
async fn list_calls_to_1c_do_not_grow_with_the_rows() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let few_day = sim.as_of() + Days::new(60);
    let many_day = sim.as_of() + Days::new(61);
    post_orders(&sim, 5, few_day);
    post_orders(&sim, 500, many_day);
    let mut calls = Vec::new();
    for (day, n) in [(few_day, 5), (many_day, 500)] {
        let path = format!("/orders/by-shipment?from={day}&to={day}");
        let r = get_as(&app, &agent(), &path, Some(JSON)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["count"], n);
        calls.push(onec_calls(&r));
        let html = get_as(&app, &agent(), &path, None).await;
        assert_eq!(onec_calls(&html), 0, "served from the cache");
    }
    assert_eq!(calls[0], calls[1], "5 and 500 orders: {calls:?}");
    assert_eq!(calls[0], 1);
}

#[tokio::test]
async fn concurrent_misses_make_one_1c_call() {
    let app = skazka_testkit::app().await;
    let day = app.sim.sim().as_of() - Days::new(2);
    let before = app.sim.sim().stats().requests;
    let path = format!("/orders?from={day}&to={day}");
    let who = agent();
    let replies =
        futures::future::join_all((0..8).map(|_| get_as(&app, &who, &path, Some(JSON)))).await;
    assert!(replies.iter().all(|r| r.status == 200));
    assert_eq!(app.sim.sim().stats().requests - before, 1);
}

#[tokio::test]
async fn json_answers_are_described_by_the_openapi_document() {
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(6);
    let list = json_as(&app, &agent(), &format!("/orders?from={from}&to={to}")).await;
    assert_eq!(
        skazka_orders::openapi::check(&list, "OrderList"),
        Vec::<String>::new()
    );
    let id = sim.read(order_with_cancelled_line_and_sale);
    let detail = json_as(&app, &agent(), &format!("/orders/{id}")).await;
    assert_eq!(
        skazka_orders::openapi::check(&detail, "OrderDetail"),
        Vec::<String>::new()
    );
    let sale = detail["sales"][0]["id"].as_str().unwrap().to_owned();
    let sale = json_as(&app, &agent(), &format!("/sales/{sale}")).await;
    assert_eq!(
        skazka_orders::openapi::check(&sale, "SaleDetail"),
        Vec::<String>::new()
    );
    let mine = json_as(&app, &client(), &format!("/my/orders?from={from}&to={to}")).await;
    assert_eq!(
        skazka_orders::openapi::check(&mine, "OrderList"),
        Vec::<String>::new()
    );
    let doc = json_as(&app, &agent(), "/orders/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
}
