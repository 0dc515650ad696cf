//! Type-checking and evaluation of `$filter` expressions against rows of an entity type.

use std::cmp::Ordering;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, Months, NaiveDateTime, Timelike};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::db::Db;
use crate::error::{ODataError, Result};
use crate::filter::{BinOp, Expr, LambdaKind, Literal};
use crate::schema::{Field, Schema, Ty};
use crate::value::{CType, Row, Value, fmt_date};

/// Static types, enough to refuse what 1C refuses before touching any row.
#[derive(Debug, Clone, PartialEq)]
enum STy {
    Str,
    Num,
    Bool,
    Date,
    Guid,
    Composite,
    Table(Vec<Field>),
}

/// Resolves a field by one path segment: `(field index, what the segment names)`.
enum Seg {
    Value(usize),
    Nav(usize, &'static str),
    CompositeType(usize),
}

fn segment(fields: &[Field], seg: &str) -> Result<Seg> {
    for (i, f) in fields.iter().enumerate() {
        if f.is_wire(seg) {
            return Ok(Seg::Value(i));
        }
        match &f.ty {
            Ty::Ref(target) if f.name == seg => return Ok(Seg::Nav(i, target)),
            Ty::Composite if seg.strip_suffix("_Type") == Some(f.name.as_str()) => {
                return Ok(Seg::CompositeType(i));
            }
            _ => {}
        }
    }
    Err(ODataError::segment_not_found(seg))
}

fn sty_of(ty: &Ty) -> Result<STy> {
    Ok(match ty {
        Ty::Key | Ty::Ref(_) => STy::Guid,
        Ty::Str | Ty::Enum(_) => STy::Str,
        Ty::Bool => STy::Bool,
        Ty::Double | Ty::Int64 => STy::Num,
        Ty::Date => STy::Date,
        Ty::Composite => STy::Composite,
        Ty::Table(f) => STy::Table(f.clone()),
        Ty::Binary => {
            return Err(ODataError::not_supported(
                "Сравнение с хранилищем значения не поддерживается",
            ));
        }
    })
}

/// Checks names, comparisons and literal types; `option` names the query option for syntax errors.
pub fn check(expr: &Expr, fields: &[Field], option: &str) -> Result<()> {
    Checker {
        option,
        vars: Vec::new(),
    }
    .check(expr, fields)
    .map(|_| ())
}

struct Checker<'o> {
    option: &'o str,
    vars: Vec<(String, Vec<Field>)>,
}

