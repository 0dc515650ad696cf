//! Pings in DynamoDB, one partition per agent and day: partition key `agent_day` (S,
//! `{agent}#{YYYY-MM-DD}`, the UTC day), sort key `at_id` (S, `{RFC 3339 UTC with
//! milliseconds}#{ping id}`, so text order is time order and a resent ping has the same key),
//! TTL attribute `expires_at` (N, Unix seconds).
//!
//! A batch is written with `BatchWriteItem` (at most 25 items a call), retrying what DynamoDB
//! leaves unprocessed with exponential back-off. `BatchWriteItem` takes no conditions, so the
//! pings the table already has are looked up first (`BatchGetItem`, at most 100 keys a call) to
//! be counted as duplicates; writing them again would be harmless (the same item).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, KeysAndAttributes,
    PutRequest, ScalarAttributeType, TimeToLiveSpecification, WriteRequest,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use skazka_config::PingsSettings;

use crate::{Ping, PingError, PingStore, Recorded, unique};

/// The name of the TTL attribute (the SAM template declares the same).
pub const TTL_ATTRIBUTE: &str = "expires_at";
const PARTITION: &str = "agent_day";
const SORT: &str = "at_id";
/// DynamoDB's limits per call.
const WRITE_BATCH: usize = 25;
const GET_BATCH: usize = 100;
/// Attempts for the unprocessed part of a batch call before giving up.
const ATTEMPTS: u32 = 8;

type Item = HashMap<String, AttributeValue>;

pub struct DynamoPings {
    client: Client,
    table: String,
    location: String,
    retention: chrono::Duration,
}

fn dynamo_error(e: impl std::error::Error) -> PingError {
    // The SDK's Display is terse ("service error"); the source chain says what happened.
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    PingError::Dynamo(text)
}

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn partition(agent: &str, day: NaiveDate) -> AttributeValue {
    AttributeValue::S(format!("{agent}#{day}"))
}

fn key_of(ping: &Ping) -> Item {
    HashMap::from([
        (
            PARTITION.to_owned(),
            partition(&ping.agent, ping.at.date_naive()),
        ),
        (
            SORT.to_owned(),
            AttributeValue::S(format!("{}#{}", timestamp(&ping.at), ping.id)),
        ),
    ])
}

/// The wait before retry `attempt` (1, 2, …): 25 ms doubling, at most 1.6 s.
fn back_off(attempt: u32) -> Duration {
    Duration::from_millis(25 << attempt.min(6))
}

impl DynamoPings {
    /// A client for `settings.table`. With an emulator endpoint (moto), credentials and region
    /// fall back to dummies when the environment has none; in AWS they come from the function's
    /// role as usual.
    pub async fn connect(settings: &PingsSettings, retention: chrono::Duration) -> Self {
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_attempt_timeout(Duration::from_secs(2))
            .operation_timeout(Duration::from_secs(5))
            .build();
        let mut loader =
            aws_config::defaults(aws_config::BehaviorVersion::latest()).timeout_config(timeouts);
        if let Some(endpoint) = &settings.endpoint {
            loader = loader.endpoint_url(endpoint.as_str().trim_end_matches('/'));
            if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
                loader = loader.credentials_provider(Credentials::new(
                    "emulator", "emulator", None, None, "emulator",
                ));
            }
            if std::env::var_os("AWS_REGION").is_none()
                && std::env::var_os("AWS_DEFAULT_REGION").is_none()
            {
                loader = loader.region(Region::new("us-east-1"));
            }
        }
        let sdk = loader.load().await;
        let location = match &settings.endpoint {
            Some(endpoint) => format!("{} at {}", settings.table, endpoint),
            None => settings.table.clone(),
        };
        DynamoPings {
            client: Client::new(&sdk),
            table: settings.table.clone(),
            location,
            retention,
        }
    }

    /// Creates the table (with TTL) when it does not exist: for emulators and tests. In AWS the
    /// SAM template creates it.
    pub async fn ensure_table(&self) -> Result<(), PingError> {
        let exists = self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .is_ok();
        if exists {
            return Ok(());
        }
        let attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(dynamo_error)
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(dynamo_error)
        };
        self.client
            .create_table()
            .table_name(&self.table)
            .attribute_definitions(attribute(PARTITION)?)
            .attribute_definitions(attribute(SORT)?)
            .key_schema(key(PARTITION, KeyType::Hash)?)
            .key_schema(key(SORT, KeyType::Range)?)
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .map_err(dynamo_error)?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTRIBUTE)
                    .build()
                    .map_err(dynamo_error)?,
            )
            .send()
            .await
            .map_err(dynamo_error)?;
        Ok(())
    }
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Result<Option<f64>, PingError> {
    match item.get(name) {
        None => Ok(None),
        Some(AttributeValue::N(n)) => n
            .parse::<f64>()
            .map(Some)
            .map_err(|_| PingError::Corrupt(format!("{name} = {n:?}"))),
        Some(other) => Err(PingError::Corrupt(format!("{name} = {other:?}"))),
    }
}

