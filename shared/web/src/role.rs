//! What a person is in the portal. Defined here, beside the layout, because the navigation is a
//! table of sections per role; `skazka_session` re-exports it for tokens and handlers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a person is in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Client,
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Client, Role::Agent, Role::Supervisor, Role::Admin];

    /// `client`, `agent`, `supervisor`, `admin` (as stored and in tokens).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// The Russian label shown in pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Client => "Клиент",
            Role::Agent => "Торговый агент",
            Role::Supervisor => "Супервайзер",
            Role::Admin => "Администратор",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Where the person lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Client => "/my/orders",
            Role::Agent | Role::Supervisor => "/orders",
            Role::Admin => "/admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
