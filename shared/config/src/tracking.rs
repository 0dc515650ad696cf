//! `PINGS_RETENTION_DAYS`, `TRACKING_*`: how long pings are kept and how a day is judged.

use url::Url;

use crate::reader::{Reader, read_positive};

/// Agent tracking: ping retention and the supervisor's map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingSettings {
    /// `PINGS_RETENTION_DAYS` (default 90): how long a ping is kept.
    pub retention_days: u32,
    /// `TRACKING_MIN_VISIT_S` (default 120): a visit shorter than this is flagged.
    pub min_visit_s: u32,
    /// `TRACKING_FAR_M` (default 300): an order taken farther than this from the client's
    /// location is flagged.
    pub far_m: u32,
    /// `TRACKING_TILE_URL` (default OpenStreetMap's): the map tiles, a Leaflet URL template
    /// (`https://host/{z}/{x}/{y}.png`); the pages' CSP allows exactly its host for images.
    pub tile_url: String,
}

impl Default for TrackingSettings {
    fn default() -> Self {
        TrackingSettings {
            retention_days: 90,
            min_visit_s: 120,
            far_m: 300,
            tile_url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
        }
    }
}

impl TrackingSettings {
    /// The tile server's origin (`https://host[:port]`), for the content security policy.
    pub fn tile_origin(&self) -> String {
        let url = Url::parse(&self.tile_url.replace(['{', '}'], "")).ok();
        url.map(|u| u.origin().ascii_serialization())
            .unwrap_or_default()
    }
}

pub(crate) fn read(r: &mut Reader<'_>) -> TrackingSettings {
    let d = TrackingSettings::default();
    let tile_url = match r.get("TRACKING_TILE_URL") {
        None => d.tile_url.clone(),
        Some(v) => {
            let ok = v.starts_with("https://")
                && ["{z}", "{x}", "{y}"].iter().all(|p| v.contains(p))
                && Url::parse(&v.replace(['{', '}'], "")).is_ok();
            if ok {
                v
            } else {
                r.bad(
                    "TRACKING_TILE_URL",
                    "an https URL template with {z}, {x} and {y}",
                    Some(v),
                );
                d.tile_url.clone()
            }
        }
    };
    TrackingSettings {
        retention_days: read_positive(r, "PINGS_RETENTION_DAYS", d.retention_days),
        min_visit_s: read_positive(r, "TRACKING_MIN_VISIT_S", d.min_visit_s),
        far_m: read_positive(r, "TRACKING_FAR_M", d.far_m),
        tile_url,
    }
}
