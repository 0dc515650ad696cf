//! `$filter` (and `Condition`) as an expression tree with typed literals.
//!
//! The only way text reaches a query is through [`Literal`] rendering, which quotes and escapes
//! it, so a user string cannot close a literal and add a clause. Precedence follows 1C's table
//! (docs/onec.md §P7.1): `not` binds tighter than comparisons, `and` tighter than `or`; the printer
//! adds parentheses wherever the tree needs them.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use crate::guid::Guid;
use crate::name::{Name, Path};

/// A typed literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Guid(Guid),
    String(String),
    /// Wall-clock time of the 1C base; printed without zone or fraction, as 1C stores seconds.
    DateTime(NaiveDateTime),
    Bool(bool),
    /// Printed in plain notation: 1C rejects exponents.
    Number(Decimal),
}

impl From<Guid> for Literal {
    fn from(v: Guid) -> Self {
        Literal::Guid(v)
    }
}
impl From<&str> for Literal {
    fn from(v: &str) -> Self {
        Literal::String(v.to_owned())
    }
}
impl From<String> for Literal {
    fn from(v: String) -> Self {
        Literal::String(v)
    }
}
impl From<NaiveDateTime> for Literal {
    fn from(v: NaiveDateTime) -> Self {
        Literal::DateTime(v)
    }
}
impl From<bool> for Literal {
    fn from(v: bool) -> Self {
        Literal::Bool(v)
    }
}
impl From<Decimal> for Literal {
    fn from(v: Decimal) -> Self {
        Literal::Number(v)
    }
}
impl From<i64> for Literal {
    fn from(v: i64) -> Self {
        Literal::Number(Decimal::from(v))
    }
}

/// Writes `s` as a 1C string literal: quoted, inner `'` doubled.
pub fn write_quoted(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('\'')?;
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.write_str("''")?;
        }
        out.write_str(part)?;
    }
    out.write_char('\'')
}

/// `datetime'YYYY-MM-DDTHH:MM:SS'`. 1C needs a four-digit year (`datetime'1-01-01…'` is a 400), so
/// years outside 1..=9999 are clamped to 1C's own range instead of producing an invalid literal.
pub fn write_datetime(out: &mut impl fmt::Write, t: &NaiveDateTime) -> fmt::Result {
    let t = clamp_datetime(*t);
    write!(out, "datetime'{}'", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn clamp_datetime(t: NaiveDateTime) -> NaiveDateTime {
    let min = NaiveDate::from_ymd_opt(1, 1, 1)
        .unwrap()
        .and_time(NaiveTime::MIN);
    let max = NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap()
        .and_hms_opt(23, 59, 59)
        .unwrap();
    if t.year() < 1 {
        min
    } else if t.year() > 9999 {
        max
    } else {
        t
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Guid(g) => write!(f, "guid'{g}'"),
            Literal::String(s) => write_quoted(f, s),
            Literal::DateTime(t) => write_datetime(f, t),
            Literal::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            // Decimal's Display never uses an exponent.
            // `-0` would print with a sign; zero has none.
            Literal::Number(n) if n.is_zero() => write!(f, "{}", n.abs()),
            Literal::Number(n) => write!(f, "{n}"),
        }
    }
}

/// Comparison operators (1C has no `in`: use [`Expr::any_eq`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
        }
    }
}

/// Functions of 1C's supported list that the portal may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    SubstringOf,
    StartsWith,
    EndsWith,
    Year,
    Month,
    Day,
}

impl Func {
    fn as_str(self) -> &'static str {
        match self {
            Func::SubstringOf => "substringof",
            Func::StartsWith => "startswith",
            Func::EndsWith => "endswith",
            Func::Year => "year",
            Func::Month => "month",
            Func::Day => "day",
        }
    }
}

/// A filter expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Field(Path),
    Lit(Literal),
    /// `cast(guid'…', 'Document_X')`: the only way to compare a composite field with a reference.
    Cast(Guid, Name),
    Call(Func, Vec<Expr>),
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    Not(Box<Expr>),
    /// Empty = `true`.
    And(Vec<Expr>),
    /// Empty = `false`.
    Or(Vec<Expr>),
}

/// A field in a filter, with comparison helpers: `field(MANAGER_KEY).eq(agent)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field(pub Path);

