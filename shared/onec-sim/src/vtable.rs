//! Virtual tables of registers: `Balance`, `Turnovers`, `BalanceAndTurnovers`, `SliceLast`, `SliceFirst`
//! (docs/onec.md §P8), computed from the stored records the way 1C's query language defines them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::db::Db;
use crate::error::{ODataError, Result};
use crate::eval::{self, Evaluator, Frame};
use crate::filter::{Expr, Literal};
use crate::query::parse_filter;
use crate::schema::{EntityType, Field, Kind, Schema, Ty};
use crate::url;
use crate::value::{Row, Value};

#[derive(Clone, Copy, PartialEq)]
enum Func {
    Balance,
    Turnovers,
    BalanceAndTurnovers,
    SliceLast,
    SliceFirst,
}

impl Func {
    fn params(self) -> &'static [&'static str] {
        match self {
            Func::Balance | Func::SliceLast | Func::SliceFirst => {
                &["Period", "Condition", "Dimensions"]
            }
            Func::Turnovers | Func::BalanceAndTurnovers => {
                &["StartPeriod", "EndPeriod", "Condition", "Dimensions"]
            }
        }
    }
}

struct Params {
    period: Option<NaiveDateTime>,
    start: Option<NaiveDateTime>,
    end: Option<NaiveDateTime>,
    condition: Option<Expr>,
    dimensions: Option<Vec<usize>>,
}

/// Computes a virtual table bound to `bound` (the register set or, for slices, its `_RecordType` set).
pub fn compute(
    db: &Db,
    bound: &EntityType,
    name: &str,
    args: &[(String, String)],
) -> Result<(EntityType, Vec<Row>)> {
    let schema = Schema::get();
    let (func, records) = match (&bound.kind, name) {
        (Kind::RecordSets { records }, "Balance")
            if schema.sets[*records].kind == (Kind::AccumRecords { balance: true }) =>
        {
            (Func::Balance, *records)
        }
        (Kind::RecordSets { records }, "BalanceAndTurnovers")
            if schema.sets[*records].kind == (Kind::AccumRecords { balance: true }) =>
        {
            (Func::BalanceAndTurnovers, *records)
        }
        (Kind::RecordSets { records }, "Turnovers")
            if matches!(schema.sets[*records].kind, Kind::AccumRecords { .. }) =>
        {
            (Func::Turnovers, *records)
        }
        (Kind::InfoRecords, "SliceLast") => {
            (Func::SliceLast, schema.index(&bound.name).expect("set"))
        }
        (Kind::InfoRecords, "SliceFirst") => {
            (Func::SliceFirst, schema.index(&bound.name).expect("set"))
        }
        _ => return Err(ODataError::method_not_found()),
    };
    let rec_ty = &schema.sets[records];
    let params = parse_params(func, rec_ty, args)?;
    let rows = &db.tables[records].rows;
    let period_col = rec_ty.field("Period").expect("period");
    let active_col = rec_ty.field("Active").expect("active");
    let mut pass = passes(
        Evaluator::new(db),
        params.condition.as_ref(),
        &rec_ty.fields,
        active_col,
    );
    match func {
        Func::SliceLast | Func::SliceFirst => Ok((
            rec_ty.clone(),
            slice(func, rec_ty, rows, &params, period_col, &mut pass),
        )),
        _ => Ok(aggregate(
            func, rec_ty, rows, &params, period_col, &mut pass,
        )),
    }
}

/// Only active records that meet `Condition` count.
fn passes<'d>(
    mut ev: Evaluator<'d>,
    condition: Option<&'d Expr>,
    fields: &'d [Field],
    active: usize,
) -> impl FnMut(&'d Row) -> bool {
    move |r| {
        r[active].as_bool() && condition.is_none_or(|c| ev.matches(c, Frame { fields, row: r }))
    }
}

fn parse_params(func: Func, rec_ty: &EntityType, args: &[(String, String)]) -> Result<Params> {
    let mut p = Params {
        period: None,
        start: None,
        end: None,
        condition: None,
        dimensions: None,
    };
    let register = rec_ty.register.as_ref().expect("register");
    for (name, value) in args {
        if !func.params().contains(&name.as_str()) {
            return Err(ODataError::unsupported_parameter(name));
        }
        let date = || match parse_filter(value, name) {
            Ok(Expr::Literal(Literal::DateTime(d))) => Ok(d),
            _ => Err(ODataError::parse(name)),
        };
        match name.as_str() {
            "Period" => p.period = Some(date()?),
            "StartPeriod" => p.start = Some(date()?),
            "EndPeriod" => p.end = Some(date()?),
            "Condition" => {
                let text = url::string_param(value).ok_or_else(|| ODataError::parse(name))?;
                let expr = parse_filter(&text, name)?;
                eval::check(&expr, &rec_ty.fields, name)?;
                p.condition = Some(expr);
            }
            _ => {
                let text = url::string_param(value).ok_or_else(|| ODataError::parse(name))?;
                let mut dims = Vec::new();
                for d in text.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                    let i = rec_ty.field(d).filter(|i| register.dims.contains(i));
                    dims.push(i.ok_or_else(|| ODataError::segment_not_found(d))?);
                }
                p.dimensions = Some(dims);
            }
        }
    }
    Ok(p)
}

/// A hashable picture of a dimension value.
fn key_part(v: &Value) -> String {
    match v {
        Value::Guid(g) => g.to_string(),
        Value::Ref(t, g) => format!("{t:?}:{}", **g),
        v if v.as_str().is_some() => v.as_str().unwrap_or_default().to_string(),
        other => format!("{other:?}"),
    }
}

