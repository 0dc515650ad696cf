//! Stock, prices and upcoming deliveries: whole data sets kept in the cache, written by
//! [`Offers::refresh`] (the scheduled job, a few paged 1C calls) and read by pages through the
//! shared read path, so a miss fetches the set live once for every concurrent request.
//!
//! Sets are decoded once per process and reused while the cache holds the same version (its
//! store time), so a page does not parse the whole company's stock per request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use futures::TryStreamExt;
use onec_client::model::{self, SupplierOrderLine};
use onec_client::{Guid, OnecClient, Order};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use skazka_reads::{Policy, ReadError, Reader, Served};

/// Refreshed every 5 minutes by the schedule: fresh a little longer than that, so that in normal
/// operation no page waits for 1C; kept a month for when 1C is down.
pub const OFFERS: Policy = Policy::new(
    Duration::from_secs(6 * 60),
    Duration::from_secs(30 * 86_400),
);

/// Rows a paged read asks for at once.
const PAGE: u64 = 5_000;

/// How long a decoded set is reused before the cache is asked again.
const MEMO: Duration = Duration::from_secs(5);

/// Free stock at one warehouse, per product (docs/onec.md §3.13). A product absent has none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StockSet {
    pub lines: HashMap<Guid, Stock>,
}

/// One product's stock, base units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stock {
    pub on_hand: Decimal,
    pub reserved: Decimal,
    /// What can be sold: on hand minus both reserves.
    pub available: Decimal,
}

impl StockSet {
    /// A product's stock; zero when 1C has no balance row for it (§9 item 1).
    pub fn of(&self, product: Guid) -> Stock {
        self.lines.get(&product).copied().unwrap_or_default()
    }
}

/// The current prices of one price kind (docs/onec.md §3.12).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceList {
    pub lines: HashMap<Guid, PriceLine>,
}

/// One product's current price of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceLine {
    /// KZT per `package`, or per base unit when `package` is `None`.
    pub price: Decimal,
    pub package: Option<Guid>,
    /// When it took effect.
    pub since: Option<NaiveDateTime>,
}

/// Expected receipts from supplier orders (docs/onec.md §8.1), per product, soonest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deliveries {
    pub lines: HashMap<Guid, Vec<Delivery>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub date: NaiveDate,
    pub quantity: Decimal,
}

impl Deliveries {
    pub fn of(&self, product: Guid) -> &[Delivery] {
        self.lines.get(&product).map_or(&[], Vec::as_slice)
    }

    /// From open supplier order lines: cancelled lines and receipts before `today` left out,
    /// one entry per product and date.
    pub fn from_lines(
        orders: &[model::SupplierOrder],
        lines: &[SupplierOrderLine],
        today: NaiveDate,
    ) -> Deliveries {
        let expected: HashMap<Guid, Option<NaiveDate>> = orders
            .iter()
            .map(|o| (o.id, o.receipt_date.map(|d| d.date())))
            .collect();
        let mut by_day: HashMap<(Guid, NaiveDate), Decimal> = HashMap::new();
        for line in lines
            .iter()
            .filter(|l| !l.cancelled && l.quantity > Decimal::ZERO)
        {
            let (Some(product), Some(Some(order_date))) = (line.product, expected.get(&line.order))
            else {
                continue;
            };
            let date = line.receipt_date.map_or(*order_date, |d| d.date());
            if date >= today {
                *by_day.entry((product, date)).or_default() += line.quantity;
            }
        }
        let mut out: HashMap<Guid, Vec<Delivery>> = HashMap::new();
        for ((product, date), quantity) in by_day {
            out.entry(product)
                .or_default()
                .push(Delivery { date, quantity });
        }
        for list in out.values_mut() {
            list.sort_by_key(|d| d.date);
        }
        Deliveries { lines: out }
    }
}

/// Rows read by a refresh, per set (for the sync log).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OffersReport {
    pub stock_rows: u64,
    pub price_rows: u64,
    pub delivery_rows: u64,
}

/// Reads and refreshes the three sets.
#[derive(Clone)]
pub struct Offers {
    client: OnecClient,
    reader: Reader,
    memo: Arc<Mutex<HashMap<String, Memo>>>,
}

#[derive(Clone)]
struct Memo {
    read_at: Instant,
    value: Arc<dyn std::any::Any + Send + Sync>,
    stale: Option<skazka_reads::Stale>,
}

