//! The debts pages in maud: phone first (cards, not wide tables), Russian, the shared layout.
//! No inline script or style (the CSP forbids them): `debts.css` from `/static`.

use maud::{Markup, html};
use onec_client::Guid;
use onec_client::model::PaymentKind;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use skazka_viewer::{Picker, picker};
use skazka_web::{Chrome, format, stale_banner};

use crate::ageing::{Bucket, Buckets};
use crate::domain::{AgentSubtotal, ClientDebts, ClientPage, DebtsReport, Document, Sort};

/// The debts pages' stylesheet.
pub const STYLESHEET: &str = "/static/css/debts.css";

/// Where a page's links go: the agents' pages (`/debts`, a picked agent carried along) or a
/// client's (`/my/debts`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nav {
    pub base: &'static str,
    /// A supervisor's or an admin's picked agent, kept in every link.
    pub agent: Option<Guid>,
    /// A supervisor's or an admin's whole team: a document's link names its agent.
    pub team: bool,
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

impl Nav {
    pub const AGENT: &'static str = "/debts";
    pub const CLIENT: &'static str = "/my/debts";

    fn with_agent(&self, mut url: String, agent: Option<Guid>) -> String {
        if let Some(a) = agent.or(self.agent) {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("agent={a}"));
        }
        url
    }

    pub fn list(&self, q: &str, sort: Sort) -> String {
        let mut url = format!("{}?sort={}", self.base, sort.as_str());
        if !q.is_empty() {
            url.push_str(&format!("&q={}", enc(q)));
        }
        self.with_agent(url, None)
    }

    pub fn client(&self, partner: Guid) -> String {
        self.with_agent(format!("{}/clients/{partner}", self.base), None)
    }

    /// A sale's page: one agent's, so a team's link names the document's agent.
    pub fn sale(&self, doc: &Document) -> String {
        self.with_agent(
            format!("/sales/{}", doc.id),
            doc.agent.filter(|_| self.team),
        )
    }
}

fn shell(title: &str, chrome: &Chrome, body: Markup) -> Markup {
    skazka_web::page_with(
        title,
        chrome,
        html! {
            link rel="stylesheet" href=(STYLESHEET);
            div.debts { (body) }
        },
    )
}

fn days_text(days: i64) -> String {
    format!(
        "{days} {}",
        format::plural(days.unsigned_abs(), ["день", "дня", "дней"])
    )
}

fn overdue_text(d: &Document) -> String {
    match d.days_overdue {
        None => "срок оплаты не указан".to_owned(),
        Some(days) if days > 0 => format!("просрочено на {}", days_text(days)),
        Some(0) => "срок оплаты сегодня".to_owned(),
        Some(days) => format!("до срока {}", days_text(-days)),
    }
}

fn buckets_table(b: &Buckets) -> Markup {
    html! {
        dl.buckets {
            @for bucket in Bucket::ALL {
                div class={ "bucket" @if bucket.overdue() && !b.get(bucket).is_zero() { " overdue" } } {
                    dt { (bucket.label()) }
                    dd { (format::money(b.get(bucket))) }
                }
            }
        }
    }
}

fn document_card(nav: &Nav, d: &Document) -> Markup {
    html! {
        li class={ "doc" @if d.overdue() { " doc-overdue" } } {
            div.doc-top {
                a href=(nav.sale(d)) { "Реализация № " (d.number) }
                span.doc-debt { (format::money(d.debt)) }
            }
            div.doc-meta {
                @if let Some(date) = d.date { "от " (format::date(date)) " · " }
                "сумма " (format::money(d.amount))
                @if let Some(c) = &d.counterparty { " · " (c) }
            }
            div.doc-due {
                @if let Some(due) = d.due { "оплатить до " (format::date(due)) " · " }
                span.overdue-days { (overdue_text(d)) }
            }
        }
    }
}

fn client_card(nav: &Nav, c: &ClientDebts) -> Markup {
    html! {
        section class={ "client" @if !c.overdue.is_zero() { " client-overdue" } } {
            h2 {
                a href=(nav.client(c.partner.id)) { (c.partner.name) }
                span.client-debt { (format::money(c.debt)) }
            }
            @if !c.counterparties.is_empty() {
                p.counterparties { (c.counterparties.join(", ")) }
            }
            @if !c.overdue.is_zero() {
                p.client-overdue-sum { "Просрочено: " strong { (format::money(c.overdue)) } }
            }
            ul.doc-list { @for d in &c.documents { (document_card(nav, d)) } }
        }
    }
}

