//! The shared page layout (Russian): header with the brand, the page's content, footer.

use maud::{DOCTYPE, Markup, html};

/// The site's name, as shown in titles and the header.
pub const SITE_NAME: &str = "Сказка";

/// The stylesheet every page links (served from `static/`, S3 behind CloudFront in AWS).
pub const STYLESHEET: &str = "/static/css/skazka.css";

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

/// A whole HTML page in the shared layout. `title` is the page's own title ("Каталог"); the site
/// name is added.
pub fn page(title: &str, content: Markup) -> Markup {
    page_with(title, &Chrome::default(), content)
}

/// [`page`] with navigation, the signed-in person and a banner.
pub fn page_with(title: &str, chrome: &Chrome, content: Markup) -> Markup {
    let full_title = if title.is_empty() || title == SITE_NAME {
        format!("{SITE_NAME} — портал для клиентов и торговых агентов")
    } else {
        format!("{title} — {SITE_NAME}")
    };
    html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                link rel="stylesheet" href=(STYLESHEET);
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
            }
            body {
                header.site-header {
                    a.brand href="/" { (SITE_NAME) }
                    @if !chrome.links.is_empty() {
                        nav.site-nav {
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
}
