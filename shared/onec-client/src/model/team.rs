//! Reads about a team of agents rather than one: their names for the agent picker, and the
//! orders of a range for the team's overview (docs/onec.md §6.1: an agent's documents are those
//! whose `Менеджер_Key` is the agent).

use chrono::NaiveDate;
use serde::Deserialize;

use rust_decimal::Decimal;

use super::names::*;
use super::orders::{OrderLines, OrderState, OrderStatus};
use super::scoped::OrderDate;
use super::{day_end, day_start};
use crate::decode;
use crate::filter::{Expr, field};
use crate::{Guid, OnecClient, OnecError, Query};

/// A 1C user's name, and only that: the picker needs nothing else (and no site password or other
/// additional attribute leaves the accounts sync).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct UserName {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub name: String,
}

/// An order as the team's overview counts it: whose, how much, and what its status says.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TeamOrder {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    /// The agent (`Менеджер_Key`).
    #[serde(
        rename = "Менеджер_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub manager: Option<Guid>,
    #[serde(
        rename = "СуммаДокумента",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub total: Decimal,
    #[serde(rename = "Статус", default)]
    pub state: OrderState,
    #[serde(rename = "DeletionMark", default, deserialize_with = "decode::flag")]
    pub deleted: bool,
}

impl TeamOrder {
    /// The one status rule, as in list rows (the lines are not read).
    pub fn status(&self) -> OrderStatus {
        OrderStatus::decide(self.deleted, &self.state, self.total, OrderLines::Unread)
    }
}

/// Valid, not deleted users' refs and names.
pub fn user_names_query() -> Query {
    Query::set(USERS)
        .filter(field(INVALID).eq(false).and(field(DELETION_MARK).eq(false)))
        .select([REF_KEY, DESCRIPTION])
}

/// The orders of `agents` (every agent when `None`) whose `date` falls within `from..=to`; the
/// agents' refs are chunked by the client so each URL stays short.
fn team_orders_query(
    agents: Option<&[Guid]>,
    date: OrderDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Query {
    let on = match date {
        OrderDate::Taken => DATE,
        OrderDate::Shipment => SHIPMENT_DATE,
    };
    let mut clauses = vec![
        field(on.clone()).ge(day_start(from)),
        field(on).le(day_end(to)),
    ];
    if let Some(agents) = agents {
        clauses.insert(0, Expr::any_eq(&field(MANAGER_KEY), agents.iter().copied()));
    }
    Query::set(ORDERS).filter(Expr::And(clauses)).select([
        REF_KEY,
        MANAGER_KEY,
        DOC_SUM,
        STATUS,
        DELETION_MARK,
    ])
}

impl OnecClient {
    /// Valid users by ref and name (one request).
    pub async fn user_names(&self) -> Result<Vec<UserName>, OnecError> {
        self.fetch(&user_names_query()).await
    }

    /// The orders of a team within a range: one request for everyone, else one per chunk of
    /// agents (a few for hundreds of agents), fetched concurrently.
    pub async fn team_orders(
        &self,
        agents: Option<&[Guid]>,
        date: OrderDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<TeamOrder>, OnecError> {
        match agents {
            None => self.fetch(&team_orders_query(None, date, from, to)).await,
            Some([]) => Ok(Vec::new()),
            Some(agents) => {
                self.fetch_by_ids(agents, |chunk| {
                    team_orders_query(Some(chunk), date, from, to)
                })
                .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_select_nothing_but_names() {
        let wire = user_names_query().wire();
        assert!(wire.contains("$select=Ref_Key,Description"), "{wire}");
        assert!(!wire.contains("ДополнительныеРеквизиты"), "{wire}");
    }

    #[test]
    fn a_team_filters_on_its_agents_and_everyone_on_nothing() {
        let a = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
        let day = NaiveDate::from_ymd_opt(2024, 5, 7).unwrap();
        let team = team_orders_query(Some(&[a]), OrderDate::Taken, day, day).wire();
        assert!(
            team.contains("f10f9345-f6f4-11ed-89ec-000c29dddd38"),
            "{team}"
        );
        let everyone = team_orders_query(None, OrderDate::Taken, day, day).wire();
        assert!(!everyone.contains("guid"), "{everyone}");
    }
}
