//! The catalogue function (one Lambda). The public catalogue and the home page: `/`,
//! `/catalogue*`, `/sitemap.xml`, `/api/v1/catalogue*`.
//!
//! For now it serves the home page; the catalogue comes in a later issue.

use axum::Router;
use axum::routing::get;
use maud::{Markup, html};
use skazka_app::{AppState, Uses};

/// The service name in logs, `/health` and Sentry.
pub const SERVICE: &str = "catalogue";

/// The backends this function uses: none yet but the cache (the home page has no data).
pub const USES: Uses = Uses::CACHE_ONLY;

/// This function's own routes (without `/health` and the fallback, which [`router`] adds), so the
/// local runner can mount them beside the other functions'.
pub fn routes(_app: &AppState) -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// The function's whole router: its routes in the shared shell.
pub fn router(state: AppState) -> Router {
    skazka_app::shell(SERVICE, routes(&state), state)
}

async fn home() -> Markup {
    skazka_web::page(
        "",
        html! {
            section.hero {
                h1 { "Сказка" }
                p.lead {
                    "Портал компании «Сказка» — оптовые поставки продуктов питания, Кокшетау."
                }
                p {
                    "Для клиентов, торговых агентов и супервайзеров: данные учётной системы 1С "
                    "в браузере, на телефоне и компьютере."
                }
            }
        },
    )
}
