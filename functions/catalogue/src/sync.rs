//! The catalogue copy: 1C's products, folders, manufacturers, units, packages and attached files
//! copied into Postgres (migrations/V6__catalogue.sql) so that listing and search never call 1C.
//!
//! Incremental by `DataVersion` (docs/onec.md §3.6): the ids and versions of every product and
//! package are read (one light request each), and whole rows only for what is new or changed, in
//! id chunks. A row 1C no longer lists — deleted, or marked for deletion — is kept with `removed`
//! set (quirk 9 of §9). Manufacturers and files are small and read whole. One transaction: a
//! page sees the previous copy or the new one, never half.

use std::collections::{HashMap, HashSet};

use futures::TryStreamExt;
use onec_client::model::{self, Manufacturer, Package, Product, ProductFile, Version};
use onec_client::{Guid, OnecClient, Order};
use serde::Serialize;
use skazka_accounts::SiteSettings;
use skazka_store::PgPool;
use skazka_store::tokio_postgres::Transaction;
use uuid::Uuid;

use crate::error::CatalogueError;
use crate::text;

/// What one copy did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CopyReport {
    /// Rows 1C answered (versions lists included).
    pub rows_read: u64,
    /// Rows inserted, updated or marked removed.
    pub rows_changed: u64,
}

