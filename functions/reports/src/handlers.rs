//! The reports' handlers: whose sales ([`Viewer`] → [`Whose`]) → the service's reads → a report
//! → HTML, the same value as JSON, or its table as XLSX or CSV (`?format=` or
//! `/…/export.xlsx`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use onec_client::model::SalesGrouping;
use serde::{Deserialize, Serialize};
use skazka_reads::Served;
use skazka_session::Session;
use skazka_viewer::{AgentNames, Picker, Team, Viewer};
use skazka_web::{AppError, Format};

use crate::export::{self, File, Table};
use crate::period::Period;
use crate::report::{
    ClientsGoodsReport, ClientsReport, GoodsReport, Head, Inputs, NO_MAKER_KEY, Sort, TeamReport,
};
use crate::service::{ReportsService, Whose};
use crate::views::{self, Here, Kind, Top};

/// A report's query parameters as they come (strings: a bad one is a 400 page).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `today`, `week`, `month`, `last_month` or `quarter` (default `month`).
    pub preset: Option<String>,
    /// A custom period's first day (`YYYY-MM-DD`), with `to`.
    pub from: Option<String>,
    /// A custom period's last day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// The column to sort by: `name`, `quantity`, `revenue`, `discount` (the team's report also
    /// `clients`, `orders`); revenue by default.
    pub sort: Option<String>,
    /// `asc` or `desc` (names ascend and numbers descend by default).
    pub dir: Option<String>,
    /// The goods report's manufacturer: its ref, or `none`.
    pub maker: Option<String>,
    /// `xlsx` or `csv` for an export of what the page shows, `json` for this body.
    pub format: Option<String>,
}

/// What a request answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Page(Format),
    File(File),
}

impl Output {
    fn of(format: Format, asked: Option<&str>) -> Result<Output, AppError> {
        match asked.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("html") => Ok(Output::Page(format)),
            Some("json") => Ok(Output::Page(Format::Json)),
            Some(other) => File::parse(other).map(Output::File).ok_or_else(|| {
                AppError::BadRequest(format!("Неизвестный формат выгрузки: {other}"))
            }),
        }
    }
}

/// A report's request, checked.
struct Request {
    whose: Whose,
    period: Period,
    sort: Sort,
    output: Output,
}

impl Request {
    fn parse(
        svc: &ReportsService,
        viewer: &Viewer,
        params: &ReportParams,
        format: Format,
    ) -> Result<Request, AppError> {
        Ok(Request {
            whose: Whose::of(viewer)?,
            period: Period::parse(
                params.preset.as_deref(),
                params.from.as_deref(),
                params.to.as_deref(),
                svc.today(),
            )?,
            sort: Sort::parse(params.sort.as_deref(), params.dir.as_deref())?,
            output: Output::of(format, params.format.as_deref())?,
        })
    }
}

/// Reads the period's and the previous period's turnovers and the period's posted sales
/// together: three 1C requests (per chunk of agents) whatever the report's rows.
async fn inputs(
    svc: &ReportsService,
    viewer: &Viewer,
    r: &Request,
    grouping: SalesGrouping,
) -> Result<Inputs, AppError> {
    let (now, before, sales) = futures::try_join!(
        svc.turnovers(&r.whose, r.period, grouping),
        svc.turnovers(&r.whose, r.period.previous(), grouping),
        svc.sales(&r.whose, r.period),
    )?;
    let stale = Served::<()>::oldest(
        Served::<()>::oldest(now.served.stale, before.served.stale),
        sales.served.stale,
    );
    Ok(Inputs {
        period: r.period,
        agent: viewer.picked(),
        sort: r.sort,
        computed: now.computed,
        now: now.served.value,
        before: before.served.value,
        sales: sales.served.value,
        stale,
    })
}

async fn picker(svc: &ReportsService, viewer: &Viewer) -> Option<Picker> {
    viewer.team()?;
    let names = AgentNames::read_or_empty(svc.reader(), svc.onec()).await;
    Picker::of(viewer, &names)
}

/// Who asks and how they want the answer.
struct Asker<'a> {
    svc: &'a ReportsService,
    viewer: &'a Viewer,
    session: &'a Session,
    output: Output,
}

/// A report as the page, JSON, or a file.
async fn answer<T: Serialize>(
    a: Asker<'_>,
    kind: Kind,
    (report, head, maker): (&T, &Head, Option<&str>),
    table: impl FnOnce(&T) -> Table,
    page: impl FnOnce(&Top, &T) -> maud::Markup,
) -> Result<Response, AppError> {
    let Asker {
        svc,
        viewer,
        session,
        output,
    } = a;
    let file = kind.file(head);
    match output {
        Output::File(f) => Ok(f.download(&table(report), &file)?),
        Output::Page(format) => {
            let chrome = skazka_session::chrome(Some(session));
            let picker = match format {
                Format::Html => picker(svc, viewer).await,
                Format::Json => None,
            };
            let top = Top {
                chrome: &chrome,
                here: Here::of(kind, head, maker),
                today: svc.today(),
                picker: picker.as_ref(),
            };
            Ok(format.respond(report, |r| page(&top, r)))
        }
    }
}

/// `GET /reports/sales`: the reports this person may open.
pub async fn index(session: Session, viewer: Viewer) -> Result<Response, AppError> {
    Whose::of(&viewer)?;
    let chrome = skazka_session::chrome(Some(&session));
    let team = viewer.team().is_some();
    Ok(views::index(&chrome, team, viewer.picked()).into_response())
}

