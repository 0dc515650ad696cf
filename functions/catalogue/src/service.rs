//! The catalogue's service: the copy in Postgres, stock and prices through the cache, the site
//! settings (which warehouse, which price kinds), and the refresh job the schedule runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use onec_client::{Guid, OnecClient};
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_accounts::{SiteSettings, settings};
use skazka_config::CatalogueSettings;
use skazka_reads::{Reader, Served, Stale};

use crate::domain::{self, Card, ProductPage};
use crate::error::CatalogueError;
use crate::offers::{Offers, OffersReport, PriceList, StockSet};
use crate::store::{Filter, Listing, ProductRow, Store};
use crate::sync::{self, CopyReport};

/// How long the site settings are reused before Postgres is asked again.
const SETTINGS_MEMO: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct CatalogueService {
    pub store: Store,
    pub offers: Offers,
    client: OnecClient,
    reader: Reader,
    pub config: CatalogueSettings,
    site: Arc<Mutex<Option<(Instant, SiteSettings)>>>,
}

/// What a refresh did (for the sync log and the benchmark).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    pub copy: CopyReport,
    pub offers: OffersReport,
    pub onec_calls: u32,
}

/// A page of cards and, when some of it is kept data because 1C failed, its age.
pub struct Cards {
    pub cards: Vec<Card>,
    pub total: i64,
    pub stale: Option<Stale>,
}

