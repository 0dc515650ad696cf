//! The public pages: the listing with its filters and the product page. Phone first, Russian, no
//! inline script or style (the CSP forbids them): `catalogue.css` and, for employees' figures on
//! a product page, `catalogue-staff.js` from `/static`.
//!
//! Nothing here depends on who asks: the same document is cached at the edge for everyone.

use maud::{Markup, PreEscaped, html};
use onec_client::Guid;
use skazka_web::{Chrome, Head, Stale, format};

use crate::domain::{Card, ProductPage, StockLevel};
use crate::listing::{Here, Listing};
use crate::store::{Group, Maker, Sort};

pub const STYLESHEET: &str = "/static/css/catalogue.css";
pub const STAFF_SCRIPT: &str = "/static/js/catalogue-staff.js";
/// Shown where a product has no picture.
pub const PLACEHOLDER: &str = "/static/img/no-photo.svg";

/// A public page in the shared layout, with the anonymous chrome (nothing personal).
fn public_page(title: &str, head: Head, content: Markup) -> Markup {
    let head = Head {
        stylesheets: vec![STYLESHEET],
        ..head
    };
    skazka_web::page_full(title, &Chrome::for_person(None), &head, content)
}

/// «Цены и наличие на 07.05.2024 10:42.» when the figures are kept ones (1C did not answer).
fn as_of(stale: Option<&Stale>) -> Markup {
    html! {
        @if let Some(s) = stale {
            p.as-of role="status" {
                "Цены и наличие на " (format::date_time(&s.as_of)) "."
            }
        }
    }
}

fn badge(level: StockLevel) -> Markup {
    html! { span class={ "badge " (level.class()) } { (level.label()) } }
}

fn card(c: &Card) -> Markup {
    html! {
        li.card {
            a href=(c.url) {
                // The name is the link's text below: the picture adds nothing for a screen reader.
                img src=(c.image.as_deref().unwrap_or(PLACEHOLDER)) alt=""
                    width="160" height="160" loading="lazy" decoding="async";
                h2 { (c.name) }
            }
            p.muted { "Код " (c.code) @if let Some(m) = &c.manufacturer { " · " (m) } }
            p.price {
                @match &c.price {
                    Some(p) => { strong { (format::money(p.price)) } " за " (p.unit) }
                    None => span.muted { "Цена по запросу" }
                }
            }
            (badge(c.stock))
        }
    }
}

fn group_nav(here: &Here, groups: &[Group]) -> Markup {
    let path = here.group_path(groups);
    let children: Vec<&Group> = groups
        .iter()
        .filter(|g| {
            g.parent == here.group
                || (here.group.is_none()
                    && g.parent.is_some_and(|p| !groups.iter().any(|x| x.id == p)))
        })
        .collect();
    html! {
        nav.breadcrumbs aria-label="Группы товаров" {
            a href=(here.with_group(None)) { "Все товары" }
            @for g in &path {
                " › " a href=(here.with_group(Some(g.id))) { (g.name) }
            }
        }
        @if !children.is_empty() {
            ul.groups {
                @for g in children {
                    li { a href=(here.with_group(Some(g.id))) { (g.name) } " " span.muted { (g.products) } }
                }
            }
        }
    }
}

fn filters(here: &Here, makers: &[Maker]) -> Markup {
    html! {
        form.filters role="search" method="get" action="/catalogue" {
            @if let Some(g) = here.group {
                input type="hidden" name="group" value=(g);
            }
            label.grow {
                "Поиск"
                input type="search" name="q" value=(here.q) placeholder="Название, код или производитель"
                    autocomplete="off" maxlength="100";
            }
            label {
                "Производитель"
                select name="maker" {
                    option value="" { "Все" }
                    @for m in makers {
                        @let value = m.id.map_or("none".to_owned(), |id| id.to_string());
                        option value=(value) selected[here.maker_value() == value] {
                            (m.name) " (" (m.products) ")"
                        }
                    }
                }
            }
            label {
                "Сортировка"
                select name="sort" {
                    @for (value, label, sort) in [("name", "По названию", Sort::Name), ("code", "По коду", Sort::Code), ("new", "Сначала новые", Sort::New)] {
                        option value=(value) selected[here.sort == sort] { (label) }
                    }
                }
            }
            label.check {
                input type="checkbox" name="in_stock" value="1" checked[here.in_stock];
                "Только в наличии"
            }
            button type="submit" { "Найти" }
        }
    }
}

