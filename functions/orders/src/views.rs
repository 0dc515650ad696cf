//! The orders pages in maud: phone first (cards, not wide tables), Russian, the shared layout.
//! No inline script or style (the CSP forbids them): `orders.css` and `copy.js` from `/static`.

use chrono::NaiveDate;
use maud::{Markup, html};
use onec_client::Guid;
use onec_client::model::OrderDate;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use skazka_viewer::{Picker, picker};
use skazka_web::{Chrome, Stale, format, stale_banner};

use crate::domain::{Line, LineTotals, OrderDetail, OrderStatus, OrderSummary, SaleDetail, Status};
use crate::list::{OrderList, Preset, Sort};
use crate::team::TeamDay;

/// The orders pages' stylesheet and script.
pub const STYLESHEET: &str = "/static/css/orders.css";
pub const SCRIPT: &str = "/static/js/copy.js";

/// Where a page's links go: the agent pages (`/orders`, with a picked agent carried along) or a
/// client's (`/my/orders`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nav {
    pub base: &'static str,
    /// A supervisor's or an admin's picked agent, kept in every link.
    pub agent: Option<Guid>,
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

impl Nav {
    pub const AGENT: &'static str = "/orders";
    pub const CLIENT: &'static str = "/my/orders";

    fn list_path(&self, date: OrderDate) -> String {
        match date {
            OrderDate::Taken => self.base.to_owned(),
            OrderDate::Shipment => format!("{}/by-shipment", self.base),
        }
    }

    fn with_agent(&self, mut url: String) -> String {
        if let Some(a) = self.agent {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("agent={a}"));
        }
        url
    }

    /// A list's URL.
    pub fn list(
        &self,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
        search: &str,
        sort: Sort,
    ) -> String {
        let mut url = format!("{}?from={from}&to={to}", self.list_path(date));
        if !search.is_empty() {
            url.push_str(&format!("&q={}", enc(search)));
        }
        if sort != Sort::Time {
            url.push_str(&format!("&sort={}", enc(sort.as_str())));
        }
        self.with_agent(url)
    }

    pub fn order(&self, id: Guid) -> String {
        self.with_agent(format!("{}/{id}", self.base))
    }

    pub fn sale(&self, id: Guid) -> String {
        self.with_agent(format!("/sales/{id}"))
    }

    fn home(&self) -> String {
        self.with_agent(self.base.to_owned())
    }
}

fn shell(title: &str, chrome: &Chrome, body: Markup) -> Markup {
    skazka_web::page_with(
        title,
        chrome,
        html! {
            link rel="stylesheet" href=(STYLESHEET);
            div.orders { (body) }
            script src=(SCRIPT) defer {}
        },
    )
}

/// The status badge and 1C's own status beside it.
pub fn badge(s: &OrderStatus) -> Markup {
    html! {
        span class={ "badge badge-" (s.status.css()) } { (s.status.label()) }
        " "
        span.onec-status {
            @if s.deleted { "1С: помечен на удаление" }
            @else if !s.onec_status.is_empty() { "1С: " (s.onec_status) }
        }
    }
}

fn legend() -> Markup {
    html! {
        details.legend {
            summary { "Что значат статусы" }
            dl {
                @for s in Status::ALL {
                    dt { span class={ "badge badge-" (s.css()) } { (s.label()) } }
                    dd { (s.meaning()) }
                }
            }
            p.hint { "Рядом с отметкой — статус заказа в 1С, как его видят в учётной системе." }
        }
    }
}