impl CatalogueService {
    pub fn new(
        store: Store,
        client: OnecClient,
        reader: Reader,
        config: CatalogueSettings,
    ) -> Self {
        CatalogueService {
            offers: Offers::new(client.clone(), reader.clone()),
            store,
            client,
            reader,
            config,
            site: Arc::default(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.reader.tz().today()
    }

    /// The site settings (found in 1C by name the first time), reused for a minute.
    pub async fn site(&self) -> Result<SiteSettings, CatalogueError> {
        if let Some((at, s)) = self.site.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
            && at.elapsed() < SETTINGS_MEMO
        {
            return Ok(s.clone());
        }
        let s = settings::current(self.store.pool(), &self.client).await?;
        *self.site.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), s.clone()));
        Ok(s)
    }

    /// The price kind shown to the public: configured, else the main one.
    pub fn public_kind(&self, site: &SiteSettings) -> Option<Guid> {
        self.config
            .public_price_kind
            .map(Guid::from_uuid)
            .or_else(|| site.price_kinds.first().copied())
    }

    /// Fewer than this many base units of `row` is «мало».
    pub fn low_below(&self, row: &ProductRow, site: &SiteSettings) -> Decimal {
        let kg = row.weighed || row.unit == Some(site.units.kilogram);
        Decimal::from(if kg {
            self.config.low_stock_kg
        } else {
            self.config.low_stock_pieces
        })
    }

    /// The public stock and price sets.
    pub async fn public_offers(
        &self,
        site: &SiteSettings,
    ) -> Result<(Arc<StockSet>, Arc<PriceList>, Option<Stale>), CatalogueError> {
        let stock = self.offers.stock(site.warehouse).await?;
        let prices = match self.public_kind(site) {
            Some(kind) => self.offers.prices(kind).await?,
            None => skazka_reads::Served::fresh(Arc::new(PriceList::default())),
        };
        let stale = Served::<()>::oldest(stock.stale, prices.stale);
        Ok((stock.value, prices.value, stale))
    }

    /// The products with free stock (the "in stock" filter).
    pub async fn in_stock(&self, site: &SiteSettings) -> Result<Vec<Guid>, CatalogueError> {
        let stock = self.offers.stock(site.warehouse).await?.value;
        Ok(stock
            .lines
            .iter()
            .filter(|(_, s)| s.available > Decimal::ZERO)
            .map(|(id, _)| *id)
            .collect())
    }

    /// A page of the listing as cards.
    pub async fn cards(&self, filter: &Filter) -> Result<Cards, CatalogueError> {
        let site = self.site().await?;
        let Listing { rows, total } = self.store.list(filter).await?;
        let (stock, prices, stale) = self.public_offers(&site).await?;
        let cards = self.cards_of(&rows, &site, &stock, &prices).await?;
        Ok(Cards {
            cards,
            total,
            stale,
        })
    }

    async fn cards_of(
        &self,
        rows: &[ProductRow],
        site: &SiteSettings,
        stock: &StockSet,
        prices: &PriceList,
    ) -> Result<Vec<Card>, CatalogueError> {
        let packages: Vec<Guid> = rows
            .iter()
            .filter_map(|r| prices.lines.get(&r.id)?.package)
            .collect();
        let sizes: HashMap<Guid, Decimal> = self
            .store
            .package_sizes(&packages)
            .await?
            .into_iter()
            .map(|(id, (_, size))| (id, size))
            .collect();
        Ok(rows
            .iter()
            .map(|row| {
                let unit_price = prices.lines.get(&row.id).and_then(|line| {
                    domain::per_unit(line, line.package.and_then(|p| sizes.get(&p).copied()))
                });
                domain::card(row, unit_price, stock.of(row.id), self.low_below(row, site))
            })
            .collect())
    }

    /// A visible product's public page; a product 1C has but the copy does not know yet is read
    /// live once and stored. `None`: no such visible product.
    pub async fn product(
        &self,
        id: Guid,
    ) -> Result<Option<(ProductPage, String, Option<Stale>)>, CatalogueError> {
        let site = self.site().await?;
        let mut detail = self.store.product(id).await?;
        if detail.is_none() && !self.store.knows(id).await? {
            // Between two copies: one live read (a failing 1C is "not found" here, not an error:
            // the copy is what the catalogue shows).
            match sync::copy_one(&self.client, self.store.pool(), &site, id).await {
                Ok(true) => detail = self.store.product(id).await?,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, %id, "live read of a new product failed"),
            }
        }
        let Some(detail) = detail else {
            return Ok(None);
        };
        let (stock, prices, stale) = self.public_offers(&site).await?;
        let card = self
            .cards_of(std::slice::from_ref(&detail.row), &site, &stock, &prices)
            .await?
            .remove(0);
        let next_delivery = if card.stock == domain::StockLevel::Out {
            let deliveries = self.offers.deliveries().await?.value;
            domain::next_delivery(deliveries.of(id), self.today())
        } else {
            None
        };
        let names = self.store.groups().await?;
        let groups = detail
            .groups
            .iter()
            .filter_map(|g| names.iter().find(|n| n.id == *g))
            .map(|g| domain::GroupRef {
                id: g.id,
                name: g.name.clone(),
            })
            .collect();
        let page = ProductPage {
            prices: domain::package_prices(&card, &detail.packages),
            images: detail.files.iter().copied().map(domain::file_url).collect(),
            card,
            description: detail.description.clone(),
            groups,
            weighed: detail.row.weighed,
            next_delivery,
        };
        Ok(Some((page, detail.row.slug, stale)))
    }

    /// The copy of products, folders, manufacturers, units and files (one refresh step).
    pub async fn copy(&self) -> Result<CopyReport, CatalogueError> {
        let site = self.site().await?;
        sync::copy(&self.client, self.store.pool(), &site).await
    }

    /// Stock, the prices of every price kind of the settings and the public one, and deliveries
    /// into the cache (the other refresh step).
    pub async fn refresh_offers(&self) -> Result<OffersReport, CatalogueError> {
        let site = self.site().await?;
        let mut kinds = site.price_kinds.clone();
        kinds.extend(self.public_kind(&site));
        kinds.dedup();
        Ok(self.offers.refresh(site.warehouse, &kinds).await?)
    }

    /// Both steps, counting their 1C calls (tests, the benchmark).
    pub async fn refresh(&self) -> Result<RefreshReport, CatalogueError> {
        let (result, calls) = onec_client::metrics::scope(async {
            let copy = self.copy().await?;
            let offers = self.refresh_offers().await?;
            Ok::<_, CatalogueError>((copy, offers))
        })
        .await;
        let (copy, offers) = result?;
        Ok(RefreshReport {
            copy,
            offers,
            onec_calls: calls.calls,
        })
    }

    pub fn client(&self) -> &OnecClient {
        &self.client
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }
}
