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
pub struct Request {
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

/// Who asks and how they want the answer.
struct Asker<'a> {
    svc: &'a ReportsService,
    viewer: &'a Viewer,
    session: &'a Session,
    output: Output,
}

/// A report as the page, JSON, or a file.
async fn answer<R: SalesReport>(a: Asker<'_>, report: &R) -> Result<Response, AppError> {
    let Asker {
        svc,
        viewer,
        session,
        output,
    } = a;
    match output {
        Output::File(f) => Ok(f.download(&report.table(), &R::KIND.file(report.head()))?),
        Output::Page(format) => {
            let chrome = skazka_session::chrome(Some(session));
            let picker = match format {
                Format::Html => Picker::read(viewer, svc.reader(), svc.onec()).await,
                Format::Json => None,
            };
            let top = Top {
                chrome: &chrome,
                here: Here::of(R::KIND, report.head(), report.maker()),
                today: svc.today(),
                picker: picker.as_ref(),
            };
            Ok(format.respond(report, |r| r.page(&top)))
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

/// What differs between the four reports; everything else is [`report`].
pub trait SalesReport: Serialize + Sized + Send {
    const KIND: Kind;

    /// Whose sales the report shows: the viewer as asked (the team's report: the whole team,
    /// whichever agent is picked elsewhere).
    fn whose(viewer: Viewer) -> Result<Viewer, AppError> {
        Ok(viewer)
    }

    /// Reads 1C and builds the report for a checked request.
    fn read(
        svc: &ReportsService,
        viewer: &Viewer,
        r: &Request,
        params: &ReportParams,
    ) -> impl Future<Output = Result<Self, AppError>> + Send;

    fn head(&self) -> &Head;

    /// The manufacturer the goods report is narrowed to.
    fn maker(&self) -> Option<&str> {
        None
    }

    fn table(&self) -> Table;

    fn page(&self, top: &Top) -> maud::Markup;
}

/// `GET /reports/sales/{clients,goods,clients-goods,team}[/export.xlsx|csv]`: the report `R` as
/// the page, JSON or a file (the operations are described in [`crate::openapi`]).
pub async fn report<R: SalesReport>(
    State(svc): State<ReportsService>,
    ext: Option<Path<String>>,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ReportParams>,
) -> Result<Response, AppError> {
    let params = with_export(params, ext.as_deref().map(String::as_str))?;
    let viewer = R::whose(viewer)?;
    let r = Request::parse(&svc, &viewer, &params, format)?;
    let report = R::read(&svc, &viewer, &r, &params).await?;
    let asker = Asker {
        svc: &svc,
        viewer: &viewer,
        session: &session,
        output: r.output,
    };
    answer(asker, &report).await
}

impl SalesReport for ClientsReport {
    const KIND: Kind = Kind::Clients;

    async fn read(
        svc: &ReportsService,
        viewer: &Viewer,
        r: &Request,
        _: &ReportParams,
    ) -> Result<Self, AppError> {
        let inputs = inputs(svc, viewer, r, SalesGrouping::ByClients).await?;
        Ok(ClientsReport::build(inputs))
    }

    fn head(&self) -> &Head {
        &self.head
    }

    fn table(&self) -> Table {
        export::clients(self)
    }

    fn page(&self, top: &Top) -> maud::Markup {
        views::clients_page(top, self)
    }
}

impl SalesReport for GoodsReport {
    const KIND: Kind = Kind::Goods;

    /// `?maker=<guid>|none` narrows the report to one manufacturer.
    async fn read(
        svc: &ReportsService,
        viewer: &Viewer,
        r: &Request,
        params: &ReportParams,
    ) -> Result<Self, AppError> {
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
        let inputs = inputs(svc, viewer, r, SalesGrouping::ByGoods).await?;
        Ok(GoodsReport::build(inputs, maker))
    }

    fn head(&self) -> &Head {
        &self.head
    }

    fn maker(&self) -> Option<&str> {
        self.maker.as_deref()
    }

    fn table(&self) -> Table {
        export::goods(self)
    }

    fn page(&self, top: &Top) -> maud::Markup {
        views::goods_page(top, self)
    }
}

impl SalesReport for ClientsGoodsReport {
    const KIND: Kind = Kind::ClientsGoods;

    async fn read(
        svc: &ReportsService,
        viewer: &Viewer,
        r: &Request,
        _: &ReportParams,
    ) -> Result<Self, AppError> {
        let inputs = inputs(svc, viewer, r, SalesGrouping::ByClientsAndGoods).await?;
        Ok(ClientsGoodsReport::build(inputs))
    }

    fn head(&self) -> &Head {
        &self.head
    }

    fn table(&self) -> Table {
        export::clients_goods(self)
    }

    fn page(&self, top: &Top) -> maud::Markup {
        views::clients_goods_page(top, self)
    }
}

/// A supervisor's team or (admin) everyone: each agent's sales and the team's total. Agents and
/// clients: `403`.
impl SalesReport for TeamReport {
    const KIND: Kind = Kind::Team;

    fn whose(viewer: Viewer) -> Result<Viewer, AppError> {
        let team: Team = viewer.team().cloned().ok_or(AppError::Forbidden)?;
        Ok(Viewer::Team { team })
    }

    async fn read(
        svc: &ReportsService,
        viewer: &Viewer,
        r: &Request,
        _: &ReportParams,
    ) -> Result<Self, AppError> {
        let team = viewer.team().ok_or(AppError::Forbidden)?;
        let (inputs, names) = tokio::join!(
            inputs(svc, viewer, r, SalesGrouping::ByClients),
            AgentNames::read_or_empty(svc.reader(), svc.onec()),
        );
        Ok(TeamReport::build(inputs?, team.agents(), |a| names.name(a)))
    }

    fn head(&self) -> &Head {
        &self.head
    }

    fn table(&self) -> Table {
        export::team(self)
    }

    fn page(&self, top: &Top) -> maud::Markup {
        views::team_page(top, self)
    }
}