impl Checker<'_> {
    fn path(&self, segs: &[String], fields: &[Field]) -> Result<STy> {
        let (mut fields, rest): (Vec<Field>, &[String]) =
            match self.vars.iter().rev().find(|(v, _)| *v == segs[0]) {
                Some((_, f)) if segs.len() > 1 => (f.clone(), &segs[1..]),
                Some(_) => return Err(ODataError::parse(self.option)),
                None => (fields.to_vec(), segs),
            };
        for (k, seg) in rest.iter().enumerate() {
            let last = k + 1 == rest.len();
            match segment(&fields, seg)? {
                Seg::Value(i) if last => return sty_of(&fields[i].ty),
                Seg::Nav(_, _) if last => return Ok(STy::Guid),
                Seg::CompositeType(_) if last => return Ok(STy::Str),
                Seg::Nav(_, target) => fields = Schema::get().set(target).fields.clone(),
                _ => return Err(ODataError::segment_not_found(&rest[k + 1])),
            }
        }
        Err(ODataError::parse(self.option))
    }

    fn check(&mut self, e: &Expr, fields: &[Field]) -> Result<STy> {
        Ok(match e {
            Expr::Literal(l) => match l {
                Literal::Bool(_) => STy::Bool,
                Literal::Number(_) => STy::Num,
                Literal::String(_) => STy::Str,
                Literal::Guid(_) => STy::Guid,
                Literal::DateTime(_) => STy::Date,
            },
            Expr::Path(segs) => self.path(segs, fields)?,
            Expr::Not(inner) => {
                self.check(inner, fields)?;
                STy::Bool
            }
            Expr::Neg(inner) => {
                self.check(inner, fields)?;
                STy::Num
            }
            Expr::Binary(l, op, r) => {
                let (lt, rt) = (self.check(l, fields)?, self.check(r, fields)?);
                self.binary(*op, &lt, &rt, l, r)?
            }
            Expr::Call(name, args) => self.call(name, args, fields)?,
            Expr::Member(inner, segs) => {
                let Expr::Call(name, args) = inner.as_ref() else {
                    return Err(ODataError::parse(self.option));
                };
                let target = match (name.as_str(), args.get(1)) {
                    ("cast", Some(Expr::Literal(Literal::String(t)))) => t,
                    _ => return Err(ODataError::parse(self.option)),
                };
                self.check(inner, fields)?;
                let target_fields = Schema::get().set(target).fields.clone();
                let saved = std::mem::take(&mut self.vars);
                let out = self.path(segs, &target_fields);
                self.vars = saved;
                out?
            }
            Expr::Lambda {
                path, var, body, ..
            } => {
                let STy::Table(row_fields) = self.path(path, fields)? else {
                    return Err(ODataError::unsupported_function("any"));
                };
                if let (Some(v), Some(b)) = (var, body) {
                    self.vars.push((v.clone(), row_fields));
                    let r = self.check(b, fields);
                    self.vars.pop();
                    r?;
                }
                STy::Bool
            }
        })
    }

    fn binary(&self, op: BinOp, lt: &STy, rt: &STy, l: &Expr, r: &Expr) -> Result<STy> {
        if op.is_comparison() {
            let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
            if ordering && (matches!(lt, STy::Guid) || matches!(rt, STy::Guid)) {
                return Err(ODataError::incompatible_comparison());
            }
            let bare_number = |t: &STy, other: &Expr| {
                *t == STy::Str && matches!(other, Expr::Literal(Literal::Number(_)))
            };
            if bare_number(lt, r) || bare_number(rt, l) {
                return Err(ODataError::parse(self.option));
            }
            return Ok(STy::Bool);
        }
        match op {
            BinOp::And | BinOp::Or => Ok(STy::Bool),
            _ => {
                if matches!(lt, STy::Table(_) | STy::Composite)
                    || matches!(rt, STy::Table(_) | STy::Composite)
                {
                    return Err(ODataError::parse(self.option));
                }
                Ok(STy::Num)
            }
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], fields: &[Field]) -> Result<STy> {
        let types: Vec<STy> = args
            .iter()
            .map(|a| self.check(a, fields))
            .collect::<Result<_>>()?;
        let type_arg = |i: usize| match args.get(i) {
            Some(Expr::Literal(Literal::String(t))) => Ok(t.clone()),
            _ => Err(ODataError::unsupported_function(name)),
        };
        let wrong = || {
            ODataError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "21",
                format!("Неверные параметры функции {name}"),
            )
        };
        Ok(match name {
            "substringof" | "startswith" | "endswith" | "like" => STy::Bool,
            "concat" | "substring" => STy::Str,
            "year" | "month" | "day" | "hour" | "minute" | "second" | "quarter" | "dayofweek"
            | "dayofyear" => {
                if !matches!(types[0], STy::Date | STy::Str) {
                    return Err(wrong());
                }
                STy::Num
            }
            "round" | "datedifference" => STy::Num,
            "dateadd" => STy::Date,
            "isof" => STy::Bool,
            "cast" => {
                let t = type_arg(1)?;
                match t.as_str() {
                    "String" => STy::Str,
                    "Number" => STy::Num,
                    "Boolean" => STy::Bool,
                    "Date" => STy::Date,
                    set if Schema::get().index(set).is_some() => STy::Composite,
                    other => return Err(ODataError::segment_not_found(other)),
                }
            }
            _ => return Err(ODataError::unsupported_function(name)),
        })
    }
}

/// One row being looked at, with its entity type's fields.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub fields: &'a [Field],
    pub row: &'a Row,
}

enum Resolved<'a> {
    Ref(&'a Value),
    Owned(Value),
}