fn slice<'d>(
    func: Func,
    rec_ty: &EntityType,
    rows: &'d [Row],
    p: &Params,
    period_col: usize,
    pass: &mut dyn FnMut(&'d Row) -> bool,
) -> Vec<Row> {
    let dims = &rec_ty.register.as_ref().expect("register").dims;
    let mut best: HashMap<String, &Row> = HashMap::new();
    let mut order = Vec::new();
    for r in rows {
        let at = r[period_col].as_date();
        let in_range = match (func, p.period) {
            (Func::SliceLast, Some(t)) => at <= Some(t),
            (Func::SliceFirst, Some(t)) => at >= Some(t),
            _ => true,
        };
        if !in_range || !pass(r) {
            continue;
        }
        let key: String = dims
            .iter()
            .map(|&d| key_part(&r[d]))
            .collect::<Vec<_>>()
            .join("|");
        match best.get(&key) {
            None => {
                order.push(key.clone());
                best.insert(key, r);
            }
            Some(prev) => {
                let newer = r[period_col].as_date() >= prev[period_col].as_date();
                if (func == Func::SliceLast) == newer {
                    best.insert(key, r);
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|k| best.get(&k).map(|r| (*r).clone()))
        .collect()
}

/// Result fields: every dimension (those not grouped by stay empty) plus the suffixed resources.
fn result_type(
    func: Func,
    rec_ty: &EntityType,
    balance_kind: bool,
) -> (EntityType, Vec<&'static str>) {
    let register = rec_ty.register.as_ref().expect("register");
    let suffixes: Vec<&'static str> = match func {
        Func::Balance => vec!["Balance"],
        Func::Turnovers if balance_kind => vec!["Turnover", "Receipt", "Expense"],
        Func::Turnovers => vec!["Turnover"],
        _ => vec![
            "OpeningBalance",
            "Turnover",
            "Receipt",
            "Expense",
            "ClosingBalance",
        ],
    };
    let mut fields: Vec<Field> = register
        .dims
        .iter()
        .map(|&d| rec_ty.fields[d].clone())
        .collect();
    for &r in &register.resources {
        for s in &suffixes {
            fields.push(Field {
                name: format!("{}{s}", rec_ty.fields[r].name),
                ty: Ty::Double,
            });
        }
    }
    let name = rec_ty.name.trim_end_matches("_RecordType").to_string();
    (
        EntityType {
            name,
            kind: Kind::InfoRegister,
            fields,
            register: None,
        },
        suffixes,
    )
}

fn aggregate<'d>(
    func: Func,
    rec_ty: &EntityType,
    rows: &'d [Row],
    p: &Params,
    period_col: usize,
    pass: &mut dyn FnMut(&'d Row) -> bool,
) -> (EntityType, Vec<Row>) {
    let register = rec_ty.register.as_ref().expect("register");
    let balance_kind = rec_ty.kind == (Kind::AccumRecords { balance: true });
    let record_type = rec_ty.field("RecordType");
    let grouped: Vec<usize> = p
        .dimensions
        .clone()
        .unwrap_or_else(|| register.dims.clone());
    let (out_ty, suffixes) = result_type(func, rec_ty, balance_kind);
    let n_res = register.resources.len();
    // Per group: opening, receipt, expense per resource.
    let mut groups: HashMap<String, (Vec<Value>, Vec<[Decimal; 3]>)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let end = match func {
        Func::Balance => p.period,
        _ => p.end,
    };
    let first = match (func, p.start) {
        (Func::Turnovers, Some(s)) => rows.partition_point(|r| r[period_col].as_date() < Some(s)),
        _ => 0,
    };
    for r in &rows[first..] {
        let at = r[period_col].as_date();
        // Balance(Period=t) excludes movements at t itself; turnover bounds are inclusive.
        let past_end = match (func, end) {
            (Func::Balance, Some(t)) => at >= Some(t),
            (_, Some(t)) => at > Some(t),
            _ => false,
        };
        if past_end {
            break;
        }
        if !pass(r) {
            continue;
        }
        let before_start = p.start.is_some_and(|s| at < Some(s));
        let slot = match func {
            Func::Balance => 0,
            Func::BalanceAndTurnovers if before_start => 0,
            _ => 1,
        };
        let expense = record_type.is_some_and(|c| r[c].as_str() == Some("Expense"));
        let key: String = grouped
            .iter()
            .map(|&d| key_part(&r[d]))
            .collect::<Vec<_>>()
            .join("|");
        let entry = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            let dims_row: Vec<Value> = register
                .dims
                .iter()
                .map(|&d| {
                    if grouped.contains(&d) {
                        r[d].clone()
                    } else {
                        crate::db::empty_of(&rec_ty.fields[d].ty)
                    }
                })
                .collect();
            (dims_row, vec![[Decimal::ZERO; 3]; n_res])
        });
        for (k, &res) in register.resources.iter().enumerate() {
            let v = r[res].as_num();
            let sums = &mut entry.1[k];
            match (slot, expense) {
                (0, false) => sums[0] += v,
                (0, true) => sums[0] -= v,
                (_, false) => sums[1] += v,
                (_, true) => sums[2] += v,
            }
        }
    }
    let rows_out = order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .filter_map(|(mut row, sums)| {
            let mut any = false;
            for s in &sums {
                let [opening, receipt, expense] = *s;
                for suffix in &suffixes {
                    let v = match *suffix {
                        "Balance" | "OpeningBalance" => opening,
                        "Turnover" => receipt - expense,
                        "Receipt" => receipt,
                        "Expense" => expense,
                        _ => opening + receipt - expense,
                    };
                    any |= !v.is_zero();
                    row.push(Value::num(v));
                }
            }
            // 1C omits rows whose resources are all zero.
            any.then(|| row.into_boxed_slice())
        })
        .collect();
    (out_ty, rows_out)
}
