//! How fresh a page's data is: every page that reads 1C says so when it shows kept data because
//! 1C failed (the banner), and its JSON carries the same [`Stale`].

use chrono::{DateTime, FixedOffset};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use crate::format;

/// Data served because 1C failed: when it was read from 1C.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stale {
    /// When the data was read from 1C, in the base's zone.
    pub as_of: DateTime<FixedOffset>,
    pub age_seconds: u64,
}

/// «1С сейчас недоступна. Показаны данные на 07.05.2024 10:42 (5 минут назад).» — nothing when
/// the data is fresh.
pub fn stale_banner(stale: Option<&Stale>) -> Markup {
    html! {
        @if let Some(s) = stale {
            p.stale-banner role="status" {
                "1С сейчас недоступна. Показаны данные на "
                strong { (format::date_time(&s.as_of)) }
                " (" (format::age(s.age_seconds)) " назад)."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_says_when_and_how_long_ago() {
        assert_eq!(stale_banner(None).into_string(), "");
        let as_of = DateTime::parse_from_rfc3339("2024-05-07T10:42:00+05:00").unwrap();
        let text = stale_banner(Some(&Stale {
            as_of,
            age_seconds: 300,
        }))
        .into_string();
        assert!(text.contains("07.05.2024 10:42"), "{text}");
        assert!(text.contains("5 минут назад"), "{text}");
    }
}