pub fn field(p: impl Into<Path>) -> Field {
    Field(p.into())
}

impl Field {
    fn cmp(self, op: CmpOp, rhs: impl Into<Expr>) -> Expr {
        Expr::Cmp(Box::new(Expr::Field(self.0)), op, Box::new(rhs.into()))
    }
    pub fn eq(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Eq, v)
    }
    pub fn ne(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Ne, v)
    }
    pub fn gt(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Gt, v)
    }
    pub fn ge(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Ge, v)
    }
    pub fn lt(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Lt, v)
    }
    pub fn le(self, v: impl Into<Expr>) -> Expr {
        self.cmp(CmpOp::Le, v)
    }
    /// `substringof('needle', Field)`.
    pub fn contains(self, needle: impl Into<String>) -> Expr {
        Expr::Call(
            Func::SubstringOf,
            vec![
                Expr::Lit(Literal::String(needle.into())),
                Expr::Field(self.0),
            ],
        )
    }
    /// `startswith(Field, 'prefix')`.
    pub fn starts_with(self, prefix: impl Into<String>) -> Expr {
        Expr::Call(
            Func::StartsWith,
            vec![
                Expr::Field(self.0),
                Expr::Lit(Literal::String(prefix.into())),
            ],
        )
    }
    /// `Field ge datetime'from' and Field le datetime'to'`: both bounds inclusive, as the portal's
    /// day windows (`T00:00:00` … `T23:59:59`).
    pub fn between(self, from: NaiveDateTime, to: NaiveDateTime) -> Expr {
        Expr::And(vec![self.clone().ge(from), self.le(to)])
    }
}

impl<T: Into<Literal>> From<T> for Expr {
    fn from(v: T) -> Expr {
        Expr::Lit(v.into())
    }
}

impl From<Field> for Expr {
    fn from(f: Field) -> Expr {
        Expr::Field(f.0)
    }
}

impl Expr {
    /// `cast(guid'…', 'Document_X')`.
    pub fn cast(g: Guid, entity_set: Name) -> Expr {
        Expr::Cast(g, entity_set)
    }

    pub fn and(self, other: Expr) -> Expr {
        match self {
            Expr::And(mut v) => {
                v.push(other);
                Expr::And(v)
            }
            e => Expr::And(vec![e, other]),
        }
    }

