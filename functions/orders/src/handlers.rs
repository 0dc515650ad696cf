//! The orders function's handlers: session scope → service → the same value as HTML or JSON.

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use onec_client::Guid;
use onec_client::model::{BaseTz, OrderDate};
use serde::{Deserialize, Serialize};
use skazka_app::AppState;
use skazka_session::{Scope, Session};
use skazka_web::{AppError, Chrome, Format};

use crate::e1c::E1cLinks;
use crate::list::{ListParams, ListQuery, OrderList, presets};
use crate::service::{AgentName, OrdersService, Stale};
use crate::viewer::{AgentPages, Selector, Viewer};
use crate::views::{self, AgentSelector, Nav};

/// A document id from the path. Anything but a canonical GUID (`8-4-4-4-12` hex) is "not found" —
/// before the session is read and without asking 1C.
pub struct DocId(pub Guid);

impl<S: Send + Sync> FromRequestParts<S> for DocId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        parse_guid(&raw).map(DocId).ok_or(AppError::NotFound)
    }
}

/// A canonical, non-empty GUID.
pub fn parse_guid(s: &str) -> Option<Guid> {
    let canonical = s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    canonical
        .then(|| Guid::parse(s).ok())
        .flatten()
        .and_then(Guid::non_empty)
}

/// The `agent` parameter of a detail page.
#[derive(Debug, Default, Deserialize)]
pub struct AgentParam {
    pub agent: Option<String>,
}

fn admin_pick(agent: Option<&str>) -> Result<Option<Guid>, AppError> {
    match agent.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_guid(s)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest("Параметр agent — не идентификатор".into())),
    }
}

fn service<'a>(state: &'a AppState, links: &'a E1cLinks) -> OrdersService<'a> {
    OrdersService {
        onec: state.onec_client(),
        cache: state.cache(),
        tz: BaseTz(state.config().onec_timezone),
        links,
    }
}

fn links(state: &AppState) -> E1cLinks {
    let c = state.config();
    E1cLinks::from_config(
        c.onec_e1c_server.as_deref(),
        c.onec_e1c_base.as_deref(),
        &state.onec().url,
    )
}

/// The agent selector's options: the team (supervisor) or every 1C user (admin), by name. When
/// 1C cannot say the names, the refs stand in for them.
async fn selector_view(svc: &OrdersService<'_>, selector: &Selector) -> Option<AgentSelector> {
    let (ids, picked) = match selector {
        Selector::None => return None,
        Selector::Team { team, picked } => (Some(team.clone()), *picked),
        Selector::Any { picked } => (None, *picked),
    };
    let known = svc.agents().await.map(|s| s.value).unwrap_or_default();
    let agents = match ids {
        Some(team) => {
            let mut v: Vec<AgentName> = team
                .iter()
                .map(|id| AgentName {
                    id: *id,
                    name: known
                        .iter()
                        .find(|a| a.id == *id)
                        .map(|a| a.name.clone())
                        .unwrap_or_else(|| id.to_string()),
                })
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        }
        None => known,
    };
    Some(AgentSelector { agents, picked })
}

/// The agent pages' viewer, or the selector page when a supervisor or an admin has not picked.
enum Resolved {
    Show { viewer: Viewer, selector: Selector },
    Pick(Response),
}

