//! Values as the 1C platform stores them, and their JSON wire form.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use arcstr::ArcStr;
use chrono::NaiveDateTime;
use internment::Intern;
use rust_decimal::Decimal;
use thin_vec::ThinVec;
use uuid::Uuid;

/// One row of a table: values aligned with the entity type's fields (a row never grows).
pub type Row = Box<[Value]>;

/// The empty date 1C uses instead of null.
pub fn empty_date() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid constant")
}

/// A stored value. 1C has no nulls for attributes: empty references, dates and strings are sentinels;
/// `Null` appears only for attributes that do not apply to a row (element attributes on a folder).
///
/// A composite-type attribute holds a primitive value as is (its `X_Type` follows from the variant,
/// see [`Value::ctype`]), a typed reference (`Ref`) or `Undefined`.
///
/// 16 bytes: a `large` base holds ~94 million of them (the crate README, «Indexes and memory»).
/// Whatever is wider lives behind one thin pointer: GUIDs are interned (a base holds each one in
/// many rows), long strings and tabular sections are thin, short strings are kept inline, and a
/// number is split into its scale and its 96-bit digits so both fit beside the tag.
#[derive(Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A decimal (`Edm.Double` in 1C's wire form); build with [`Value::num`], read with
    /// [`Value::as_num`].
    Num(NumScale, NumDigits),
    /// A string of more than [`SHORT`] bytes; build strings with [`Value::str`] or [`Value::sym`]
    /// and read them with [`Value::as_str`].
    Str(ArcStr),
    /// A string of at most [`SHORT`] bytes (document numbers, `DataVersion`, coordinates): its
    /// length and its bytes, zero-padded.
    Short(ShortLen, [u8; SHORT]),
    /// One shared copy of each GUID (never freed: the set of a base's objects only grows).
    Guid(Intern<Uuid>),
    Date(NaiveDateTime),
    /// A reference held by a composite-type attribute: the referenced object's type and key.
    Ref(RefType, Intern<Uuid>),
    /// The empty value of a composite-type attribute.
    Undefined,
    /// Rows of a tabular section (or of a register record set).
    Table(ThinVec<Row>),
    /// ValueStorage content: MIME type and bytes.
    Binary(Arc<(String, Vec<u8>)>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// The longest string a value keeps inline.
pub const SHORT: usize = 14;

/// The length of an inline string.
#[derive(Clone, Copy)]
pub struct ShortLen(u8);

/// The entity set a typed reference points into, numbered so that it fits beside the GUID: the
/// sets of the schema and the few unpublished ones references name (`Catalog_НаборыУпаковок`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType(u16);

struct RefTypes {
    names: Vec<&'static str>,
    numbers: HashMap<&'static str, u16>,
}

fn ref_types() -> &'static RwLock<RefTypes> {
    static TYPES: OnceLock<RwLock<RefTypes>> = OnceLock::new();
    TYPES.get_or_init(|| {
        RwLock::new(RefTypes {
            names: Vec::new(),
            numbers: HashMap::new(),
        })
    })
}

impl RefType {
    pub fn of(set: &str) -> RefType {
        if let Some(&n) = ref_types()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .numbers
            .get(set)
        {
            return RefType(n);
        }
        let mut types = ref_types().write().unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = types.numbers.get(set) {
            return RefType(n);
        }
        // A handful of names for the life of the process: leaked once each.
        let name: &'static str = Box::leak(set.to_owned().into_boxed_str());
        let n = u16::try_from(types.names.len()).expect("fewer than 65 536 entity sets");
        types.names.push(name);
        types.numbers.insert(name, n);
        RefType(n)
    }

    /// The entity set's name, without the `StandardODATA.` prefix.
    pub fn name(self) -> &'static str {
        ref_types().read().unwrap_or_else(|e| e.into_inner()).names[usize::from(self.0)]
    }
}