fn pagination(here: &Here, listing: &Listing) -> Markup {
    let pages = listing.pages();
    html! {
        @if pages > 1 {
            nav.pages aria-label="Страницы" {
                @if here.page > 1 {
                    a rel="prev" href=(here.with_page(here.page - 1)) { "← Назад" }
                }
                span { "Страница " (here.page) " из " (pages) }
                @if here.page < pages {
                    a rel="next" href=(here.with_page(here.page + 1)) { "Дальше →" }
                }
            }
        }
    }
}

/// `/catalogue` (and `/`).
pub fn listing(
    here: &Here,
    listing: &Listing,
    groups: &[Group],
    makers: &[Maker],
    public_url: &str,
) -> Markup {
    let group = here.group.and_then(|g| groups.iter().find(|x| x.id == g));
    let title = group.map_or("Каталог товаров".to_owned(), |g| {
        g.name.clone()
    });
    let description = match group {
        Some(g) => format!(
            "{} — {} товаров с ценами и наличием на складе компании «Сказка», Кокшетау.",
            g.name, g.products
        ),
        None => "Каталог продуктов питания компании «Сказка»: цены, наличие на складе и \
                 ближайшие поставки. Оптовые поставки в Кокшетау и Астане."
            .to_owned(),
    };
    let head = Head {
        description: Some(description),
        canonical: Some(format!(
            "{}{}",
            public_url.trim_end_matches('/'),
            here.canonical()
        )),
        ..Head::default()
    };
    public_page(
        &title,
        head,
        html! {
            h1 { (title) }
            (filters(here, makers))
            (group_nav(here, groups))
            (as_of(listing.stale.as_ref()))
            p.found role="status" {
                @if listing.total == 0 {
                    "Ничего не найдено. Попробуйте другие слова или снимите фильтры."
                } @else {
                    "Найдено товаров: " (listing.total)
                }
            }
            ul.cards {
                @for c in &listing.items { (card(c)) }
            }
            (pagination(here, listing))
        },
    )
}

/// `/catalogue/{id}-{slug}`.
pub fn product(p: &ProductPage, stale: Option<&Stale>, public_url: &str) -> Markup {
    let c = &p.card;
    let base = public_url.trim_end_matches('/');
    let price = c
        .price
        .as_ref()
        .map(|u| format!("{} за {}", format::money(u.price), u.unit));
    let mut description = format!("{} (код {})", c.name, c.code);
    if let Some(m) = &c.manufacturer {
        description.push_str(&format!(", {m}"));
    }
    if let Some(price) = &price {
        description.push_str(&format!(": {price}"));
    }
    description.push_str(&format!(
        ", {}. Оптовые поставки «Сказка», Кокшетау.",
        c.stock.label()
    ));
    let head = Head {
        description: Some(description),
        canonical: Some(format!("{base}{}", c.url)),
        image: Some(format!(
            "{base}{}",
            c.image.as_deref().unwrap_or(PLACEHOLDER)
        )),
        scripts: vec![STAFF_SCRIPT],
        ..Head::default()
    };
    public_page(
        &c.name,
        head,
        html! {
            nav.breadcrumbs aria-label="Группы товаров" {
                a href="/catalogue" { "Каталог" }
                @for g in &p.groups {
                    " › " a href={ "/catalogue?group=" (g.id) } { (g.name) }
                }
            }
            article.product {
                div.pictures {
                    @let main = p.images.first().map(String::as_str).unwrap_or(PLACEHOLDER);
                    img.main src=(main) alt=(c.name) width="240" height="240";
                    @for (i, image) in p.images.iter().enumerate().skip(1) {
                        img src=(image) alt={ (c.name) ", фото " (i + 1) } width="80" height="80" loading="lazy";
                    }
                }
                div.facts {
                    h1 { (c.name) }
                    dl.facts {
                        dt { "Код" } dd { (c.code) }
                        dt { "Производитель" } dd { (c.manufacturer.as_deref().unwrap_or("—")) }
                        @if let Some(u) = &c.price {
                            dt { "Единица" } dd { (u.unit) @if p.weighed { " (весовой товар)" } }
                        }
                    }
                    (as_of(stale))
                    @if p.prices.is_empty() {
                        p.price { span.muted { "Цена по запросу" } }
                    } @else {
                        table.prices {
                            caption { "Цена, ₸" }
                            tbody {
                                @for u in &p.prices {
                                    tr { th scope="row" { "за " (u.unit) } td { (format::money(u.price)) } }
                                }
                            }
                        }
                    }
                    p { (badge(c.stock))
                        @if let Some(d) = p.next_delivery {
                            " " span.delivery { "Ожидается поставка " (format::date(d)) }
                        }
                    }
                }
            }
            @if !p.description.trim().is_empty() {
                section.description {
                    h2 { "Описание" }
                    @for para in p.description.split('\n').filter(|l| !l.trim().is_empty()) {
                        p { (para) }
                    }
                }
            }
            // Employees' exact figures, fetched with their session (nothing for the public).
            section #staff data-src={ "/catalogue/" (c.id) "/staff" } aria-live="polite" {}
        },
    )
}

