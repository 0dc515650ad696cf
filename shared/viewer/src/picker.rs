//! The agent picker: a supervisor's or an admin's choice of whose data a page shows.

use maud::{Markup, html};
use onec_client::{Guid, OnecClient};
use skazka_reads::Reader;

use crate::names::{AgentName, AgentNames};
use crate::{AGENT_PARAM, Team, Viewer};

/// What the picker offers and which is picked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picker {
    pub agents: Vec<AgentName>,
    pub picked: Option<Guid>,
}

impl Picker {
    /// The picker of a viewer, with the agents' names read through the cache (none when 1C
    /// cannot say them): `None` for agents and clients, who pick nobody.
    pub async fn read(viewer: &Viewer, reader: &Reader, onec: &OnecClient) -> Option<Picker> {
        viewer.team()?;
        let names = AgentNames::read_or_empty(reader, onec).await;
        Picker::of(viewer, &names)
    }

    /// The picker of a viewer: `None` for agents and clients, who pick nobody.
    pub fn of(viewer: &Viewer, names: &AgentNames) -> Option<Picker> {
        let agents = match viewer.team()? {
            Team::Own => return None,
            Team::Agents(team) => names.of(team),
            Team::Everyone => names.0.clone(),
        };
        Some(Picker {
            agents,
            picked: viewer.picked(),
        })
    }
}

/// The picker as a GET form to `action`, keeping the page's other parameters (`keep`: name and
/// value pairs, e.g. the range) as hidden fields. «Вся команда» goes back to the team's page.
pub fn picker(p: &Picker, action: &str, keep: &[(&str, String)]) -> Markup {
    html! {
        form.agent-picker method="get" action=(action) {
            label for="agent" { "Агент" }
            select #agent name=(AGENT_PARAM) {
                @if p.picked.is_none() {
                    option value="" selected { "Вся команда" }
                } @else {
                    option value="" { "Вся команда" }
                }
                @for a in &p.agents {
                    @if Some(a.id) == p.picked {
                        option value=(a.id) selected { (a.name) }
                    } @else {
                        option value=(a.id) { (a.name) }
                    }
                }
            }
            @for (name, value) in keep {
                input type="hidden" name=(name) value=(value);
            }
            button type="submit" { "Показать" }
        }
    }
}
