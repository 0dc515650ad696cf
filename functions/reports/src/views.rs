//! The reports pages in maud: the index, and one page per report — the period picker, the change
//! against the previous period, the charts, the table with sortable columns and its totals row,
//! and the export links. No script; `reports.css` from `/static`.

use chrono::NaiveDate;
use maud::{Markup, html};
use onec_client::Guid;
use rust_decimal::Decimal;
use skazka_viewer::{Picker, picker};
use skazka_web::{Chrome, format, page_with, stale_banner};

use crate::chart;
use crate::figures::Row;
use crate::period::Preset;
use crate::report::{
    ClientsGoodsReport, ClientsReport, GoodsReport, Group, Head, Sort, SortKey, TeamReport,
};

/// The reports' stylesheet.
pub const STYLESHEET: &str = "/static/css/reports.css";

/// Which report a page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Clients,
    Goods,
    ClientsGoods,
    Team,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Clients, Kind::Goods, Kind::ClientsGoods, Kind::Team];

    pub fn path(self) -> &'static str {
        match self {
            Kind::Clients => "/reports/sales/clients",
            Kind::Goods => "/reports/sales/goods",
            Kind::ClientsGoods => "/reports/sales/clients-goods",
            Kind::Team => "/reports/sales/team",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Clients => "Продажи по клиентам",
            Kind::Goods => "Продажи по товарам",
            Kind::ClientsGoods => "Продажи по клиентам и товарам",
            Kind::Team => "Продажи команды",
        }
    }

    /// The file name of an export, without the extension.
    pub fn file(self, head: &Head) -> String {
        let what = self.path().rsplit('/').next().unwrap_or("sales");
        format!("sales-{what}-{}-{}", head.from, head.to)
    }
}

/// A page's address and its parameters, so every link keeps the others.
#[derive(Clone, Debug)]
pub struct Here {
    pub kind: Kind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agent: Option<Guid>,
    pub sort: Sort,
    pub maker: Option<String>,
}

impl Here {
    pub fn of(kind: Kind, head: &Head, maker: Option<&str>) -> Here {
        Here {
            kind,
            from: head.from,
            to: head.to,
            agent: head.agent,
            sort: head.sort,
            maker: maker.map(str::to_owned),
        }
    }

    fn params(&self, from: NaiveDate, to: NaiveDate, sort: Sort) -> Vec<(&'static str, String)> {
        let mut p = vec![("from", from.to_string()), ("to", to.to_string())];
        if let Some(a) = self.agent {
            p.push(("agent", a.to_string()));
        }
        if sort != Sort::default() {
            p.push(("sort", sort.key.as_str().to_owned()));
            p.push(("dir", if sort.desc { "desc" } else { "asc" }.to_owned()));
        }
        if let Some(m) = &self.maker {
            p.push(("maker", m.clone()));
        }
        p
    }

    fn url_with(&self, from: NaiveDate, to: NaiveDate, sort: Sort) -> String {
        let query: Vec<String> = self
            .params(from, to, sort)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{}?{}", self.kind.path(), query.join("&"))
    }

    fn sorted(&self, key: SortKey) -> String {
        let desc = if self.sort.key == key {
            !self.sort.desc
        } else {
            key != SortKey::Name
        };
        self.url_with(self.from, self.to, Sort { key, desc })
    }

    fn export(&self, format: &str) -> String {
        format!(
            "{}&format={format}",
            self.url_with(self.from, self.to, self.sort)
        )
    }
}

fn shell(chrome: &Chrome, kind: Kind, content: Markup) -> Markup {
    page_with(
        kind.title(),
        chrome,
        html! {
            link rel="stylesheet" href=(STYLESHEET);
            div.reports {
                p.breadcrumbs { a href="/reports/sales" { "Отчёты" } }
                h1 { (kind.title()) }
                (content)
            }
        },
    )
}

/// `/reports/sales`: the reports this person may open.
pub fn index(chrome: &Chrome, team: bool, agent: Option<Guid>) -> Markup {
    let keep = agent.map(|a| format!("?agent={a}")).unwrap_or_default();
    page_with(
        "Отчёты",
        chrome,
        html! {
            link rel="stylesheet" href=(STYLESHEET);
            div.reports {
                h1 { "Отчёты о продажах" }
                ul.report-index {
                    @for kind in Kind::ALL {
                        @if kind != Kind::Team || team {
                            li { a href=(format!("{}{keep}", kind.path())) { (kind.title()) } }
                        }
                    }
                }
            }
        },
    )
}