/// Copies what changed in 1C since the last copy.
pub async fn copy(
    client: &OnecClient,
    pool: &PgPool,
    settings: &SiteSettings,
) -> Result<CopyReport, CatalogueError> {
    let mut report = CopyReport::default();
    let mut db = pool.get().await?;

    // Read 1C first (nothing is locked while 1C answers), then write in one transaction.
    let makers = client.manufacturers().await?;
    let stored_units = versions(&db, "catalogue_units").await?;
    let unit_versions = client.package_versions().await?;
    let (changed_units, removed_units) = diff(&stored_units, &unit_versions);
    let units = changed_rows(
        client,
        &changed_units,
        model::packages_query(),
        |u: &Package| u.id,
        model::packages_by_ids_query,
    )
    .await?;
    let mut stored_products = versions(&db, "catalogue_products").await?;
    stored_products.extend(versions(&db, "catalogue_groups").await?);
    let product_versions = client.product_versions().await?;
    let (changed_products, removed_products) = diff(&stored_products, &product_versions);
    let products = changed_rows(
        client,
        &changed_products,
        model::products_query().order_by(model::names::REF_KEY, Order::Asc),
        |p: &Product| p.id,
        model::products_by_ids_query,
    )
    .await?;
    let files = client.product_files().await?;
    report.rows_read = (makers.len()
        + unit_versions.len()
        + units.len()
        + product_versions.len()
        + products.len()
        + files.len()) as u64;

    let tx = db.transaction().await?;
    report.rows_changed += write_makers(&tx, &makers).await?;
    report.rows_changed += write_units(&tx, &units, &removed_units).await?;
    report.rows_changed += write_products(&tx, &products, &removed_products, settings).await?;
    report.rows_changed += write_files(&tx, &files).await?;
    derive(&tx).await?;
    tx.execute(
        "INSERT INTO catalogue_refreshes (data_set, refreshed_at) VALUES ('catalogue', now())
         ON CONFLICT (data_set) DO UPDATE SET refreshed_at = now()",
        &[],
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// One product seen first on its page (it appeared in 1C after the last copy): read live and
/// stored, so its page and search find it from now on. `None` when 1C has no such product.
pub async fn copy_one(
    client: &OnecClient,
    pool: &PgPool,
    settings: &SiteSettings,
    id: Guid,
) -> Result<bool, CatalogueError> {
    let products = client.products_by_ids(&[id]).await?;
    let Some(product) = products.into_iter().find(|p| p.id == id && !p.is_folder) else {
        return Ok(false);
    };
    let mut db = pool.get().await?;
    let tx = db.transaction().await?;
    write_products(&tx, &[product], &[], settings).await?;
    derive(&tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Above this many changed rows, reading the whole set a page at a time costs fewer 1C calls
/// than asking for the changed ones by id (an id chunk holds a few dozen ids; a page 1000 rows).
const BY_IDS_AT_MOST: usize = 300;
const PAGE: u64 = 1_000;

/// The whole rows of `changed`: by id chunks when they are few, else the whole set paged and
/// filtered (the first copy, or a mass change in 1C).
async fn changed_rows<T>(
    client: &OnecClient,
    changed: &[Guid],
    whole: onec_client::Query,
    id: fn(&T) -> Guid,
    by_ids: fn(&[Guid]) -> onec_client::Query,
) -> Result<Vec<T>, CatalogueError>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    if changed.len() <= BY_IDS_AT_MOST {
        return Ok(client.fetch_by_ids(changed, by_ids).await?);
    }
    let wanted: HashSet<Guid> = changed.iter().copied().collect();
    let rows: Vec<T> = client.stream(whole, PAGE).try_collect().await?;
    Ok(rows
        .into_iter()
        .filter(|r| wanted.contains(&id(r)))
        .collect())
}

async fn versions(
    db: &skazka_store::Client,
    table: &str,
) -> Result<HashMap<Guid, String>, CatalogueError> {
    // `table` is one of this module's constants, never input.
    let rows = db
        .query(
            &format!("SELECT id, data_version FROM {table} WHERE NOT removed"),
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (Guid::from_uuid(r.get(0)), r.get(1)))
        .collect())
}

/// What to read whole (new or another version) and what is gone from 1C.
fn diff(stored: &HashMap<Guid, String>, current: &[Version]) -> (Vec<Guid>, Vec<Guid>) {
    let changed = current
        .iter()
        .filter(|v| stored.get(&v.id) != Some(&v.data_version))
        .map(|v| v.id)
        .collect();
    let present: HashSet<Guid> = current.iter().map(|v| v.id).collect();
    let removed = stored
        .keys()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    (changed, removed)
}

fn uuids(ids: impl IntoIterator<Item = Guid>) -> Vec<Uuid> {
    ids.into_iter().map(|g| g.as_uuid()).collect()
}

async fn write_makers(
    tx: &Transaction<'_>,
    makers: &[Manufacturer],
) -> Result<u64, CatalogueError> {
    let makers: Vec<&Manufacturer> = makers.iter().filter(|m| !m.is_folder).collect();
    let ids = uuids(makers.iter().map(|m| m.id));
    let names: Vec<&str> = makers.iter().map(|m| m.name.as_str()).collect();
    let versions: Vec<&str> = makers.iter().map(|m| m.data_version.as_str()).collect();
    let removed: Vec<bool> = makers.iter().map(|m| m.deleted).collect();
    let mut n = tx
        .execute(
            "INSERT INTO catalogue_manufacturers (id, name, data_version, removed)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[])
             ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                 data_version = excluded.data_version, removed = excluded.removed
             WHERE (catalogue_manufacturers.name, catalogue_manufacturers.removed)
                 IS DISTINCT FROM (excluded.name, excluded.removed)",
            &[&ids, &names, &versions, &removed],
        )
        .await?;
    n += tx
        .execute(
            "UPDATE catalogue_manufacturers SET removed = true
             WHERE NOT removed AND NOT (id = ANY($1))",
            &[&ids],
        )
        .await?;
    Ok(n)
}

async fn write_units(
    tx: &Transaction<'_>,
    units: &[Package],
    removed: &[Guid],
) -> Result<u64, CatalogueError> {
    let ids = uuids(units.iter().map(|u| u.id));
    let products: Vec<Option<Uuid>> = units
        .iter()
        .map(|u| u.product.map(|g| g.as_uuid()))
        .collect();
    let names: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    let numerators: Vec<_> = units.iter().map(|u| u.numerator).collect();
    let denominators: Vec<_> = units.iter().map(|u| u.denominator).collect();
    let weights: Vec<_> = units.iter().map(|u| u.weight).collect();
    let versions: Vec<&str> = units.iter().map(|u| u.data_version.as_str()).collect();
    let deleted: Vec<bool> = units.iter().map(|u| u.deleted).collect();
    let mut n = tx
        .execute(
            "INSERT INTO catalogue_units
                 (id, product, name, numerator, denominator, weight, data_version, removed)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[],
                                  $5::numeric[], $6::numeric[], $7::text[], $8::bool[])
             ON CONFLICT (id) DO UPDATE SET product = excluded.product, name = excluded.name,
                 numerator = excluded.numerator, denominator = excluded.denominator,
                 weight = excluded.weight, data_version = excluded.data_version,
                 removed = excluded.removed",
            &[
                &ids,
                &products,
                &names,
                &numerators,
                &denominators,
                &weights,
                &versions,
                &deleted,
            ],
        )
        .await?;
    n += tx
        .execute(
            "UPDATE catalogue_units SET removed = true WHERE id = ANY($1)",
            &[&uuids(removed.iter().copied())],
        )
        .await?;
    Ok(n)
}

async fn write_products(
    tx: &Transaction<'_>,
    rows: &[Product],
    removed: &[Guid],
    settings: &SiteSettings,
) -> Result<u64, CatalogueError> {
    let (folders, products): (Vec<&Product>, Vec<&Product>) =
        rows.iter().partition(|p| p.is_folder);
    let mut n = tx
        .execute(
            "INSERT INTO catalogue_groups (id, parent, name, data_version)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])
             ON CONFLICT (id) DO UPDATE SET parent = excluded.parent, name = excluded.name,
                 data_version = excluded.data_version, removed = false",
            &[
                &uuids(folders.iter().map(|f| f.id)),
                &folders
                    .iter()
                    .map(|f| f.parent.map(|g| g.as_uuid()))
                    .collect::<Vec<_>>(),
                &folders.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
                &folders
                    .iter()
                    .map(|f| f.data_version.as_str())
                    .collect::<Vec<_>>(),
            ],
        )
        .await?;
    let hide = settings.products.hide_on_site;
    n += tx
        .execute(
            "INSERT INTO catalogue_products (id, group_id, name, code, description, unit, weighed,
                 manufacturer, hidden, data_version, slug, search)
             SELECT *, '' FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                 $6::uuid[], $7::bool[], $8::uuid[], $9::bool[], $10::text[], $11::text[])
             ON CONFLICT (id) DO UPDATE SET group_id = excluded.group_id, name = excluded.name,
                 code = excluded.code, description = excluded.description, unit = excluded.unit,
                 weighed = excluded.weighed, manufacturer = excluded.manufacturer,
                 hidden = excluded.hidden, data_version = excluded.data_version,
                 slug = excluded.slug, removed = false, changed_at = now()",
            &[
                &uuids(products.iter().map(|p| p.id)),
                &products
                    .iter()
                    .map(|p| p.parent.map(|g| g.as_uuid()))
                    .collect::<Vec<_>>(),
                &products.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
                &products.iter().map(|p| p.code.trim()).collect::<Vec<_>>(),
                &products
                    .iter()
                    .map(|p| p.description.as_str())
                    .collect::<Vec<_>>(),
                &products
                    .iter()
                    .map(|p| p.unit.map(|g| g.as_uuid()))
                    .collect::<Vec<_>>(),
                &products.iter().map(|p| p.weighed).collect::<Vec<_>>(),
                &products
                    .iter()
                    .map(|p| p.manufacturer.map(|g| g.as_uuid()))
                    .collect::<Vec<_>>(),
                &products.iter().map(|p| p.hidden(hide)).collect::<Vec<_>>(),
                &products
                    .iter()
                    .map(|p| p.data_version.as_str())
                    .collect::<Vec<_>>(),
                &products
                    .iter()
                    .map(|p| text::slug(&p.name))
                    .collect::<Vec<_>>(),
            ],
        )
        .await?;
    let removed = uuids(removed.iter().copied());
    n += tx
        .execute(
            "UPDATE catalogue_products SET removed = true, changed_at = now() WHERE id = ANY($1)",
            &[&removed],
        )
        .await?;
    n += tx
        .execute(
            "UPDATE catalogue_groups SET removed = true WHERE id = ANY($1)",
            &[&removed],
        )
        .await?;
    Ok(n)
}