impl fmt::Debug for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A decimal's scale (0–28) and, in the top bit, its sign.
#[derive(Clone, Copy)]
pub struct NumScale(u8);

/// A decimal's 96-bit magnitude, least significant word first.
#[derive(Clone, Copy)]
pub struct NumDigits([u32; 3]);

const NEGATIVE: u8 = 0x80;

fn split(n: Decimal) -> (NumScale, NumDigits) {
    let magnitude = n.mantissa().unsigned_abs();
    let sign = if n.is_sign_negative() { NEGATIVE } else { 0 };
    (
        NumScale(n.scale() as u8 | sign),
        NumDigits([
            magnitude as u32,
            (magnitude >> 32) as u32,
            (magnitude >> 64) as u32,
        ]),
    )
}

fn join(scale: NumScale, digits: NumDigits) -> Decimal {
    let [lo, mid, hi] = digits.0;
    Decimal::from_parts(
        lo,
        mid,
        hi,
        scale.0 & NEGATIVE != 0,
        u32::from(scale.0 & !NEGATIVE),
    )
}

impl PartialEq for Value {
    /// Numbers compare by value (`1.50` = `1.5`), GUIDs by their shared copy; the rest as stored.
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Num(..), Num(..)) => self.as_num() == other.as_num(),
            (Str(..) | Short(..), Str(..) | Short(..)) => self.as_str() == other.as_str(),
            (Guid(a), Guid(b)) => a == b,
            (Date(a), Date(b)) => a == b,
            (Ref(t, a), Ref(u, b)) => t == u && a == b,
            (Undefined, Undefined) => true,
            (Table(a), Table(b)) => a == b,
            (Binary(a), Binary(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Num(..) => write!(f, "Num({})", self.as_num()),
            Value::Str(..) | Value::Short(..) => {
                write!(f, "Str({:?})", self.as_str().unwrap_or(""))
            }
            Value::Guid(g) => write!(f, "Guid({})", **g),
            Value::Date(d) => write!(f, "Date({d})"),
            Value::Ref(t, g) => write!(f, "Ref({t:?}, {})", **g),
            Value::Undefined => f.write_str("Undefined"),
            Value::Table(rows) => f.debug_tuple("Table").field(rows).finish(),
            Value::Binary(b) => write!(f, "Binary({}, {} bytes)", b.0, b.1.len()),
        }
    }
}

/// The dispatch type of a composite value (`X_Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CType {
    Undefined,
    /// A reference to an object of an entity set.
    Entity(RefType),
    String,
    Double,
    Boolean,
    DateTime,
}

