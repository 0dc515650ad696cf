//! Reads of the catalogue copy (written by [`crate::sync`]): the listing with its filters, one
//! product, the visible folders and manufacturers, the sitemap. Only visible products — not
//! hidden on the site, not removed from 1C — are ever answered.

use chrono::{DateTime, Utc};
use onec_client::Guid;
use rust_decimal::Decimal;
use serde::Serialize;
use skazka_store::PgPool;
use skazka_store::tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::error::CatalogueError;
use crate::text;

/// Products per page of the listing.
pub const PAGE_SIZE: i64 = 24;

/// The listing's filters, checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Search words (normalized); all must occur.
    pub words: Vec<String>,
    pub group: Option<Guid>,
    pub maker: Option<MakerFilter>,
    /// Only these products (the "in stock" filter: the ones with free stock).
    pub only: Option<Vec<Guid>>,
    pub sort: Sort,
    /// 1-based.
    pub page: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakerFilter {
    Is(Guid),
    /// Products without a manufacturer.
    None,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// By name; with a search, best matches first.
    #[default]
    Name,
    Code,
    /// Newest in the catalogue first.
    New,
}

/// A product as the listing shows it (before prices and stock are added).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProductRow {
    pub id: Guid,
    pub name: String,
    pub code: String,
    pub slug: String,
    pub manufacturer: Option<String>,
    pub unit: Option<Guid>,
    pub unit_name: Option<String>,
    pub weighed: bool,
    pub cover: Option<Guid>,
}

/// A page of the listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing {
    pub rows: Vec<ProductRow>,
    pub total: i64,
}

/// A product folder with visible products.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub id: Guid,
    pub parent: Option<Guid>,
    pub name: String,
    pub products: i32,
}

/// A manufacturer with visible products (`id` `None`: the products without one).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Maker {
    pub id: Option<Guid>,
    pub name: String,
    pub products: i64,
}

/// One product's page data from the copy.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductDetail {
    pub row: ProductRow,
    pub description: String,
    pub groups: Vec<Guid>,
    pub manufacturer_id: Option<Guid>,
    pub packages: Vec<PackageRow>,
    pub files: Vec<Guid>,
    pub changed_at: DateTime<Utc>,
}

/// A product's package: `size` base units each.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackageRow {
    pub id: Guid,
    pub name: String,
    pub size: Decimal,
}

/// What the sitemap lists.
#[derive(Clone, Debug, PartialEq)]
pub struct SitemapEntry {
    pub id: Guid,
    pub slug: String,
    pub changed_at: DateTime<Utc>,
}

const ROW_COLUMNS: &str =
    "p.id, p.name, p.code, p.slug, m.name, p.unit, u.name, p.weighed, p.cover";
const ROW_JOINS: &str = "FROM catalogue_products p
     LEFT JOIN catalogue_manufacturers m ON m.id = p.manufacturer AND NOT m.removed
     LEFT JOIN catalogue_units u ON u.id = p.unit";
const VISIBLE: &str = "NOT p.hidden AND NOT p.removed";

fn guid(u: Uuid) -> Guid {
    Guid::from_uuid(u)
}

fn product_row(r: &skazka_store::tokio_postgres::Row) -> ProductRow {
    ProductRow {
        id: guid(r.get(0)),
        name: r.get(1),
        code: r.get(2),
        slug: r.get(3),
        manufacturer: r.get(4),
        unit: r.get::<_, Option<Uuid>>(5).map(guid),
        unit_name: r.get(6),
        weighed: r.get(7),
        cover: r.get::<_, Option<Uuid>>(8).map(guid),
    }
}

