//! Whose documents a page shows, resolved from the session's [`Scope`] — never from a URL alone.

use onec_client::Guid;
use onec_client::model::Owner;
use skazka_session::Scope;
use skazka_web::AppError;

/// The documents a request may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// One agent's documents (`Менеджер_Key`): the agent, or the agent a supervisor or an admin
    /// picked. Internal fields (comments, where the order was taken, 1C links) are shown.
    Agent { agent: Guid },
    /// A client's own partners' documents (`Партнер_Key`), without internal fields.
    Client { partners: Vec<Guid> },
}

/// What the agent pages need from the scope: the agent whose pages they are, or the choice to
/// make first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentPages {
    /// Show this agent's documents. `choices` is what the agent selector offers: empty for an
    /// agent (no selector), the team for a supervisor, `None` for an admin (every agent).
    Show { viewer: Viewer, selector: Selector },
    /// A supervisor or an admin has not picked an agent yet.
    Pick { selector: Selector },
}

/// The agent selector of a supervisor or an admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// An agent sees their own pages: no selector.
    None,
    /// A supervisor picks among the team.
    Team {
        team: Vec<Guid>,
        picked: Option<Guid>,
    },
    /// An admin picks any agent.
    Any { picked: Option<Guid> },
}

impl Selector {
    pub fn picked(&self) -> Option<Guid> {
        match self {
            Selector::None => None,
            Selector::Team { picked, .. } | Selector::Any { picked } => *picked,
        }
    }
}

impl AgentPages {
    /// The agent pages for a scope. `admin_pick` is the admin's `?agent=` (a supervisor's is
    /// already in the scope, checked against the team by the session). A client is refused (403):
    /// clients have `/my/orders`.
    pub fn from_scope(scope: &Scope, admin_pick: Option<Guid>) -> Result<Self, AppError> {
        Ok(match scope {
            Scope::Agent { agent } => AgentPages::Show {
                viewer: Viewer::Agent { agent: *agent },
                selector: Selector::None,
            },
            Scope::Supervisor { team, picked } => {
                let selector = Selector::Team {
                    team: team.clone(),
                    picked: *picked,
                };
                match picked {
                    // The session checked it against the team; check again: it is the rule.
                    Some(agent) if team.contains(agent) => AgentPages::Show {
                        viewer: Viewer::Agent { agent: *agent },
                        selector,
                    },
                    Some(_) => return Err(AppError::Forbidden),
                    None => AgentPages::Pick { selector },
                }
            }
            Scope::Admin => {
                let selector = Selector::Any { picked: admin_pick };
                match admin_pick {
                    Some(agent) => AgentPages::Show {
                        viewer: Viewer::Agent { agent },
                        selector,
                    },
                    None => AgentPages::Pick { selector },
                }
            }
            Scope::Client { .. } => return Err(AppError::Forbidden),
        })
    }
}

impl Viewer {
    /// A client's pages: their partners only. Anyone else is refused (403).
    pub fn client(scope: &Scope) -> Result<Self, AppError> {
        match scope {
            Scope::Client { partners } if !partners.is_empty() => Ok(Viewer::Client {
                partners: partners.clone(),
            }),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The 1C filter's owner.
    pub fn owner(&self) -> Owner<'_> {
        match self {
            Viewer::Agent { agent } => Owner::Agent(*agent),
            Viewer::Client { partners } => Owner::Partners(partners),
        }
    }

    /// Agents, supervisors and admins see comments, positions and 1C links; clients do not.
    pub fn internal(&self) -> bool {
        matches!(self, Viewer::Agent { .. })
    }

    /// The scope's part of a cache key: whose data it is (never a URL).
    pub fn cache_key(&self) -> String {
        match self {
            Viewer::Agent { agent } => format!("agent:{agent}"),
            Viewer::Client { partners } => {
                let mut p: Vec<String> = partners.iter().map(Guid::to_string).collect();
                p.sort();
                p.dedup();
                format!("client:{}", p.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const B: Guid = Guid::from_static("f10f9346-f6f4-11ed-89ec-000c29dddd38");

    #[test]
    fn scopes_resolve_to_viewers() {
        let agent = AgentPages::from_scope(&Scope::Agent { agent: A }, Some(B)).unwrap();
        assert_eq!(
            agent,
            AgentPages::Show {
                viewer: Viewer::Agent { agent: A },
                selector: Selector::None
            }
        );
        let sup = Scope::Supervisor {
            team: vec![A],
            picked: None,
        };
        assert!(matches!(
            AgentPages::from_scope(&sup, None).unwrap(),
            AgentPages::Pick { .. }
        ));
        let outside = Scope::Supervisor {
            team: vec![A],
            picked: Some(B),
        };
        assert!(matches!(
            AgentPages::from_scope(&outside, None),
            Err(AppError::Forbidden)
        ));
        let client = Scope::Client { partners: vec![B] };
        assert!(AgentPages::from_scope(&client, None).is_err());
        assert!(Viewer::client(&client).is_ok());
        assert!(Viewer::client(&Scope::Agent { agent: A }).is_err());
        assert_eq!(
            Viewer::Client {
                partners: vec![B, A, B]
            }
            .cache_key(),
            format!("client:{A},{B}")
        );
    }
}
