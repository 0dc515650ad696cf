//! The simulator's own `$filter` parser (1C dialect, docs/onec.md §P6–P7.1).
//!
//! It is deliberately independent of the portal's query builder, so a bug cannot hide in code both share.
//! `Expr`'s `Display` prints a canonical, fully parenthesised form that parses back to the same tree.

use std::fmt;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Bool(bool),
    Number(Decimal),
    String(String),
    Guid(Uuid),
    DateTime(NaiveDateTime),
}

/// Binary operators, weakest first. 1C gives each its own precedence level (docs/onec.md §P7.1):
/// `or` < `and` < `ne` < `eq` < `le` < `lt` < `ge` < `gt` < `sub` < `add` < `div` < `mul`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Ne,
    Eq,
    Le,
    Lt,
    Ge,
    Gt,
    Sub,
    Add,
    Div,
    Mul,
}

impl BinOp {
    const ALL: [BinOp; 12] = [
        BinOp::Or,
        BinOp::And,
        BinOp::Ne,
        BinOp::Eq,
        BinOp::Le,
        BinOp::Lt,
        BinOp::Ge,
        BinOp::Gt,
        BinOp::Sub,
        BinOp::Add,
        BinOp::Div,
        BinOp::Mul,
    ];

    pub fn keyword(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Ne => "ne",
            BinOp::Eq => "eq",
            BinOp::Le => "le",
            BinOp::Lt => "lt",
            BinOp::Ge => "ge",
            BinOp::Gt => "gt",
            BinOp::Sub => "sub",
            BinOp::Add => "add",
            BinOp::Div => "div",
            BinOp::Mul => "mul",
        }
    }

    fn precedence(self) -> u8 {
        self as u8 + 1
    }

    fn from_keyword(word: &str) -> Option<BinOp> {
        BinOp::ALL.into_iter().find(|op| op.keyword() == word)
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Ne | BinOp::Eq | BinOp::Le | BinOp::Lt | BinOp::Ge | BinOp::Gt
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LambdaKind {
    Any,
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// A property path `A/B/C` (the first segment may be a lambda variable).
    Path(Vec<String>),
    Binary(Box<Expr>, BinOp, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    /// A supported function call (`cast` and `isof` take the type name as a string literal).
    Call(String, Vec<Expr>),
    /// Navigation from a function result: `cast(X, 'Document_Y')/Поле`.
    Member(Box<Expr>, Vec<String>),
    /// `Path/any(v: body)`, `Path/all(v: body)`, `Path/any()`.
    Lambda {
        path: Vec<String>,
        kind: LambdaKind,
        var: Option<String>,
        body: Option<Box<Expr>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("syntax error at {pos}: {what}")]
    Syntax { pos: usize, what: String },
    #[error("unsupported function {0}")]
    UnsupportedFunction(String),
}

/// Functions 1C implements, with their accepted argument counts.
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("substringof", 2, 2),
    ("startswith", 2, 2),
    ("endswith", 2, 2),
    ("concat", 2, 2),
    ("substring", 2, 3),
    ("like", 2, 2),
    ("year", 1, 1),
    ("month", 1, 1),
    ("day", 1, 1),
    ("hour", 1, 1),
    ("minute", 1, 1),
    ("second", 1, 1),
    ("quarter", 1, 1),
    ("dayofweek", 1, 1),
    ("dayofyear", 1, 1),
    ("dateadd", 3, 3),
    ("datedifference", 3, 3),
    ("cast", 2, 2),
    ("isof", 1, 2),
    ("round", 1, 1),
];

pub fn parse(input: &str) -> Result<Expr, ParseError> {
    let tokens = lex(input)?;
    let mut p = Parser { tokens, pos: 0 };
    let expr = p.expr(0)?;
    match p.peek() {
        None => Ok(expr),
        Some(t) => Err(p.error(format!("unexpected {t:?}"))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Literal),
    LParen,
    RParen,
    Comma,
    Slash,
    Colon,
    Minus,
}

fn syntax(pos: usize, what: impl Into<String>) -> ParseError {
    ParseError::Syntax {
        pos,
        what: what.into(),
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lex(input: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                i += 1;
                continue;
            }
            '(' => out.push((start, Tok::LParen)),
            ')' => out.push((start, Tok::RParen)),
            ',' => out.push((start, Tok::Comma)),
            '/' => out.push((start, Tok::Slash)),
            ':' => out.push((start, Tok::Colon)),
            '-' => out.push((start, Tok::Minus)),
            '\'' => {
                let (s, next) = quoted(&chars, i)?;
                out.push((start, Tok::Lit(Literal::String(s))));
                i = next;
                continue;
            }
            c if c.is_ascii_digit() => {
                let (n, next) = number(&chars, i)?;
                out.push((start, Tok::Lit(Literal::Number(n))));
                i = next;
                continue;
            }
            c if is_ident_char(c) => {
                let mut j = i;
                while j < chars.len() && is_ident_char(chars[j]) {
                    j += 1;
                }
                let word: String = chars[i..j].iter().collect();
                if j < chars.len() && chars[j] == '\'' {
                    let (body, next) = quoted(&chars, j)?;
                    out.push((start, Tok::Lit(typed_literal(&word, &body, start)?)));
                    i = next;
                    continue;
                }
                let tok = match word.as_str() {
                    "true" => Tok::Lit(Literal::Bool(true)),
                    "false" => Tok::Lit(Literal::Bool(false)),
                    _ => Tok::Ident(word),
                };
                out.push((start, tok));
                i = j;
                continue;
            }
            other => return Err(syntax(start, format!("unexpected character {other:?}"))),
        }
        i += 1;
    }
    Ok(out)
}

/// Reads a `'…'` literal with `''` as an escaped quote; returns the text and the index after it.
fn quoted(chars: &[char], open: usize) -> Result<(String, usize), ParseError> {
    let mut s = String::new();
    let mut i = open + 1;
    loop {
        match chars.get(i) {
            None => return Err(syntax(open, "unclosed quote")),
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                s.push('\'');
                i += 2;
            }
            Some('\'') => return Ok((s, i + 1)),
            Some(c) => {
                s.push(*c);
                i += 1;
            }
        }
    }
}

