//! Fault injection: what a real 1C publication does on a bad day (docs/onec.md §P9.1, §P11).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultMode {
    /// Logins locked: 1C's application-server exception with HTTP 403.
    Maintenance,
    /// The web tier without its back end: 503 with an HTML page.
    Unavailable,
    /// An HTML page (a proxy or login portal) with status 200.
    Html,
    /// A JSON body cut in the middle.
    Truncated,
    /// Headers and part of the body, then nothing.
    Stall,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    pub mode: Option<FaultMode>,
    /// Added to every OData answer.
    pub latency_ms: u64,
    /// Share of requests (0.0–1.0) that fail with a web-tier 503.
    pub error_rate: f64,
}

impl Faults {
    /// `ONEC_SIM_FAULTS`, the same JSON as `POST /__sim/faults`.
    pub fn from_env() -> Result<Faults, String> {
        match std::env::var("ONEC_SIM_FAULTS") {
            Ok(json) if !json.trim().is_empty() => serde_json::from_str(&json)
                .map_err(|e| format!("ONEC_SIM_FAULTS: expected fault JSON: {e}")),
            _ => Ok(Faults::default()),
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err("error_rate must be between 0.0 and 1.0".into());
        }
        Ok(())
    }
}

pub const MAINTENANCE_BODY: &str = r##"{"#exception":"{http://v8.1c.ru/8.2/virtual-resource-system}Exception","exception":{"reason":403,"descr":"HTTP: Forbidden","inner":{"descr":"Начало сеанса с информационной базой запрещено.\nВыполняется обновление информационной базы. Повторите попытку позже.","creationStack":""}}}"##;

pub const UNAVAILABLE_BODY: &str = "<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems.</p></body></html>";

pub const HTML_BODY: &str = "<!DOCTYPE html><html><head><title>1C:Enterprise 8 application error</title></head><body><h1>Вход в систему</h1><p>Сеанс истёк. Войдите снова.</p></body></html>";