impl CType {
    pub fn wire_name(&self) -> String {
        match self {
            CType::Undefined => "StandardODATA.Undefined".into(),
            CType::Entity(set) => format!("StandardODATA.{}", set.name()),
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
            other => CType::Entity(RefType::of(other.strip_prefix("StandardODATA.")?)),
        })
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::short(s).unwrap_or_else(|| Value::Str(s.into()))
    }

    fn short(s: &str) -> Option<Value> {
        let mut bytes = [0; SHORT];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(Value::Short(ShortLen(s.len() as u8), bytes))
    }

    pub fn num(n: impl Into<Decimal>) -> Value {
        let (scale, digits) = split(n.into());
        Value::Num(scale, digits)
    }

    pub fn guid(id: Uuid) -> Value {
        Value::Guid(Intern::new(id))
    }

    /// A string many rows share (an enum value, a status, a comment): inline or stored once.
    pub fn sym(s: &str) -> Value {
        Value::short(s).unwrap_or_else(|| Value::Str(intern(s)))
    }

    pub fn table(rows: Vec<Row>) -> Value {
        Value::Table(rows.into_iter().collect())
    }

    /// A composite-type attribute's reference to the object `id` of `set`.
    pub fn composite_ref(set: &str, id: Uuid) -> Value {
        Value::Ref(RefType::of(set), Intern::new(id))
    }

    /// The `X_Type` of a composite-type attribute holding this value (`None` where no composite
    /// can hold it: a plain GUID, a table, binary data, `Null`).
    pub fn ctype(&self) -> Option<CType> {
        Some(match self {
            Value::Undefined => CType::Undefined,
            Value::Ref(t, _) => CType::Entity(*t),
            Value::Str(..) | Value::Short(..) => CType::String,
            Value::Num(..) | Value::Int(_) => CType::Double,
            Value::Bool(_) => CType::Boolean,
            Value::Date(_) => CType::DateTime,
            _ => return None,
        })
    }

    pub fn as_guid(&self) -> Option<Uuid> {
        match self {
            Value::Guid(g) | Value::Ref(_, g) => Some(**g),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Decimal {
        match self {
            Value::Num(scale, digits) => join(*scale, *digits),
            Value::Int(i) => Decimal::from(*i),
            _ => Decimal::ZERO,
        }
    }

    /// The number a value holds, if it is one (`as_num` reads anything else as zero).
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Num(scale, digits) => Some(join(*scale, *digits)),
            _ => None,
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
            Value::Short(len, bytes) => std::str::from_utf8(&bytes[..usize::from(len.0)]).ok(),
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
pub fn intern(s: &str) -> ArcStr {
    static POOL: OnceLock<Mutex<HashSet<ArcStr>>> = OnceLock::new();
    if s.is_empty() {
        // Every empty string attribute of every row: a static, no lock for the commonest value.
        return ArcStr::new();
    }
    let mut pool = POOL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(shared) = pool.get(s) {
        return shared.clone();
    }
    let shared = ArcStr::from(s);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every decimal survives the split into scale and digits, sign and trailing zeros included.
        #[test]
        fn numbers_keep_their_value_and_scale(lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28) {
            let n = Decimal::from_parts(lo, mid, hi, negative, scale);
            let back = Value::num(n).as_num();
            prop_assert_eq!(back, n);
            prop_assert_eq!(back.scale(), n.scale());
        }

        /// Strings read back as written, whether kept inline or behind a pointer.
        #[test]
        fn strings_read_back_as_written(s in "\\PC{0,20}") {
            let (plain, shared) = (Value::str(&s), Value::sym(&s));
            prop_assert_eq!(plain.as_str(), Some(s.as_str()));
            prop_assert_eq!(shared.as_str(), Some(s.as_str()));
            prop_assert_eq!(Value::str(&s), Value::sym(&s));
        }
    }

    #[test]
    fn short_strings_stay_inline_up_to_fourteen_bytes() {
        assert!(matches!(Value::str("КК00-000123"), Value::Short(..)));
        assert!(matches!(Value::str("ЗаказКлиента"), Value::Str(..)));
        assert_eq!(Value::str(""), Value::sym(""));
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(
            Value::num(Decimal::new(150, 2)),
            Value::num(Decimal::new(15, 1))
        );
        assert_ne!(
            Value::num(Decimal::new(15, 1)),
            Value::num(Decimal::new(-15, 1))
        );
    }

    #[test]
    fn a_composite_value_gives_its_type() {
        let id = Uuid::from_u128(7);
        let order = Value::composite_ref("Document_ЗаказКлиента", id);
        assert_eq!(
            order.ctype().map(|t| t.wire_name()).as_deref(),
            Some("StandardODATA.Document_ЗаказКлиента")
        );
        assert_eq!(order.as_guid(), Some(id));
        assert_ne!(order, Value::guid(id), "a reference is not a bare GUID");
        assert_ne!(
            order,
            Value::composite_ref("Document_РеализацияТоваровУслуг", id)
        );
        assert_eq!(
            CType::from_wire("StandardODATA.Document_ЗаказКлиента"),
            order.ctype()
        );
        assert_eq!(Value::Undefined.ctype(), Some(CType::Undefined));
        assert_eq!(Value::Bool(true).ctype(), Some(CType::Boolean));
        assert_eq!(Value::guid(id).ctype(), None);
    }
}