fn stock_key(warehouse: Guid) -> String {
    format!("catalogue:v1:stock:{warehouse}")
}

fn prices_key(kind: Guid) -> String {
    format!("catalogue:v1:prices:{kind}")
}

const DELIVERIES_KEY: &str = "catalogue:v1:deliveries";
const WAREHOUSES_KEY: &str = "catalogue:v1:warehouses";
const PRICE_KINDS_KEY: &str = "catalogue:v1:price-kinds";

/// Names of 1C reference data (warehouses, price kinds), `(id, name)`.
type Names = Vec<(Guid, String)>;

impl Offers {
    pub fn new(client: OnecClient, reader: Reader) -> Self {
        Offers {
            client,
            reader,
            memo: Arc::default(),
        }
    }

    pub async fn stock(&self, warehouse: Guid) -> Result<Served<Arc<StockSet>>, ReadError> {
        let client = self.client.clone();
        self.read(stock_key(warehouse), move || async move {
            Ok(fetch_stock(&client, warehouse).await?)
        })
        .await
    }

    pub async fn prices(&self, kind: Guid) -> Result<Served<Arc<PriceList>>, ReadError> {
        let client = self.client.clone();
        self.read(prices_key(kind), move || async move {
            Ok(fetch_prices(&client, kind).await?)
        })
        .await
    }

    pub async fn deliveries(&self) -> Result<Served<Arc<Deliveries>>, ReadError> {
        let (client, today) = (self.client.clone(), self.reader.tz().today());
        self.read(DELIVERIES_KEY.to_owned(), move || async move {
            Ok(fetch_deliveries(&client, today).await?)
        })
        .await
    }

