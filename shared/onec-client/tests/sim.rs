//! Every request the portal makes (docs/onec.md §7 and §8), through the client, against the
//! simulator: each decodes into typed records with plausible content.

mod common;

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration};
use common::{as_of, client, guid, shared};
use futures::TryStreamExt;
use onec_client::client::chunk_queries;
use onec_client::model::{
    AgentPlusProperties, OrderDate, OrderLines, OrderStatus, Owner, SalesGrouping, positions,
    sales_debts_query,
};
use onec_client::{ClientConfig, Guid, metrics};
use onec_sim::db::col;
use onec_sim::demo;
use onec_sim::schema as s;
use rust_decimal::Decimal;
use uuid::Uuid;

fn agent() -> Guid {
    guid(demo::DEMO_AGENT)
}

#[tokio::test]
async fn users_and_site_settings() {
    let c = client(&shared().base);
    let users = c.users().await.unwrap();
    assert!(users.len() >= 3);
    assert!(users.iter().all(|u| !u.deleted && !u.invalid));
    let me = c.user(agent()).await.unwrap().expect("demo agent");
    assert_eq!(me.id, agent());
    let pw = me
        .attribute(guid(demo::ATTR_SITE_PASSWORD))
        .and_then(|v| v.as_text());
    assert_eq!(pw, Some(demo::DEMO_PASSWORD));
    let role = me
        .attribute(guid(demo::ATTR_SITE_ROLE))
        .and_then(|v| v.as_ref_key());
    assert!(role.is_some());
    assert!(
        me.phone().is_some_and(|p| p.starts_with("+7")),
        "{:?}",
        me.phone()
    );
    assert!(c.user(Guid::EMPTY).await.unwrap().is_none());

    let defs = c.attribute_defs().await.unwrap();
    assert!(
        defs.iter()
            .any(|d| d.system_name.starts_with("ПарольДляВходаНаСайт"))
    );
    assert!(
        defs.iter()
            .any(|d| d.description == "АгентПлюсДокументШирота")
    );
    let values = c.property_values().await.unwrap();
    assert!(
        values
            .iter()
            .any(|v| v.description.starts_with("Администратор"))
    );
}

#[tokio::test]
async fn password_write_back_patches_the_section() {
    // A simulator of its own: this test writes.
    let f = common::start(common::small());
    let c = client(&f.base);
    let u = guid(demo::DEMO_SUPERVISOR);
    let rows = c
        .set_user_string_attribute(u, guid(demo::ATTR_SITE_PASSWORD), "new-pass")
        .await
        .unwrap();
    assert!(rows.iter().any(|r| r.value.as_str() == Some("new-pass")));
    let user = c.user(u).await.unwrap().unwrap();
    let pw = user
        .attribute(guid(demo::ATTR_SITE_PASSWORD))
        .and_then(|v| v.as_text());
    assert_eq!(pw, Some("new-pass"));
}

#[tokio::test]
async fn catalogs() {
    let c = client(&shared().base);
    let wh = c.warehouses().await.unwrap();
    assert!(wh.iter().any(|w| w.id == guid(demo::MAIN_WAREHOUSE)));
    let units = c.base_units().await.unwrap();
    assert!(
        units
            .iter()
            .any(|u| u.id == guid(demo::KILOGRAM) && u.esf_code == "166")
    );
    assert!(
        units
            .iter()
            .any(|u| u.id == guid(demo::PIECE) && u.esf_code == "796")
    );
    let packages = c.packages().await.unwrap();
    let product = guid(demo::DEMO_PRODUCT);
    let own = c.product_packages(product).await.unwrap();
    assert!(own.iter().all(|p| {
        packages
            .iter()
            .any(|q| q.id == p.id && q.product == Some(product))
    }));
    let products = c.products().await.unwrap();
    assert!(products.iter().any(|p| p.id == product));
    // Folders first (`$orderby=IsFolder desc`).
    let first_item = products.iter().position(|p| !p.is_folder).unwrap();
    assert!(products[first_item..].iter().all(|p| !p.is_folder));
    assert!(products.iter().any(|p| p.weighed));
    assert!(!c.product_files().await.unwrap().is_empty());
    assert!(!c.product_kinds().await.unwrap().is_empty());
    let makers = c.manufacturers().await.unwrap();
    assert!(makers.iter().any(|m| m.id == guid(demo::DEMO_MAKER)));
    let kinds = c.price_kinds().await.unwrap();
    let main = kinds
        .iter()
        .find(|k| k.id == guid(demo::MAIN_PRICE_KIND))
        .unwrap();
    assert!(main.currency.as_ref().is_some_and(|c| !c.name.is_empty()));
}

