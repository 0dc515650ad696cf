//! Whose data a request reads — resolved once, from the session only, for every route group.
//!
//! A handler takes [`Viewer`] as an extractor and builds its 1C filters from it:
//! - an agent reads their own data;
//! - a supervisor picks one agent of the team with `?agent=<GUID>` (checked against the team on
//!   every request: another agent is `403`), or, without one, sees the team as a whole;
//! - an admin picks any agent, or sees everyone;
//! - a client reads their own partners' data, without internal fields.
//!
//! `?agent=` is parsed here and nowhere else: a canonical GUID (`8-4-4-4-12` hex), else `400`.
//! The picker ([`picker`]) shows the choice with the agents' names from 1C.

use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use onec_client::Guid;
use onec_client::model::Owner;
use skazka_session::{Scope, Verifier};
use skazka_web::AppError;

mod audience;
mod names;
mod picker;

pub use audience::Pages;
pub use names::{AgentName, AgentNames};
pub use picker::{Picker, picker};

/// The query parameter that picks an agent.
pub const AGENT_PARAM: &str = "agent";

/// Whose data a request reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// One agent's data: the agent's own, or the agent a supervisor or an admin picked. Internal
    /// fields (comments, where an order was taken, 1C links) are shown.
    Agent { agent: Guid, team: Team },
    /// A supervisor or an admin who has not picked an agent: the team as a whole.
    Team { team: Team },
    /// A client's own partners' data (`Партнер_Key`), without internal fields.
    Client { partners: Vec<Guid> },
}

/// The agents a person may pick among.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Team {
    /// An agent: only themselves (no picker).
    Own,
    /// A supervisor's agents.
    Agents(Vec<Guid>),
    /// An admin: every agent.
    Everyone,
}

impl Team {
    /// Whether `agent` may be read by this team's viewer.
    pub fn contains(&self, agent: Guid) -> bool {
        match self {
            Team::Own => false,
            Team::Agents(agents) => agents.contains(&agent),
            Team::Everyone => true,
        }
    }

    /// The agents as a list for a 1C filter: `None` means everyone (no filter).
    pub fn agents(&self) -> Option<&[Guid]> {
        match self {
            Team::Own => Some(&[]),
            Team::Agents(agents) => Some(agents),
            Team::Everyone => None,
        }
    }

    /// The team's part of a cache key: short whatever its size (an FNV-1a digest of the sorted
    /// refs), never the list itself.
    pub fn cache_key(&self) -> String {
        match self {
            Team::Own => "own".to_owned(),
            Team::Everyone => "everyone".to_owned(),
            Team::Agents(agents) => {
                let mut sorted: Vec<Guid> = agents.clone();
                sorted.sort();
                sorted.dedup();
                let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
                for byte in sorted.iter().flat_map(|g| g.to_string().into_bytes()) {
                    hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
                }
                format!("team:{}:{hash:016x}", sorted.len())
            }
        }
    }
}

impl Viewer {
    /// The viewer for a scope and the `?agent=` pick. A pick outside the team is `403`; a pick
    /// by an agent or a client is ignored (their data is their own).
    pub fn resolve(scope: Scope, picked: Option<Guid>) -> Result<Self, AppError> {
        let team = match scope {
            Scope::Agent { agent } => {
                return Ok(Viewer::Agent {
                    agent,
                    team: Team::Own,
                });
            }
            Scope::Client { partners } if partners.is_empty() => return Err(AppError::Forbidden),
            Scope::Client { partners } => return Ok(Viewer::Client { partners }),
            Scope::Supervisor { team } => Team::Agents(team),
            Scope::Admin => Team::Everyone,
        };
        match picked {
            None => Ok(Viewer::Team { team }),
            Some(agent) if team.contains(agent) => Ok(Viewer::Agent { agent, team }),
            Some(_) => Err(AppError::Forbidden),
        }
    }

    /// The agent whose data this is, when it is one agent's.
    pub fn agent(&self) -> Option<Guid> {
        match self {
            Viewer::Agent { agent, .. } => Some(*agent),
            _ => None,
        }
    }

    /// The agent picked by a supervisor or an admin (carried along in links), if any.
    pub fn picked(&self) -> Option<Guid> {
        match self {
            Viewer::Agent { agent, team } if *team != Team::Own => Some(*agent),
            _ => None,
        }
    }

    /// The team a supervisor or an admin picks among (`None` for agents and clients).
    pub fn team(&self) -> Option<&Team> {
        match self {
            Viewer::Agent { team, .. } | Viewer::Team { team } if *team != Team::Own => Some(team),
            _ => None,
        }
    }

    /// The owner of one agent's or one client's documents, for a 1C filter (`None` for a team).
    pub fn owner(&self) -> Option<Owner<'_>> {
        match self {
            Viewer::Agent { agent, .. } => Some(Owner::Agent(*agent)),
            Viewer::Client { partners } => Some(Owner::Partners(partners)),
            Viewer::Team { .. } => None,
        }
    }

    /// Employees see comments, positions and 1C links; clients do not.
    pub fn internal(&self) -> bool {
        !matches!(self, Viewer::Client { .. })
    }

    /// Whose data, as part of a cache key (never a URL).
    pub fn cache_key(&self) -> String {
        match self {
            Viewer::Agent { agent, .. } => format!("agent:{agent}"),
            Viewer::Team { team } => team.cache_key(),
            Viewer::Client { partners } => {
                let mut p: Vec<String> = partners.iter().map(Guid::to_string).collect();
                p.sort();
                p.dedup();
                format!("client:{}", p.join(","))
            }
        }
    }
}

