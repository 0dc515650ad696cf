//! The agents' names for the picker and the team's pages: 1C users by ref, cached for an hour.

use onec_client::{Guid, OnecClient};
use serde::{Deserialize, Serialize};
use skazka_reads::{REFERENCE, ReadError, Reader, Served};

/// An agent (a 1C user) by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentName {
    pub id: Guid,
    pub name: String,
}

/// Every valid 1C user's name, sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentNames(pub Vec<AgentName>);

/// Cache key; bump the version when [`AgentNames`] changes shape.
const KEY: &str = "viewer:v1:agent-names";

impl AgentNames {
    /// From 1C through the cache (one request an hour; kept data when 1C fails).
    pub async fn read(reader: &Reader, onec: &OnecClient) -> Result<Served<Self>, ReadError> {
        reader.read(KEY, REFERENCE, || Self::fetch(onec)).await
    }

    /// Reads the names from 1C now and keeps them for [`AgentNames::read`] (a scheduled job's
    /// warm-up); how many there are.
    pub async fn refresh(reader: &Reader, onec: &OnecClient) -> Result<usize, ReadError> {
        let names = Self::fetch(onec).await?;
        reader.cache().store(KEY, REFERENCE, &names).await;
        Ok(names.0.len())
    }

    async fn fetch(onec: &OnecClient) -> Result<Self, ReadError> {
        let mut names: Vec<AgentName> = onec
            .user_names()
            .await?
            .into_iter()
            .map(|u| AgentName {
                id: u.id,
                name: u.name,
            })
            .collect();
        names.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(AgentNames(names))
    }

    /// The names, or none when 1C cannot say them (refs stand in, see [`AgentNames::name`]).
    pub async fn read_or_empty(reader: &Reader, onec: &OnecClient) -> Self {
        Self::read(reader, onec)
            .await
            .map(|s| s.value)
            .unwrap_or_default()
    }

    /// An agent's name, or its ref when 1C has not said it.
    pub fn name(&self, id: Guid) -> String {
        self.0
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// `ids` with their names, sorted by name.
    pub fn of(&self, ids: &[Guid]) -> Vec<AgentName> {
        let mut named: Vec<AgentName> = ids
            .iter()
            .map(|&id| AgentName {
                id,
                name: self.name(id),
            })
            .collect();
        named.sort_by(|a, b| a.name.cmp(&b.name));
        named
    }
}
