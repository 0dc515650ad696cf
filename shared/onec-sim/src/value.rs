//! Values as the 1C platform stores them, and their JSON wire form.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use uuid::Uuid;

/// One row of a table: values aligned with the entity type's fields.
pub type Row = Vec<Value>;

/// The empty date 1C uses instead of null.
pub fn empty_date() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid constant")
}

/// A stored value. 1C has no nulls for attributes: empty references, dates and strings are sentinels;
/// `Null` appears only for attributes that do not apply to a row (element attributes on a folder).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Num(Decimal),
    Str(Arc<str>),
    Guid(Uuid),
    Date(NaiveDateTime),
    /// A value of a composite-type attribute: its dispatch type and the value itself. Shared, not
    /// copied: a document's register records and its lines all hold the same reference.
    Composite(Arc<(CType, Value)>),
    /// Rows of a tabular section (or of a register record set). Boxed, so that every value of every
    /// row stays 24 bytes: a large base holds tens of millions of them.
    Table(Box<[Row]>),
    /// ValueStorage content: MIME type and bytes.
    Binary(Arc<(String, Vec<u8>)>),
}

/// The dispatch type of a composite value (`X_Type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CType {
    Undefined,
    /// A reference to an object of the named entity set (without the `StandardODATA.` prefix).
    Entity(Arc<str>),
    String,
    Double,
    Boolean,
    DateTime,
}

impl CType {
    pub fn wire_name(&self) -> String {
        match self {
            CType::Undefined => "StandardODATA.Undefined".into(),
            CType::Entity(set) => format!("StandardODATA.{set}"),
            CType::String => "Edm.String".into(),
            CType::Double => "Edm.Double".into(),
            CType::Boolean => "Edm.Boolean".into(),
            CType::DateTime => "Edm.DateTime".into(),
        }
    }

    pub fn from_wire(name: &str) -> Option<CType> {
        Some(match name {
            "StandardODATA.Undefined" => CType::Undefined,
            "Edm.String" => CType::String,
            "Edm.Double" => CType::Double,
            "Edm.Boolean" => CType::Boolean,
            "Edm.DateTime" => CType::DateTime,
            other => CType::Entity(intern(other.strip_prefix("StandardODATA.")?)),
        })
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }

    pub fn num(n: impl Into<Decimal>) -> Value {
        Value::Num(n.into())
    }

    /// A string many rows share (an enum value, a status, a comment): stored once.
    pub fn sym(s: &str) -> Value {
        Value::Str(intern(s))
    }

    pub fn table(rows: Vec<Row>) -> Value {
        Value::Table(rows.into_boxed_slice())
    }

    pub fn composite_ref(set: &str, id: Uuid) -> Value {
        Value::Composite(Arc::new((CType::Entity(intern(set)), Value::Guid(id))))
    }

    pub fn undefined() -> Value {
        static UNDEFINED: OnceLock<Arc<(CType, Value)>> = OnceLock::new();
        Value::Composite(
            UNDEFINED
                .get_or_init(|| Arc::new((CType::Undefined, Value::sym(""))))
                .clone(),
        )
    }

    pub fn as_guid(&self) -> Option<Uuid> {
        match self {
            Value::Guid(g) => Some(*g),
            Value::Composite(c) => c.1.as_guid(),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Decimal {
        match self {
            Value::Num(n) => *n,
            Value::Int(i) => Decimal::from(*i),
            _ => Decimal::ZERO,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDateTime> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub fn as_table(&self) -> &[Row] {
        match self {
            Value::Table(rows) => rows,
            _ => &[],
        }
    }
}

/// One shared copy of a string that many values hold (entity set names of references, enum values):
/// a large base would otherwise keep millions of copies of the same few words.
pub fn intern(s: &str) -> Arc<str> {
    static POOL: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    static EMPTY: OnceLock<Arc<str>> = OnceLock::new();
    if s.is_empty() {
        // Every empty string attribute of every row: no lock for the commonest value.
        return EMPTY.get_or_init(|| "".into()).clone();
    }
    let mut pool = POOL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = pool.get(s) {
        return shared.clone();
    }
    let shared: Arc<str> = s.into();
    pool.insert(shared.clone());
    shared
}

/// Formats a date the way 1C writes it: local wall clock, whole seconds, no zone.
pub fn fmt_date(d: &NaiveDateTime) -> String {
    d.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Writes a JSON string literal.
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a decimal as a JSON number without trailing zeros (`24510`, `2626.07`).
pub fn write_json_num(out: &mut String, n: &Decimal) {
    out.push_str(&n.normalize().to_string());
}
