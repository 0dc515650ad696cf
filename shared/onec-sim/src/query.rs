//! Answers one OData request: resolves the resource, applies the query options, renders 1C's JSON.

use std::cmp::Ordering;
use std::collections::HashSet;

use axum::http::StatusCode;
use uuid::Uuid;

use crate::db::Db;
use crate::error::{ODataError, Result};
use crate::eval::{self, Evaluator, Frame};
use crate::filter::{self, BinOp, Expr, Literal, ParseError};
use crate::schema::{EntityType, Kind, Schema, Ty};
use crate::select::{Exp, Renderer, Sel, SelfLink};
use crate::url;
use crate::value::{Row, Value};
use crate::vtable;

/// A successful answer: JSON or plain text (`$count`) or XML (`$metadata`).
#[derive(Debug)]
pub enum Answer {
    Json(String),
    Text(String),
    Xml(String),
}

/// Options that change how 1C treats a request; the defaults follow its documentation.
#[derive(Debug, Clone)]
pub struct Dialect {
    /// 1C documents that `$inlinecount` makes it ignore `$top`/`$skip` (docs/onec.md §P12).
    pub inlinecount_ignores_paging: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            inlinecount_ignores_paging: true,
        }
    }
}

const SYSTEM_OPTIONS: &[&str] = &[
    "$format",
    "$filter",
    "$select",
    "$expand",
    "$orderby",
    "$top",
    "$skip",
    "$inlinecount",
    "$allowedOnly",
    "allowedOnly",
];

pub struct Query<'a> {
    pub root: &'a str,
    pub path: &'a str,
    pub params: &'a [(String, String)],
    pub dialect: &'a Dialect,
}

