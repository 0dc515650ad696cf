//! 1C references: a GUID newtype, the empty-reference sentinel and the 1C client-link id.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// A 1C reference (`Ref_Key`, `X_Key`). Printed lowercase, as 1C sends and expects it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Guid(Uuid);

impl Guid {
    /// 1C's empty reference `00000000-0000-0000-0000-000000000000`.
    pub const EMPTY: Guid = Guid(Uuid::nil());

    pub const fn from_uuid(u: Uuid) -> Self {
        Guid(u)
    }

    /// For constants in code: panics at compile time on a malformed GUID.
    pub const fn from_static(s: &'static str) -> Self {
        match Uuid::try_parse(s) {
            Ok(u) => Guid(u),
            Err(_) => panic!("malformed GUID constant"),
        }
    }

    pub fn parse(s: &str) -> Result<Self, uuid::Error> {
        Uuid::try_parse(s.trim()).map(Guid)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_nil()
    }

    /// `None` for the empty reference: features never see the sentinel.
    pub fn non_empty(self) -> Option<Guid> {
        (!self.is_empty()).then_some(self)
    }

    /// The id 1C's client uses in `e1cib/data/…?ref=` links: groups `g1-g2-g3-g4-g5` become
    /// `g4 g5 g3 g2 g1`, 32 hex digits without dashes (docs/onec.md §6.7).
    pub fn to_onec_id(&self) -> String {
        let s = self.0.simple().to_string();
        let (g1, g2, g3, g4, g5) = (&s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32]);
        format!("{g4}{g5}{g3}{g2}{g1}")
    }

    /// The inverse of [`Guid::to_onec_id`].
    pub fn from_onec_id(id: &str) -> Option<Guid> {
        let id = id.trim();
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (g4, g5, g3, g2, g1) = (&id[0..4], &id[4..16], &id[16..20], &id[20..24], &id[24..32]);
        Guid::parse(&format!("{g1}-{g2}-{g3}-{g4}-{g5}")).ok()
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}

impl FromStr for Guid {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Guid::parse(s)
    }
}

impl From<Uuid> for Guid {
    fn from(u: Uuid) -> Self {
        Guid(u)
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Guid::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// In OpenAPI documents a 1C reference is a UUID in text.
impl utoipa::PartialSchema for Guid {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
            .into()
    }
}

impl utoipa::ToSchema for Guid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onec_id_matches_the_spec_examples() {
        let g = Guid::parse("5828755a-8819-11ed-89ab-000c29dddd38").unwrap();
        assert_eq!(g.to_onec_id(), "89ab000c29dddd3811ed88195828755a");
        assert_eq!(
            Guid::from_onec_id("89ab000c29dddd3811ed88195828755a"),
            Some(g)
        );
        let g = Guid::parse("312e175a-c9c9-11ec-8936-000c29dddd38").unwrap();
        assert_eq!(g.to_onec_id(), "8936000c29dddd3811ecc9c9312e175a");
        assert_eq!(Guid::from_onec_id(&g.to_onec_id()), Some(g));
    }

    #[test]
    fn onec_id_rejects_garbage() {
        assert_eq!(Guid::from_onec_id("xyz"), None);
        assert_eq!(Guid::from_onec_id("89ab000c29dddd3811ed88195828755z"), None);
    }

    #[test]
    fn prints_lowercase_and_knows_empty() {
        let g = Guid::parse("5828755A-8819-11ED-89AB-000C29DDDD38").unwrap();
        assert_eq!(g.to_string(), "5828755a-8819-11ed-89ab-000c29dddd38");
        assert!(Guid::EMPTY.is_empty());
        assert_eq!(Guid::EMPTY.non_empty(), None);
        assert_eq!(
            Guid::EMPTY.to_string(),
            "00000000-0000-0000-0000-000000000000"
        );
    }
}
