//! Decoding 1C's JSON: the envelope and the value conventions of docs/onec.md §P5 — Int64 as
//! strings, empty-reference and empty-date sentinels, `null` numbers, space-padded strings and
//! composite `X` + `X_Type` pairs. Used through `#[serde(deserialize_with = "…")]` in `model`.

use std::fmt;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, Visitor};

use crate::error::{OnecError, decode_error};
use crate::guid::Guid;

/// A collection answer. `value` is required: a JSON body without it is not an OData collection.
#[derive(Debug)]
pub struct Collection<T> {
    pub value: Vec<T>,
    /// `odata.count` (a string in 1C) when `$inlinecount=allpages` was asked.
    pub count: Option<u64>,
}

#[derive(Deserialize)]
struct RawCollection<T> {
    #[serde(rename = "odata.metadata", default)]
    _metadata: Option<IgnoredAny>,
    #[serde(rename = "odata.count", default, deserialize_with = "opt_u64")]
    count: Option<u64>,
    value: Vec<T>,
}

/// Decodes a collection body.
pub fn collection<T: DeserializeOwned>(
    entity_set: &str,
    body: &[u8],
) -> Result<Collection<T>, OnecError> {
    let raw: RawCollection<T> =
        serde_json::from_slice(body).map_err(|e| decode_error(entity_set, e))?;
    Ok(Collection {
        value: raw.value,
        count: raw.count,
    })
}

#[derive(Deserialize)]
struct MetadataOnly {
    #[serde(rename = "odata.metadata")]
    _metadata: IgnoredAny,
}

/// Decodes a single-entity body (`Set(guid'…')`): the object itself with `odata.metadata`.
pub fn entity<T: DeserializeOwned>(entity_set: &str, body: &[u8]) -> Result<T, OnecError> {
    // The marker member is required so that an arbitrary JSON object is not taken for an entity.
    serde_json::from_slice::<MetadataOnly>(body).map_err(|e| decode_error(entity_set, e))?;
    serde_json::from_slice(body).map_err(|e| decode_error(entity_set, e))
}

fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Some(int64(d)? as u64))
}

/// Int64: 1C sends `"1"`; small integers were seen as numbers too.
pub fn int64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer or an integer string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            if v.fract() == 0.0 {
                Ok(v as i64)
            } else {
                Err(E::custom("fractional integer"))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.trim().parse().map_err(E::custom)
        }
    }
    d.deserialize_any(V)
}

/// Money and quantities: JSON numbers (or strings); `null` (empty numeric resource) is 0.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    Ok(Option::<Decimal>::deserialize(d)?.unwrap_or_default())
}

/// A reference: the empty GUID and `null` become `None`.
pub fn reference<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Guid>, D::Error> {
    let s = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Guid::parse(s)
            .map(Guid::non_empty)
            .map_err(de::Error::custom),
    }
}

pub const EMPTY_DATE: &str = "0001-01-01T00:00:00";

pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
}

/// A date that may be empty: `0001-01-01T00:00:00` and `null` become `None`.
pub fn date_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    let s = Option::<std::borrow::Cow<'de, str>>::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") | Some(EMPTY_DATE) => Ok(None),
        Some(s) => parse_datetime(s)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("bad date {s:?}"))),
    }
}

/// A required date (`Date` of a document).
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
    parse_datetime(&s).ok_or_else(|| de::Error::custom(format!("bad date {s:?}")))
}

/// Strings: `null` becomes empty; fixed-length strings lose their space padding.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = Option::<String>::deserialize(d)?.unwrap_or_default();
    let trimmed = s.trim_end();
    Ok(if trimmed.len() == s.len() {
        s
    } else {
        trimmed.to_owned()
    })
}

/// Booleans: `null` (attribute not applicable to the row) is `false`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

/// The value of a composite-type attribute (`X` + `X_Type`, docs/onec.md §P4).
#[derive(Clone, Debug, PartialEq)]
pub enum Composite {
    /// `StandardODATA.Undefined`, or an absent value.
    Undefined,
    /// A reference; `entity_set` without the `StandardODATA.` prefix. `None` = empty reference.
    Ref {
        entity_set: String,
        key: Option<Guid>,
    },
    String(String),
    Number(Decimal),
    Bool(bool),
    Date(Option<NaiveDateTime>),
}

impl Composite {
    /// Interprets a raw `X` with its `X_Type`. Without a type (not selected) the JSON kind decides.
    pub fn from_parts(value: &serde_json::Value, type_name: Option<&str>) -> Composite {
        use serde_json::Value as V;
        let as_text = |v: &V| match v {
            V::String(s) => s.clone(),
            V::Null => String::new(),
            other => other.to_string(),
        };
        match type_name.map(str::trim) {
            Some("StandardODATA.Undefined") => Composite::Undefined,
            Some("Edm.String") => Composite::String(as_text(value)),
            Some("Edm.Boolean") => Composite::Bool(match value {
                V::Bool(b) => *b,
                other => as_text(other).trim().eq_ignore_ascii_case("true"),
            }),
            Some("Edm.Double") | Some("Edm.Decimal") | Some("Edm.Int64") | Some("Edm.Int32") => {
                Composite::Number(as_text(value).trim().parse().unwrap_or_default())
            }
            Some("Edm.DateTime") => {
                let s = as_text(value);
                Composite::Date(if s == EMPTY_DATE {
                    None
                } else {
                    parse_datetime(&s)
                })
            }
            Some(t) if t.starts_with("StandardODATA.") => Composite::Ref {
                entity_set: t.trim_start_matches("StandardODATA.").to_owned(),
                key: Guid::parse(&as_text(value)).ok().and_then(Guid::non_empty),
            },
            _ => match value {
                V::Null => Composite::Undefined,
                V::Bool(b) => Composite::Bool(*b),
                V::Number(n) => Composite::Number(n.to_string().parse().unwrap_or_default()),
                V::String(s) if s.is_empty() => Composite::Undefined,
                V::String(s) => Composite::String(s.clone()),
                other => Composite::String(other.to_string()),
            },
        }
    }

