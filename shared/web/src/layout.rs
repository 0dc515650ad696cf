//! The shared page layout (Russian): header with the brand and the navigation, the page's
//! content, footer.
//!
//! The navigation is one table of the portal's sections ([`SECTIONS`]): a route group adds its
//! row when it answers, never before. What the layout needs to know about the viewer is a
//! [`Person`]; `skazka_session` makes one from a verified session.

use maud::{DOCTYPE, Markup, html};

use crate::role::Role;

/// The site's name, as shown in titles and the header.
pub const SITE_NAME: &str = "Сказка";

/// The stylesheet every page links (served from `static/`, S3 behind CloudFront in AWS).
pub const STYLESHEET: &str = "/static/css/skazka.css";

/// The form field (and, as `X-CSRF-Token`, the header) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// Where sign-out forms post: under `/api/v1/auth`, the only path the browser sends the refresh
/// cookie to, so sign-out ends the refresh family even after the access token expired.
pub const LOGOUT_ACTION: &str = "/api/v1/auth/logout";

/// Who may see a section in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Everyone, signed in or not (the public catalogue).
    Everyone,
    /// Only someone not signed in (the sign-in link).
    Anonymous,
    /// Signed-in people with one of these roles.
    Roles(&'static [Role]),
}

impl Audience {
    fn includes(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Audience::Everyone, _) | (Audience::Anonymous, None) => true,
            (Audience::Roles(roles), Some(role)) => roles.contains(&role),
            _ => false,
        }
    }
}

/// A section of the portal, as the navigation links it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub href: &'static str,
    pub label: &'static str,
    pub audience: Audience,
}

/// The sections that answer today, in the navigation's order. A new route group adds its row
/// here once its pages exist (a test opens every link for every role).
pub const SECTIONS: &[Section] = &[
    Section {
        href: "/catalogue",
        label: "Каталог",
        audience: Audience::Everyone,
    },
    Section {
        href: "/orders",
        label: "Заказы",
        audience: Audience::Roles(&[Role::Agent, Role::Supervisor, Role::Admin]),
    },
    Section {
        href: "/reports/sales",
        label: "Отчёты",
        audience: Audience::Roles(&[Role::Agent, Role::Supervisor, Role::Admin]),
    },
    Section {
        href: "/my/orders",
        label: "Мои заказы",
        audience: Audience::Roles(&[Role::Client]),
    },
    Section {
        href: "/debts",
        label: "Задолженность",
        audience: Audience::Roles(&[Role::Agent, Role::Supervisor, Role::Admin]),
    },
    Section {
        href: "/my/debts",
        label: "Моя задолженность",
        audience: Audience::Roles(&[Role::Client]),
    },
    Section {
        href: "/catalogue/stock",
        label: "Остатки",
        audience: Audience::Roles(&[Role::Agent, Role::Supervisor, Role::Admin]),
    },
    Section {
        href: "/tracking",
        label: "Контроль агентов",
        audience: Audience::Roles(&[Role::Supervisor, Role::Admin]),
    },
    Section {
        href: "/admin",
        label: "Админка",
        audience: Audience::Roles(&[Role::Admin]),
    },
    Section {
        href: "/profile",
        label: "Профиль",
        audience: Audience::Roles(&Role::ALL),
    },
    Section {
        href: "/login",
        label: "Войти",
        audience: Audience::Anonymous,
    },
];

/// The sections a viewer with `role` (`None`: not signed in) may open.
pub fn nav_links(role: Option<Role>) -> impl Iterator<Item = &'static Section> {
    SECTIONS.iter().filter(move |s| s.audience.includes(role))
}

/// What the chrome needs to know about the signed-in person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// The name shown in the header.
    pub name: String,
    pub role: Role,
    /// The admin's name while an admin works as this person (support).
    pub impersonator: Option<String>,
    /// The session's CSRF token, for the banner's "return" form.
    pub csrf_token: String,
}

/// What surrounds a page's content besides the brand: the navigation (only what the viewer may
/// open), who is signed in, and a banner (e.g. "impersonating"). `Chrome::default()` is the
/// anonymous header.
#[derive(Clone, Debug, Default)]
pub struct Chrome {
    /// `(href, label)` pairs.
    pub links: Vec<(&'static str, &'static str)>,
    /// The signed-in person's name.
    pub user: Option<String>,
    /// Shown above the content on every page while it applies.
    pub banner: Option<Markup>,
}

impl Chrome {
    /// The chrome for a viewer (`None`: not signed in): the navigation their role may open,
    /// their name, and while an admin impersonates them a banner with the way back (a form
    /// posting to `/logout`).
    pub fn for_person(person: Option<&Person>) -> Chrome {
        Chrome {
            links: nav_links(person.map(|p| p.role))
                .map(|s| (s.href, s.label))
                .collect(),
            user: person.map(|p| p.name.clone()),
            banner: person.and_then(impersonation_banner),
        }
    }
}

fn impersonation_banner(person: &Person) -> Option<Markup> {
    let admin = person.impersonator.as_ref()?;
    Some(html! {
        span {
            "Вы работаете от имени «" (person.name) "» (" (person.role.label())
            "). Администратор: " (admin) ". Действия записываются в журнал."
        }
        form method="post" action=(LOGOUT_ACTION) {
            input type="hidden" name=(CSRF_FIELD) value=(person.csrf_token);
            button.secondary type="submit" { "Вернуться к своей учётной записи" }
        }
    })
}

