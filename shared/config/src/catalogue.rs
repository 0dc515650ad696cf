//! `CATALOGUE_*` and `PUBLIC_URL`: how the public catalogue is shown and cached.

use url::Url;
use uuid::Uuid;

use crate::reader::{Reader, read_positive};

/// The edge caching of public catalogue answers (CloudFront's cache policy in `template.yaml`
/// follows what the origin says).
pub const DEFAULT_CACHE_CONTROL: &str =
    "public, max-age=60, s-maxage=300, stale-while-revalidate=600, stale-if-error=86400";

/// The public catalogue's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueSettings {
    /// `PUBLIC_URL` (default `http://localhost:<PORT>`): the portal's address as visitors see it,
    /// for canonical links, OpenGraph and the sitemap.
    pub public_url: Url,
    /// `CATALOGUE_LOW_STOCK_PIECES` (default 10): fewer pieces than this show as «мало».
    pub low_stock_pieces: u32,
    /// `CATALOGUE_LOW_STOCK_KG` (default 5): fewer kilograms of a weighed product show as «мало».
    pub low_stock_kg: u32,
    /// `CATALOGUE_CACHE_CONTROL` (default [`DEFAULT_CACHE_CONTROL`]) on every public answer.
    pub cache_control: String,
    /// `CATALOGUE_PRICE_KIND`: the price kind shown to the public; by default the site settings'
    /// main price kind.
    pub public_price_kind: Option<Uuid>,
}

impl CatalogueSettings {
    pub fn local(port: u16) -> Self {
        CatalogueSettings {
            public_url: Url::parse(&format!("http://localhost:{port}/")).expect("a valid URL"),
            low_stock_pieces: 10,
            low_stock_kg: 5,
            cache_control: DEFAULT_CACHE_CONTROL.to_owned(),
            public_price_kind: None,
        }
    }
}

pub(crate) fn read(r: &mut Reader<'_>, port: u16) -> CatalogueSettings {
    let d = CatalogueSettings::local(port);
    let public_url = match r.get("PUBLIC_URL") {
        None => d.public_url.clone(),
        Some(v) => match Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() && u.path() == "/" => u,
            _ => {
                r.bad("PUBLIC_URL", "an http(s) URL without a path", Some(v));
                d.public_url.clone()
            }
        },
    };
    let cache_control = match r.get("CATALOGUE_CACHE_CONTROL") {
        None => d.cache_control.clone(),
        Some(v) if v.starts_with("public") && v.is_ascii() => v,
        Some(v) => {
            r.bad(
                "CATALOGUE_CACHE_CONTROL",
                "a Cache-Control value starting with `public`",
                Some(v),
            );
            d.cache_control.clone()
        }
    };
    let public_price_kind = match r.get("CATALOGUE_PRICE_KIND") {
        None => None,
        Some(v) => match Uuid::parse_str(v.trim()) {
            Ok(id) => Some(id),
            Err(_) => {
                r.bad("CATALOGUE_PRICE_KIND", "a price kind's GUID", Some(v));
                None
            }
        },
    };
    CatalogueSettings {
        public_url,
        low_stock_pieces: read_positive(r, "CATALOGUE_LOW_STOCK_PIECES", d.low_stock_pieces),
        low_stock_kg: read_positive(r, "CATALOGUE_LOW_STOCK_KG", d.low_stock_kg),
        cache_control,
        public_price_kind,
    }
}