pub struct Evaluator<'a> {
    pub db: &'a Db,
    vars: Vec<(&'a str, Frame<'a>)>,
}

impl<'a> Evaluator<'a> {
    pub fn new(db: &'a Db) -> Self {
        Evaluator {
            db,
            vars: Vec::new(),
        }
    }

    pub fn matches(&mut self, e: &'a Expr, frame: Frame<'a>) -> bool {
        self.eval(e, frame) == Value::Bool(true)
    }

    fn navigate(&self, target: &str, id: Option<uuid::Uuid>) -> Option<Frame<'a>> {
        let row = self.db.get(target, id?)?;
        Some(Frame {
            fields: &Schema::get().set(target).fields,
            row,
        })
    }

    fn path(&self, segs: &'a [String], frame: Frame<'a>) -> Value {
        match self.resolve(segs, frame) {
            Some(Resolved::Ref(v)) => v.clone(),
            Some(Resolved::Owned(v)) => v,
            None => Value::Null,
        }
    }

    /// Follows a path from a row; values stored in the base are borrowed, not copied.
    fn resolve(&self, segs: &'a [String], frame: Frame<'a>) -> Option<Resolved<'a>> {
        let (mut frame, rest) = match self.vars.iter().rev().find(|(v, _)| *v == segs[0]) {
            Some((_, f)) => (*f, &segs[1..]),
            None => (frame, segs),
        };
        for (k, seg) in rest.iter().enumerate() {
            let last = k + 1 == rest.len();
            match segment(frame.fields, seg).ok()? {
                Seg::Value(i) => return Some(Resolved::Ref(&frame.row[i])),
                Seg::CompositeType(i) => {
                    let ctype = frame.row[i].ctype()?;
                    return Some(Resolved::Owned(Value::str(&ctype.wire_name())));
                }
                Seg::Nav(i, _) if last => return Some(Resolved::Ref(&frame.row[i])),
                Seg::Nav(i, target) => frame = self.navigate(target, frame.row[i].as_guid())?,
            }
        }
        None
    }

    pub fn eval(&mut self, e: &'a Expr, frame: Frame<'a>) -> Value {
        match e {
            Expr::Literal(l) => literal(l),
            Expr::Path(segs) => self.path(segs, frame),
            Expr::Not(inner) => Value::Bool(!self.eval(inner, frame).as_bool()),
            Expr::Neg(inner) => Value::num(-self.eval(inner, frame).as_num()),
            Expr::Binary(l, BinOp::And, r) => {
                Value::Bool(self.eval(l, frame).as_bool() && self.eval(r, frame).as_bool())
            }
            Expr::Binary(l, BinOp::Or, r) => {
                Value::Bool(self.eval(l, frame).as_bool() || self.eval(r, frame).as_bool())
            }
            Expr::Binary(l, op, r) => {
                let (a, b) = (self.eval(l, frame), self.eval(r, frame));
                binary(*op, &a, &b)
            }
            Expr::Call(name, args) => {
                let vals: Vec<Value> = args.iter().map(|a| self.eval(a, frame)).collect();
                call(name, &vals)
            }
            Expr::Member(inner, segs) => {
                let target = match inner.as_ref() {
                    Expr::Call(_, args) => match args.get(1) {
                        Some(Expr::Literal(Literal::String(t))) => t.as_str(),
                        _ => return Value::Null,
                    },
                    _ => return Value::Null,
                };
                let v = self.eval(inner, frame);
                let is_target = matches!(v.ctype(), Some(CType::Entity(t)) if t.name() == target);
                match self.navigate(target, v.as_guid()).filter(|_| is_target) {
                    Some(next) => self.path(segs, next),
                    None => Value::Null,
                }
            }
            Expr::Lambda {
                path,
                kind,
                var,
                body,
            } => {
                let rows: &'a [Row] = match self.resolve(path, frame) {
                    Some(Resolved::Ref(Value::Table(rows))) => rows,
                    _ => &[],
                };
                let Some(row_fields) = self.table_fields(path, frame) else {
                    return Value::Bool(false);
                };
                let (Some(v), Some(b)) = (var, body) else {
                    return Value::Bool(!rows.is_empty());
                };
                let mut test = |row: &'a Row| {
                    self.vars.push((
                        v.as_str(),
                        Frame {
                            fields: row_fields,
                            row,
                        },
                    ));
                    let r = self.eval(b, frame).as_bool();
                    self.vars.pop();
                    r
                };
                Value::Bool(match kind {
                    LambdaKind::Any => rows.iter().any(&mut test),
                    LambdaKind::All => rows.iter().all(&mut test),
                })
            }
        }
    }

    fn table_fields(&self, path: &'a [String], frame: Frame<'a>) -> Option<&'a [Field]> {
        let mut fields = frame.fields;
        let mut rest = path;
        if let Some((_, f)) = self.vars.iter().rev().find(|(v, _)| *v == path[0]) {
            fields = f.fields;
            rest = &path[1..];
        }
        for seg in rest {
            match segment(fields, seg).ok()? {
                Seg::Value(i) => match &fields[i].ty {
                    Ty::Table(f) => return Some(f),
                    _ => return None,
                },
                Seg::Nav(_, target) => fields = &Schema::get().set(target).fields,
                Seg::CompositeType(_) => return None,
            }
        }
        None
    }
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Number(n) => Value::num(*n),
        Literal::String(s) => Value::str(s),
        Literal::Guid(g) => Value::guid(*g),
        Literal::DateTime(d) => Value::Date(*d),
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Compares two values the way 1C's query language does; `None` when they cannot be compared.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        // A composite's reference equals only the same reference, and is unordered.
        (Ref(..) | Undefined, Ref(..) | Undefined) => Some(if a == b {
            Ordering::Equal
        } else {
            Ordering::Less
        }),
        (Ref(..) | Undefined, _) | (_, Ref(..) | Undefined) => Some(Ordering::Less),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (Date(d), s) => Some(fmt_date(d).as_str().cmp(s.as_str()?)),
        (s, Date(d)) => Some(s.as_str()?.cmp(fmt_date(d).as_str())),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Guid(x), Guid(y)) => Some((**x).cmp(&**y)),
        (Num(..) | Int(_), Num(..) | Int(_)) => Some(a.as_num().cmp(&b.as_num())),
        _ => Some(lower(a.as_str()?).cmp(&lower(b.as_str()?))),
    }
}

