//! The public handlers: the home page, the listing, a product page, its pictures, the sitemap and
//! robots.txt, and the same listing and product as JSON under `/api/v1/catalogue`. None of them
//! reads the session: every answer is one cacheable document for everyone.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use onec_client::Guid;
use skazka_reads::REFERENCE;
use skazka_viewer::parse_guid;
use skazka_web::{AppError, Stale};

use crate::domain::ProductPage;
use crate::listing::{Here, Listing};
use crate::service::CatalogueService;
use crate::views;

fn public_url(svc: &CatalogueService) -> String {
    svc.config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}

/// `GET /`: what the portal is, and the catalogue's groups when Postgres can say (the page
/// answers without them rather than fail).
pub async fn home(State(svc): State<CatalogueService>) -> Response {
    let groups = svc.store.groups().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "home page without the catalogue's groups");
        Vec::new()
    });
    views::home(&groups, &public_url(&svc)).into_response()
}

async fn listing(svc: &CatalogueService, here: &Here) -> Result<Listing, AppError> {
    let site = svc.site().await?;
    let in_stock = if here.in_stock {
        Some(svc.in_stock(&site).await?)
    } else {
        None
    };
    let cards = svc.cards(&here.filter(in_stock)).await?;
    Ok(Listing::new(
        cards.cards,
        cards.total,
        here.page,
        cards.stale,
    ))
}

/// `GET /catalogue`.
pub async fn catalogue(
    State(svc): State<CatalogueService>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let here = Here::parse(raw.as_deref())?;
    let page = listing(&svc, &here).await?;
    let groups = svc.store.groups().await?;
    let makers = svc.store.makers(here.group).await?;
    Ok(views::listing(&here, &page, &groups, &makers, &public_url(&svc)).into_response())
}

/// `GET /api/v1/catalogue`: the listing as JSON (the same parameters, search text in `q`).
pub async fn api_catalogue(
    State(svc): State<CatalogueService>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Listing>, AppError> {
    let here = Here::parse(raw.as_deref())?;
    Ok(Json(listing(&svc, &here).await?))
}

/// `{guid}` or `{guid}-{slug}` → the id and the slug asked for.
fn split_item(item: &str) -> Option<(Guid, &str)> {
    let (id, rest) = item.split_at_checked(36)?;
    let slug = match rest {
        "" => "",
        r => r.strip_prefix('-')?,
    };
    Some((parse_guid(id)?, slug))
}

/// `GET /catalogue/{guid}-{slug}`: an old or missing slug redirects (308, permanent) to the current one.
pub async fn product(
    State(svc): State<CatalogueService>,
    Path(item): Path<String>,
) -> Result<Response, AppError> {
    let (id, slug) = split_item(&item).ok_or(AppError::NotFound)?;
    let (page, current, stale) = svc.product(id).await?.ok_or(AppError::NotFound)?;
    if slug != current {
        return Ok(Redirect::permanent(&page.card.url).into_response());
    }
    Ok(views::product(&page, stale.as_ref(), &public_url(&svc)).into_response())
}

/// `GET /api/v1/catalogue/{guid}`.
pub async fn api_product(
    State(svc): State<CatalogueService>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_guid(&id).ok_or(AppError::NotFound)?;
    let (page, _, stale) = svc.product(id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(ProductAnswer { page, stale }).into_response())
}

/// `/api/v1/catalogue/{guid}`'s answer: the product's page and, when the prices or stock are kept
/// data, how old.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProductAnswer {
    #[serde(flatten)]
    pub page: ProductPage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<Stale>,
}

/// `GET /catalogue/files/{guid}`: a visible product's attached picture, read from 1C once and
/// kept (a file's bytes never change under its id).
pub async fn file(
    State(svc): State<CatalogueService>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_guid(&id).ok_or(AppError::NotFound)?;
    if !svc.store.file_is_shown(id).await? {
        return Err(AppError::NotFound);
    }
    let client = svc.client().clone();
    let served = svc
        .reader()
        .read(
            &format!("catalogue:v1:file:{id}"),
            REFERENCE,
            || async move {
                let bytes = client.file_data(id).await?;
                Ok(bytes.map(|b| base64_encode(&b)))
            },
        )
        .await?;
    let bytes = served
        .value
        .and_then(|b| base64_decode(&b))
        .ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, sniff(&bytes))], bytes).into_response())
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The picture's type from its first bytes (1C keeps no content type; the simulator's are SVG).
fn sniff(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        b if b.starts_with(b"<svg") || b.starts_with(b"<?xml") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// `GET /sitemap.xml`.
pub async fn sitemap(State(svc): State<CatalogueService>) -> Result<Response, AppError> {
    let groups: Vec<Guid> = svc.store.groups().await?.iter().map(|g| g.id).collect();
    let products: Vec<(String, String)> = svc
        .store
        .sitemap()
        .await?
        .into_iter()
        .map(|p| {
            (
                crate::domain::product_url(p.id, &p.slug),
                p.changed_at.date_naive().to_string(),
            )
        })
        .collect();
    let xml = views::sitemap(&public_url(&svc), &groups, &products);
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// `GET /robots.txt`.
pub async fn robots(State(svc): State<CatalogueService>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        views::robots(&public_url(&svc)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_addresses_are_an_id_and_an_optional_slug() {
        let id = "5a75e2f1-6c9f-11ec-88f2-000c29dddd38";
        assert_eq!(split_item(id).map(|(_, s)| s), Some(""));
        assert_eq!(
            split_item(&format!("{id}-sahar")).map(|(_, s)| s),
            Some("sahar")
        );
        assert!(split_item(&format!("{id}sahar")).is_none());
        assert!(split_item("short").is_none());
        assert!(split_item("товар-товар-товар-товар-товар-товар-товар").is_none());
    }
}