/// Plain decimal numbers only: 1C rejects exponents and type suffixes.
fn number(chars: &[char], start: usize) -> Result<(Decimal, usize), ParseError> {
    let mut i = start;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let frac = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == frac {
            return Err(syntax(start, "bad number"));
        }
    }
    if chars.get(i).is_some_and(|c| is_ident_char(*c)) {
        return Err(syntax(start, "bad number"));
    }
    let text: String = chars[start..i].iter().collect();
    let n = text
        .parse::<Decimal>()
        .map_err(|_| syntax(start, "bad number"))?;
    Ok((n, i))
}

fn typed_literal(prefix: &str, body: &str, pos: usize) -> Result<Literal, ParseError> {
    match prefix {
        "guid" => parse_guid(body)
            .map(Literal::Guid)
            .ok_or_else(|| syntax(pos, "bad guid")),
        "datetime" => parse_datetime(body)
            .map(Literal::DateTime)
            .ok_or_else(|| syntax(pos, "bad datetime")),
        other => Err(syntax(pos, format!("unknown literal type {other}"))),
    }
}

/// A GUID in its canonical 8-4-4-4-12 form only.
pub fn parse_guid(s: &str) -> Option<Uuid> {
    let b = s.as_bytes();
    let dashes_ok = s.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
    if !dashes_ok {
        return None;
    }
    Uuid::parse_str(s).ok()
}