#[tokio::test]
async fn file_bytes() {
    let c = client(&shared().base);
    let files = c.product_files().await.unwrap();
    let mut found = false;
    for f in files.iter().take(5) {
        if let Some(bytes) = c.file_data(f.id).await.unwrap() {
            assert!(!bytes.is_empty());
            found = true;
        }
    }
    assert!(found, "no file with data among the first five");
}

#[tokio::test]
async fn prices_and_stock() {
    let c = client(&shared().base);
    let kind = guid(demo::MAIN_PRICE_KIND);
    let prices = c.prices(kind).await.unwrap();
    assert!(prices.len() > 10);
    assert!(
        prices
            .iter()
            .all(|p| p.price > Decimal::ZERO && p.product.is_some())
    );
    let product = guid(demo::DEMO_PRODUCT);
    let one = c.product_price(product, kind).await.unwrap().unwrap();
    assert_eq!(
        Some(&one.price),
        prices
            .iter()
            .find(|p| p.product == Some(product))
            .map(|p| &p.price)
    );

    let wh = guid(demo::MAIN_WAREHOUSE);
    let stock = c.stock(wh).await.unwrap();
    assert!(!stock.is_empty());
    let total: Decimal = stock
        .iter()
        .filter(|s| s.product == Some(product))
        .map(|s| s.free())
        .sum();
    assert_eq!(c.product_stock(product, wh).await.unwrap(), total);
}

