//! An agent's day from 1C and the ping store: the orders taken that day (docs/onec.md §3.14 by
//! `Date`) with their Агент Плюс positions and times (§3.16) and their clients' locations (§8.3),
//! read through the shared read path (three 1C calls a day, whatever the number of orders); and
//! the day's pings (never cached: they arrive all day).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use onec_client::model::{BaseTz, OrderDate, Owner, positions};
use onec_client::{Guid, OnecClient};
use skazka_reads::{LIVE, ReadError, Reader, Served};

use crate::day::{Position, Visit};

const KEY: &str = "tracking:v1";

fn utc(tz: BaseTz, t: NaiveDateTime) -> DateTime<Utc> {
    t.and_local_timezone(tz.0)
        .earliest()
        .map_or_else(|| t.and_utc(), |d| d.with_timezone(&Utc))
}

/// The start and end (exclusive) of a day in the base's zone, in UTC.
pub fn day_bounds(tz: BaseTz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = utc(tz, date.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = utc(
        tz,
        (date + chrono::Days::new(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    (start, end)
}

/// Reads an agent's day. Cheap to clone.
#[derive(Clone)]
pub struct DayService {
    onec: OnecClient,
    reader: Reader,
}

impl DayService {
    pub fn new(onec: OnecClient, reader: Reader) -> Self {
        DayService { onec, reader }
    }

    pub fn tz(&self) -> BaseTz {
        self.reader.tz()
    }

    /// The agent's orders of `date` with where and when each was taken.
    pub async fn visits(
        &self,
        agent: Guid,
        date: NaiveDate,
    ) -> Result<Served<Vec<Visit>>, ReadError> {
        let key = format!("{KEY}:visits:agent:{agent}:{date}");
        self.reader
            .read(&key, LIVE, || self.fetch(agent, date))
            .await
    }

    async fn fetch(&self, agent: Guid, date: NaiveDate) -> Result<Vec<Visit>, ReadError> {
        let tz = self.tz();
        let orders = self
            .onec
            .owned_orders(&Owner::Agent(agent), OrderDate::Taken, date, date)
            .await?;
        let ids: Vec<Guid> = orders.iter().map(|o| o.id).collect();
        let mut partners: Vec<Guid> = orders
            .iter()
            .filter_map(|o| o.partner.as_ref()?.id)
            .collect();
        partners.sort();
        partners.dedup();
        let (props, rows, partners) = futures::try_join!(
            self.onec.agent_plus_properties(),
            self.onec.agent_plus_rows(&ids),
            self.onec.partners_by_ids(&partners),
        )?;
        let taken = props.map(|p| positions(&rows, &p)).unwrap_or_default();
        let located: HashMap<Guid, Position> = partners
            .iter()
            .filter_map(|p| Some((p.id, p.coordinates()?)))
            .map(|(id, (lat, lon))| (id, Position { lat, lon }))
            .collect();
        Ok(orders
            .iter()
            .filter(|o| !o.deleted)
            .map(|o| {
                let p = taken.get(&o.id);
                let partner = o.partner.as_ref();
                Visit {
                    order: o.id.to_string(),
                    number: onec_client::model::short_number(&o.number),
                    client: partner
                        .map(|p| p.name.clone())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "Партнер не найден".to_owned()),
                    amount: o.total,
                    date: utc(tz, o.date),
                    started: p.and_then(|p| p.started).map(|t| utc(tz, t)),
                    finished: p.and_then(|p| p.stopped).map(|t| utc(tz, t)),
                    taken_at: p
                        .and_then(|p| p.coordinates())
                        .map(|(lat, lon)| Position { lat, lon }),
                    client_at: partner
                        .and_then(|p| p.id)
                        .and_then(|id| located.get(&id).copied()),
                }
            })
            .collect())
    }
}
