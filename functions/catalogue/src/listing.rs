//! The listing's address: its query parameters checked ([`Here::parse`]), turned into the store's
//! [`Filter`], and written back into links that keep the other parameters.

use onec_client::Guid;
use serde::Serialize;
use skazka_viewer::parse_guid;
use skazka_web::{AppError, Stale};

use crate::domain::Card;
use crate::store::{Filter, Group, MakerFilter, PAGE_SIZE, Sort};
use crate::text;

/// The longest search text read (longer is cut, not refused).
const MAX_QUERY: usize = 100;
/// Pages past this are refused: nobody reads page 10 000, and deep offsets cost.
const MAX_PAGE: i64 = 1_000;

/// The listing's parameters: `q`, `group`, `maker` (a GUID or `none`), `in_stock=1`,
/// `sort` (`name`, `code`, `new`), `page`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Here {
    pub q: String,
    pub group: Option<Guid>,
    pub maker: Option<MakerFilter>,
    pub in_stock: bool,
    pub sort: Sort,
    pub page: i64,
}

/// A page of cards as the listing shows it and the API answers it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Listing {
    pub items: Vec<Card>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<Stale>,
}

impl Listing {
    pub fn new(cards: Vec<Card>, total: i64, page: i64, stale: Option<Stale>) -> Self {
        Listing {
            items: cards,
            total,
            page,
            page_size: PAGE_SIZE,
            stale,
        }
    }

    pub fn pages(&self) -> i64 {
        (self.total + PAGE_SIZE - 1) / PAGE_SIZE
    }
}

fn bad(what: &str) -> AppError {
    AppError::BadRequest(what.to_owned())
}

impl Here {
    /// From the raw query string. A repeated or malformed parameter is a `400`; unknown ones
    /// (tracking tags of a shared link) are ignored.
    pub fn parse(raw: Option<&str>) -> Result<Here, AppError> {
        let mut here = Here {
            page: 1,
            ..Here::default()
        };
        let mut seen = Vec::new();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if seen.contains(&key) {
                return Err(bad(&format!("Параметр «{key}» указан дважды.")));
            }
            seen.push(key.clone());
            let value = value.trim();
            match key.as_ref() {
                "q" => here.q = value.chars().take(MAX_QUERY).collect(),
                "group" if value.is_empty() => {}
                "group" => {
                    here.group =
                        Some(parse_guid(value).ok_or_else(|| bad("Неверная группа товаров."))?)
                }
                "maker" => {
                    here.maker = match value {
                        "" => None,
                        "none" => Some(MakerFilter::None),
                        v => Some(MakerFilter::Is(
                            parse_guid(v).ok_or_else(|| bad("Неверный производитель."))?,
                        )),
                    }
                }
                "in_stock" => {
                    here.in_stock = match value {
                        "" | "0" => false,
                        "1" | "on" | "true" => true,
                        _ => return Err(bad("Параметр in_stock: 1 или 0.")),
                    }
                }
                "sort" => {
                    here.sort = match value {
                        "" | "name" => Sort::Name,
                        "code" => Sort::Code,
                        "new" => Sort::New,
                        _ => return Err(bad("Сортировка: name, code или new.")),
                    }
                }
                "page" => {
                    here.page = match value.parse::<i64>() {
                        Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                        _ => return Err(bad(&format!("Номер страницы: от 1 до {MAX_PAGE}."))),
                    }
                }
                _ => {}
            }
        }
        Ok(here)
    }

    /// The store's filter (`in_stock`: the products with free stock, when that filter is on).
    pub fn filter(&self, in_stock: Option<Vec<Guid>>) -> Filter {
        Filter {
            words: text::query_words(&self.q),
            group: self.group,
            maker: self.maker,
            only: if self.in_stock { in_stock } else { None },
            sort: self.sort,
            page: self.page,
        }
    }

    pub fn maker_value(&self) -> String {
        match self.maker {
            None => String::new(),
            Some(MakerFilter::None) => "none".to_owned(),
            Some(MakerFilter::Is(id)) => id.to_string(),
        }
    }

    fn link(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        if let Some(g) = self.group {
            q.append_pair("group", &g.to_string());
        }
        if self.maker.is_some() {
            q.append_pair("maker", &self.maker_value());
        }
        if self.in_stock {
            q.append_pair("in_stock", "1");
        }
        match self.sort {
            Sort::Name => {}
            Sort::Code => {
                q.append_pair("sort", "code");
            }
            Sort::New => {
                q.append_pair("sort", "new");
            }
        }
        if self.page > 1 {
            q.append_pair("page", &self.page.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/catalogue".to_owned()
        } else {
            format!("/catalogue?{q}")
        }
    }

    /// This listing on another page.
    pub fn with_page(&self, page: i64) -> String {
        Here {
            page,
            ..self.clone()
        }
        .link()
    }

    /// This listing in another group (from its first page).
    pub fn with_group(&self, group: Option<Guid>) -> String {
        Here {
            group,
            page: 1,
            ..self.clone()
        }
        .link()
    }

    /// The canonical address: the group and the page only (search and filters are variants).
    pub fn canonical(&self) -> String {
        Here {
            group: self.group,
            page: self.page,
            ..Here::default()
        }
        .link()
    }

    /// The chosen group and the groups above it, from the top.
    pub fn group_path<'a>(&self, groups: &'a [Group]) -> Vec<&'a Group> {
        let mut path = Vec::new();
        let mut at = self.group;
        while let Some(id) = at {
            let Some(g) = groups.iter().find(|g| g.id == id) else {
                break;
            };
            if path.iter().any(|p: &&Group| p.id == g.id) {
                break;
            }
            path.push(g);
            at = g.parent;
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked_and_links_keep_them() {
        let g = "5a75e2f1-6c9f-11ec-88f2-000c29dddd38";
        let here = Here::parse(Some(&format!(
            "q=%D1%81%D0%B0%D1%85%D0%B0%D1%80&group={g}&maker=none&in_stock=1&sort=code&page=2&utm_source=x"
        )))
        .unwrap();
        assert_eq!(here.q, "сахар");
        assert_eq!(here.maker, Some(MakerFilter::None));
        assert!(here.in_stock);
        assert_eq!(here.page, 2);
        assert_eq!(
            here.with_page(3),
            format!(
                "/catalogue?q=%D1%81%D0%B0%D1%85%D0%B0%D1%80&group={g}&maker=none&in_stock=1&sort=code&page=3"
            )
        );
        assert_eq!(here.canonical(), format!("/catalogue?group={g}&page=2"));
        assert!(!here.with_group(None).contains("page"));
    }

    #[test]
    fn bad_parameters_are_refused() {
        for raw in [
            "page=0",
            "page=abc",
            "page=1001",
            "group=x",
            "maker=1",
            "sort=price",
            "in_stock=maybe",
            "q=a&q=b",
        ] {
            assert!(Here::parse(Some(raw)).is_err(), "{raw}");
        }
        assert_eq!(Here::parse(None).unwrap().page, 1);
    }
}