fn period_picker(here: &Here, today: NaiveDate, p: Option<&Picker>) -> Markup {
    let keep: Vec<(&str, String)> = here
        .params(here.from, here.to, here.sort)
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "from" | "to" | "agent"))
        .collect();
    // The agent picker keeps the period too.
    let mut picker_keep = keep.clone();
    picker_keep.extend([("from", here.from.to_string()), ("to", here.to.to_string())]);
    html! {
        nav.presets aria-label="Период" {
            @for preset in Preset::ALL {
                @let period = preset.period(today);
                @if period.from == here.from && period.to == here.to {
                    strong { (preset.label()) }
                } @else {
                    a href=(here.url_with(period.from, period.to, here.sort)) { (preset.label()) }
                }
            }
        }
        form.period method="get" action=(here.kind.path()) {
            label { "С " input type="date" name="from" value=(here.from); }
            label { " по " input type="date" name="to" value=(here.to); }
            @if let Some(a) = here.agent { input type="hidden" name="agent" value=(a); }
            @for (k, v) in &keep { input type="hidden" name=(k) value=(v); }
            button type="submit" { "Показать" }
        }
        @if let Some(p) = p {
            (picker(p, here.kind.path(), &picker_keep))
        }
    }
}

fn summary(head: &Head) -> Markup {
    let c = &head.change;
    let sign = if c.delta > Decimal::ZERO { "+" } else { "" };
    html! {
        (stale_banner(head.stale.as_ref()))
        p.report-total {
            "Выручка за период: " strong.total { (format::money(head.total)) }
        }
        p.report-change {
            "К прошлому периоду (" (format::date(c.previous_from)) " — " (format::date(c.previous_to))
            ", " (format::money(c.previous)) "): "
            strong { (sign) (format::money(c.delta)) }
            @if let Some(p) = c.percent { " (" (sign) (format::percent(p)) ")" }
        }
        @if let Some(computed) = &head.computed {
            p.report-computed {
                "Дни по " (format::date(computed.through)) " посчитаны заранее, "
                (format::date_time(&computed.at)) "; остальные — из 1С сейчас."
            }
        }
    }
}

fn exports(here: &Here) -> Markup {
    html! {
        p.exports {
            "Скачать: "
            a href=(here.export("xlsx")) { "Excel (XLSX)" }
            " · "
            a href=(here.export("csv")) { "CSV" }
        }
    }
}

fn header(here: &Here, key: SortKey, label: &str) -> Markup {
    let mark = match (here.sort.key == key, here.sort.desc) {
        (true, true) => " ↓",
        (true, false) => " ↑",
        _ => "",
    };
    html! { th scope="col" { a href=(here.sorted(key)) { (label) (mark) } } }
}

fn figure_headers(here: &Here, first: &str) -> Markup {
    html! {
        (header(here, SortKey::Name, first))
        (header(here, SortKey::Quantity, "Кол-во"))
        (header(here, SortKey::Revenue, "Выручка"))
        th scope="col" { "Ручная скидка" }
        th scope="col" { "Авт. скидка" }
        (header(here, SortKey::Discount, "Скидка"))
        th scope="col" { "Доля" }
    }
}

fn figure_cells(r: &Row) -> Markup {
    html! {
        td.num { (format::quantity(r.figures.quantity)) }
        td.num { (format::money(r.figures.revenue)) }
        td.num { (format::money(r.figures.manual_discount)) }
        td.num { (format::money(r.figures.auto_discount)) }
        td.num { (format::money(r.discount)) }
        td.num { (format::percent(r.share)) }
    }
}

fn totals_cells(head: &Head) -> Markup {
    let t = &head.totals;
    html! {
        td.num { (format::quantity(t.figures.quantity)) }
        td.num { (format::money(t.figures.revenue)) }
        td.num { (format::money(t.figures.manual_discount)) }
        td.num { (format::money(t.figures.auto_discount)) }
        td.num { (format::money(t.discount)) }
        td.num { @if !t.figures.revenue.is_zero() { "100 %" } }
    }
}

fn empty(rows: usize) -> Markup {
    html! { @if rows == 0 { p.empty { "За этот период продаж нет." } } }
}

/// Everything above a report's table.
pub struct Top<'a> {
    pub chrome: &'a Chrome,
    pub here: Here,
    pub today: NaiveDate,
    pub picker: Option<&'a Picker>,
}