#[tokio::test]
async fn an_agents_orders_lines_and_positions() {
    let c = client(&shared().base);
    let me = Owner::Agent(agent());
    let to = as_of();
    let from = to - Duration::days(14);
    let orders = c
        .owned_orders(&me, OrderDate::Taken, from, to)
        .await
        .unwrap();
    assert!(!orders.is_empty());
    assert!(
        orders
            .iter()
            .all(|o| o.date.date() >= from && o.date.date() <= to)
    );
    assert!(orders.iter().any(|o| o.partner.is_some()));
    let want: BTreeSet<Guid> = shared().sim.read(|db| {
        let (manager, date) = (col(s::ORDERS, "Менеджер"), col(s::ORDERS, "Date"));
        db.table(s::ORDERS)
            .rows
            .iter()
            .filter(|r| r[manager].as_guid() == Some(demo::DEMO_AGENT))
            .filter(|r| {
                r[date]
                    .as_date()
                    .is_some_and(|d| d.date() >= from && d.date() <= to)
            })
            .map(|r| guid(r[0].as_guid().unwrap()))
            .collect()
    });
    assert_eq!(orders.iter().map(|o| o.id).collect::<BTreeSet<_>>(), want);
    let shipped = c
        .owned_orders(&me, OrderDate::Shipment, from, to)
        .await
        .unwrap();
    assert!(!shipped.is_empty());
    assert!(shipped.iter().all(|o| {
        o.shipment_date
            .is_some_and(|d| d.date() >= from && d.date() <= to)
    }));

    // By id: the owner's order, and nobody else's.
    let o = &orders[0];
    let one = c.owned_order(o.id, &me).await.unwrap().unwrap();
    assert_eq!(&one, o);
    let other = Owner::Agent(guid(shared().sim.demo().other_agents[0]));
    assert_eq!(c.owned_order(o.id, &other).await.unwrap(), None);

    let lines = c.order_lines_with_units(o.id).await.unwrap();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| {
        l.line.line_number > 0 && l.line.product_name().is_some() && l.unit_name().is_some()
    }));
    // The list's reading of the total and the page's reading of the lines agree on 1C's data:
    // the total sums the lines that are not cancelled.
    for o in orders.iter().take(30) {
        let lines = c.order_lines_with_units(o.id).await.unwrap();
        let read = OrderLines::read(lines.iter().map(|l| &l.line));
        assert_eq!(
            OrderStatus::of(o, OrderLines::Unread),
            OrderStatus::of(o, read),
            "{} {:?} total {}",
            o.number,
            o.state,
            o.total
        );
    }

    let props = c
        .agent_plus_properties()
        .await
        .unwrap()
        .expect("the demo base has the Агент Плюс properties");
    assert_eq!(
        props,
        AgentPlusProperties {
            latitude: guid(demo::ATTR_LATITUDE),
            longitude: guid(demo::ATTR_LONGITUDE),
            started: guid(demo::ATTR_STARTED),
            stopped: guid(demo::ATTR_STOPPED),
        }
    );
    let ids: Vec<Guid> = orders.iter().map(|o| o.id).collect();
    let ((), stats) = metrics::scope(async {
        let pos = positions(&c.agent_plus_rows(&ids).await.unwrap(), &props);
        assert!(!pos.is_empty());
        for p in pos.values() {
            if let Some((lat, lon)) = p.coordinates() {
                assert!(
                    (40.0..56.0).contains(&lat) && (45.0..90.0).contains(&lon),
                    "{lat} {lon}"
                );
            }
        }
        assert!(pos.values().any(|p| p.started.is_some()));
    })
    .await;
    // Chunked: one call per ≤1500-byte query, however many orders.
    assert!(
        stats.calls >= 1 && stats.calls as usize <= ids.len().div_ceil(5),
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_clients_orders_and_partners() {
    let c = client(&shared().base);
    let partner = guid(demo::DEMO_CLIENT_PARTNER);
    let partners = [partner];
    let to = as_of();
    let from = to - Duration::days(60);
    let orders = c
        .owned_orders(&Owner::Partners(&partners), OrderDate::Taken, from, to)
        .await
        .unwrap();
    assert!(!orders.is_empty());
    let want = shared().sim.read(|db| {
        let (p, date) = (col(s::ORDERS, "Партнер"), col(s::ORDERS, "Date"));
        db.table(s::ORDERS)
            .rows
            .iter()
            .filter(|r| r[p].as_guid() == Some(demo::DEMO_CLIENT_PARTNER))
            .filter(|r| {
                r[date]
                    .as_date()
                    .is_some_and(|d| d.date() >= from && d.date() <= to)
            })
            .count()
    });
    assert_eq!(orders.len(), want);
    let nobody = Owner::Partners(&[]);
    let (none, stats) = metrics::scope(async {
        let list = c.owned_orders(&nobody, OrderDate::Taken, from, to).await;
        (
            list.unwrap(),
            c.owned_order(orders[0].id, &nobody).await.unwrap(),
        )
    })
    .await;
    assert!(none.0.is_empty() && none.1.is_none());
    assert_eq!(stats.calls, 0, "no request for a client without partners");

    let partners = c.partners().await.unwrap();
    assert!(partners.iter().any(|p| p.id == partner));
    assert!(partners.iter().any(|p| p.coordinates().is_some()));
    let mine = c.agent_partners(agent()).await.unwrap();
    assert!(!mine.is_empty());
    let ids: Vec<Guid> = mine.iter().map(|p| p.id).collect();
    let again = c.partners_by_ids(&ids).await.unwrap();
    assert_eq!(again.len(), ids.len());
}

#[tokio::test]
async fn sales_of_an_owner_and_their_debts() {
    let c = client(&shared().base);
    let sim = &shared().sim;
    let me = Owner::Agent(agent());
    let sale_id = guid(demo::DEMO_SALE);
    let sale = c
        .owned_sale(sale_id, &me)
        .await
        .unwrap()
        .expect("demo sale");
    assert!(sale.posted && sale.total > Decimal::ZERO);
    let other = Owner::Agent(guid(sim.demo().other_agents[0]));
    assert_eq!(c.owned_sale(sale_id, &other).await.unwrap(), None);
    let lines = c.sale_lines_with_units(sale_id).await.unwrap();
    assert!(!lines.is_empty());
    let sum: Decimal = lines.iter().map(|l| l.line.sum_with_vat).sum();
    assert_eq!(sum.round_dp(2), sale.total.round_dp(2));

    // The sales made from an order are the owner's and name it as their base.
    if let Some(order) = sale.order {
        let made = c.order_sales(order, &me).await.unwrap();
        assert!(made.iter().any(|s| s.id == sale_id));
        assert!(c.order_sales(order, &other).await.unwrap().is_empty());
    }

    // The agent's latest posted sales (from the simulator's table) have the debts its register
    // has, read in as many calls as the ids make chunks.
    let mine: Vec<Uuid> = sim.read(|db| {
        let (manager, posted, date) = (
            col(s::SALES, "Менеджер"),
            col(s::SALES, "Posted"),
            col(s::SALES, "Date"),
        );
        let mut sales: Vec<_> = db
            .table(s::SALES)
            .rows
            .iter()
            .filter(|r| r[manager].as_guid() == Some(demo::DEMO_AGENT) && r[posted].as_bool())
            .map(|r| (r[date].as_date(), r[0].as_guid().unwrap()))
            .collect();
        sales.sort_unstable_by(|a, b| b.cmp(a));
        sales.into_iter().take(60).map(|(_, id)| id).collect()
    });
    assert_eq!(mine.len(), 60);
    let ids: Vec<Guid> = mine.iter().copied().map(guid).collect();
    let (debts, stats) = metrics::scope(c.sales_debts(&ids)).await;
    let debts = debts.unwrap();
    let want: HashMap<Guid, Decimal> = sim.read(|db| {
        mine.iter()
            .map(|&id| (guid(id), onec_sim::inspect::sale_debt(db, id)))
            .filter(|(_, d)| !d.is_zero())
            .collect()
    });
    assert!(
        !want.is_empty(),
        "some of the agent's latest sales are unpaid"
    );
    assert!(want.len() < ids.len(), "and some are paid");
    assert_eq!(debts, want);
    let chunks = chunk_queries(
        &ids,
        ClientConfig::new("http://x/", "", "").max_query_bytes,
        sales_debts_query,
    );
    assert!(chunks.len() > 1);
    assert_eq!(stats.calls as usize, chunks.len(), "{stats:?}");
    assert!(stats.rows > 0 && stats.bytes > 0 && stats.errors == 0);
}

#[tokio::test]
async fn sales_reports() {
    let c = client(&shared().base);
    let to = as_of();
    let from = to.with_day(1).unwrap() - Duration::days(31);
    for g in [
        SalesGrouping::ByClients,
        SalesGrouping::ByGoods,
        SalesGrouping::ByClientsAndGoods,
    ] {
        let rows = c.sales_turnovers(agent(), from, to, g).await.unwrap();
        assert!(!rows.is_empty(), "{g:?}");
        assert!(
            rows.windows(2).all(|w| w[0].revenue >= w[1].revenue),
            "{g:?} not sorted"
        );
        let clients = !matches!(g, SalesGrouping::ByGoods);
        let goods = !matches!(g, SalesGrouping::ByClients);
        assert_eq!(rows.iter().all(|r| r.partner.is_some()), clients, "{g:?}");
        assert_eq!(rows.iter().all(|r| r.product.is_some()), goods, "{g:?}");
    }
}

#[tokio::test]
async fn supplier_orders_and_lines() {
    let c = client(&shared().base);
    let orders = c
        .supplier_orders(as_of() - Duration::days(30))
        .await
        .unwrap();
    assert!(!orders.is_empty());
    let ids: Vec<Guid> = orders.iter().map(|o| o.id).collect();
    let lines = c.supplier_order_lines(&ids).await.unwrap();
    assert!(lines.iter().all(|l| ids.contains(&l.order)));
    assert!(!lines.is_empty());
}

#[tokio::test]
async fn count_and_paging_stream() {
    let c = client(&shared().base);
    let me = Owner::Agent(agent());
    let to = as_of();
    let from = to - Duration::days(90);
    let all = c
        .owned_orders(&me, OrderDate::Taken, from, to)
        .await
        .unwrap();
    let (streamed, stats) = metrics::scope(async {
        c.owned_orders_stream(&me, OrderDate::Taken, from, to, 7)
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
    })
    .await;
    assert_eq!(streamed.len(), all.len());
    let mut a: Vec<Guid> = all.iter().map(|o| o.id).collect();
    let mut b: Vec<Guid> = streamed.iter().map(|o| o.id).collect();
    assert!(streamed.windows(2).all(|w| w[0].date <= w[1].date));
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(stats.calls as usize, all.len() / 7 + 1);
    let nobody = c
        .owned_orders_stream(&Owner::Partners(&[]), OrderDate::Taken, from, to, 7)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(nobody.is_empty());

    let n = c
        .count(
            onec_client::model::names::ORDERS,
            Some(onec_client::field(onec_client::model::names::MANAGER_KEY).eq(agent())),
        )
        .await
        .unwrap();
    assert!(n as usize >= all.len());
}

#[tokio::test]
async fn odata_errors_are_typed() {
    let c = client(&shared().base);
    let q = onec_client::Query::set(onec_client::Name::parse("Catalog_Нет").unwrap());
    match c.fetch::<serde_json::Value>(&q).await {
        Err(onec_client::OnecError::OData {
            status: 404,
            message,
            ..
        }) => assert!(!message.is_empty()),
        other => panic!("{other:?}"),
    }
    let q = onec_client::Query::set(onec_client::model::names::WAREHOUSES)
        .select([onec_client::Name::parse("НетТакогоПоля").unwrap()]);
    match c.fetch::<serde_json::Value>(&q).await {
        Err(onec_client::OnecError::OData {
            status: 400,
            message,
            ..
        }) => assert!(message.contains("НетТакогоПоля")),
        other => panic!("{other:?}"),
    }
    let bad = onec_client::OnecClient::new(onec_client::ClientConfig::new(
        &shared().base,
        "portal",
        "wrong",
    ))
    .unwrap();
    assert!(matches!(
        bad.warehouses().await,
        Err(onec_client::OnecError::Unauthorized)
    ));
}

#[tokio::test]
async fn sessions_are_reused() {
    let f = common::start(common::small());
    let c = client(&f.base);
    for _ in 0..5 {
        c.warehouses().await.unwrap();
    }
    assert!(c.session_id().is_some());
    assert_eq!(f.sim.stats().sessions_started, 1);
}

#[tokio::test]
async fn virtual_table_parameters_reach_the_simulator() {
    use onec_client::model::names::*;
    use onec_client::model::{Price, SalesTurnover, StockBalance, day_end, day_start};
    use onec_client::{Query, VirtualTable};

    let c = client(&shared().base);
    let to = as_of();
    let from = to - Duration::days(30);
    // `Condition` (in the path, inner quotes doubled) selects what `$filter` selects.
    let by_condition = Query::virtual_table(
        SALES_TURNOVERS,
        VirtualTable::Turnovers {
            start: Some(day_start(from)),
            end: Some(day_end(to)),
            condition: Some(onec_client::field(MANAGER_KEY).eq(agent())),
            dimensions: vec![MANAGER, PARTNER_ANALYTICS],
        },
    )
    .select([
        QUANTITY_TURNOVER,
        REVENUE_TURNOVER,
        MANUAL_DISCOUNT_TURNOVER,
        AUTO_DISCOUNT_TURNOVER,
    ]);
    let with_condition: Vec<SalesTurnover> = c.fetch(&by_condition).await.unwrap();
    let with_filter = c
        .sales_turnovers(agent(), from, to, SalesGrouping::ByClients)
        .await
        .unwrap();
    let total = |rows: &[SalesTurnover]| rows.iter().map(|r| r.revenue).sum::<Decimal>();
    assert!(!with_condition.is_empty());
    assert_eq!(total(&with_condition), total(&with_filter));

    let kind = guid(demo::MAIN_PRICE_KIND);
    let slice = Query::virtual_table(
        PRICES,
        VirtualTable::SliceLast {
            period: Some(day_end(to)),
            condition: Some(onec_client::field(PRICE_KIND_KEY).eq(kind)),
        },
    )
    .select([RECORDER, PERIOD, PRICE, PACKAGE_KEY, PRODUCT_KEY]);
    let sliced: Vec<Price> = c.fetch(&slice).await.unwrap();
    assert_eq!(sliced.len(), c.prices(kind).await.unwrap().len());

    // A balance in the past differs from today's, and both decode.
    let wh = guid(demo::MAIN_WAREHOUSE);
    let past = Query::virtual_table(
        FREE_STOCK,
        VirtualTable::Balance {
            period: Some(day_start(to - Duration::days(200))),
            condition: Some(onec_client::field(WAREHOUSE_KEY).eq(wh)),
            dimensions: vec![PRODUCT, WAREHOUSE],
        },
    );
    let then: Vec<StockBalance> = c.fetch(&past).await.unwrap();
    let now = c.stock(wh).await.unwrap();
    let on_hand = |rows: &[StockBalance]| rows.iter().map(|r| r.on_hand).sum::<Decimal>();
    assert_ne!(on_hand(&then), on_hand(&now));
}