/// The catalogue copy's reads.
#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    pub fn new(pool: PgPool) -> Self {
        Store { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// One page of visible products matching `filter`, with the number of all that match.
    pub async fn list(&self, filter: &Filter) -> Result<Listing, CatalogueError> {
        self.select(filter, Some(PAGE_SIZE)).await
    }

    /// Every visible product matching `filter`, in its order (the employees' stock and price
    /// tables and their exports).
    pub async fn all(&self, filter: &Filter) -> Result<Vec<ProductRow>, CatalogueError> {
        Ok(self.select(filter, None).await?.rows)
    }

    async fn select(&self, filter: &Filter, limit: Option<i64>) -> Result<Listing, CatalogueError> {
        let mut params: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        let mut wheres = vec![VISIBLE.to_owned()];
        let push = |params: &mut Vec<Box<dyn ToSql + Sync + Send>>,
                    v: Box<dyn ToSql + Sync + Send>| {
            params.push(v);
            params.len()
        };
        for word in &filter.words {
            let n = push(&mut params, Box::new(text::contains_pattern(word)));
            wheres.push(format!("p.search LIKE ${n}"));
        }
        if let Some(group) = filter.group {
            let n = push(&mut params, Box::new(group.as_uuid()));
            wheres.push(format!("${n} = ANY(p.groups)"));
        }
        match filter.maker {
            Some(MakerFilter::Is(maker)) => {
                let n = push(&mut params, Box::new(maker.as_uuid()));
                wheres.push(format!("p.manufacturer = ${n}"));
            }
            Some(MakerFilter::None) => wheres.push("p.manufacturer IS NULL".to_owned()),
            None => {}
        }
        if let Some(only) = &filter.only {
            let ids: Vec<Uuid> = only.iter().map(Guid::as_uuid).collect();
            let n = push(&mut params, Box::new(ids));
            wheres.push(format!("p.id = ANY(${n})"));
        }
        let where_params = params.len();
        let order = match (filter.sort, filter.words.is_empty()) {
            (Sort::Name, false) => {
                let n = push(&mut params, Box::new(filter.words.join(" ")));
                format!("word_similarity(${n}, p.search) DESC, p.name, p.id")
            }
            (Sort::Name, true) => "p.name, p.id".to_owned(),
            (Sort::Code, _) => "p.code, p.id".to_owned(),
            (Sort::New, _) => "p.first_seen DESC, p.name, p.id".to_owned(),
        };
        let page = match limit {
            Some(size) => format!("LIMIT {size} OFFSET {}", (filter.page.max(1) - 1) * size),
            None => String::new(),
        };
        let offset = filter.page > 1 && limit.is_some();
        let sql = format!(
            "SELECT {ROW_COLUMNS}, count(*) OVER () {ROW_JOINS}
             WHERE {} ORDER BY {order} {page}",
            wheres.join(" AND ")
        );
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref() as _).collect();
        let db = self.pool.get().await?;
        let rows = db.query(&sql, &refs).await?;
        let total = match rows.first() {
            Some(r) => r.get(9),
            // Past the last page: count again, so the page can say how many there are.
            None if offset => {
                let count = format!("SELECT count(*) {ROW_JOINS} WHERE {}", wheres.join(" AND "));
                db.query_one(&count, &refs[..where_params]).await?.get(0)
            }
            None => 0,
        };
        Ok(Listing {
            rows: rows.iter().map(product_row).collect(),
            total,
        })
    }

    /// A visible product, `None` when the copy has no such visible product.
    pub async fn product(&self, id: Guid) -> Result<Option<ProductDetail>, CatalogueError> {
        let db = self.pool.get().await?;
        let sql = format!(
            "SELECT {ROW_COLUMNS}, p.description, p.groups, p.manufacturer, p.changed_at
             {ROW_JOINS} WHERE p.id = $1 AND {VISIBLE}"
        );
        let Some(r) = db.query_opt(&sql, &[&id.as_uuid()]).await? else {
            return Ok(None);
        };
        let packages = db
            .query(
                "SELECT id, name, CASE WHEN denominator = 0 THEN numerator
                                       ELSE numerator / denominator END
                 FROM catalogue_units WHERE product = $1 AND NOT removed ORDER BY 3, name",
                &[&id.as_uuid()],
            )
            .await?;
        let files = db
            .query(
                "SELECT id FROM catalogue_files WHERE product = $1 AND NOT removed
                 ORDER BY (id = (SELECT cover FROM catalogue_products WHERE id = $1)) DESC, path",
                &[&id.as_uuid()],
            )
            .await?;
        Ok(Some(ProductDetail {
            row: product_row(&r),
            description: r.get(9),
            groups: r.get::<_, Vec<Uuid>>(10).into_iter().map(guid).collect(),
            manufacturer_id: r.get::<_, Option<Uuid>>(11).map(guid),
            packages: packages
                .iter()
                .map(|p| PackageRow {
                    id: guid(p.get(0)),
                    name: p.get(1),
                    size: p.get(2),
                })
                .collect(),
            files: files.iter().map(|f| guid(f.get(0))).collect(),
            changed_at: r.get(12),
        }))
    }

    /// Whether the copy knows `id` at all (visible or not): an unknown one may be new in 1C.
    pub async fn knows(&self, id: Guid) -> Result<bool, CatalogueError> {
        let db = self.pool.get().await?;
        let row = db
            .query_opt(
                "SELECT 1 FROM catalogue_products WHERE id = $1",
                &[&id.as_uuid()],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Whether `file` is a visible product's attached file.
    pub async fn file_is_shown(&self, file: Guid) -> Result<bool, CatalogueError> {
        let db = self.pool.get().await?;
        let row = db
            .query_opt(
                "SELECT 1 FROM catalogue_files f JOIN catalogue_products p ON p.id = f.product
                 WHERE f.id = $1 AND NOT f.removed AND NOT p.hidden AND NOT p.removed",
                &[&file.as_uuid()],
            )
            .await?;
        Ok(row.is_some())
    }

    /// Folders with visible products, by name.
    pub async fn groups(&self) -> Result<Vec<Group>, CatalogueError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                "SELECT id, parent, name, visible_products FROM catalogue_groups
                 WHERE NOT removed AND visible_products > 0 ORDER BY name, id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Group {
                id: guid(r.get(0)),
                parent: r.get::<_, Option<Uuid>>(1).map(guid),
                name: r.get(2),
                products: r.get(3),
            })
            .collect())
    }

    /// Manufacturers of visible products (in `group` when given), by name; the products without
    /// one last.
    pub async fn makers(&self, group: Option<Guid>) -> Result<Vec<Maker>, CatalogueError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                &format!(
                    "SELECT m.id, m.name, count(*) FROM catalogue_products p
                     LEFT JOIN catalogue_manufacturers m ON m.id = p.manufacturer AND NOT m.removed
                     WHERE {VISIBLE} AND ($1::uuid IS NULL OR $1 = ANY(p.groups))
                     GROUP BY 1, 2 ORDER BY (m.id IS NULL), m.name"
                ),
                &[&group.map(|g| g.as_uuid())],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Maker {
                id: r.get::<_, Option<Uuid>>(0).map(guid),
                name: r
                    .get::<_, Option<String>>(1)
                    .unwrap_or_else(|| "Без производителя".to_owned()),
                products: r.get(2),
            })
            .collect())
    }

    /// Every visible product, for the sitemap.
    pub async fn sitemap(&self) -> Result<Vec<SitemapEntry>, CatalogueError> {
        let db = self.pool.get().await?;
        let rows = db
            .query(
                &format!(
                    "SELECT p.id, p.slug, p.changed_at FROM catalogue_products p
                     WHERE {VISIBLE} ORDER BY p.name, p.id"
                ),
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| SitemapEntry {
                id: guid(r.get(0)),
                slug: r.get(1),
                changed_at: r.get(2),
            })
            .collect())
    }

    /// When the copy was last refreshed from 1C.
    pub async fn refreshed_at(&self) -> Result<Option<DateTime<Utc>>, CatalogueError> {
        let db = self.pool.get().await?;
        let row = db
            .query_opt(
                "SELECT refreshed_at FROM catalogue_refreshes WHERE data_set = 'catalogue'",
                &[],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }
}

impl Store {
    /// Base units in each of `packages` (a price given per package is shown per unit too).
    pub async fn package_sizes(
        &self,
        packages: &[Guid],
    ) -> Result<std::collections::HashMap<Guid, (String, Decimal)>, CatalogueError> {
        if packages.is_empty() {
            return Ok(Default::default());
        }
        let db = self.pool.get().await?;
        let ids: Vec<Uuid> = packages.iter().map(Guid::as_uuid).collect();
        let rows = db
            .query(
                "SELECT id, name, CASE WHEN denominator = 0 THEN numerator
                                       ELSE numerator / denominator END
                 FROM catalogue_units WHERE id = ANY($1)",
                &[&ids],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (guid(r.get(0)), (r.get(1), r.get(2))))
            .collect())
    }
}
