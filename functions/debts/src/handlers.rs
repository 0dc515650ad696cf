//! The debts function's handlers: whose data ([`Viewer`]) → service → the same value as HTML or
//! JSON.

use axum::extract::{Query, State};
use axum::response::Response;
use skazka_session::Session;
use skazka_viewer::{AgentNames, Pages, PathId, Picker, Viewer};
use skazka_web::{AppError, Format};

use crate::domain::{ClientPage, DebtsReport, Params, Query as ListQuery, TeamView};
use crate::service::DebtsService;
use crate::views::{self, Nav};

/// The navigation of `pages` for this viewer.
fn nav_for(pages: Pages, viewer: &Viewer) -> Nav {
    Nav {
        base: match pages {
            Pages::Agents => Nav::AGENT,
            Pages::Client => Nav::CLIENT,
        },
        agent: viewer.picked(),
        team: matches!(viewer, Viewer::Team { .. }),
    }
}

/// `GET /debts[?q&sort&agent]`, `GET /my/debts[?q&sort]`: what the viewer's clients owe, by
/// client, with ageing; a team's page adds each agent's subtotal.
pub async fn list(
    State(svc): State<DebtsService>,
    pages: Pages,
    format: Format,
    session: Session,
    viewer: Viewer,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    pages.admit(&viewer)?;
    let query = ListQuery::parse(&params)?;
    let chrome = skazka_session::chrome(Some(&session));
    let served = svc.open(&viewer).await?;
    let names = match &viewer {
        Viewer::Team { .. } => Some(AgentNames::read_or_empty(svc.reader(), svc.onec()).await),
        _ => None,
    };
    let team = match (&viewer, &names) {
        (Viewer::Team { team }, Some(names)) => Some(TeamView {
            agents: team.agents().unwrap_or_default(),
            names,
        }),
        _ => None,
    };
    let report = DebtsReport::build(
        &served.value.docs,
        svc.tz().today(),
        query,
        viewer.internal(),
        team,
        served.stale,
    );
    let nav = nav_for(pages, &viewer);
    let picker = Picker::read(&viewer, svc.reader(), svc.onec()).await;
    Ok(format.respond(&report, |r| {
        views::list_page(&nav, &chrome, r, picker.as_ref())
    }))
}

/// `GET /debts/clients/{partner}[?agent]`, `GET /my/debts/clients/{partner}`: one client's open
/// documents and payments of the last 90 days. A partner outside the viewer's documents is 404.
pub async fn client(
    State(svc): State<DebtsService>,
    PathId(partner): PathId,
    pages: Pages,
    format: Format,
    session: Session,
    viewer: Viewer,
) -> Result<Response, AppError> {
    // Another audience's page is "not found", like a partner outside the scope.
    pages.admit(&viewer).map_err(|_| AppError::NotFound)?;
    let chrome = skazka_session::chrome(Some(&session));
    let open = svc.open(&viewer).await?;
    // Scope first: payments are read only for a partner of the viewer's own documents.
    if !open.value.partners.iter().any(|p| p.id == partner) {
        return Err(AppError::NotFound);
    }
    let payments = svc.payments(&viewer, partner).await?;
    let stale = open.stale.or(payments.stale);
    let page = ClientPage::build(
        partner,
        &open.value.partners,
        &open.value.docs,
        payments.value,
        svc.tz().today(),
        viewer.internal(),
        stale,
    )
    .ok_or(AppError::NotFound)?;
    let nav = nav_for(pages, &viewer);
    Ok(format.respond(&page, |p| views::client_page(&nav, &chrome, p)))
}