/// A canonical, non-empty GUID (`8-4-4-4-12` hex): ids in paths and `?agent=`.
/// `?agent=` as the OpenAPI description lists it, for every route that takes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentParam {
    /// Whose data: supervisors one agent of their team, admins any agent (a 1C user's ref);
    /// absent, a supervisor's or admin's whole team where the page has one. Outside the team:
    /// `403`; repeated or not a GUID: `400`.
    pub agent: Option<Guid>,
}

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

/// The `agent` query parameter: absent or empty is no pick; anything but a GUID is `400`.
fn picked_agent(parts: &Parts) -> Result<Option<Guid>, AppError> {
    let query = parts.uri.query().unwrap_or("");
    let mut picked = None;
    for (name, value) in url_pairs(query) {
        if name != AGENT_PARAM {
            continue;
        }
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let guid = parse_guid(value).ok_or_else(|| {
            AppError::BadRequest("Параметр agent — не идентификатор агента".into())
        })?;
        if picked.is_some_and(|p| p != guid) {
            return Err(AppError::BadRequest(
                "Параметр agent указан несколько раз".into(),
            ));
        }
        picked = Some(guid);
    }
    Ok(picked)
}

/// A document's id from the path (`/orders/{id}`). Anything but a canonical GUID is "not found" —
/// before the session is read and without asking 1C.
pub struct PathId(pub Guid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        parse_guid(&raw).map(PathId).ok_or(AppError::NotFound)
    }
}

/// `name=value` pairs of a query string (GUIDs need no decoding; anything encoded is not one).
fn url_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

impl<S> FromRequestParts<S> for Viewer
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let scope = Scope::from_request_parts(parts, state).await?;
        let picked = picked_agent(parts).map_err(IntoResponse::into_response)?;
        Viewer::resolve(scope, picked).map_err(IntoResponse::into_response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const B: Guid = Guid::from_static("f10f9346-f6f4-11ed-89ec-000c29dddd38");

    fn supervisor() -> Scope {
        Scope::Supervisor { team: vec![A] }
    }

    #[test]
    fn an_agent_reads_their_own_data_whatever_they_pick() {
        let v = Viewer::resolve(Scope::Agent { agent: A }, Some(B)).unwrap();
        assert_eq!(v.agent(), Some(A));
        assert_eq!(v.picked(), None);
        assert!(v.team().is_none());
        assert_eq!(v.owner(), Some(Owner::Agent(A)));
    }

    #[test]
    fn a_supervisor_sees_the_team_or_picks_one_of_it() {
        let team = Viewer::resolve(supervisor(), None).unwrap();
        assert_eq!(
            team,
            Viewer::Team {
                team: Team::Agents(vec![A])
            }
        );
        assert_eq!(team.owner(), None);
        let one = Viewer::resolve(supervisor(), Some(A)).unwrap();
        assert_eq!((one.agent(), one.picked()), (Some(A), Some(A)));
        assert!(matches!(
            Viewer::resolve(supervisor(), Some(B)),
            Err(AppError::Forbidden)
        ));
    }

    #[test]
    fn an_admin_picks_anyone() {
        assert_eq!(
            Viewer::resolve(Scope::Admin, Some(B)).unwrap().agent(),
            Some(B)
        );
        assert_eq!(
            Viewer::resolve(Scope::Admin, None).unwrap(),
            Viewer::Team {
                team: Team::Everyone
            }
        );
    }

    #[test]
    fn a_client_reads_their_partners_without_internal_fields() {
        let v = Viewer::resolve(
            Scope::Client {
                partners: vec![B, A, B],
            },
            Some(A),
        )
        .unwrap();
        assert!(!v.internal());
        assert_eq!(v.cache_key(), format!("client:{A},{B}"));
        assert!(
            Viewer::resolve(Scope::Client { partners: vec![] }, None).is_err(),
            "a client without partners reads nothing"
        );
    }

    #[test]
    fn team_keys_are_short_and_order_free() {
        let many: Vec<Guid> = (0..300)
            .map(|i| Guid::parse(&format!("00000000-0000-0000-0000-{i:012}")).unwrap())
            .collect();
        let mut reversed = many.clone();
        reversed.reverse();
        let key = Team::Agents(many).cache_key();
        assert_eq!(key, Team::Agents(reversed).cache_key());
        assert!(key.len() < 40, "{key}");
    }

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

    #[test]
    fn the_agent_parameter_is_parsed_once_and_strictly() {
        let parts = |q: &str| {
            http::Request::get(format!("/orders?{q}"))
                .body(())
                .unwrap()
                .into_parts()
                .0
        };
        assert_eq!(picked_agent(&parts("from=2024-01-01")).unwrap(), None);
        assert_eq!(picked_agent(&parts("agent=")).unwrap(), None);
        assert_eq!(
            picked_agent(&parts(&format!("agent={A}"))).unwrap(),
            Some(A)
        );
        assert!(picked_agent(&parts("agent=x")).is_err());
        assert!(picked_agent(&parts(&format!("agent={A}&agent={B}"))).is_err());
        assert_eq!(
            picked_agent(&parts(&format!("agent={A}&agent={A}"))).unwrap(),
            Some(A)
        );
    }
}
