//! Property tests: every filter the builder can make parses, with the simulator's independent
//! 1C `$filter` parser, to the same expression tree; string literals (quotes, Cyrillic, `%`, `&`…)
//! stay literals, on the wire too; no builder input adds a clause.

use chrono::{NaiveDate, NaiveDateTime};
use onec_client::filter::{CmpOp, Func};
use onec_client::{Expr, Guid, Literal, Name, Path, Query, VirtualTable, field};
use onec_sim::filter::{self as sim, BinOp};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn to_sim_lit(l: &Literal) -> sim::Expr {
    let lit = |l| sim::Expr::Literal(l);
    match l {
        Literal::Guid(g) => lit(sim::Literal::Guid(g.as_uuid())),
        Literal::String(s) => lit(sim::Literal::String(s.clone())),
        Literal::DateTime(t) => lit(sim::Literal::DateTime(*t)),
        Literal::Bool(b) => lit(sim::Literal::Bool(*b)),
        // 1C has no negative number token: `-5` is unary minus applied to `5`.
        Literal::Number(n) if n.is_sign_negative() && !n.is_zero() => {
            sim::Expr::Neg(Box::new(lit(sim::Literal::Number(n.abs()))))
        }
        Literal::Number(n) => lit(sim::Literal::Number(n.abs())),
    }
}

fn op(o: CmpOp) -> BinOp {
    match o {
        CmpOp::Eq => BinOp::Eq,
        CmpOp::Ne => BinOp::Ne,
        CmpOp::Gt => BinOp::Gt,
        CmpOp::Ge => BinOp::Ge,
        CmpOp::Lt => BinOp::Lt,
        CmpOp::Le => BinOp::Le,
    }
}

fn func(f: Func) -> &'static str {
    match f {
        Func::SubstringOf => "substringof",
        Func::StartsWith => "startswith",
        Func::EndsWith => "endswith",
        Func::Year => "year",
        Func::Month => "month",
        Func::Day => "day",
    }
}

fn chain(items: &[Expr], o: BinOp, empty: bool) -> sim::Expr {
    let mut it = items.iter().map(to_sim);
    match it.next() {
        None => sim::Expr::Literal(sim::Literal::Bool(empty)),
        Some(first) => it.fold(first, |acc, e| {
            sim::Expr::Binary(Box::new(acc), o, Box::new(e))
        }),
    }
}

/// The tree the builder means, in the simulator's terms (binary, left-associative chains).
fn to_sim(e: &Expr) -> sim::Expr {
    match e {
        Expr::Field(p) => {
            sim::Expr::Path(p.segments().iter().map(|n| n.as_str().to_owned()).collect())
        }
        Expr::Lit(l) => to_sim_lit(l),
        Expr::Cast(g, t) => sim::Expr::Call(
            "cast".into(),
            vec![
                to_sim_lit(&Literal::Guid(*g)),
                to_sim_lit(&Literal::String(t.as_str().into())),
            ],
        ),
        Expr::Call(f, args) => sim::Expr::Call(func(*f).into(), args.iter().map(to_sim).collect()),
        Expr::Cmp(l, o, r) => sim::Expr::Binary(Box::new(to_sim(l)), op(*o), Box::new(to_sim(r))),
        Expr::Not(e) => sim::Expr::Not(Box::new(to_sim(e))),
        Expr::And(v) => chain(v, BinOp::And, true),
        Expr::Or(v) => chain(v, BinOp::Or, false),
    }
}

fn name() -> impl Strategy<Value = Name> {
    "[A-Za-zА-Яа-яЁё_][A-Za-zА-Яа-яЁё0-9_]{0,12}"
        .prop_filter_map("reserved word", |s| Name::parse(&s).ok())
}

fn path() -> impl Strategy<Value = Path> {
    prop::collection::vec(name(), 1..4).prop_map(|v| {
        let mut it = v.into_iter();
        let first = Path::new(it.next().unwrap());
        it.fold(first, Path::then)
    })
}

/// Strings that stress quoting and encoding, and arbitrary Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "['%&=+#?/ ,()А-Яа-яЁёa-z0-9$:*\"\\\\-]{0,24}",
        any::<String>().prop_map(|s| s.chars().filter(|c| !c.is_control()).collect()),
    ]
}