fn binary(op: BinOp, a: &Value, b: &Value) -> Value {
    use Ordering::*;
    if op.is_comparison() {
        let ord = compare(a, b);
        return Value::Bool(match (op, ord) {
            (BinOp::Eq, o) => o == Some(Equal),
            (BinOp::Ne, o) => o.is_some_and(|o| o != Equal),
            (BinOp::Lt, o) => o == Some(Less),
            (BinOp::Le, o) => matches!(o, Some(Less | Equal)),
            (BinOp::Gt, o) => o == Some(Greater),
            (BinOp::Ge, o) => matches!(o, Some(Greater | Equal)),
            _ => false,
        });
    }
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return Value::Null;
    }
    let (x, y) = (a.as_num(), b.as_num());
    match op {
        BinOp::Add => Value::num(x + y),
        BinOp::Sub => Value::num(x - y),
        BinOp::Mul => Value::num(x * y),
        BinOp::Div if !y.is_zero() => Value::num(x / y),
        _ => Value::Null,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Date(d) => Some(fmt_date(d)),
        v => v.as_str().map(str::to_string),
    }
}

/// 1C's `ПОДОБНО`: `%` any run, `_` one character; case-insensitive like the other string functions.
fn like(s: &[char], p: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('%') => (0..=s.len()).any(|i| like(&s[i..], &p[1..])),
        Some('_') => !s.is_empty() && like(&s[1..], &p[1..]),
        Some(c) => s.first() == Some(c) && like(&s[1..], &p[1..]),
    }
}

fn date_part(name: &str, d: &NaiveDateTime) -> i64 {
    i64::from(match name {
        "year" => d.year() as u32,
        "month" => d.month(),
        "day" => d.day(),
        "hour" => d.hour(),
        "minute" => d.minute(),
        "second" => d.second(),
        "quarter" => (d.month() - 1) / 3 + 1,
        // 1C counts weekdays from Monday = 1.
        "dayofweek" => d.weekday().number_from_monday(),
        _ => d.ordinal(),
    })
}