/// What a page adds to its `<head>`: a meta description (the site's own when `None`), the
/// canonical address and OpenGraph picture (absolute URLs) of a public page, its own stylesheets
/// and deferred scripts (no inline ones: the CSP forbids them).
#[derive(Clone, Debug, Default)]
pub struct Head {
    pub description: Option<String>,
    pub canonical: Option<String>,
    pub image: Option<String>,
    pub stylesheets: Vec<&'static str>,
    pub scripts: Vec<&'static str>,
}

/// The description of pages that have none of their own.
pub const SITE_DESCRIPTION: &str = "Сказка — оптовые поставки продуктов питания в Кокшетау и \
    Астане: каталог товаров с ценами и наличием, заказы, отчёты и долги клиентов.";

/// A whole HTML page in the shared layout. `title` is the page's own title ("Каталог"); the site
/// name is added.
pub fn page(title: &str, content: Markup) -> Markup {
    page_with(title, &Chrome::default(), content)
}

/// [`page`] with navigation, the signed-in person and a banner.
pub fn page_with(title: &str, chrome: &Chrome, content: Markup) -> Markup {
    page_full(title, chrome, &Head::default(), content)
}

/// [`page_with`] with what the page adds to its `<head>`.
pub fn page_full(title: &str, chrome: &Chrome, head: &Head, content: Markup) -> Markup {
    let full_title = if title.is_empty() || title == SITE_NAME {
        format!("{SITE_NAME} — портал для клиентов и торговых агентов")
    } else {
        format!("{title} — {SITE_NAME}")
    };
    let description = head.description.as_deref().unwrap_or(SITE_DESCRIPTION);
    html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                meta name="description" content=(description);
                @if let Some(canonical) = &head.canonical {
                    link rel="canonical" href=(canonical);
                    meta property="og:type" content="website";
                    meta property="og:site_name" content=(SITE_NAME);
                    meta property="og:title" content=(title);
                    meta property="og:description" content=(description);
                    meta property="og:url" content=(canonical);
                    meta property="og:locale" content="ru_RU";
                    @if let Some(image) = &head.image {
                        meta property="og:image" content=(image);
                    }
                }
                link rel="stylesheet" href=(STYLESHEET);
                @for sheet in &head.stylesheets {
                    link rel="stylesheet" href=(sheet);
                }
                @for script in &head.scripts {
                    script src=(script) defer {}
                }
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
            }
            body {
                header.site-header {
                    a.brand href="/" { (SITE_NAME) }
                    @if !chrome.links.is_empty() {
                        nav.site-nav aria-label="Разделы" {
                            @for (href, label) in &chrome.links {
                                a href=(href) { (label) }
                            }
                        }
                    }
                    @if let Some(user) = &chrome.user {
                        span.site-user { (user) }
                    }
                }
                @if let Some(banner) = &chrome.banner {
                    div.banner role="status" { (banner) }
                }
                main.content {
                    (content)
                }
                footer.site-footer {
                    p { "© ИП Безгачева О.А., Кокшетау" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_russian_and_escapes_content() {
        let markup = page("Каталог", html! { p { "<b>" } }).into_string();
        assert!(markup.starts_with("<!DOCTYPE html><html lang=\"ru\">"));
        assert!(markup.contains("<title>Каталог — Сказка</title>"));
        assert!(markup.contains("&lt;b&gt;"));
        assert!(markup.contains(STYLESHEET));
    }

    fn hrefs(role: Option<Role>) -> Vec<&'static str> {
        nav_links(role).map(|s| s.href).collect()
    }

    #[test]
    fn navigation_shows_each_role_only_what_it_may_open() {
        assert_eq!(hrefs(None), ["/catalogue", "/login"]);
        assert_eq!(
            hrefs(Some(Role::Client)),
            ["/catalogue", "/my/orders", "/my/debts", "/profile"]
        );
        let staff = [
            "/catalogue",
            "/orders",
            "/reports/sales",
            "/debts",
            "/catalogue/stock",
            "/profile",
        ];
        assert_eq!(hrefs(Some(Role::Agent)), staff);
        assert_eq!(
            hrefs(Some(Role::Supervisor)),
            [
                "/catalogue",
                "/orders",
                "/reports/sales",
                "/debts",
                "/catalogue/stock",
                "/tracking",
                "/profile"
            ]
        );
        assert_eq!(
            hrefs(Some(Role::Admin)),
            [
                "/catalogue",
                "/orders",
                "/reports/sales",
                "/debts",
                "/catalogue/stock",
                "/tracking",
                "/admin",
                "/profile"
            ]
        );
    }

    #[test]
    fn impersonation_shows_a_banner_with_the_way_back() {
        let mut person = Person {
            name: "Иванов С.".to_owned(),
            role: Role::Agent,
            impersonator: None,
            csrf_token: "t0k".to_owned(),
        };
        let plain = Chrome::for_person(Some(&person));
        assert_eq!(plain.user.as_deref(), Some("Иванов С."));
        assert!(plain.banner.is_none());
        person.impersonator = Some("Админ".to_owned());
        let banner = Chrome::for_person(Some(&person))
            .banner
            .unwrap()
            .into_string();
        assert!(
            banner.contains("от имени «Иванов С.» (Торговый агент)"),
            "{banner}"
        );
        assert!(banner.contains(r#"name="csrf" value="t0k""#), "{banner}");
        assert!(Chrome::for_person(None).user.is_none());
    }
}
