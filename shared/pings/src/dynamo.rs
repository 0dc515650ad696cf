//! Pings in DynamoDB: partition key `agent` (S), sort key `at` (S, RFC 3339 UTC with
//! milliseconds, so text order is time order), TTL attribute `expires_at` (N, Unix seconds).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use chrono::{DateTime, SecondsFormat, Utc};
use skazka_config::PingsSettings;

use crate::{Ping, PingError, PingStore};

/// The name of the TTL attribute (the SAM template declares the same).
pub const TTL_ATTRIBUTE: &str = "expires_at";

pub struct DynamoPings {
    client: Client,
    table: String,
    location: String,
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

impl DynamoPings {
    /// A client for `settings.table`. With an emulator endpoint (moto), credentials and region
    /// fall back to dummies when the environment has none; in AWS they come from the function's
    /// role as usual.
    pub async fn connect(settings: &PingsSettings) -> Self {
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
            .attribute_definitions(attribute("agent")?)
            .attribute_definitions(attribute("at")?)
            .key_schema(key("agent", KeyType::Hash)?)
            .key_schema(key("at", KeyType::Range)?)
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

fn from_item(item: &HashMap<String, AttributeValue>) -> Result<Ping, PingError> {
    let at = text(item, "at")?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| PingError::Corrupt(format!("at = {at:?}")))?
        .with_timezone(&Utc);
    Ok(Ping {
        agent: text(item, "agent")?.to_owned(),
        at,
        latitude: number(item, "lat")?.ok_or_else(|| PingError::Corrupt("no lat".into()))?,
        longitude: number(item, "lon")?.ok_or_else(|| PingError::Corrupt("no lon".into()))?,
        accuracy_m: number(item, "acc")?.map(|a| a as f32),
    })
}

#[async_trait::async_trait]
impl PingStore for DynamoPings {
    fn kind(&self) -> &'static str {
        "dynamodb"
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    async fn record(&self, ping: &Ping) -> Result<(), PingError> {
        ping.validate()?;
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("agent", AttributeValue::S(ping.agent.clone()))
            .item("at", AttributeValue::S(timestamp(&ping.at)))
            .item("lat", AttributeValue::N(ping.latitude.to_string()))
            .item("lon", AttributeValue::N(ping.longitude.to_string()))
            .item(
                TTL_ATTRIBUTE,
                AttributeValue::N(ping.expires_at().timestamp().to_string()),
            );
        if let Some(acc) = ping.accuracy_m {
            put = put.item("acc", AttributeValue::N(acc.to_string()));
        }
        put.send().await.map_err(dynamo_error)?;
        Ok(())
    }

    async fn between(
        &self,
        agent: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Ping>, PingError> {
        let mut pings = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        // BETWEEN is inclusive at both ends; the end is made exclusive below.
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#agent = :agent AND #at BETWEEN :from AND :to")
                .filter_expression("#ttl > :now")
                .expression_attribute_names("#agent", "agent")
                .expression_attribute_names("#at", "at")
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":agent", AttributeValue::S(agent.to_owned()))
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
                let ping = from_item(item)?;
                if ping.at < to {
                    pings.push(ping);
                }
            }
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => break,
            }
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
