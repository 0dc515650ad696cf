//! Names of entity sets and fields. A name is either a `&'static str` constant checked at compile
//! time or a runtime string that passed the same check, so no name can carry an operator, a quote,
//! a space or a separator into a query.

use std::borrow::Cow;
use std::fmt;

use crate::error::OnecError;

/// One identifier: an entity set (`Document_ЗаказКлиента`), a field (`Партнер_Key`) or a
/// virtual-table dimension. Letters (any script), digits and `_` only.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Cow<'static, str>);

/// Compile-time check: ASCII must be alphanumeric or `_`; non-ASCII bytes are letters of
/// Cyrillic names (a `const fn` cannot classify Unicode; runtime names are checked fully).
const fn valid_static(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || b[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 && !(c.is_ascii_alphanumeric() || c == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

/// Words a filter parser reads as operators or literals: a field named so would change meaning.
const RESERVED: &[&str] = &[
    "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "not", "add", "sub", "mul", "div", "mod",
    "true", "false", "null", "guid", "datetime", "asc", "desc",
];

impl Name {
    /// For constants: `const X: Name = Name::of("Ref_Key");` fails to compile on a bad name.
    pub const fn of(s: &'static str) -> Name {
        assert!(valid_static(s), "invalid 1C identifier");
        Name(Cow::Borrowed(s))
    }

    /// A name known only at run time (e.g. a dimension list from configuration).
    pub fn parse(s: &str) -> Result<Name, OnecError> {
        let ok = s
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s));
        if ok {
            Ok(Name(Cow::Owned(s.to_owned())))
        } else {
            Err(OnecError::InvalidName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// A property path: `Партнер/Description`, `АналитикаУчетаНоменклатуры/Номенклатура/Производитель`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Path(Vec<Name>);

impl Path {
    pub fn new(first: Name) -> Path {
        Path(vec![first])
    }

    /// Appends one segment: `Path::from(PARTNER).then(DESCRIPTION)`.
    pub fn then(mut self, next: Name) -> Path {
        self.0.push(next);
        self
    }

    pub fn segments(&self) -> &[Name] {
        &self.0
    }
}

impl From<Name> for Path {
    fn from(n: Name) -> Path {
        Path::new(n)
    }
}

impl From<&Name> for Path {
    fn from(n: &Name) -> Path {
        Path::new(n.clone())
    }
}

impl<const N: usize> From<[Name; N]> for Path {
    fn from(names: [Name; N]) -> Path {
        assert!(N > 0, "a path needs a segment");
        Path(names.into())
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(n.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_names_are_checked() {
        assert!(Name::parse("Номенклатура").is_ok());
        assert!(Name::parse("Ref_Key").is_ok());
        for bad in [
            "", "and", "NOT", "true", "a b", "a'b", "a/b", "x eq 1", "a,b", "1abc", "a%20",
        ] {
            assert!(Name::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn paths_join_with_slashes() {
        let p = Path::from([Name::of("Партнер"), Name::of("Description")]);
        assert_eq!(p.to_string(), "Партнер/Description");
    }
}