/// `YYYY-MM-DDTHH:MM:SS` (seconds optional); the four-digit year is mandatory in 1C.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let year_len = s.find('-')?;
    if year_len != 4 {
        return None;
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn error(&self, what: impl Into<String>) -> ParseError {
        let at = self
            .tokens
            .get(self.pos)
            .map(|(p, _)| *p)
            .unwrap_or(usize::MAX);
        syntax(at, what)
    }

    fn expect(&mut self, tok: Tok) -> Result<(), ParseError> {
        if self.peek() == Some(&tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {tok:?}")))
        }
    }

    /// Precedence climbing over 1C's per-operator levels; equal levels associate to the left.
    fn expr(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while let Some(Tok::Ident(word)) = self.peek() {
            let Some(op) = BinOp::from_keyword(word) else {
                return Err(self.error(format!("unknown operator {word}")));
            };
            if op.precedence() < min_prec {
                break;
            }
            self.pos += 1;
            let right = self.expr(op.precedence() + 1)?;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Tok::Minus) => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.unary()?)))
            }
            Some(Tok::Ident(w)) if w == "not" => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.next() {
            Some(Tok::Lit(l)) => Ok(Expr::Literal(l)),
            Some(Tok::LParen) => {
                let e = self.expr(0)?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(Tok::Ident(name)) if self.peek() == Some(&Tok::LParen) => {
                let call = self.call(name)?;
                if self.peek() == Some(&Tok::Slash) {
                    self.pos += 1;
                    let segs = self.segments()?;
                    return Ok(Expr::Member(Box::new(call), segs));
                }
                Ok(call)
            }
            Some(Tok::Ident(first)) => self.path(first),
            other => {
                self.pos -= 1;
                Err(self.error(format!("unexpected {other:?}")))
            }
        }
    }

    fn segments(&mut self) -> Result<Vec<String>, ParseError> {
        let mut segs = Vec::new();
        loop {
            match self.next() {
                Some(Tok::Ident(s)) => segs.push(s),
                _ => {
                    self.pos -= 1;
                    return Err(self.error("expected a property name"));
                }
            }
            if self.peek() != Some(&Tok::Slash) {
                return Ok(segs);
            }
            self.pos += 1;
        }
    }

    fn path(&mut self, first: String) -> Result<Expr, ParseError> {
        let mut segs = vec![first];
        while self.peek() == Some(&Tok::Slash) {
            self.pos += 1;
            let seg = match self.next() {
                Some(Tok::Ident(s)) => s,
                _ => {
                    self.pos -= 1;
                    return Err(self.error("expected a property name"));
                }
            };
            let lambda = match seg.as_str() {
                "any" => Some(LambdaKind::Any),
                "all" => Some(LambdaKind::All),
                _ => None,
            };
            if let (Some(kind), Some(Tok::LParen)) = (lambda, self.peek()) {
                self.pos += 1;
                return self.lambda(segs, kind);
            }
            segs.push(seg);
        }
        Ok(Expr::Path(segs))
    }

    fn lambda(&mut self, path: Vec<String>, kind: LambdaKind) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
            if kind == LambdaKind::All {
                return Err(self.error("all() needs a predicate"));
            }
            return Ok(Expr::Lambda {
                path,
                kind,
                var: None,
                body: None,
            });
        }
        let var = match (self.next(), self.next()) {
            (Some(Tok::Ident(v)), Some(Tok::Colon)) => v,
            _ => return Err(self.error("expected `variable:`")),
        };
        let body = self.expr(0)?;
        self.expect(Tok::RParen)?;
        Ok(Expr::Lambda {
            path,
            kind,
            var: Some(var),
            body: Some(Box::new(body)),
        })
    }

    fn call(&mut self, name: String) -> Result<Expr, ParseError> {
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            return Err(ParseError::UnsupportedFunction(name));
        };
        self.expect(Tok::LParen)?;
        let mut args = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                args.push(self.expr(0)?);
                if self.peek() == Some(&Tok::Comma) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
        }
        self.expect(Tok::RParen)?;
        if args.len() < min || args.len() > max {
            return Err(ParseError::UnsupportedFunction(name));
        }
        Ok(Expr::Call(name, args))
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => write!(f, "{n}"),
            Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Literal::Guid(g) => write!(f, "guid'{g}'"),
            Literal::DateTime(d) => write!(f, "datetime'{}'", d.format("%Y-%m-%dT%H:%M:%S")),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::Path(segs) => write!(f, "{}", segs.join("/")),
            Expr::Binary(l, op, r) => write!(f, "({l} {} {r})", op.keyword()),
            Expr::Not(e) => write!(f, "(not {e})"),
            Expr::Neg(e) => write!(f, "(-{e})"),
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
            Expr::Member(e, segs) => write!(f, "{e}/{}", segs.join("/")),
            Expr::Lambda {
                path,
                kind,
                var,
                body,
            } => {
                let k = match kind {
                    LambdaKind::Any => "any",
                    LambdaKind::All => "all",
                };
                match (var, body) {
                    (Some(v), Some(b)) => write!(f, "{}/{k}({v}: {b})", path.join("/")),
                    _ => write!(f, "{}/{k}()", path.join("/")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        parse(s).unwrap().to_string()
    }

    #[test]
    fn precedence_follows_1c_table() {
        assert_eq!(
            canon("a eq 1 and b eq 2 or c eq 3"),
            "(((a eq 1) and (b eq 2)) or (c eq 3))"
        );
        assert_eq!(canon("a add b mul c"), "(a add (b mul c))");
        // `add` binds tighter than `sub` in 1C's table.
        assert_eq!(canon("a sub b add c"), "(a sub (b add c))");
        assert_eq!(canon("a eq b ne c"), "((a eq b) ne c)");
        assert_eq!(canon("not a eq true"), "((not a) eq true)");
    }

    #[test]
    fn literals() {
        assert_eq!(
            canon("Description eq 'ООО ''Ромашка'''"),
            "(Description eq 'ООО ''Ромашка''')"
        );
        assert!(parse("Date ge datetime'1-01-01T00:00:00'").is_err());
        assert!(parse("Date ge datetime'0001-01-01T00:00:00'").is_ok());
        assert!(parse("x gt 1E+20").is_err());
        assert!(parse("x eq 'open").is_err());
        assert!(parse("Ref_Key eq guid'zz'").is_err());
    }

    #[test]
    fn unsupported_operators_and_functions() {
        assert!(matches!(
            parse("Ref_Key in (guid'0d4a79cb-9843-4147-bcd9-80ac3ca2b9c7')"),
            Err(ParseError::Syntax { .. })
        ));
        assert_eq!(
            parse("tolower(Description) eq 'a'"),
            Err(ParseError::UnsupportedFunction("tolower".into()))
        );
        assert!(parse("a mod 2 eq 0").is_err());
    }

    #[test]
    fn lambdas_casts_and_members() {
        assert_eq!(
            canon("Товары/any(d: d/Цена gt 10000)"),
            "Товары/any(d: (d/Цена gt 10000))"
        );
        assert_eq!(canon("Товары/any()"), "Товары/any()");
        let c =
            "(Объект eq cast(guid'6d0c2b1a-0c2f-11ef-8a52-000c29dddd38', 'Document_ЗаказКлиента'))";
        assert_eq!(canon(c), c);
        assert_eq!(
            canon("cast(Основание, 'Document_X')/Место eq 'a'"),
            "(cast(Основание, 'Document_X')/Место eq 'a')"
        );
    }
}