impl Query<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn run(&self, db: &Db) -> Result<Answer> {
        for (k, _) in self.params {
            if k.starts_with('$') && !SYSTEM_OPTIONS.contains(&k.as_str()) {
                return Err(ODataError::not_supported(format!(
                    "Параметр запроса {k} не поддерживается"
                )));
            }
        }
        let segs = url::split_top(self.path, '/');
        let segs: Vec<&str> = segs.into_iter().filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            [] => Ok(Answer::Json(crate::metadata::service_document(self.root))),
            ["$metadata"] => Ok(Answer::Xml(crate::metadata::csdl())),
            [first, rest @ ..] => self.resource(db, first, rest),
        }
    }

    fn resource(&self, db: &Db, first: &str, rest: &[&str]) -> Result<Answer> {
        let (name, key) = url::name_and_args(first)?;
        let schema = Schema::get();
        let set_idx = schema
            .index(name)
            .ok_or_else(|| ODataError::unknown_set(name))?;
        let ty = &schema.sets[set_idx];
        match (key, rest) {
            (Some(key), nav) => self.single(db, ty, key, nav),
            (None, []) => self.collection(db, ty, None),
            (None, ["$count"]) => {
                let filter = self.filter(ty)?;
                let rows = self.filtered(
                    db,
                    ty,
                    base_rows(db, ty, &HashSet::new(), None),
                    filter.as_ref(),
                )?;
                Ok(Answer::Text(rows.len().to_string()))
            }
            (None, [func]) => {
                let (fname, args) = url::name_and_args(func)?;
                let mut args = args.map(url::function_args).unwrap_or_default();
                for p in [
                    "Period",
                    "StartPeriod",
                    "EndPeriod",
                    "Condition",
                    "Dimensions",
                ] {
                    if let Some(v) = self.param(p) {
                        args.push((p.to_string(), v.to_string()));
                    }
                }
                let (vty, rows) = vtable::compute(db, ty, fname, &args)?;
                self.collection(db, &vty, Some(rows))
            }
            (None, [_, extra, ..]) => Err(ODataError::new(
                StatusCode::BAD_REQUEST,
                "6",
                format!("Неверный URL: {extra}"),
            )),
        }
    }

    fn filter(&self, ty: &EntityType) -> Result<Option<Expr>> {
        let Some(text) = self.param("$filter") else {
            return Ok(None);
        };
        let expr = parse_filter(text, "$filter")?;
        eval::check(&expr, &ty.fields, "$filter")?;
        Ok(Some(expr))
    }

    fn filtered<'d>(
        &self,
        db: &'d Db,
        ty: &'d EntityType,
        rows: Vec<&'d Row>,
        expr: Option<&'d Expr>,
    ) -> Result<Vec<&'d Row>> {
        let Some(expr) = expr else { return Ok(rows) };
        let mut ev = Evaluator::new(db);
        Ok(rows
            .into_iter()
            .filter(|row| {
                ev.matches(
                    expr,
                    Frame {
                        fields: &ty.fields,
                        row,
                    },
                )
            })
            .collect())
    }

    fn collection(&self, db: &Db, ty: &EntityType, computed: Option<Vec<Row>>) -> Result<Answer> {
        let sel = Sel::parse(self.param("$select"));
        sel.validate(&ty.fields)?;
        let exp = Exp::parse(self.param("$expand"));
        exp.validate(&ty.fields)?;
        let filter = self.filter(ty)?;
        let keys = filter.as_ref().map(key_hints).unwrap_or_default();
        let derived: Vec<Row>;
        let rows: Vec<&Row> = match computed {
            Some(rows) => {
                derived = rows;
                derived.iter().collect()
            }
            None => match derive_rows(db, ty, &keys) {
                Some(rows) => {
                    derived = rows;
                    derived.iter().collect()
                }
                None if keys.is_empty() => filter
                    .as_ref()
                    .and_then(|f| indexed_rows(db, ty, f))
                    .unwrap_or_else(|| base_rows(db, ty, &keys, None)),
                None => base_rows(db, ty, &keys, None),
            },
        };
        let mut rows = self.filtered(db, ty, rows, filter.as_ref())?;
        self.order(db, ty, &mut rows)?;
        let count = match self.param("$inlinecount") {
            None | Some("none") => None,
            Some("allpages") => Some(rows.len()),
            Some(_) => return Err(ODataError::parse("$inlinecount")),
        };
        let (skip, top) = (
            number_option(self.param("$skip"), "$skip")?,
            number_option(self.param("$top"), "$top")?,
        );
        let page: Vec<&Row> = if count.is_some() && self.dialect.inlinecount_ignores_paging {
            rows
        } else {
            rows.into_iter()
                .skip(skip.unwrap_or(0))
                .take(top.unwrap_or(usize::MAX))
                .collect()
        };
        Ok(Answer::Json(
            self.render_collection(db, ty, &page, &sel, &exp, count),
        ))
    }

    fn render_collection(
        &self,
        db: &Db,
        ty: &EntityType,
        rows: &[&Row],
        sel: &Sel,
        exp: &Exp,
        count: Option<usize>,
    ) -> String {
        let mut r = Renderer::new(db);
        r.out.push_str("{\"odata.metadata\":");
        crate::value::write_json_str(&mut r.out, &format!("{}$metadata#{}", self.root, ty.name));
        if let Some(n) = count {
            r.out.push_str(&format!(",\"odata.count\":\"{n}\""));
        }
        r.out.push_str(",\"value\":[");
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                r.out.push(',');
            }
            let link = ty.has_key().then(|| SelfLink {
                set: &ty.name,
                key: row[0].as_guid().unwrap_or_default(),
            });
            r.object(&ty.fields, row, sel, exp, link.as_ref());
        }
        r.out.push_str("]}");
        r.out
    }

    fn single(&self, db: &Db, ty: &EntityType, key: &str, nav: &[&str]) -> Result<Answer> {
        if self.param("$expand").is_some() {
            return Err(ODataError::not_supported(
                "Опция $expand не поддерживается для одиночной сущности",
            ));
        }
        let (row_ty, row) = find_by_key(db, ty, key)?;
        let mut ty = row_ty;
        let mut row = row;
        for seg in nav {
            let i = ty
                .fields
                .iter()
                .position(|f| f.name == *seg && matches!(f.ty, Ty::Ref(_)));
            let Some(i) = i else {
                return Err(ODataError::segment_not_found(seg));
            };
            let Ty::Ref(target) = ty.fields[i].ty else {
                unreachable!("checked above")
            };
            let id = row[i].as_guid().unwrap_or_default();
            row = db
                .get(target, id)
                .cloned()
                .ok_or_else(ODataError::not_found)?;
            ty = Schema::get().set(target).clone();
        }
        let sel = Sel::parse(self.param("$select"));
        sel.validate(&ty.fields)?;
        let mut r = Renderer::new(db);
        r.out.push_str("{\"odata.metadata\":");
        crate::value::write_json_str(
            &mut r.out,
            &format!("{}$metadata#{}/@Element", self.root, ty.name),
        );
        let mut first = false;
        let link = ty.has_key().then(|| SelfLink {
            set: &ty.name,
            key: row[0].as_guid().unwrap_or_default(),
        });
        r.members(
            &ty.fields,
            &row,
            &sel,
            &Exp::default(),
            link.as_ref(),
            &mut first,
        );
        r.out.push('}');
        Ok(Answer::Json(r.out))
    }

    fn order(&self, db: &Db, ty: &EntityType, rows: &mut [&Row]) -> Result<()> {
        let Some(text) = self.param("$orderby") else {
            return Ok(());
        };
        // On recorder register record sets 1C ignores $orderby entirely, even unknown names.
        if matches!(ty.kind, Kind::RecordSets { .. }) {
            return Ok(());
        }
        let mut keys: Vec<(Expr, bool)> = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            let (expr_text, desc) = match item.rsplit_once(char::is_whitespace) {
                Some((e, "desc")) => (e.trim(), true),
                Some((e, "asc")) => (e.trim(), false),
                _ => (item, false),
            };
            if expr_text == "Ref_Key" && ty.has_key() {
                keys.extend(auto_order(ty).into_iter().map(|e| (e, desc)));
                continue;
            }
            let expr = parse_filter(expr_text, "$orderby")?;
            eval::check(&expr, &ty.fields, "$orderby")?;
            keys.push((expr, desc));
        }
        let mut ev = Evaluator::new(db);
        let mut keyed: Vec<(Vec<Value>, &Row)> = rows
            .iter()
            .map(|row| {
                let k = keys
                    .iter()
                    .map(|(e, _)| {
                        ev.eval(
                            e,
                            Frame {
                                fields: &ty.fields,
                                row,
                            },
                        )
                    })
                    .collect();
                (k, *row)
            })
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (_, desc)) in keys.iter().enumerate() {
                let o = eval::compare(&a[i], &b[i]).unwrap_or(Ordering::Equal);
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        for (slot, (_, row)) in rows.iter_mut().zip(keyed) {
            *slot = row;
        }
        Ok(())
    }
}