async fn resolve_agent(
    svc: &OrdersService<'_>,
    chrome: &Chrome,
    scope: &Scope,
    agent: Option<&str>,
    format: Format,
) -> Result<Resolved, AppError> {
    match AgentPages::from_scope(scope, admin_pick(agent)?)? {
        AgentPages::Show { viewer, selector } => Ok(Resolved::Show { viewer, selector }),
        AgentPages::Pick { selector } => {
            if format == Format::Json {
                return Err(AppError::BadRequest(
                    "Выберите агента: параметр agent=<GUID агента>".into(),
                ));
            }
            let sel = selector_view(svc, &selector).await.unwrap_or_default();
            let nav = Nav {
                base: Nav::AGENT,
                agent: None,
            };
            Ok(Resolved::Pick(
                views::pick_page(&nav, chrome, &sel, svc.tz.today()).into_response(),
            ))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn list(
    svc: &OrdersService<'_>,
    chrome: &Chrome,
    viewer: &Viewer,
    nav: Nav,
    selector: Option<AgentSelector>,
    params: &ListParams,
    date: OrderDate,
    format: Format,
) -> Result<Response, AppError> {
    let today = svc.tz.today();
    let query = ListQuery::parse(params, today)?;
    let served = svc.list(viewer, date, query.from, query.to).await?;
    let agent = match viewer {
        Viewer::Agent { agent } => Some(*agent),
        Viewer::Client { .. } => None,
    };
    let list = OrderList::build(date, &query, agent, served.value, served.stale);
    let presets = presets(date, today);
    Ok(format.respond(&list, |l| {
        views::list_page(&nav, chrome, l, date, &presets, selector.as_ref())
    }))
}

async fn agent_list(
    state: AppState,
    session: Session,
    scope: Scope,
    format: Format,
    params: ListParams,
    date: OrderDate,
) -> Result<Response, AppError> {
    let links = links(&state);
    let svc = service(&state, &links);
    let chrome = skazka_session::chrome(Some(&session));
    let (viewer, selector) =
        match resolve_agent(&svc, &chrome, &scope, params.agent.as_deref(), format).await? {
            Resolved::Show { viewer, selector } => (viewer, selector),
            Resolved::Pick(page) => return Ok(page),
        };
    let nav = Nav {
        base: Nav::AGENT,
        agent: selector.picked(),
    };
    let sel = selector_view(&svc, &selector).await;
    list(&svc, &chrome, &viewer, nav, sel, &params, date, format).await
}

/// `GET /orders?from&to&q&sort[&agent]`: the agent's orders by order date.
pub async fn agent_taken(
    State(state): State<AppState>,
    format: Format,
    session: Session,
    scope: Scope,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    agent_list(state, session, scope, format, params, OrderDate::Taken).await
}

/// `GET /orders/by-shipment?from&to&q&sort[&agent]`: the same by shipment date.
pub async fn agent_shipment(
    State(state): State<AppState>,
    format: Format,
    session: Session,
    scope: Scope,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    agent_list(state, session, scope, format, params, OrderDate::Shipment).await
}

/// `GET /my/orders?from&to&q&sort`: a client's own orders by order date.
pub async fn client_taken(
    State(state): State<AppState>,
    format: Format,
    session: Session,
    scope: Scope,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    client_list(state, session, scope, format, params, OrderDate::Taken).await
}

/// `GET /my/orders/by-shipment?from&to&q&sort`.
pub async fn client_shipment(
    State(state): State<AppState>,
    format: Format,
    session: Session,
    scope: Scope,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    client_list(state, session, scope, format, params, OrderDate::Shipment).await
}

async fn client_list(
    state: AppState,
    session: Session,
    scope: Scope,
    format: Format,
    params: ListParams,
    date: OrderDate,
) -> Result<Response, AppError> {
    let viewer = Viewer::client(&scope)?;
    let links = links(&state);
    let svc = service(&state, &links);
    let nav = Nav {
        base: Nav::CLIENT,
        agent: None,
    };
    let chrome = skazka_session::chrome(Some(&session));
    list(&svc, &chrome, &viewer, nav, None, &params, date, format).await
}

/// A document and, when it is kept data, how old.
#[derive(Serialize)]
struct Detail<'a, T: Serialize> {
    #[serde(flatten)]
    data: &'a T,
    stale: Option<&'a Stale>,
}

/// The viewer and links of a detail page, from the scope (a client's pages or an agent's).
async fn detail_viewer(
    svc: &OrdersService<'_>,
    chrome: &Chrome,
    scope: &Scope,
    agent: Option<&str>,
    format: Format,
) -> Result<Result<(Viewer, Nav), Response>, AppError> {
    if let Scope::Client { .. } = scope {
        let nav = Nav {
            base: Nav::CLIENT,
            agent: None,
        };
        return Ok(Ok((Viewer::client(scope)?, nav)));
    }
    Ok(
        match resolve_agent(svc, chrome, scope, agent, format).await? {
            Resolved::Show { viewer, selector } => Ok((
                viewer,
                Nav {
                    base: Nav::AGENT,
                    agent: selector.picked(),
                },
            )),
            Resolved::Pick(page) => Err(page),
        },
    )
}

/// `GET /orders/{guid}[?agent]`: an order of the agent's.
pub async fn agent_order(
    State(state): State<AppState>,
    DocId(id): DocId,
    format: Format,
    session: Session,
    scope: Scope,
    Query(p): Query<AgentParam>,
) -> Result<Response, AppError> {
    if let Scope::Client { .. } = scope {
        return Err(AppError::NotFound);
    }
    order(state, id, format, session, scope, p).await
}

/// `GET /my/orders/{guid}`: a client's own order.
pub async fn client_order(
    State(state): State<AppState>,
    DocId(id): DocId,
    format: Format,
    session: Session,
    scope: Scope,
) -> Result<Response, AppError> {
    let Scope::Client { .. } = scope else {
        return Err(AppError::NotFound);
    };
    order(state, id, format, session, scope, AgentParam::default()).await
}

async fn order(
    state: AppState,
    id: Guid,
    format: Format,
    session: Session,
    scope: Scope,
    p: AgentParam,
) -> Result<Response, AppError> {
    let links = links(&state);
    let svc = service(&state, &links);
    let chrome = skazka_session::chrome(Some(&session));
    let (viewer, nav) =
        match detail_viewer(&svc, &chrome, &scope, p.agent.as_deref(), format).await? {
            Ok(v) => v,
            Err(page) => return Ok(page),
        };
    let served = svc.order(&viewer, id).await?;
    let detail = Detail {
        data: &served.value,
        stale: served.stale.as_ref(),
    };
    Ok(format.respond(&detail, |d| {
        views::order_page(&nav, &chrome, d.data, d.stale)
    }))
}

/// `GET /sales/{guid}[?agent]`: a sale document of the agent's or of the client's partners.
pub async fn sale(
    State(state): State<AppState>,
    DocId(id): DocId,
    format: Format,
    session: Session,
    scope: Scope,
    Query(p): Query<AgentParam>,
) -> Result<Response, AppError> {
    let links = links(&state);
    let svc = service(&state, &links);
    let chrome = skazka_session::chrome(Some(&session));
    let (viewer, nav) =
        match detail_viewer(&svc, &chrome, &scope, p.agent.as_deref(), format).await? {
            Ok(v) => v,
            Err(page) => return Ok(page),
        };
    let served = svc.sale(&viewer, id).await?;
    let detail = Detail {
        data: &served.value,
        stale: served.stale.as_ref(),
    };
    Ok(format.respond(&detail, |d| {
        views::sale_page(&nav, &chrome, d.data, d.stale)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_guids_are_ids() {
        assert!(parse_guid("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38").is_some());
        assert!(parse_guid("6D0C2B1A-0C2F-11EF-8A52-000C29DDDD38").is_some());
        for bad in [
            "",
            "by-date",
            "6d0c2b1a0c2f11ef8a52000c29dddd38",
            "{6d0c2b1a-0c2f-11ef-8a52-000c29dddd38}",
            "6d0c2b1a-0c2f-11ef-8a52-000c29dddd3g",
            "6d0c2b1a-0c2f-11ef-8a52-000c29dddd38' or '1'='1",
            "00000000-0000-0000-0000-000000000000",
        ] {
            assert!(parse_guid(bad).is_none(), "{bad}");
        }
    }
}