async fn write_files(tx: &Transaction<'_>, files: &[ProductFile]) -> Result<u64, CatalogueError> {
    let files: Vec<(&ProductFile, Guid)> =
        files.iter().filter_map(|f| Some((f, f.product?))).collect();
    let ids = uuids(files.iter().map(|(f, _)| f.id));
    let mut n = tx
        .execute(
            "INSERT INTO catalogue_files (id, product, path)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
             ON CONFLICT (id) DO UPDATE SET product = excluded.product, path = excluded.path,
                 removed = false
             WHERE (catalogue_files.product, catalogue_files.path, catalogue_files.removed)
                 IS DISTINCT FROM (excluded.product, excluded.path, false)",
            &[
                &ids,
                &uuids(files.iter().map(|(_, p)| *p)),
                &files
                    .iter()
                    .map(|(f, _)| f.path.as_str())
                    .collect::<Vec<_>>(),
            ],
        )
        .await?;
    n += tx
        .execute(
            "UPDATE catalogue_files SET removed = true WHERE NOT removed AND NOT (id = ANY($1))",
            &[&ids],
        )
        .await?;
    // A product's cover is its last attached file in 1C's order (docs/onec.md §3.7).
    let mut cover: HashMap<Guid, Guid> = HashMap::new();
    for (f, product) in &files {
        cover.insert(*product, f.id);
    }
    tx.execute(
        "UPDATE catalogue_products p SET cover = c.file
         FROM (SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS c(product, file)) c
         WHERE p.id = c.product AND p.cover IS DISTINCT FROM c.file",
        &[
            &uuids(cover.keys().copied()),
            &uuids(cover.values().copied()),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE catalogue_products SET cover = NULL
         WHERE cover IS NOT NULL AND NOT (id = ANY($1))",
        &[&uuids(cover.keys().copied())],
    )
    .await?;
    Ok(n)
}

/// What follows from the rows: each product's folder path (for the group filter), its search
/// text (name, code, manufacturer — a renamed manufacturer renames its products' search), and
/// each folder's count of visible products below it (a folder without any is not shown).
async fn derive(tx: &Transaction<'_>) -> Result<(), CatalogueError> {
    tx.batch_execute(
        "WITH RECURSIVE tree(id, path) AS (
             SELECT id, ARRAY[id] FROM catalogue_groups WHERE parent IS NULL AND NOT removed
             UNION ALL
             SELECT g.id, t.path || g.id FROM catalogue_groups g JOIN tree t ON g.parent = t.id
             WHERE NOT g.removed AND NOT g.id = ANY(t.path)
         )
         UPDATE catalogue_products p SET groups = coalesce(t.path, '{}')
         FROM catalogue_products q LEFT JOIN tree t ON t.id = q.group_id
         WHERE p.id = q.id AND p.groups IS DISTINCT FROM coalesce(t.path, '{}');

         UPDATE catalogue_groups g SET visible_products = coalesce(c.n, 0)
         FROM catalogue_groups h LEFT JOIN (
             SELECT unnest(groups) AS id, count(*)::int AS n FROM catalogue_products
             WHERE NOT hidden AND NOT removed GROUP BY 1
         ) c ON c.id = h.id
         WHERE g.id = h.id AND g.visible_products IS DISTINCT FROM coalesce(c.n, 0);",
    )
    .await?;
    // Search text is normalized in Rust (case, ё, Kazakh letters do not depend on the
    // database's locale).
    let rows = tx
        .query(
            "SELECT p.id, p.name, p.code, coalesce(m.name, ''), p.search
             FROM catalogue_products p LEFT JOIN catalogue_manufacturers m ON m.id = p.manufacturer",
            &[],
        )
        .await?;
    let (mut ids, mut texts) = (Vec::new(), Vec::new());
    for r in &rows {
        let (name, code, maker, old): (&str, &str, &str, &str) =
            (r.get(1), r.get(2), r.get(3), r.get(4));
        let search = text::normalize(&format!("{name} {code} {maker}"));
        if search != old {
            ids.push(r.get::<_, Uuid>(0));
            texts.push(search);
        }
    }
    tx.execute(
        "UPDATE catalogue_products p SET search = s.search
         FROM unnest($1::uuid[], $2::text[]) AS s(id, search) WHERE p.id = s.id",
        &[&ids, &texts],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u128, version: &str) -> Version {
        Version {
            id: Guid::from_uuid(Uuid::from_u128(n)),
            data_version: version.into(),
        }
    }

    #[test]
    fn only_new_and_changed_rows_are_read_and_missing_ones_removed() {
        let stored: HashMap<Guid, String> = [v(1, "a"), v(2, "b"), v(3, "c")]
            .into_iter()
            .map(|v| (v.id, v.data_version))
            .collect();
        let (changed, mut removed) = diff(&stored, &[v(1, "a"), v(2, "B"), v(4, "d")]);
        removed.sort();
        assert_eq!(changed, [v(2, "").id, v(4, "").id]);
        assert_eq!(removed, [v(3, "").id]);
    }
}