    /// Warehouses' names (empty when 1C cannot say and nothing is kept: names are decoration).
    pub async fn warehouse_names(&self) -> HashMap<Guid, String> {
        let client = self.client.clone();
        let read = self.read(WAREHOUSES_KEY.to_owned(), move || async move {
            Ok(fetch_warehouse_names(&client).await?)
        });
        read.await
            .map(|s| s.value.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Price kinds' names (empty when 1C cannot say and nothing is kept).
    pub async fn price_kind_names(&self) -> HashMap<Guid, String> {
        let client = self.client.clone();
        let read = self.read(PRICE_KINDS_KEY.to_owned(), move || async move {
            Ok(fetch_price_kind_names(&client).await?)
        });
        read.await
            .map(|s| s.value.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Reads every set from 1C and stores it as fresh: the scheduled refresh. A set whose read
    /// fails keeps its previous value (the error is returned after the others are stored).
    pub async fn refresh(
        &self,
        warehouse: Guid,
        kinds: &[Guid],
    ) -> Result<OffersReport, onec_client::OnecError> {
        let cache = self.reader.cache();
        let mut report = OffersReport::default();
        let mut first_error = None;
        match fetch_stock(&self.client, warehouse).await {
            Ok(set) => {
                report.stock_rows = set.lines.len() as u64;
                cache.store(&stock_key(warehouse), OFFERS, &set).await;
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
        for kind in kinds {
            match fetch_prices(&self.client, *kind).await {
                Ok(list) => {
                    report.price_rows += list.lines.len() as u64;
                    cache.store(&prices_key(*kind), OFFERS, &list).await;
                }
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        match fetch_deliveries(&self.client, self.reader.tz().today()).await {
            Ok(set) => {
                report.delivery_rows = set.lines.values().map(|l| l.len() as u64).sum();
                cache.store(DELIVERIES_KEY, OFFERS, &set).await;
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
        match fetch_warehouse_names(&self.client).await {
            Ok(names) => {
                cache.store(WAREHOUSES_KEY, OFFERS, &names).await;
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
        match fetch_price_kind_names(&self.client).await {
            Ok(names) => {
                cache.store(PRICE_KINDS_KEY, OFFERS, &names).await;
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).clear();
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Through the read path, with the decoded value reused for [`MEMO`].
    async fn read<T, F, Fut>(&self, key: String, fetch: F) -> Result<Served<Arc<T>>, ReadError>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ReadError>>,
    {
        if let Some(hit) = self.memoized::<T>(&key) {
            return Ok(hit);
        }
        let served = self.reader.read(&key, OFFERS, fetch).await?;
        let value = Arc::new(served.value);
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(
            key,
            Memo {
                read_at: Instant::now(),
                value: value.clone(),
                stale: served.stale.clone(),
            },
        );
        Ok(Served {
            value,
            stale: served.stale,
        })
    }

    fn memoized<T: Send + Sync + 'static>(&self, key: &str) -> Option<Served<Arc<T>>> {
        let memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
        let m = memo.get(key).filter(|m| m.read_at.elapsed() < MEMO)?;
        let value = m.value.clone().downcast::<T>().ok()?;
        Some(Served {
            value,
            stale: m.stale.clone(),
        })
    }
}

async fn fetch_stock(
    client: &OnecClient,
    warehouse: Guid,
) -> Result<StockSet, onec_client::OnecError> {
    let query = model::stock_query(warehouse).order_by(model::names::PRODUCT_KEY, Order::Asc);
    let rows: Vec<model::StockBalance> = client.stream(query, PAGE).try_collect().await?;
    let lines = rows
        .into_iter()
        .filter_map(|r| {
            let product = r.product?;
            let stock = Stock {
                on_hand: r.on_hand,
                reserved: r.reserved_from_stock + r.reserved_for_orders,
                available: r.free(),
            };
            Some((product, stock))
        })
        .collect();
    Ok(StockSet { lines })
}

async fn fetch_prices(
    client: &OnecClient,
    kind: Guid,
) -> Result<PriceList, onec_client::OnecError> {
    let query = model::prices_query(kind).order_by(model::names::PRODUCT_KEY, Order::Asc);
    let rows: Vec<model::Price> = client.stream(query, PAGE).try_collect().await?;
    let lines = rows
        .into_iter()
        .filter_map(|p| {
            let line = PriceLine {
                price: p.price,
                package: p.package,
                since: p.since,
            };
            Some((p.product?, line))
        })
        .collect();
    Ok(PriceList { lines })
}

async fn fetch_warehouse_names(client: &OnecClient) -> Result<Names, onec_client::OnecError> {
    let all = client.warehouses().await?;
    Ok(all.into_iter().map(|w| (w.id, w.name)).collect())
}

async fn fetch_price_kind_names(client: &OnecClient) -> Result<Names, onec_client::OnecError> {
    let all = client.price_kinds().await?;
    Ok(all.into_iter().map(|k| (k.id, k.name)).collect())
}

async fn fetch_deliveries(
    client: &OnecClient,
    today: NaiveDate,
) -> Result<Deliveries, onec_client::OnecError> {
    let orders: Vec<_> = client
        .supplier_orders(today)
        .await?
        .into_iter()
        .filter(|o| o.status != "Закрыт")
        .collect();
    let ids: Vec<Guid> = orders.iter().map(|o| o.id).collect();
    let lines = if ids.is_empty() {
        Vec::new()
    } else {
        client.supplier_order_lines(&ids).await?
    };
    Ok(Deliveries::from_lines(&orders, &lines, today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guid(n: u128) -> Guid {
        Guid::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn deliveries_add_up_per_day_and_skip_cancelled_and_past_lines() {
        let order = |id, d: u32| model::SupplierOrder {
            id: guid(id),
            number: String::new(),
            date: None,
            receipt_date: Some(day(d).and_hms_opt(0, 0, 0).unwrap()),
            status: "Подтвержден".into(),
            supplier: None,
            warehouse: None,
        };
        let line = |o, q: i64, cancelled, at: Option<u32>| SupplierOrderLine {
            order: guid(o),
            line_number: 1,
            product: Some(guid(9)),
            quantity: Decimal::from(q),
            cancelled,
            receipt_date: at.map(|d| day(d).and_hms_opt(0, 0, 0).unwrap()),
        };
        let orders = [order(1, 10), order(2, 5)];
        let lines = [
            line(1, 3, false, None),
            line(1, 4, false, None),
            line(1, 100, true, None),
            line(2, 7, false, None),
            line(2, 2, false, Some(20)),
        ];
        let d = Deliveries::from_lines(&orders, &lines, day(6));
        let got: Vec<_> = d.of(guid(9)).iter().map(|d| (d.date, d.quantity)).collect();
        assert_eq!(
            got,
            [(day(10), Decimal::from(7)), (day(20), Decimal::from(2))]
        );
        assert!(d.of(guid(8)).is_empty());
    }
}
