//! The orders pages end to end against the simulator: a signed-in person (a real session token),
//! the router in the shared shell, the 1C client, the cache. Expectations are computed from the
//! simulator's own tables, not through the portal's client.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use onec_sim::db::{Db, col, tcol};
use onec_sim::schema as s;
use onec_sim::{Change, NewLine, demo};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use common::*;

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
    // A query string axum's extractor refuses (a repeated parameter) is a problem body too.
    for accept in [Some(JSON), None] {
        let twice = get_as(&app, &agent(), "/orders?to=x&to=y", accept).await;
        assert_eq!(twice.status, 400, "{}", twice.body);
        let kind = twice.header("content-type");
        match accept {
            Some(_) => assert_eq!(kind, "application/problem+json"),
            None => {
                assert!(kind.starts_with("text/html") && twice.body.contains("Неверный запрос"))
            }
        }
    }
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

/// A sale document as the simulator stores it, with its debt in the settlements register.
#[derive(Debug)]
struct SimSale {
    id: Uuid,
    total: Decimal,
    /// Line amounts (`Сумма`).
    lines: Vec<Decimal>,
    /// Receipts less payments of the register's active records.
    debt: Decimal,
}

/// The demo agent's non-deleted sales made from `order`, by date.
fn sim_sales_of(db: &Db, order: Uuid) -> Vec<SimSale> {
    let c = |f| col(s::SALES, f);
    let amount = tcol(s::SALES, "Товары", "Сумма");
    let mut rows: Vec<_> = db
        .table(s::SALES)
        .rows
        .iter()
        .filter(|r| {
            r[c("ЗаказКлиента")].as_guid() == Some(order)
                && r[c("Менеджер")].as_guid() == Some(demo::DEMO_AGENT)
                && !r[c("DeletionMark")].as_bool()
        })
        .collect();
    rows.sort_by_key(|r| r[c("Date")].as_date());
    rows.into_iter()
        .map(|r| {
            let id = r[0].as_guid().unwrap();
            SimSale {
                id,
                total: r[c("СуммаДокумента")].as_num(),
                lines: r[c("Товары")]
                    .as_table()
                    .iter()
                    .map(|l| l[amount].as_num())
                    .collect(),
                debt: onec_sim::inspect::sale_debt(db, id),
            }
        })
        .collect()
}

fn sim_agent_plus(db: &Db, order: Uuid) -> Option<onec_sim::inspect::Taken> {
    onec_sim::inspect::agent_plus(db, order)
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
    assert_eq!(
        detail["taken"].is_null(),
        sim.read(|db| sim_agent_plus(db, id)).is_none(),
        "where it was taken, exactly when Агент Плюс wrote it: {}",
        detail["taken"]
    );

    // Its sales, their totals and debts as the simulator's documents and settlements register
    // have them.
    let sim_sales = sim.read(|db| sim_sales_of(db, id));
    let shown: BTreeMap<String, (Decimal, Decimal)> = sales
        .iter()
        .map(|s| {
            let id = s["id"].as_str().unwrap().to_owned();
            (id, (dec(&s["total"]), dec(&s["debt"])))
        })
        .collect();
    let want: BTreeMap<String, (Decimal, Decimal)> = sim_sales
        .iter()
        .map(|s| (s.id.to_string(), (s.total, s.debt)))
        .collect();
    assert_eq!(shown, want);

    // The sale's page: its lines, totals and debt from the simulator, a link back to the order.
    let sim_sale = &sim_sales[0];
    let sale_id = sim_sale.id.to_string();
    let sale = json_as(&app, &agent(), &format!("/sales/{sale_id}")).await;
    assert_eq!(dec(&sale["debt"]), sim_sale.debt, "the register's balance");
    assert_eq!(sale["paid"], sim_sale.debt.is_zero());
    assert_eq!(sale["order"], id.to_string());
    assert_eq!(dec(&sale["total"]), sim_sale.total);
    assert_eq!(
        sale["lines"].as_array().unwrap().len(),
        sim_sale.lines.len()
    );
    let sim_amount: Decimal = sim_sale.lines.iter().sum();
    assert_eq!(dec(&sale["totals"]["amount"]), sim_amount);

    // The pages.
    let page = get_as(&app, &agent(), &format!("/orders/{id}"), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("line-cancelled"));
    assert!(page.body.contains(&format!("/sales/{sale_id}")));
    assert!(page.body.contains("Открыть в 1С"));
    let page = get_as(&app, &agent(), &format!("/sales/{sale_id}"), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("/orders/{id}")));
    let verdict = if sim_sale.debt.is_zero() {
        "Оплачена полностью"
    } else {
        "Не оплачена: долг"
    };
    assert!(page.body.contains(verdict), "{verdict}");

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
    let want = sim
        .read(|db| sim_agent_plus(db, id))
        .expect("its four rows");
    let detail = json_as(&app, &agent(), &format!("/orders/{id}")).await;
    let taken = &detail["taken"];
    let (lat, lon) = (
        taken["latitude"].as_f64().unwrap(),
        taken["longitude"].as_f64().unwrap(),
    );
    assert!(
        (lat - want.latitude).abs() < 1e-9,
        "{lat} vs {}",
        want.latitude
    );
    assert!(
        (lon - want.longitude).abs() < 1e-9,
        "{lon} vs {}",
        want.longitude
    );
    let local = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .naive_local()
    };
    assert_eq!(local(&taken["started"]), want.started);
    assert_eq!(local(&taken["finished"]), want.stopped);
    let seconds = (want.stopped - want.started).num_seconds();
    assert!(seconds > 0);
    assert_eq!(taken["duration_seconds"], seconds);
    let page = get_as(&app, &agent(), &format!("/orders/{id}"), None).await;
    assert!(
        page.body.contains(&format!(
            "openstreetmap.org/?mlat={lat:.5}&amp;mlon={lon:.5}"
        )),
        "map link at the position"
    );
    assert!(page.body.contains("Длительность"));
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

#[tokio::test]
async fn json_answers_are_described_by_the_openapi_document() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(skazka_orders::openapi::ApiDoc::openapi()).unwrap();
    let check = |name: &str, value: &serde_json::Value| {
        assert_eq!(
            skazka_testkit::openapi::check(&doc, name, value),
            Vec::<String>::new(),
            "{name}"
        );
    };
    let app = skazka_testkit::app().await;
    let sim = app.sim.sim().clone();
    let to = sim.as_of();
    let from = to - Days::new(6);
    let list = json_as(&app, &agent(), &format!("/orders?from={from}&to={to}")).await;
    check("OrdersOrTeam", &list);
    check("OrderList", &list);
    let id = sim.read(order_with_cancelled_line_and_sale);
    let detail = json_as(&app, &agent(), &format!("/orders/{id}")).await;
    check("Detail_OrderDetail", &detail);
    let sale = detail["sales"][0]["id"].as_str().unwrap().to_owned();
    let sale = json_as(&app, &agent(), &format!("/sales/{sale}")).await;
    check("Detail_SaleDetail", &sale);
    let mine = json_as(&app, &client(), &format!("/my/orders?from={from}&to={to}")).await;
    check("OrderList", &mine);
    let supervisor = supervisor_of(&app, &[onec_sim::demo::DEMO_AGENT]).await;
    let team = json_as(&app, &supervisor, &format!("/orders?from={from}&to={to}")).await;
    check("TeamOrders", &team);
    check("OrdersOrTeam", &team);
}
