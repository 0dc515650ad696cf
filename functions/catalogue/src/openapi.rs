//! This function's part of the portal's OpenAPI description (`/api/v1/openapi.json`), generated
//! from the answers' types: the public catalogue's JSON (no session; one cacheable document for
//! everyone) and the employees' stock and price tables.

use onec_client::Guid;
use skazka_web::Problem;

use crate::handlers::ProductAnswer;
use crate::listing::Listing;
use crate::staff::{PriceTable, StockTable};

/// The listing's filters, as the listing page takes them. A malformed value is a `400` problem.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListingParams {
    /// Search: every word must occur in the name, code or manufacturer, as part of a word, in any
    /// order; case and ё/е do not matter. At most 100 characters.
    pub q: Option<String>,
    /// A product folder: its products and those of the folders below it.
    pub group: Option<Guid>,
    /// A manufacturer's GUID, or `none` for products without one.
    pub maker: Option<String>,
    /// `1`: only products with free stock.
    pub in_stock: Option<String>,
    /// `name` (with `q`: best matches first), `code`, or `new` (newest first).
    pub sort: Option<String>,
    /// 1-based, 24 products a page, at most 1000.
    #[param(minimum = 1, maximum = 1000)]
    pub page: Option<i64>,
}

/// The price kind of `/catalogue/prices`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct KindParam {
    /// One of the price kinds the site shows; default the first. Another is a `400`.
    pub kind: Option<Guid>,
}

/// A product's id.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct ProductPath {
    /// The product's ref; a hidden, deleted or unknown product (or not a GUID) is `404`.
    pub id: Guid,
}

/// The public answers' errors (no session, so no 401/403).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum PublicProblems {
    /// Not modified: `If-None-Match` matched the `ETag`.
    #[response(status = 304)]
    NotModified,
    /// A parameter is malformed (the detail says which).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// No such visible product.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Postgres or 1C failed and nothing is kept.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue",
    tag = "catalogue",
    summary = "Products, filtered, searched, sorted, a page at a time",
    description = "Visible products (not hidden on the site in 1C, not marked for deletion) with the public price per base unit and stock as a level only. `Cache-Control: public, …` and a strong `ETag`; `stale` says how old the prices and stock are when 1C could not be asked.",
    params(ListingParams),
    security(()),
    responses((status = 200, description = "A page of products", body = Listing), PublicProblems)
)]
#[allow(dead_code)]
fn listing() {}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue/{id}",
    tag = "catalogue",
    summary = "One product: its folders, prices per unit and package, pictures, next delivery",
    params(ProductPath),
    security(()),
    responses((status = 200, description = "The product", body = ProductAnswer), PublicProblems)
)]
#[allow(dead_code)]
fn product() {}

#[utoipa::path(
    get,
    path = "/catalogue/stock",
    tag = "catalogue",
    summary = "Employees: what can be sold today at the configured warehouse",
    description = "The listing's filters apply. `/catalogue/stock/export.xlsx` and `export.csv` download the same lines.",
    params(ListingParams),
    responses((status = 200, description = "The stock", body = StockTable), skazka_web::openapi::Problems)
)]
#[allow(dead_code)]
fn stock() {}

#[utoipa::path(
    get,
    path = "/catalogue/prices",
    tag = "catalogue",
    summary = "Employees: one price kind's current prices",
    description = "The listing's filters apply. `/catalogue/prices/export.xlsx` and `export.csv` download the same lines.",
    params(KindParam, ListingParams),
    responses((status = 200, description = "The prices", body = PriceTable), skazka_web::openapi::Problems)
)]
#[allow(dead_code)]
fn prices() {}

/// The catalogue routes' part of the portal's description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(listing, product, stock, prices))]
pub struct ApiDoc;
