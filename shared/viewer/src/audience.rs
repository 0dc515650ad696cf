//! Who a group of pages is for: the agents' pages (`/orders…`, `/debts…`), which supervisors and
//! admins read too, or a client's own (`/my/…`).

use axum::extract::FromRequestParts;
use http::request::Parts;
use skazka_web::AppError;

use crate::Viewer;

/// Who a group of pages is for, told by the path: `/my/…` is a client's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pages {
    /// Agents, and supervisors and admins reading agents' data.
    Agents,
    /// A client's own.
    Client,
}

impl Pages {
    /// The pages under `path`.
    pub fn of(path: &str) -> Pages {
        if path.starts_with("/my/") {
            Pages::Client
        } else {
            Pages::Agents
        }
    }

    /// Clients have their own pages; everyone else has the agents'. Another audience's page is
    /// `403`.
    pub fn admit(self, viewer: &Viewer) -> Result<(), AppError> {
        match (self, viewer) {
            (Pages::Client, Viewer::Client { .. }) => Ok(()),
            (Pages::Agents, Viewer::Client { .. }) | (Pages::Client, _) => Err(AppError::Forbidden),
            (Pages::Agents, _) => Ok(()),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Pages {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Pages::of(parts.uri.path()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onec_client::Guid;

    use crate::Team;

    #[test]
    fn clients_have_their_own_pages_and_nobody_else_does() {
        assert_eq!(Pages::of("/my/debts"), Pages::Client);
        assert_eq!(Pages::of("/orders/by-shipment"), Pages::Agents);
        assert_eq!(Pages::of("/myorders"), Pages::Agents);
        let client = Viewer::Client { partners: vec![] };
        let agent = Viewer::Agent {
            agent: Guid::parse("00000000-0000-0000-0000-000000000001").unwrap(),
            team: Team::Own,
        };
        let team = Viewer::Team {
            team: Team::Everyone,
        };
        assert!(Pages::Client.admit(&client).is_ok());
        assert!(Pages::Agents.admit(&agent).is_ok() && Pages::Agents.admit(&team).is_ok());
        for (pages, viewer) in [
            (Pages::Agents, &client),
            (Pages::Client, &agent),
            (Pages::Client, &team),
        ] {
            assert!(matches!(pages.admit(viewer), Err(AppError::Forbidden)));
        }
    }
}