/// `$orderby=Ref_Key` sorts by the object's auto-order, not by GUID (docs/onec.md §P7.4).
fn auto_order(ty: &EntityType) -> Vec<Expr> {
    let names: &[&str] = if ty.is_document() {
        &["Date", "Number"]
    } else {
        &["Description", "Code"]
    };
    names
        .iter()
        .filter(|n| ty.field(n).is_some())
        .map(|n| Expr::Path(vec![n.to_string()]))
        .collect()
}

pub fn parse_filter(text: &str, option: &str) -> Result<Expr> {
    filter::parse(text).map_err(|e| match e {
        ParseError::UnsupportedFunction(name) => ODataError::unsupported_function(&name),
        ParseError::Syntax { .. } => ODataError::parse(option),
    })
}

fn number_option(v: Option<&str>, name: &str) -> Result<Option<usize>> {
    v.map(|s| s.parse::<usize>().map_err(|_| ODataError::parse(name)))
        .transpose()
}

/// GUIDs a filter pins `Ref_Key` to (`Ref_Key eq guid'…'` alone or in an `or`-chain, under `and`), so key
/// lookups skip a scan. Empty = no restriction.
fn key_hints(expr: &Expr) -> HashSet<Uuid> {
    fn or_chain(e: &Expr, out: &mut HashSet<Uuid>) -> bool {
        match e {
            Expr::Binary(l, BinOp::Or, r) => or_chain(l, out) && or_chain(r, out),
            Expr::Binary(l, BinOp::Eq, r) => match (l.as_ref(), r.as_ref()) {
                (Expr::Path(p), Expr::Literal(Literal::Guid(g)))
                    if p.len() == 1 && p[0] == "Ref_Key" =>
                {
                    out.insert(*g);
                    true
                }
                _ => false,
            },
            _ => false,
        }
    }
    let mut out = HashSet::new();
    match expr {
        Expr::Binary(l, BinOp::And, r) => {
            let left = key_hints(l);
            if !left.is_empty() {
                return left;
            }
            return key_hints(r);
        }
        e => {
            if !or_chain(e, &mut out) {
                out.clear();
            }
        }
    }
    out
}

/// References a filter pins an attribute to, under `and`: `X_Key eq guid'…'` (either way round) and
/// `X eq cast(guid'…', 'Set')` for a composite attribute.
fn ref_hints<'e>(expr: &'e Expr, out: &mut Vec<(&'e str, Uuid)>) {
    let guid = |e: &Expr| match e {
        Expr::Literal(Literal::Guid(g)) => Some(*g),
        Expr::Call(name, args) if name == "cast" => match args.first() {
            Some(Expr::Literal(Literal::Guid(g))) => Some(*g),
            _ => None,
        },
        _ => None,
    };
    match expr {
        Expr::Binary(l, BinOp::And, r) => {
            ref_hints(l, out);
            ref_hints(r, out);
        }
        Expr::Binary(l, BinOp::Eq, r) => match (l.as_ref(), r.as_ref()) {
            (Expr::Path(p), other) | (other, Expr::Path(p)) if p.len() == 1 => {
                if let Some(g) = guid(other) {
                    out.push((p[0].as_str(), g));
                }
            }
            _ => {}
        },
        _ => {}
    }
}