fn text<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Result<&'a str, PingError> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Ok(s),
        other => Err(PingError::Corrupt(format!("{name} = {other:?}"))),
    }
}

fn from_item(item: &Item) -> Result<Ping, PingError> {
    let key = text(item, SORT)?;
    let corrupt = || PingError::Corrupt(format!("{SORT} = {key:?}"));
    let (at, id) = key.split_once('#').ok_or_else(corrupt)?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| corrupt())?
        .with_timezone(&Utc);
    Ok(Ping {
        id: id.parse().map_err(|_| corrupt())?,
        agent: text(item, "agent")?.to_owned(),
        at,
        latitude: number(item, "lat")?.ok_or_else(|| PingError::Corrupt("no lat".into()))?,
        longitude: number(item, "lon")?.ok_or_else(|| PingError::Corrupt("no lon".into()))?,
        accuracy_m: number(item, "acc")?.map(|a| a as f32),
        speed_mps: number(item, "speed")?.map(|a| a as f32),
        battery: number(item, "battery")?.map(|a| a as f32),
    })
}

impl DynamoPings {
    /// Appends one day partition's unexpired pings with `from <= at < to`, oldest first.
    async fn day(
        &self,
        agent: &str,
        day: NaiveDate,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        pings: &mut Vec<Ping>,
    ) -> Result<(), PingError> {
        let mut start: Option<Item> = None;
        // The sort key starts with the time: `from` sorts before any key at or after it, and
        // `to` (without an id) before any key at `to`, so `BETWEEN` is `from <= at < to`.
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .filter_expression("#ttl > :now")
                .expression_attribute_names("#pk", PARTITION)
                .expression_attribute_names("#sk", SORT)
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":pk", partition(agent, day))
                .expression_attribute_values(":from", AttributeValue::S(timestamp(&from)))
                .expression_attribute_values(":to", AttributeValue::S(timestamp(&to)))
                .expression_attribute_values(
                    ":now",
                    AttributeValue::N(Utc::now().timestamp().to_string()),
                )
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(dynamo_error)?;
            for item in page.items() {
                pings.push(from_item(item)?);
            }
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => return Ok(()),
            }
        }
    }

    fn item(&self, ping: &Ping) -> Item {
        let mut item = key_of(ping);
        let n = |v: String| AttributeValue::N(v);
        item.insert("agent".into(), AttributeValue::S(ping.agent.clone()));
        item.insert("lat".into(), n(ping.latitude.to_string()));
        item.insert("lon".into(), n(ping.longitude.to_string()));
        let expires = (ping.at + self.retention).timestamp();
        item.insert(TTL_ATTRIBUTE.into(), n(expires.to_string()));
        let optional = [
            ("acc", ping.accuracy_m),
            ("speed", ping.speed_mps),
            ("battery", ping.battery),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                item.insert(name.into(), n(v.to_string()));
            }
        }
        item
    }

    /// The sort keys of those of `keys` the table already has (`BatchGetItem`, retrying
    /// unprocessed keys).
    async fn existing(&self, keys: Vec<Item>) -> Result<HashSet<String>, PingError> {
        let mut found = HashSet::new();
        for chunk in keys.chunks(GET_BATCH) {
            let mut pending = KeysAndAttributes::builder()
                .set_keys(Some(chunk.to_vec()))
                .projection_expression("#sk")
                .expression_attribute_names("#sk", SORT)
                .build()
                .map_err(dynamo_error)?;
            for attempt in 1..=ATTEMPTS {
                let answer = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(dynamo_error)?;
                for item in answer
                    .responses()
                    .and_then(|r| r.get(&self.table))
                    .into_iter()
                    .flatten()
                {
                    found.insert(text(item, SORT)?.to_owned());
                }
                match answer
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .filter(|k| !k.keys().is_empty())
                {
                    None => break,
                    Some(rest) if attempt < ATTEMPTS => {
                        pending = rest.clone();
                        tokio::time::sleep(back_off(attempt)).await;
                    }
                    Some(_) => return Err(PingError::Dynamo("keys left unprocessed".into())),
                }
            }
        }
        Ok(found)
    }

    /// Writes items 25 a call, retrying what DynamoDB leaves unprocessed (throttling).
    async fn write(&self, items: Vec<Item>) -> Result<(), PingError> {
        for chunk in items.chunks(WRITE_BATCH) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    let put = PutRequest::builder()
                        .set_item(Some(item.clone()))
                        .build()
                        .map_err(dynamo_error)?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<_, PingError>>()?;
            for attempt in 1..=ATTEMPTS {
                let answer = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(dynamo_error)?;
                match answer
                    .unprocessed_items()
                    .and_then(|u| u.get(&self.table))
                    .filter(|rest| !rest.is_empty())
                {
                    None => break,
                    Some(rest) if attempt < ATTEMPTS => {
                        tracing::debug!(left = rest.len(), attempt, "unprocessed pings, retrying");
                        pending = rest.clone();
                        tokio::time::sleep(back_off(attempt)).await;
                    }
                    Some(rest) => {
                        return Err(PingError::Dynamo(format!(
                            "{} pings left unprocessed after {ATTEMPTS} attempts",
                            rest.len()
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl PingStore for DynamoPings {
    fn kind(&self) -> &'static str {
        "dynamodb"
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn retention(&self) -> chrono::Duration {
        self.retention
    }

    async fn record(&self, pings: &[Ping]) -> Result<Recorded, PingError> {
        pings.iter().try_for_each(Ping::validate)?;
        let once = unique(pings);
        let known = self
            .existing(once.iter().map(|p| key_of(p)).collect())
            .await?;
        let fresh: Vec<Item> = once
            .iter()
            .map(|p| self.item(p))
            .filter(
                |item| !matches!(item.get(SORT), Some(AttributeValue::S(k)) if known.contains(k)),
            )
            .collect();
        let stored = fresh.len();
        self.write(fresh).await?;
        Ok(Recorded {
            stored,
            duplicates: pings.len() - stored,
        })
    }

    async fn between(
        &self,
        agent: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ping>, PingError> {
        let mut pings = Vec::new();
        if to <= from {
            return Ok(pings);
        }
        // One query per UTC day the range touches (a local day touches two), in day order.
        let last = (to - chrono::Duration::milliseconds(1)).date_naive();
        for day in from.date_naive().iter_days().take_while(|d| *d <= last) {
            self.day(agent, day, from, to, &mut pings).await?;
        }
        Ok(pings)
    }

    async fn check(&self) -> Result<(), PingError> {
        self.client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(dynamo_error)?;
        Ok(())
    }
}