impl Top<'_> {
    fn render(&self, head: &Head) -> Markup {
        html! {
            (period_picker(&self.here, self.today, self.picker))
            (summary(head))
            (exports(&self.here))
            (chart::by_day(&head.days))
        }
    }
}

pub fn clients_page(top: &Top, r: &ClientsReport) -> Markup {
    let here = &top.here;
    shell(
        top.chrome,
        here.kind,
        html! {
            (top.render(&r.head))
            (chart::by_share(&r.rows, 8, "Крупнейшие клиенты по доле выручки"))
            (empty(r.rows.len()))
            div.table-scroll { table.report {
                thead { tr { (figure_headers(here, "Клиент")) } }
                tbody {
                    @for row in &r.rows { tr { th scope="row" { (row.name) } (figure_cells(row)) } }
                }
                tfoot { tr { th scope="row" { "Итого" } (totals_cells(&r.head)) } }
            } }
        },
    )
}

fn grouped(here: &Here, head: &Head, first: &str, groups: &[Group]) -> Markup {
    html! {
        div.table-scroll { table.report {
            thead { tr { (figure_headers(here, first)) } }
            @for g in groups {
                tbody {
                    tr.group { th scope="rowgroup" { (g.row.name) } (figure_cells(&g.row)) }
                    @for p in &g.products {
                        tr { td.sub { (p.name) } (figure_cells(p)) }
                    }
                }
            }
            tfoot { tr { th scope="row" { "Итого" } (totals_cells(head)) } }
        } }
    }
}

pub fn goods_page(top: &Top, r: &GoodsReport) -> Markup {
    let here = &top.here;
    let products: Vec<Row> = r.groups.iter().flat_map(|g| g.products.clone()).collect();
    shell(
        top.chrome,
        here.kind,
        html! {
            (top.render(&r.head))
            form.maker method="get" action=(here.kind.path()) {
                label for="maker" { "Производитель" }
                select #maker name="maker" {
                    option value="" selected[r.maker.is_none()] { "Все" }
                    @for m in &r.makers {
                        option value=(m.key) selected[r.maker.as_deref() == Some(m.key.as_str())] { (m.name) }
                    }
                }
                input type="hidden" name="from" value=(r.head.from);
                input type="hidden" name="to" value=(r.head.to);
                @if let Some(a) = here.agent { input type="hidden" name="agent" value=(a); }
                button type="submit" { "Показать" }
            }
            (chart::by_share(&products, 8, "Крупнейшие товары по доле выручки"))
            (empty(products.len()))
            (grouped(here, &r.head, "Производитель / товар", &r.groups))
        },
    )
}

pub fn clients_goods_page(top: &Top, r: &ClientsGoodsReport) -> Markup {
    let here = &top.here;
    let clients: Vec<Row> = r.clients.iter().map(|g| g.row.clone()).collect();
    shell(
        top.chrome,
        here.kind,
        html! {
            (top.render(&r.head))
            (chart::by_share(&clients, 8, "Крупнейшие клиенты по доле выручки"))
            (empty(clients.len()))
            (grouped(here, &r.head, "Клиент / товар", &r.clients))
        },
    )
}

pub fn team_page(top: &Top, r: &TeamReport) -> Markup {
    let here = &top.here;
    let rows: Vec<Row> = r.agents.iter().map(|a| a.row.clone()).collect();
    shell(
        top.chrome,
        here.kind,
        html! {
            (top.render(&r.head))
            (chart::by_share(&rows, 8, "Доля агентов в выручке команды"))
            div.table-scroll { table.report {
                thead { tr {
                    (figure_headers(here, "Агент"))
                    (header(here, SortKey::Clients, "Клиентов"))
                    (header(here, SortKey::Orders, "Документов"))
                } }
                tbody {
                    @for a in &r.agents {
                        tr {
                            th scope="row" {
                                @if let Some(id) = a.row.id {
                                    a href=(format!("/reports/sales/clients?from={}&to={}&agent={id}", r.head.from, r.head.to)) { (a.row.name) }
                                } @else { (a.row.name) }
                            }
                            (figure_cells(&a.row))
                            td.num { (a.clients) }
                            td.num { (a.orders) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { "Итого по команде" }
                    (totals_cells(&r.head))
                    td.num { (r.clients) }
                    td.num { (r.orders) }
                } }
            } }
        },
    )
}
