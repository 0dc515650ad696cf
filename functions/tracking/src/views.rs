//! The tracking pages: one agent's day (map, side list, totals), the team's day (table and map),
//! and the agent picker. In the portal's chrome, with its Russian formatting; times in the base's
//! zone. The maps are drawn by `static/js/tracking-map.js` from a JSON data island (the page's own
//! JSON value), so no inline script is needed.

use chrono::{DateTime, NaiveDate, Utc};
use maud::{Markup, PreEscaped, html};
use onec_client::model::BaseTz;
use serde::Serialize;
use skazka_web::{Chrome, format};

use crate::handlers::AgentDay;
use crate::team::TeamDay;

const TITLE: &str = "Контроль агентов";

/// What every page needs besides its value: the chrome and the base's zone.
pub struct Frame<'a> {
    pub chrome: &'a Chrome,
    pub tz: BaseTz,
}

impl Frame<'_> {
    fn time(&self, t: Option<DateTime<Utc>>) -> String {
        t.map(|t| format::time(&t.with_timezone(&self.tz.0).fixed_offset()))
            .unwrap_or_default()
    }
}

fn shell(title: &str, frame: &Frame, body: Markup) -> Markup {
    skazka_web::page_with(
        title,
        frame.chrome,
        html! {
            link rel="stylesheet" href="/static/css/tracking.css";
            div.tracking { (body) }
        },
    )
}

/// A value as a JSON data island for the map's script: `<` escaped so no text can close the
/// element.
fn data_island<T: Serialize>(value: &T) -> PreEscaped<String> {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    PreEscaped(json.replace('<', "\\u003c"))
}

/// The map: tiles from `tiles`, drawn from the page's value.
fn map<T: Serialize>(value: &T, tiles: &str) -> Markup {
    html! {
        link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css";
        div #map data-tiles=(tiles) role="region" aria-label="Карта" {}
        script #tracking-data type="application/json" { (data_island(value)) }
        script src="/static/vendor/leaflet/leaflet.js" {}
        script src="/static/js/tracking-map.js" defer {}
    }
}

fn km(metres: f64) -> String {
    format!("{:.1} км", metres / 1000.0).replace('.', ",")
}

/// Other days of the same page: the day before and after.
fn day_links(path: &str, date: NaiveDate) -> Markup {
    let link = |d: Option<NaiveDate>, label: &str| match d {
        Some(d) => html! { a href={ (path) "date=" (d) } { (label) } },
        None => html! {},
    };
    html! {
        nav.days aria-label="Дни" {
            (link(date.pred_opt(), "← предыдущий день"))
            " "
            (link(date.succ_opt(), "следующий день →"))
        }
    }
}

pub fn day_page(day: &AgentDay, name: &str, tiles: &str, frame: &Frame) -> Markup {
    let agent = &day.agent;
    let t = &day.totals;
    shell(
        TITLE,
        frame,
        html! {
            h1 { "День агента: " (name) }
            p.date { (format::day_heading(day.date)) }
            (day_links(&format!("/tracking?agent={agent}&"), day.date))
            (skazka_web::stale_banner(day.stale.as_ref()))
            (map(day, tiles))
            section.totals {
                p { "Заказов: " strong { (t.orders) } ", на сумму " strong { (format::money(t.amount)) } }
                p { "В поле: " (format::duration(t.field_s)) ", пройдено " (km(t.distance_m)) }
                p { "Первая активность: " (frame.time(t.first_activity))
                    ", последняя: " (frame.time(t.last_activity)) }
            }
            @if day.orders.is_empty() {
                p.empty { "В этот день заказов нет." }
            } @else {
                div.table-scroll {
                    table.visits {
                        thead { tr { th { "№" } th { "Клиент" } th { "Сумма" } th { "Начат" } th { "Завершён" }
                            th { "Длительность" } th { "Перерыв" } th { "От клиента" } } }
                        tbody {
                            @for r in &day.orders {
                                tr.short[r.short].far[r.far] data-n=(r.n) tabindex="0" {
                                    td { (r.n) }
                                    td { a href={ "/orders/" (r.order) "?agent=" (agent) } { (r.client) } }
                                    td.num { (format::money(r.amount)) }
                                    td { (frame.time(r.started)) }
                                    td { (frame.time(r.finished)) }
                                    td { (r.duration_s.map(format::duration).unwrap_or_default())
                                        @if r.short { " ⚠ короткий визит" } }
                                    td { (r.gap_s.map(format::duration).unwrap_or_default()) }
                                    td { (r.distance_from_client_m.map(|d| format!("{d:.0} м")).unwrap_or_default())
                                        @if r.far { " ⚠ далеко от клиента" } }
                                }
                            }
                        }
                    }
                }
            }
            p { a href={ "/tracking/team?date=" (day.date) } { "Вся команда за этот день" } }
        },
    )
}

pub fn team_page(day: &TeamDay, tiles: &str, frame: &Frame) -> Markup {
    shell(
        "Контроль агентов: команда",
        frame,
        html! {
            h1 { "Команда" }
            p.date { (format::day_heading(day.date)) }
            (day_links("/tracking/team?", day.date))
            (map(day, tiles))
            div.table-scroll {
                table.team {
                    thead { tr { th { "Агент" } th { "Заказов" } th { "Сумма" } th { "Первая активность" }
                        th { "Последняя" } th { "В поле" } th { "Пройдено" } th { "Последняя точка" } } }
                    tbody {
                        @for a in &day.agents {
                            tr {
                                td { a href={ "/tracking?agent=" (a.agent) "&date=" (day.date) } { (a.name) } }
                                td.num { (a.orders) }
                                td.num { (format::money(a.amount)) }
                                td { (frame.time(a.first_activity)) }
                                td { (frame.time(a.last_activity)) }
                                td { (format::duration(a.field_s)) }
                                td { (km(a.distance_m)) }
                                td { @if let Some(age) = a.last_ping_age_s {
                                        (format::age(age.max(0) as u64)) " назад"
                                    } @else { "нет" } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A supervisor or an admin without `?agent=`: pick the agent whose day to see.
pub fn pick_page(chooser: Option<Markup>, date: NaiveDate, frame: &Frame) -> Markup {
    shell(
        TITLE,
        frame,
        html! {
            h1 { (TITLE) }
            p { "Выберите агента, чтобы увидеть его день на карте." }
            @if let Some(chooser) = chooser { (chooser) }
            p { a href={ "/tracking/team?date=" (date) } { "Вся команда за день" } }
        },
    )
}