    pub fn or(self, other: Expr) -> Expr {
        match self {
            Expr::Or(mut v) => {
                v.push(other);
                Expr::Or(v)
            }
            e => Expr::Or(vec![e, other]),
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }

    /// `f eq v1 or f eq v2 …` — 1C's replacement for the unsupported `in`.
    pub fn any_eq<V: Into<Expr>>(f: &Field, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::Or(values.into_iter().map(|v| f.clone().eq(v)).collect())
    }

    fn is_atom(&self) -> bool {
        matches!(
            self,
            Expr::Field(_) | Expr::Lit(_) | Expr::Cast(..) | Expr::Call(..)
        )
    }

    fn write_operand(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_atom() {
            write!(f, "{self}")
        } else {
            write!(f, "({self})")
        }
    }

    /// `And([x])` and `Or([x])` print as `x`: what they stand for when grouping.
    fn through_singles(&self) -> &Expr {
        match self {
            Expr::And(v) | Expr::Or(v) if v.len() == 1 => v[0].through_singles(),
            e => e,
        }
    }

    fn write_chain(
        f: &mut fmt::Formatter<'_>,
        items: &[Expr],
        sep: &str,
        and: bool,
    ) -> fmt::Result {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            // Inside `and`, only a nested `or` or `and` needs parentheses (keeping the tree's
            // grouping); inside `or`, a nested `and` binds tighter and needs none. One-element
            // chains print as their element, so look through them.
            let paren = match e.through_singles() {
                Expr::Or(v) => v.len() > 1,
                Expr::And(v) => and && v.len() > 1,
                _ => false,
            };
            if paren {
                write!(f, "({e})")?
            } else {
                write!(f, "{e}")?
            }
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Field(p) => write!(f, "{p}"),
            Expr::Lit(l) => write!(f, "{l}"),
            Expr::Cast(g, t) => {
                write!(f, "cast(guid'{g}', ")?;
                write_quoted(f, t.as_str())?;
                f.write_str(")")
            }
            Expr::Call(func, args) => {
                write!(f, "{}(", func.as_str())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    a.write_operand(f)?;
                }
                f.write_str(")")
            }
            Expr::Cmp(l, op, r) => {
                l.write_operand(f)?;
                write!(f, " {} ", op.as_str())?;
                r.write_operand(f)
            }
            Expr::Not(e) => {
                f.write_str("not ")?;
                e.write_operand(f)
            }
            Expr::And(v) if v.is_empty() => f.write_str("true"),
            Expr::Or(v) if v.is_empty() => f.write_str("false"),
            Expr::And(v) => Expr::write_chain(f, v, " and ", true),
            Expr::Or(v) => Expr::write_chain(f, v, " or ", false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const F: Name = Name::of("Статус");
    const G: Name = Name::of("Ref_Key");

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn strings_double_quotes() {
        let e = field(F).eq("ООО 'Ромашка'");
        assert_eq!(e.to_string(), "Статус eq 'ООО ''Ромашка'''");
    }

    #[test]
    fn injection_stays_inside_the_literal() {
        let e = field(F).eq("x' or Ref_Key ne '");
        assert_eq!(e.to_string(), "Статус eq 'x'' or Ref_Key ne '''");
    }

    #[test]
    fn literals_render_as_1c_expects() {
        let g = Guid::parse("0d4a79cb-9843-4147-bcd9-80ac3ca2b9c7").unwrap();
        assert_eq!(
            Literal::from(g).to_string(),
            "guid'0d4a79cb-9843-4147-bcd9-80ac3ca2b9c7'"
        );
        assert_eq!(
            Literal::from(dt(2024, 1, 1, 0, 0, 0)).to_string(),
            "datetime'2024-01-01T00:00:00'"
        );
        assert_eq!(
            Literal::from(dt(1, 1, 1, 0, 0, 0)).to_string(),
            "datetime'0001-01-01T00:00:00'"
        );
        assert_eq!(Literal::from(Decimal::new(25005, 1)).to_string(), "2500.5");
        assert_eq!(
            Literal::from(Decimal::from_i128_with_scale(1, 20)).to_string(),
            "0.00000000000000000001"
        );
        assert_eq!(Literal::from(true).to_string(), "true");
    }

    #[test]
    fn cast_has_a_space_after_the_comma() {
        let g = Guid::parse("6d0c2b1a-0c2f-11ef-8a52-000c29dddd38").unwrap();
        let e = field(Name::of("Объект")).eq(Expr::cast(g, Name::of("Document_ЗаказКлиента")));
        assert_eq!(
            e.to_string(),
            "Объект eq cast(guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента')"
        );
    }

    #[test]
    fn precedence_gets_parentheses() {
        let a = field(F).eq("a");
        let b = field(F).eq("b");
        let c = field(G).eq(Guid::EMPTY);
        assert_eq!(
            a.clone().or(b.clone()).and(c.clone()).to_string(),
            "(Статус eq 'a' or Статус eq 'b') and Ref_Key eq guid'00000000-0000-0000-0000-000000000000'"
        );
        assert_eq!(
            Expr::Or(vec![a.clone(), Expr::And(vec![b.clone(), c.clone()])]).to_string(),
            "Статус eq 'a' or Статус eq 'b' and Ref_Key eq guid'00000000-0000-0000-0000-000000000000'"
        );
        assert_eq!(a.clone().not().to_string(), "not (Статус eq 'a')");
        assert_eq!(
            Expr::And(vec![
                a.clone(),
                Expr::Or(vec![Expr::And(vec![b.clone(), c.clone()])])
            ])
            .to_string(),
            "Статус eq 'a' and (Статус eq 'b' and Ref_Key eq guid'00000000-0000-0000-0000-000000000000')"
        );
        assert_eq!(
            Expr::And(vec![a, Expr::And(vec![b, c])]).to_string(),
            "Статус eq 'a' and (Статус eq 'b' and Ref_Key eq guid'00000000-0000-0000-0000-000000000000')"
        );
    }

    #[test]
    fn functions_render() {
        assert_eq!(
            field(F).contains("мол'око").to_string(),
            "substringof('мол''око', Статус)"
        );
        assert_eq!(
            field(F).starts_with("Рол").to_string(),
            "startswith(Статус, 'Рол')"
        );
    }
}