fn range_fields(from: NaiveDate, to: NaiveDate) -> [(&'static str, String); 2] {
    [("from", from.to_string()), ("to", to.to_string())]
}

/// A detail page opened by a supervisor or an admin without `?agent=`: pick the agent first.
pub fn pick_page(chrome: &Chrome, p: &Picker) -> Markup {
    shell(
        "Заказы агентов",
        chrome,
        html! {
            h1 { "Заказы агентов" }
            p { "Выберите агента, чтобы увидеть его заказы и реализации." }
            (picker(p, Nav::AGENT, &[]))
        },
    )
}

/// The range form and presets every list shows.
fn range_controls(
    nav: &Nav,
    date: OrderDate,
    from: NaiveDate,
    to: NaiveDate,
    presets: &[Preset],
    search: Option<(&str, Sort)>,
) -> Markup {
    let action = nav.list_path(date);
    let (q, sort) = search.unwrap_or(("", Sort::Time));
    html! {
        nav.tabs aria-label="Вид списка" {
            @for (kind, label) in [(OrderDate::Taken, "По дате заказа"), (OrderDate::Shipment, "По дате отгрузки")] {
                @if kind == date {
                    span.tab.current aria-current="page" { (label) }
                } @else {
                    a.tab href=(nav.list(kind, from, to, q, sort)) { (label) }
                }
            }
        }
        form.filters method="get" action=(action) {
            @if let Some(a) = nav.agent { input type="hidden" name="agent" value=(a); }
            div.field { label for="from" { "С" } input #from type="date" name="from" value=(from) required; }
            div.field { label for="to" { "По" } input #to type="date" name="to" value=(to) required; }
            @if search.is_some() {
                div.field.wide {
                    label for="q" { "Клиент или номер" }
                    input #q type="search" name="q" value=(q) placeholder="Поиск в выбранном периоде" maxlength="100";
                }
                div.field {
                    label for="sort" { "Порядок" }
                    select #sort name="sort" {
                        @for s in Sort::ALL {
                            @if s == sort { option value=(s.as_str()) selected { (s.label()) } }
                            @else { option value=(s.as_str()) { (s.label()) } }
                        }
                    }
                }
            }
            button type="submit" { "Показать" }
        }
        nav.presets aria-label="Быстрый выбор дат" {
            @for p in presets {
                @let current = p.from == from && p.to == to;
                a class={ "preset" @if current { " current" } } href=(nav.list(date, p.from, p.to, q, sort)) { (p.label) }
            }
        }
    }
}

fn range_text(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        format::day_heading(from)
    } else {
        format!("{} — {}", format::date(from), format::date(to))
    }
}

fn orders_count(n: usize) -> String {
    format!(
        "{n} {}",
        format::plural(n as u64, ["заказ", "заказа", "заказов"])
    )
}

/// The team's day: each agent's orders of the range, linking to that agent's list.
pub fn team_page(
    nav: &Nav,
    chrome: &Chrome,
    day: &TeamDay,
    date: OrderDate,
    presets: &[Preset],
    p: Option<&Picker>,
) -> Markup {
    let title = "Заказы команды";
    html! {
        (shell(title, chrome, html! {
            h1 { (title) }
            @if let Some(p) = p { (picker(p, &nav.list_path(date), &range_fields(day.from, day.to))) }
            (range_controls(nav, date, day.from, day.to, presets, None))
            (stale_banner(day.stale.as_ref()))
            p.summary {
                (range_text(day.from, day.to)) ": "
                strong { (orders_count(day.count)) }
                " на сумму " strong { (format::money(day.total)) }
            }
            @if day.agents.is_empty() {
                p.empty { "В команде нет агентов." }
            } @else {
                table.team {
                    thead { tr { th scope="col" { "Агент" } th.num scope="col" { "Заказов" } th.num scope="col" { "Сумма" } } }
                    tbody {
                        @for a in &day.agents {
                            @let agent_nav = Nav { base: nav.base, agent: Some(a.agent) };
                            tr class={ @if a.count == 0 { "idle" } } {
                                td { a href=(agent_nav.list(date, day.from, day.to, "", Sort::Time)) { (a.name) } }
                                td.num { (a.count) }
                                td.num { (format::money(a.total)) }
                            }
                        }
                    }
                    tfoot { tr { th scope="row" { "Итого" } td.num { (day.count) } td.num { (format::money(day.total)) } } }
                }
            }
            p.hint { "Отменённые заказы считаются, но в суммы не входят." }
        }))
    }
}

fn order_card(nav: &Nav, o: &OrderSummary, date: OrderDate) -> Markup {
    let cancelled = o.status.status == Status::Cancelled;
    html! {
        li class={ "order" @if cancelled { " order-cancelled" } } {
            div.order-top {
                a.order-number href=(nav.order(o.id)) { "№ " (o.number) }
                span.order-time title="Время заказа" { (format::time(&o.date)) }
                @if date == OrderDate::Shipment {
                    span.order-taken { "принят " (format::date(o.date.date_naive())) }
                }
                span.order-amount { (format::money(o.total)) }
            }
            div.order-client { (o.client) }
            div.order-status { (badge(&o.status)) }
            dl.order-meta {
                @if !o.payment_form.is_empty() {
                    div { dt { "Оплата" } dd { (o.payment_form) } }
                }
                @if !o.pickup {
                    @if let Some(d) = o.shipment_date {
                        div { dt { "Отгрузка" } dd { (format::date(d)) } }
                    }
                }
                @if !o.delivery.is_empty() {
                    div { dt { "Доставка" } dd { (o.delivery) } }
                }
                @if !o.address.is_empty() && !o.pickup {
                    div.wide { dt { "Адрес" } dd { (o.address) } }
                }
            }
        }
    }
}

/// A list page (both date kinds, agents' and clients').
pub fn list_page(
    nav: &Nav,
    chrome: &Chrome,
    list: &OrderList,
    date: OrderDate,
    presets: &[Preset],
    p: Option<&Picker>,
) -> Markup {
    let title = match date {
        OrderDate::Taken => "Заказы по дате заказа",
        OrderDate::Shipment => "Заказы по дате отгрузки",
    };
    let range = range_text(list.from, list.to);
    html! {
        (shell(title, chrome, html! {
            h1 { (title) }
            @if let Some(p) = p { (picker(p, &nav.list_path(date), &range_fields(list.from, list.to))) }
            (range_controls(nav, date, list.from, list.to, presets, Some((&list.search, list.sort))))
            (stale_banner(list.stale.as_ref()))
            p.summary {
                (range) ": "
                strong { (orders_count(list.count)) }
                " на сумму " strong { (format::money(list.total)) }
                @if !list.search.is_empty() { " (поиск «" (list.search) "»)" }
            }
            (legend())
            @if list.days.is_empty() {
                p.empty { "Заказов нет." }
            }
            @for day in &list.days {
                section.day {
                    h2 {
                        span.day-date { (format::day_heading(day.date)) }
                        span.day-sum { (day.count) " " (format::plural(day.count as u64, ["заказ", "заказа", "заказов"])) " · " (format::money(day.total)) }
                    }
                    ul.order-list {
                        @for o in &day.orders { (order_card(nav, o, date)) }
                    }
                }
            }
            p.hint { "Отменённые заказы показаны, но в суммы не входят. Время — по часовому поясу учётной системы." }
        }))
    }
}

fn field(label: &str, value: Markup) -> Markup {
    html! { div { dt { (label) } dd { (value) } } }
}

fn lines_section(lines: &[Line], totals: &LineTotals, with_cancel: bool) -> Markup {
    html! {
        section.lines {
            h2 { "Товары" }
            @if lines.is_empty() { p.empty { "Строк нет." } }
            ol.line-list {
                @for l in lines {
                    li class={ "line" @if l.cancelled { " line-cancelled" } } {
                        div.line-top {
                            span.line-product { (l.product) }
                            span.line-amount { (format::money(l.amount)) }
                        }
                        div.line-meta {
                            span { (format::quantity(l.quantity)) " " (l.unit) " × " (format::money(l.price)) }
                            span { "НДС " (format::money(l.vat)) }
                            @if l.discount() > rust_decimal::Decimal::ZERO {
                                span.discount {
                                    "Скидка " (format::money(l.discount()))
                                    @if let Some(p) = l.discount_percent { " (" (format::percent(p)) ")" }
                                    @if l.manual_discount > rust_decimal::Decimal::ZERO && l.auto_discount > rust_decimal::Decimal::ZERO {
                                        ": ручная " (format::money(l.manual_discount)) ", автоматическая " (format::money(l.auto_discount))
                                    } @else if l.manual_discount > rust_decimal::Decimal::ZERO {
                                        ", ручная"
                                    } @else {
                                        ", автоматическая"
                                    }
                                }
                            }
                            @if with_cancel && l.cancelled { span.cancel-note { "отменена" } }
                        }
                    }
                }
            }
            dl.totals {
                (field("Итого", html! { strong { (format::money(totals.amount)) } }))
                (field("В т. ч. НДС", html! { (format::money(totals.vat)) }))
                @if totals.discount > rust_decimal::Decimal::ZERO {
                    (field("Скидки", html! { (format::money(totals.discount)) }))
                }
            }
            @if with_cancel && lines.iter().any(|l| l.cancelled) {
                p.hint { "Отменённые строки зачёркнуты и в итог не входят." }
            }
        }
    }
}

fn onec_link(link: &str) -> Markup {
    html! {
        section.onec-link {
            h2 { "Открыть в 1С" }
            div.copy-row {
                input #onec-link type="text" readonly value=(link) aria-label="Ссылка на документ в 1С";
                button type="button" data-copy="onec-link" { "Копировать" }
            }
            p.hint { "Вставьте ссылку в строку «Перейти по ссылке» клиента 1С (Shift+F11)." }
        }
    }
}

/// An order's page.
pub fn order_page(nav: &Nav, chrome: &Chrome, d: &OrderDetail, stale: Option<&Stale>) -> Markup {
    let o = &d.order;
    let title = format!("Заказ № {}", o.number);
    shell(
        &title,
        chrome,
        html! {
            p.back { a href=(nav.home()) { "← К заказам" } }
            h1 { (title) }
            p.order-status { (badge(&o.status)) }
            (stale_banner(stale))
            dl.header {
                (field("Дата", html! { (format::date_time(&o.date)) }))
                (field("Клиент", html! { (o.client) }))
                @if !o.payment_form.is_empty() { (field("Форма оплаты", html! { (o.payment_form) })) }
                @if !o.delivery.is_empty() { (field("Доставка", html! { (o.delivery) })) }
                @if !o.pickup {
                    @if let Some(sd) = o.shipment_date { (field("Дата отгрузки", html! { (format::date(sd)) })) }
                    @if !o.address.is_empty() { (field("Адрес", html! { (o.address) })) }
                }
                @if let Some(c) = o.comment.as_ref().filter(|c| !c.is_empty()) {
                    (field("Комментарий", html! { (c) }))
                }
                (field("Сумма", html! { strong { (format::money(o.total)) } }))
                (field("Номер в 1С", html! { (o.number_1c) }))
            }
            (lines_section(&d.lines, &d.totals, true))
            @if let Some(taken) = &d.taken {
                section.taken {
                    h2 { "Где и когда принят" }
                    @match taken {
                        None => p.empty { "Агент Плюс не записал место и время этого заказа." },
                        Some(t) => dl.header {
                            @if let Some(link) = t.map_link() {
                                (field("Место", html! {
                                    a href=(link) rel="noopener" target="_blank" {
                                        (format!("{:.5}, {:.5}", t.latitude.unwrap_or_default(), t.longitude.unwrap_or_default()))
                                    }
                                    " (карта)"
                                }))
                            }
                            @if let Some(s) = &t.started { (field("Начат", html! { (format::date_time(s)) })) }
                            @if let Some(f) = &t.finished { (field("Закончен", html! { (format::date_time(f)) })) }
                            @if let Some(sec) = t.duration_seconds { (field("Длительность", html! { (format::duration(sec)) })) }
                        },
                    }
                }
            }
            section.sales {
                h2 { "Реализации" }
                @if d.sales.is_empty() { p.empty { "По заказу ещё нет реализаций." } }
                ul.sale-list {
                    @for s in &d.sales {
                        li.sale {
                            a href=(nav.sale(s.id)) { "Реализация № " (s.number) }
                            @if let Some(date) = &s.date { " от " (format::date(date.date_naive())) }
                            " · " (format::money(s.total))
                            " · "
                            @if s.debt > rust_decimal::Decimal::ZERO {
                                span.debt { "долг " (format::money(s.debt)) }
                            } @else {
                                span.paid { "оплачена" }
                            }
                        }
                    }
                }
            }
            @if let Some(link) = &d.onec_link { (onec_link(link)) }
        },
    )
}

/// A sale document's page.
pub fn sale_page(nav: &Nav, chrome: &Chrome, s: &SaleDetail, stale: Option<&Stale>) -> Markup {
    let title = format!("Реализация № {}", s.number);
    shell(
        &title,
        chrome,
        html! {
            p.back { a href=(nav.home()) { "← К заказам" } }
            h1 { (title) }
            (stale_banner(stale))
            @if s.paid {
                p.alert.alert-paid { "Оплачена полностью." }
            } @else {
                p.alert.alert-debt { "Не оплачена: долг " strong { (format::money(s.debt)) } " из " (format::money(s.total)) "." }
            }
            dl.header {
                @if let Some(d) = &s.date { (field("Дата", html! { (format::date_time(d)) })) }
                (field("Клиент", html! { (s.client) }))
                @if !s.payment_form.is_empty() { (field("Форма оплаты", html! { (s.payment_form) })) }
                @if !s.delivery.is_empty() { (field("Доставка", html! { (s.delivery) })) }
                @if !s.address.is_empty() { (field("Адрес", html! { (s.address) })) }
                @if let Some(c) = s.comment.as_ref().filter(|c| !c.is_empty()) {
                    (field("Комментарий", html! { (c) }))
                }
                (field("Сумма", html! { strong { (format::money(s.total)) } }))
                (field("Проведена", html! { @if s.posted { "да" } @else { "нет" } }))
                (field("Номер в 1С", html! { (s.number_1c) }))
                @if let Some(order) = s.order {
                    (field("Заказ", html! { a href=(nav.order(order)) { "открыть заказ" } }))
                }
            }
            (lines_section(&s.lines, &s.totals, false))
            @if let Some(link) = &s.onec_link { (onec_link(link)) }
        },
    )
}