/// Rows a filter can only match among those a secondary index lists (the narrowest such list, in
/// table order); `None` when no indexed reference is pinned. The filter is still applied to them.
fn indexed_rows<'d>(db: &'d Db, ty: &EntityType, expr: &Expr) -> Option<Vec<&'d Row>> {
    let t = &db.tables[Schema::get().index(&ty.name)?];
    if t.by_ref.is_empty() {
        return None;
    }
    let mut hints = Vec::new();
    ref_hints(expr, &mut hints);
    let narrowest = hints
        .into_iter()
        .filter_map(|(name, id)| {
            let column = ty.fields.iter().position(|f| f.is_wire(name))?;
            let index = t.index_of(column)?;
            Some(index.positions.get(&id).map_or(&[][..], Vec::as_slice))
        })
        .min_by_key(|positions| positions.len())?;
    let mut positions = narrowest.to_vec();
    positions.sort_unstable();
    positions.dedup();
    Some(positions.into_iter().map(|i| &t.rows[i as usize]).collect())
}

/// Rows stored in a table, narrowed by key hints where the set is keyed.
fn base_rows<'d>(
    db: &'d Db,
    ty: &EntityType,
    keys: &HashSet<Uuid>,
    _limit: Option<usize>,
) -> Vec<&'d Row> {
    let t = &db.tables[Schema::get().index(&ty.name).expect("known set")];
    if ty.has_key() && !keys.is_empty() {
        let mut pos: Vec<usize> = keys
            .iter()
            .filter_map(|k| t.by_key.get(k).copied())
            .collect();
        pos.sort_unstable();
        return pos.into_iter().map(|i| &t.rows[i]).collect();
    }
    t.rows.iter().collect()
}

/// Rows of sets that are views over stored data: tabular sections and register record sets.
fn derive_rows(db: &Db, ty: &EntityType, keys: &HashSet<Uuid>) -> Option<Vec<Row>> {
    let schema = Schema::get();
    match &ty.kind {
        Kind::Section { owner, field } => {
            let owner_ty = &schema.sets[*owner];
            let owners = base_rows(db, owner_ty, keys, None);
            Some(
                owners
                    .into_iter()
                    .flat_map(|o| {
                        o[*field].as_table().iter().map(move |line| {
                            std::iter::once(o[0].clone())
                                .chain(line.iter().cloned())
                                .collect()
                        })
                    })
                    .collect(),
            )
        }
        Kind::RecordSets { records } => {
            let rec_ty = &schema.sets[*records];
            let recorder = rec_ty.field("Recorder").expect("recorder");
            let mut order: Vec<Value> = Vec::new();
            let mut groups: std::collections::HashMap<String, Vec<Row>> =
                std::collections::HashMap::new();
            for r in &db.tables[*records].rows {
                let k = format!("{:?}", r[recorder]);
                let g = groups.entry(k).or_insert_with(|| {
                    order.push(r[recorder].clone());
                    Vec::new()
                });
                let rest = r.iter().enumerate().filter(|(i, _)| *i != recorder);
                g.push(rest.map(|(_, v)| v.clone()).collect());
            }
            Some(
                order
                    .into_iter()
                    .map(|rec| {
                        let rows = groups.remove(&format!("{rec:?}")).unwrap_or_default();
                        Row::from([rec, Value::table(rows)])
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Key access: `Set(guid'…')`, `Set(Ref_Key=guid'…')`, `Set_Section(Ref_Key=guid'…',LineNumber=1)`.
fn find_by_key(db: &Db, ty: &EntityType, key: &str) -> Result<(EntityType, Row)> {
    let bad_key = || {
        ODataError::new(
            StatusCode::BAD_REQUEST,
            "6",
            format!("Неверный ключ сущности: {key}"),
        )
    };
    let parts = url::split_top(key, ',');
    let mut guid = None;
    let mut line = None;
    for part in parts {
        let (name, value) = match part.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => ("Ref_Key", part.trim()),
        };
        match (name, parse_filter(value, "key")) {
            ("Ref_Key", Ok(Expr::Literal(Literal::Guid(g)))) => guid = Some(g),
            ("LineNumber", Ok(Expr::Literal(Literal::Number(n)))) => line = Some(n),
            _ => return Err(bad_key()),
        }
    }
    let guid = guid.ok_or_else(bad_key)?;
    match &ty.kind {
        Kind::Catalog | Kind::Document | Kind::Chart if line.is_none() => {
            let row = db
                .get(&ty.name, guid)
                .cloned()
                .ok_or_else(ODataError::not_found)?;
            Ok((ty.clone(), row))
        }
        Kind::Section { .. } => {
            let line = line.ok_or_else(bad_key)?;
            let rows = derive_rows(db, ty, &HashSet::from([guid])).unwrap_or_default();
            let ln = ty.field("LineNumber").expect("line number");
            let row = rows
                .into_iter()
                .find(|r| r[ln].as_num() == line)
                .ok_or_else(ODataError::not_found)?;
            Ok((ty.clone(), row))
        }
        _ => Err(bad_key()),
    }
}