/// `robots.txt`: everything public may be crawled; the employees' and personal pages may not.
pub fn robots(public_url: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\nDisallow: /catalogue/stock\nDisallow: /catalogue/prices\n\
         Disallow: /orders\nDisallow: /my/\nDisallow: /debts\nDisallow: /reports\n\
         Disallow: /tracking\nDisallow: /admin\nDisallow: /profile\nDisallow: /api/\n\
         Sitemap: {}/sitemap.xml\n",
        public_url.trim_end_matches('/')
    )
}

/// `sitemap.xml`: the listing, each visible group and each visible product.
pub fn sitemap(public_url: &str, groups: &[Guid], products: &[(String, String)]) -> String {
    let base = public_url.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |loc: &str, lastmod: Option<&str>| {
        xml.push_str("<url><loc>");
        xml.push_str(&escape_xml(&format!("{base}{loc}")));
        xml.push_str("</loc>");
        if let Some(d) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(d);
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    url("/catalogue", None);
    for g in groups {
        url(&format!("/catalogue?group={g}"), None);
    }
    for (path, lastmod) in products {
        url(path, Some(lastmod));
    }
    xml.push_str("</urlset>\n");
    xml
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The home page: what the portal is, and the catalogue's top groups.
pub fn home(groups: &[Group], public_url: &str) -> Markup {
    let head = Head {
        canonical: Some(format!("{}/", public_url.trim_end_matches('/'))),
        ..Head::default()
    };
    public_page(
        "",
        head,
        html! {
            section.hero {
                h1 { "Сказка" }
                p.lead {
                    "Оптовые поставки продуктов питания в Кокшетау и Астане."
                }
                p {
                    "Для клиентов, торговых агентов и супервайзеров: данные учётной системы 1С "
                    "в браузере, на телефоне и компьютере."
                }
                form.filters role="search" method="get" action="/catalogue" {
                    label.grow {
                        "Поиск по каталогу"
                        input type="search" name="q" placeholder="Название, код или производитель" maxlength="100";
                    }
                    button type="submit" { "Найти" }
                }
            }
            h2 { "Каталог" }
            ul.groups {
                @for g in groups.iter().filter(|g| g.parent.is_none()) {
                    li { a href={ "/catalogue?group=" (g.id) } { (g.name) } " " span.muted { (g.products) } }
                }
            }
            p { a href="/catalogue" { "Все товары" } (PreEscaped(" &rarr;")) }
        },
    )
}