    pub fn as_ref_key(&self) -> Option<Guid> {
        match self {
            Composite::Ref { key, .. } => *key,
            // Without `_Type` a reference arrives as GUID text.
            Composite::String(s) => Guid::parse(s).ok().and_then(Guid::non_empty),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Composite::String(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean, tolerant like the original parser: `true`, `"true"`, or a non-zero number.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Composite::Bool(b) => Some(*b),
            Composite::String(s) => match s.trim().to_lowercase().as_str() {
                "true" | "истина" | "да" => Some(true),
                "false" | "ложь" | "нет" | "" => Some(false),
                _ => None,
            },
            Composite::Number(n) => Some(!n.is_zero()),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Composite::Number(n) => Some(*n),
            Composite::String(s) => s.trim().replace(',', ".").parse().ok(),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDateTime> {
        match self {
            Composite::Date(d) => *d,
            Composite::String(s) => parse_datetime(s),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Composite::Undefined => true,
            Composite::Ref { key, .. } => key.is_none(),
            Composite::String(s) => s.trim().is_empty(),
            Composite::Number(n) => n.is_zero(),
            Composite::Bool(_) => false,
            Composite::Date(d) => d.is_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize)]
    struct Row {
        #[serde(rename = "LineNumber", deserialize_with = "int64")]
        line: i64,
        #[serde(rename = "Сумма", deserialize_with = "decimal")]
        sum: Decimal,
        #[serde(rename = "Партнер_Key", deserialize_with = "reference")]
        partner: Option<Guid>,
        #[serde(rename = "ДатаОтгрузки", deserialize_with = "date_opt")]
        shipment: Option<NaiveDateTime>,
        #[serde(rename = "Code", deserialize_with = "text")]
        code: String,
    }

    #[test]
    fn sentinels_and_int64_strings() {
        let body = json!({"odata.metadata": "x", "odata.count": "2", "value": [
            {"LineNumber": "1", "Сумма": 2626.07, "Партнер_Key": "00000000-0000-0000-0000-000000000000",
             "ДатаОтгрузки": "0001-01-01T00:00:00", "Code": "1    "},
            {"LineNumber": 2, "Сумма": null, "Партнер_Key": "5a75e2f1-6c9f-11ec-88f2-000c29dd0002",
             "ДатаОтгрузки": "2026-03-16T00:00:00", "Code": "00-1"}
        ]});
        let c: Collection<Row> = collection("X", body.to_string().as_bytes()).unwrap();
        assert_eq!(c.count, Some(2));
        assert_eq!(c.value[0].line, 1);
        assert_eq!(c.value[0].sum.to_string(), "2626.07");
        assert_eq!(c.value[0].partner, None);
        assert_eq!(c.value[0].shipment, None);
        assert_eq!(c.value[0].code, "1");
        assert_eq!(c.value[1].line, 2);
        assert!(c.value[1].sum.is_zero());
        assert!(c.value[1].partner.is_some());
        assert_eq!(
            c.value[1].shipment.unwrap().to_string(),
            "2026-03-16 00:00:00"
        );
    }

    #[test]
    fn a_json_object_without_value_is_not_a_collection() {
        assert!(collection::<Row>("X", b"{\"status\":\"ok\"}").is_err());
        assert!(entity::<serde_json::Value>("X", b"{\"status\":\"ok\"}").is_err());
    }

    #[test]
    fn composites() {
        let c = Composite::from_parts(&json!("4"), Some("Edm.Double"));
        assert_eq!(c.as_number(), Some(Decimal::from(4)));
        let c = Composite::from_parts(&json!(""), Some("StandardODATA.Undefined"));
        assert!(c.is_empty());
        let c = Composite::from_parts(
            &json!("5828755a-8819-11ed-89ab-000c29dddd38"),
            Some("StandardODATA.Document_РеализацияТоваровУслуг"),
        );
        assert_eq!(
            c,
            Composite::Ref {
                entity_set: "Document_РеализацияТоваровУслуг".into(),
                key: Some(Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38"))
            }
        );
        assert_eq!(
            Composite::from_parts(&json!(true), Some("Edm.Boolean")).as_bool(),
            Some(true)
        );
        let d = Composite::from_parts(&json!("2024-05-07T10:31:05"), Some("Edm.DateTime"));
        assert_eq!(d.as_date().unwrap().to_string(), "2024-05-07 10:31:05");
        assert_eq!(
            Composite::from_parts(&json!("kz-4471"), None).as_text(),
            Some("kz-4471")
        );
    }
}
