//! The orders function's handlers: whose data ([`Viewer`]) → service → the same value as HTML or
//! JSON. Four lists (agents' and clients', by order date and by shipment date) are one handler,
//! told apart by [`LISTS`].

use axum::extract::{FromRequestParts, MatchedPath, Query, State};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use onec_client::model::OrderDate;
use serde::Serialize;
use skazka_session::Session;
use skazka_viewer::{AgentNames, Pages, PathId, Picker, Viewer};
use skazka_web::{AppError, Chrome, Format, Stale};

use crate::list::{ListParams, ListQuery, OrderList, presets};
use crate::service::OrdersService;
use crate::team::TeamDay;
use crate::views::{self, Nav};

/// The navigation of `pages` for this viewer.
fn nav_for(pages: Pages, viewer: &Viewer) -> Nav {
    Nav {
        base: match pages {
            Pages::Agents => Nav::AGENT,
            Pages::Client => Nav::CLIENT,
        },
        agent: viewer.picked(),
    }
}

/// A list page: its path, who it is for and which date it lists by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListRoute {
    pub path: &'static str,
    pub pages: Pages,
    pub date: OrderDate,
}

/// Every list page.
pub const LISTS: [ListRoute; 4] = [
    ListRoute {
        path: "/orders",
        pages: Pages::Agents,
        date: OrderDate::Taken,
    },
    ListRoute {
        path: "/orders/by-shipment",
        pages: Pages::Agents,
        date: OrderDate::Shipment,
    },
    ListRoute {
        path: "/my/orders",
        pages: Pages::Client,
        date: OrderDate::Taken,
    },
    ListRoute {
        path: "/my/orders/by-shipment",
        pages: Pages::Client,
        date: OrderDate::Shipment,
    },
];

impl<S: Send + Sync> FromRequestParts<S> for ListRoute {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let matched = MatchedPath::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        LISTS
            .into_iter()
            .find(|l| l.path == matched.as_str())
            .ok_or(AppError::NotFound)
    }
}

/// `GET /orders`, `/orders/by-shipment`, `/my/orders`, `/my/orders/by-shipment`
/// (`?from&to&q&sort[&agent]`): the orders of a range, grouped by day; for a supervisor or an
/// admin who has not picked an agent, the team's day (each agent's count and total).
pub async fn list(
    State(svc): State<OrdersService>,
    route: ListRoute,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    route.pages.admit(&viewer)?;
    let today = svc.tz().today();
    let query = ListQuery::parse(&params, today)?;
    let chrome = skazka_session::chrome(Some(&session));
    let nav = nav_for(route.pages, &viewer);
    let presets = presets(route.date, today);
    let picker = Picker::read(&viewer, svc.reader(), svc.onec()).await;
    if let Viewer::Team { team } = &viewer {
        let served = svc.team_day(team, route.date, query.from, query.to).await?;
        let names = AgentNames::read_or_empty(svc.reader(), svc.onec()).await;
        let day = TeamDay::build(route.date, &query, served.value, &names, served.stale);
        return Ok(format.respond(&day, |d| {
            views::team_page(&nav, &chrome, d, route.date, &presets, picker.as_ref())
        }));
    }
    let served = svc.list(&viewer, route.date, query.from, query.to).await?;
    let list = OrderList::build(
        route.date,
        &query,
        viewer.agent(),
        served.value,
        served.stale,
    );
    Ok(format.respond(&list, |l| {
        views::list_page(&nav, &chrome, l, route.date, &presets, picker.as_ref())
    }))
}

/// A document page's JSON: the document and, when it is kept data, how old.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Detail<T> {
    #[serde(flatten)]
    pub data: T,
    /// Present when 1C failed and this is the last good data.
    pub stale: Option<Stale>,
}

/// A detail page is one agent's or one client's: a supervisor or an admin who opens one without
/// `?agent=` picks the agent first.
async fn one_owner(
    svc: &OrdersService,
    viewer: &Viewer,
    chrome: &Chrome,
    format: Format,
) -> Option<Response> {
    if !matches!(viewer, Viewer::Team { .. }) {
        return None;
    }
    if format == Format::Json {
        return Some(
            AppError::BadRequest("Выберите агента: параметр agent=<GUID агента>".into())
                .into_response(),
        );
    }
    let picker = Picker::read(viewer, svc.reader(), svc.onec())
        .await
        .unwrap_or_default();
    Some(views::pick_page(chrome, &picker).into_response())
}

/// `GET /orders/{guid}[?agent]` and `GET /my/orders/{guid}`: one order of the viewer's.
pub async fn order(
    State(svc): State<OrdersService>,
    PathId(id): PathId,
    pages: Pages,
    format: Format,
    session: Session,
    viewer: Viewer,
) -> Result<Response, AppError> {
    // Another audience's document path is "not found", like any document outside the scope.
    pages.admit(&viewer).map_err(|_| AppError::NotFound)?;
    let chrome = skazka_session::chrome(Some(&session));
    if let Some(pick) = one_owner(&svc, &viewer, &chrome, format).await {
        return Ok(pick);
    }
    let served = svc.order(&viewer, id).await?;
    let nav = nav_for(pages, &viewer);
    let detail = Detail {
        data: served.value,
        stale: served.stale,
    };
    Ok(format.respond(&detail, |d| {
        views::order_page(&nav, &chrome, &d.data, d.stale.as_ref())
    }))
}

/// `GET /sales/{guid}[?agent]`: a sale document of the agent's or of the client's partners.
pub async fn sale(
    State(svc): State<OrdersService>,
    PathId(id): PathId,
    format: Format,
    session: Session,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let chrome = skazka_session::chrome(Some(&session));
    if let Some(pick) = one_owner(&svc, &viewer, &chrome, format).await {
        return Ok(pick);
    }
    let served = svc.sale(&viewer, id).await?;
    let pages = match viewer {
        Viewer::Client { .. } => Pages::Client,
        _ => Pages::Agents,
    };
    let nav = nav_for(pages, &viewer);
    let detail = Detail {
        data: served.value,
        stale: served.stale,
    };
    Ok(format.respond(&detail, |d| {
        views::sale_page(&nav, &chrome, &d.data, d.stale.as_ref())
    }))
}