/// `/…/export.xlsx` and `/…/export.csv` are the report with `?format=`.
fn with_export(mut params: ReportParams, ext: Option<&str>) -> Result<ReportParams, AppError> {
    match ext {
        None => {}
        Some("export.xlsx") => params.format = Some("xlsx".into()),
        Some("export.csv") => params.format = Some("csv".into()),
        Some(_) => return Err(AppError::NotFound),
    }
    Ok(params)
}

/// `GET /reports/sales/clients[/export.xlsx|csv]`.
#[utoipa::path(
    get,
    path = "/reports/sales/clients",
    tag = "reports",
    summary = "Sales by client (one row per partner): quantity, revenue, discounts, share",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses(
        (status = 200, description = "The report", body = ClientsReport),
        skazka_web::openapi::Problems,
    ),
)]
pub async fn clients(
    State(svc): State<ReportsService>,
    ext: Option<Path<String>>,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ReportParams>,
) -> Result<Response, AppError> {
    let params = with_export(params, ext.as_deref().map(String::as_str))?;
    let r = Request::parse(&svc, &viewer, &params, format)?;
    let report = ClientsReport::build(inputs(&svc, &viewer, &r, SalesGrouping::ByClients).await?);
    answer(
        Asker {
            svc: &svc,
            viewer: &viewer,
            session: &session,
            output: r.output,
        },
        Kind::Clients,
        (&report, &report.head, None),
        export::clients,
        views::clients_page,
    )
    .await
}

/// `GET /reports/sales/goods[/export.xlsx|csv][?maker=<guid>|none]`.
#[utoipa::path(
    get,
    path = "/reports/sales/goods",
    tag = "reports",
    summary = "Sales by product, grouped by manufacturer (`maker` filters)",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses(
        (status = 200, description = "The report", body = GoodsReport),
        skazka_web::openapi::Problems,
    ),
)]
pub async fn goods(
    State(svc): State<ReportsService>,
    ext: Option<Path<String>>,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ReportParams>,
) -> Result<Response, AppError> {
    let params = with_export(params, ext.as_deref().map(String::as_str))?;
    let r = Request::parse(&svc, &viewer, &params, format)?;
    let maker = params
        .maker
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    if let Some(m) = maker
        && m != NO_MAKER_KEY
        && skazka_viewer::parse_guid(m).is_none()
    {
        return Err(AppError::BadRequest(format!(
            "Неизвестный производитель: {m}"
        )));
    }
    let inputs = inputs(&svc, &viewer, &r, SalesGrouping::ByGoods).await?;
    let report = GoodsReport::build(inputs, maker);
    answer(
        Asker {
            svc: &svc,
            viewer: &viewer,
            session: &session,
            output: r.output,
        },
        Kind::Goods,
        (&report, &report.head, maker),
        export::goods,
        views::goods_page,
    )
    .await
}

/// `GET /reports/sales/clients-goods[/export.xlsx|csv]`.
#[utoipa::path(
    get,
    path = "/reports/sales/clients-goods",
    tag = "reports",
    summary = "Sales by client, then the products each bought",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses(
        (status = 200, description = "The report", body = ClientsGoodsReport),
        skazka_web::openapi::Problems,
    ),
)]
pub async fn clients_goods(
    State(svc): State<ReportsService>,
    ext: Option<Path<String>>,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ReportParams>,
) -> Result<Response, AppError> {
    let params = with_export(params, ext.as_deref().map(String::as_str))?;
    let r = Request::parse(&svc, &viewer, &params, format)?;
    let inputs = inputs(&svc, &viewer, &r, SalesGrouping::ByClientsAndGoods).await?;
    let report = ClientsGoodsReport::build(inputs);
    answer(
        Asker {
            svc: &svc,
            viewer: &viewer,
            session: &session,
            output: r.output,
        },
        Kind::ClientsGoods,
        (&report, &report.head, None),
        export::clients_goods,
        views::clients_goods_page,
    )
    .await
}

/// `GET /reports/sales/team[/export.xlsx|csv]`: a supervisor's team or (admin) everyone, each
/// agent's sales and the team's total. Agents and clients: `403`.
#[utoipa::path(
    get,
    path = "/reports/sales/team",
    tag = "reports",
    summary = "Each agent of a supervisor's team (an admin: everyone) and the team's total; agents and clients get 403",
    description = "The same value as the page; `total` is the period's revenue. Send `Accept: application/json`.",
    params(ReportParams, skazka_viewer::AgentParam),
    responses(
        (status = 200, description = "The report", body = TeamReport),
        skazka_web::openapi::Problems,
    ),
)]
pub async fn team(
    State(svc): State<ReportsService>,
    ext: Option<Path<String>>,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ReportParams>,
) -> Result<Response, AppError> {
    let params = with_export(params, ext.as_deref().map(String::as_str))?;
    // The team as a whole, whichever agent is picked elsewhere.
    let team: Team = viewer.team().cloned().ok_or(AppError::Forbidden)?;
    let whole = Viewer::Team { team: team.clone() };
    let r = Request::parse(&svc, &whole, &params, format)?;
    let (inputs, names) = tokio::join!(
        inputs(&svc, &whole, &r, SalesGrouping::ByClients),
        AgentNames::read_or_empty(svc.reader(), svc.onec()),
    );
    let report = TeamReport::build(inputs?, team.agents(), |a| names.name(a));
    answer(
        Asker {
            svc: &svc,
            viewer: &whole,
            session: &session,
            output: r.output,
        },
        Kind::Team,
        (&report, &report.head, None),
        export::team,
        views::team_page,
    )
    .await
}