fn controls(nav: &Nav, report: &DebtsReport) -> Markup {
    html! {
        form.search method="get" action=(nav.base) {
            div.field.wide {
                label for="q" { "Клиент" }
                input #q type="search" name="q" value=(report.query.q) placeholder="Название клиента";
            }
            input type="hidden" name="sort" value=(report.query.sort.as_str());
            @if let Some(a) = nav.agent { input type="hidden" name="agent" value=(a); }
            button type="submit" { "Найти" }
        }
        nav.tabs aria-label="Сортировка" {
            @for s in Sort::ALL {
                a class={ "tab" @if s == report.query.sort { " current" } } href=(nav.list(&report.query.q, s)) { (s.label()) }
            }
        }
    }
}

fn agents_table(rows: &[AgentSubtotal]) -> Markup {
    html! {
        section.agents {
            h2 { "По агентам" }
            ul.agent-list {
                @for a in rows {
                    li class={ "agent" @if !a.overdue.is_zero() { " agent-overdue" } } {
                        a href=(format!("{}?agent={}", Nav::AGENT, a.agent)) { (a.name) }
                        span.agent-debt { (format::money(a.debt)) }
                        span.agent-meta {
                            (a.documents) " " (format::plural(a.documents as u64, ["документ", "документа", "документов"]))
                            @if !a.overdue.is_zero() { " · просрочено " (format::money(a.overdue)) }
                        }
                    }
                }
            }
        }
    }
}

/// `/debts`, `/my/debts`.
pub fn list_page(nav: &Nav, chrome: &Chrome, r: &DebtsReport, p: Option<&Picker>) -> Markup {
    let title = "Задолженность клиентов";
    let keep = [
        ("sort", r.query.sort.as_str().to_owned()),
        ("q", r.query.q.clone()),
    ];
    html! {
        (shell(title, chrome, html! {
            h1 { (title) }
            @if let Some(p) = p { (picker(p, nav.base, &keep)) }
            (stale_banner(r.stale.as_ref()))
            p.summary {
                "Всего долг: " strong.total { (format::money(r.total)) }
                @if !r.overdue.is_zero() { " · просрочено " strong.overdue-total { (format::money(r.overdue)) } }
                " · " (r.clients.len()) " " (format::plural(r.clients.len() as u64, ["клиент", "клиента", "клиентов"]))
                @if !r.query.q.is_empty() { " (поиск «" (r.query.q) "»)" }
            }
            (buckets_table(&r.buckets))
            @if let Some(agents) = &r.agents { (agents_table(agents)) }
            (controls(nav, r))
            @if r.clients.is_empty() { p.empty { "Открытых долгов нет." } }
            @for c in &r.clients { (client_card(nav, c)) }
            p.hint { "Просрочка считается от даты платежа документа (или от срока оплаты по договору) на " (format::date(r.today)) "." }
        }))
    }
}

fn payment_kind(k: PaymentKind) -> &'static str {
    match k {
        PaymentKind::Cash => "наличные",
        PaymentKind::Bank => "безналичные",
    }
}

/// `/debts/clients/{partner}`.
pub fn client_page(nav: &Nav, chrome: &Chrome, page: &ClientPage) -> Markup {
    let c = &page.client;
    html! {
        (shell(&c.partner.name, chrome, html! {
            p.back { a href=(nav.list("", Sort::default())) { "← Все клиенты" } }
            h1 { (c.partner.name) }
            (stale_banner(page.stale.as_ref()))
            @if !c.counterparties.is_empty() { p.counterparties { (c.counterparties.join(", ")) } }
            p.summary {
                "Долг: " strong.total { (format::money(page.total)) }
                @if !c.overdue.is_zero() { " · просрочено " strong.overdue-total { (format::money(c.overdue)) } }
            }
            (buckets_table(&c.buckets))
            h2 { "Неоплаченные документы" }
            @if c.documents.is_empty() { p.empty { "Открытых долгов нет." } }
            ul.doc-list { @for d in &c.documents { (document_card(nav, d)) } }
            h2 { "Оплаты за 90 дней" }
            @if page.payments.is_empty() { p.empty { "Оплат не было." } }
            @else {
                p.summary { "Оплачено: " strong { (format::money(page.paid)) } }
                ul.payment-list {
                    @for p in &page.payments {
                        li.payment {
                            span { "№ " (p.number) @if let Some(d) = p.date { " от " (format::date(d)) } " · " (payment_kind(p.kind)) }
                            span.payment-amount { (format::money(p.amount)) }
                        }
                    }
                }
            }
        }))
    }
}
