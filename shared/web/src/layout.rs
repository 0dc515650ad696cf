//! The shared page layout (Russian): header with the brand, the page's content, footer.

use maud::{DOCTYPE, Markup, html};

/// The site's name, as shown in titles and the header.
pub const SITE_NAME: &str = "Сказка";

/// The stylesheet every page links (served from `static/`, S3 behind CloudFront in AWS).
pub const STYLESHEET: &str = "/static/css/skazka.css";

/// A whole HTML page in the shared layout. `title` is the page's own title ("Каталог"); the site
/// name is added.
pub fn page(title: &str, content: Markup) -> Markup {
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