fn datetime() -> impl Strategy<Value = NaiveDateTime> {
    (
        1i32..=9999,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, m, d, h, mi, s)| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, mi, s)
                .unwrap()
        })
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<u128>().prop_map(|n| Literal::Guid(Guid::from_uuid(uuid::Uuid::from_u128(n)))),
        text().prop_map(Literal::String),
        datetime().prop_map(Literal::DateTime),
        any::<bool>().prop_map(Literal::Bool),
        (any::<i64>(), 0u32..12).prop_map(|(m, s)| Literal::Number(Decimal::new(m, s))),
    ]
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
        Just(CmpOp::Lt),
        Just(CmpOp::Le)
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (path(), cmp_op(), literal()).prop_map(|(p, o, l)| Expr::Cmp(
            Box::new(Expr::Field(p)),
            o,
            Box::new(Expr::Lit(l))
        )),
        (path(), any::<u128>(), name()).prop_map(
            |(p, g, t)| field(p).eq(Expr::cast(Guid::from_uuid(uuid::Uuid::from_u128(g)), t))
        ),
        (path(), text()).prop_map(|(p, s)| field(p).contains(s)),
        (path(), text()).prop_map(|(p, s)| field(p).starts_with(s)),
        (path(), 1i64..3000).prop_map(|(p, y)| Expr::Cmp(
            Box::new(Expr::Call(Func::Year, vec![Expr::Field(p)])),
            CmpOp::Eq,
            Box::new(Expr::from(y))
        )),
        (path(), any::<bool>()).prop_map(|(p, b)| field(p).eq(b)),
        Just(Expr::And(vec![])),
        Just(Expr::Or(vec![])),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::Or),
            inner.prop_map(Expr::not),
        ]
    })
}

/// The decoded `$filter` value as the simulator reads it off the wire.
fn filter_on_wire(q: &Query) -> String {
    let wire = q.query_wire();
    let mut found = None;
    for part in wire.split('&') {
        let (k, v) = part.split_once('=').expect("every option is name=value");
        if k == "$filter" {
            found = Some(percent_decode_str(v).decode_utf8().unwrap().into_owned());
        }
    }
    found.expect("a $filter option")
}

/// `,` followed by ASCII letters and `=`: where the simulator starts a new virtual-table argument.
fn looks_like_next_param(s: &str) -> bool {
    s.match_indices(',').any(|(i, _)| {
        let rest = &s[i + 1..];
        let n = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        n > 0 && rest.as_bytes().get(n) == Some(&b'=')
    })
}

proptest! {
    // 400 cases by default; `PROPTEST_CASES=N` for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400)
    ))]

    #[test]
    fn filters_round_trip_through_the_simulators_parser(e in expr()) {
        let text = e.to_string();
        let parsed = sim::parse(&text);
        prop_assert!(parsed.is_ok(), "{text:?}: {parsed:?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.to_string(), to_sim(&e).to_string(), "{}", text);
        prop_assert_eq!(parsed, to_sim(&e));
    }

    #[test]
    fn the_wire_carries_the_filter_unchanged(e in expr(), set in name()) {
        let q = Query::set(set).filter(e.clone()).top(10);
        // Exactly the options built, whatever the literals contain.
        prop_assert_eq!(q.query_wire().split('&').count(), 3);
        prop_assert!(!q.query_wire().contains('+') && !q.query_wire().contains(' '));
        let decoded = filter_on_wire(&q);
        prop_assert_eq!(&decoded, &e.to_string());
        prop_assert_eq!(sim::parse(&decoded).unwrap(), to_sim(&e));
    }

    #[test]
    fn no_string_can_add_a_clause(f in path(), s in text()) {
        let e = field(f.clone()).eq(s.clone());
        let want = sim::Expr::Binary(
            Box::new(sim::Expr::Path(f.segments().iter().map(|n| n.as_str().to_owned()).collect())),
            BinOp::Eq,
            Box::new(sim::Expr::Literal(sim::Literal::String(s))),
        );
        let q = Query::set(Name::of("Catalog_Склады")).filter(e);
        prop_assert_eq!(sim::parse(&filter_on_wire(&q)).unwrap(), want);
    }

    #[test]
    fn conditions_in_the_path_round_trip(e in expr()) {
        // The simulator splits virtual-table arguments at `,Name=` even inside a quoted
        // `Condition`: skip the rare literals with that shape (a simulator limit, not the builder's).
        prop_assume!(!looks_like_next_param(&e.to_string()));
        let q = Query::virtual_table(
            Name::of("InformationRegister_ЦеныНоменклатуры_RecordType"),
            VirtualTable::SliceLast { period: None, condition: Some(e.clone()) },
        );
        let wire = q.wire();
        let path = wire.split('?').next().unwrap();
        prop_assert!(!path.contains('?') && !path.contains('#') && !path.contains(' '));
        let decoded = percent_decode_str(path).decode_utf8().unwrap().into_owned();
        let segs = onec_sim::url::split_top(&decoded, '/');
        prop_assert_eq!(segs.len(), 2, "{}", decoded);
        let (func, args) = onec_sim::url::name_and_args(segs[1]).unwrap();
        prop_assert_eq!(func, "SliceLast");
        let args = onec_sim::url::function_args(args.unwrap());
        prop_assert_eq!(args.len(), 1);
        prop_assert_eq!(args[0].0.as_str(), "Condition");
        let quoted = &args[0].1;
        let inner = quoted[1..quoted.len() - 1].replace("''", "'");
        prop_assert_eq!(sim::parse(&inner).unwrap(), to_sim(&e));
    }
}