fn as_date(v: &Value) -> Option<NaiveDateTime> {
    match v {
        Value::Date(d) => Some(*d),
        v => crate::filter::parse_datetime(v.as_str()?),
    }
}

fn call(name: &str, args: &[Value]) -> Value {
    let s = |i: usize| args.get(i).and_then(text).map(|t| lower(&t));
    match name {
        "substringof" => Value::Bool(matches!((s(0), s(1)), (Some(n), Some(h)) if h.contains(&n))),
        "startswith" => {
            Value::Bool(matches!((s(0), s(1)), (Some(h), Some(p)) if h.starts_with(&p)))
        }
        "endswith" => Value::Bool(matches!((s(0), s(1)), (Some(h), Some(p)) if h.ends_with(&p))),
        "like" => match (s(0), s(1)) {
            (Some(h), Some(p)) => Value::Bool(like(
                &h.chars().collect::<Vec<_>>(),
                &p.chars().collect::<Vec<_>>(),
            )),
            _ => Value::Bool(false),
        },
        "concat" => match (args.first().and_then(text), args.get(1).and_then(text)) {
            (Some(a), Some(b)) => Value::str(&(a + &b)),
            _ => Value::Null,
        },
        "substring" => {
            let Some(t) = args.first().and_then(text) else {
                return Value::Null;
            };
            let start = args[1].as_num().to_usize().unwrap_or(0);
            let chars = t.chars().skip(start);
            let out: String = match args.get(2) {
                Some(n) => chars.take(n.as_num().to_usize().unwrap_or(0)).collect(),
                None => chars.collect(),
            };
            Value::str(&out)
        }
        "round" => Value::num(args[0].as_num().round()),
        "isof" => Value::Bool(true),
        "cast" => match (&args[0], args.get(1).and_then(|v| v.as_str())) {
            (Value::Guid(g), Some(set)) if set.contains('_') => Value::composite_ref(set, **g),
            (v, _) => v.clone(),
        },
        "dateadd" => {
            let (Some(d), Some(unit)) = (as_date(&args[0]), args[1].as_str()) else {
                return Value::Null;
            };
            let n = args[2].as_num().to_i64().unwrap_or(0);
            dateadd(d, unit, n).map(Value::Date).unwrap_or(Value::Null)
        }
        "datedifference" => {
            let (Some(a), Some(b), Some(unit)) =
                (as_date(&args[0]), as_date(&args[1]), args[2].as_str())
            else {
                return Value::Null;
            };
            let secs = (b - a).num_seconds();
            let months = (b.year() - a.year()) as i64 * 12 + b.month() as i64 - a.month() as i64;
            Value::num(Decimal::from(match unit {
                "second" => secs,
                "minute" => secs / 60,
                "hour" => secs / 3600,
                "day" => (b.date() - a.date()).num_days(),
                "month" => months,
                "quarter" => months / 3,
                "year" => (b.year() - a.year()) as i64,
                _ => return Value::Null,
            }))
        }
        part => match args.first().and_then(as_date) {
            Some(d) => Value::Int(date_part(part, &d)),
            None => Value::Null,
        },
    }
}

fn dateadd(d: NaiveDateTime, unit: &str, n: i64) -> Option<NaiveDateTime> {
    let months = |m: i64| {
        if m >= 0 {
            d.checked_add_months(Months::new(m as u32))
        } else {
            d.checked_sub_months(Months::new((-m) as u32))
        }
    };
    match unit {
        "second" => d.checked_add_signed(Duration::seconds(n)),
        "minute" => d.checked_add_signed(Duration::minutes(n)),
        "hour" => d.checked_add_signed(Duration::hours(n)),
        "day" => d.checked_add_signed(Duration::days(n)),
        "month" => months(n),
        "quarter" => months(n * 3),
        "year" => months(n * 12),
        _ => None,
    }
}
