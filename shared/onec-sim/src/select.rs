//! `$select` and `$expand` trees, validated against the schema, and the JSON renderer that applies them.

use std::collections::BTreeMap;

use base64::Engine;

use crate::db::Db;
use crate::error::{ODataError, Result};
use crate::schema::{Field, Schema, Ty};
use crate::value::{Row, Value, fmt_date, write_json_num, write_json_str};

/// Which members of an object to write. `all` = `*` (or no `$select`), `no_tables` = `**`.
#[derive(Debug, Default, Clone)]
pub struct Sel {
    pub all: bool,
    pub no_tables: bool,
    pub children: BTreeMap<String, Sel>,
}

#[derive(Debug, Default, Clone)]
pub struct Exp {
    pub children: BTreeMap<String, Exp>,
}

impl Sel {
    pub fn everything() -> Sel {
        Sel {
            all: true,
            ..Sel::default()
        }
    }

    pub fn parse(select: Option<&str>) -> Sel {
        let Some(select) = select.filter(|s| !s.trim().is_empty()) else {
            return Sel::everything();
        };
        let mut root = Sel::default();
        for item in select.split(',') {
            let mut node = &mut root;
            for seg in item.trim().split('/') {
                match seg {
                    "*" => node.all = true,
                    "**" => node.no_tables = true,
                    name => node = node.children.entry(name.to_string()).or_default(),
                }
            }
        }
        root
    }

    /// What to write for a nested object or table when the selection names it without sub-fields.
    fn sub(&self, name: &str) -> Option<Sel> {
        match self.children.get(name) {
            Some(s) if s.children.is_empty() && !s.no_tables => Some(Sel::everything()),
            Some(s) => Some(s.clone()),
            None if self.all => Some(Sel::everything()),
            None => None,
        }
    }

    fn wants(&self, wire: &str, is_table: bool) -> bool {
        if self.all {
            return true;
        }
        if self.no_tables && !is_table {
            return true;
        }
        self.children.contains_key(wire)
    }

    /// Refuses names the type does not have, echoing the name as 1C does.
    pub fn validate(&self, fields: &[Field]) -> Result<()> {
        for (name, sub) in &self.children {
            match find(fields, name) {
                Some(Member::Plain(f)) if !sub.children.is_empty() || sub.all || sub.no_tables => {
                    match &f.ty {
                        Ty::Table(rows) => sub.validate(&with_owner_key(rows))?,
                        _ => {
                            return Err(ODataError::segment_not_found(
                                sub.children.keys().next().unwrap_or(name),
                            ));
                        }
                    }
                }
                Some(Member::Nav(target)) => sub.validate(&Schema::get().set(target).fields)?,
                Some(_) => {}
                None => return Err(ODataError::segment_not_found(name)),
            }
        }
        Ok(())
    }
}

impl Exp {
    pub fn parse(expand: Option<&str>) -> Exp {
        let mut root = Exp::default();
        for item in expand
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let mut node = &mut root;
            for seg in item.split('/') {
                node = node.children.entry(seg.to_string()).or_default();
            }
        }
        root
    }

    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    pub fn validate(&self, fields: &[Field]) -> Result<()> {
        for (name, sub) in &self.children {
            match find(fields, name) {
                Some(Member::Nav(target)) => sub.validate(&Schema::get().set(target).fields)?,
                _ => return Err(ODataError::segment_not_found(name)),
            }
        }
        Ok(())
    }
}

/// Tabular-section row fields with the owner's `Ref_Key` in front.
fn with_owner_key(rows: &[Field]) -> Vec<Field> {
    let mut fields = vec![Field {
        name: "Ref_Key".into(),
        ty: Ty::Key,
    }];
    fields.extend(rows.iter().cloned());
    fields
}

enum Member<'a> {
    Plain(&'a Field),
    Nav(&'static str),
    Type,
}

fn find<'a>(fields: &'a [Field], name: &str) -> Option<Member<'a>> {
    fields.iter().find_map(|f| {
        if f.wire_name() == name {
            return Some(Member::Plain(f));
        }
        match &f.ty {
            Ty::Ref(t) if f.name == name => Some(Member::Nav(t)),
            Ty::Composite | Ty::Binary if name == format!("{}_Type", f.name) => Some(Member::Type),
            _ => None,
        }
    })
}

/// Writes JSON objects for rows of one entity type.
pub struct Renderer<'a> {
    pub db: &'a Db,
    pub out: String,
}

/// The object's own address, for `X@navigationLinkUrl`.
pub struct SelfLink<'a> {
    pub set: &'a str,
    pub key: uuid::Uuid,
}

impl<'a> Renderer<'a> {
    pub fn new(db: &'a Db) -> Self {
        Renderer {
            db,
            out: String::with_capacity(4096),
        }
    }

    fn member(&mut self, first: &mut bool, name: &str) {
        if !*first {
            self.out.push(',');
        }
        *first = false;
        write_json_str(&mut self.out, name);
        self.out.push(':');
    }

    /// Writes the members of one object (without braces), in metadata order.
    pub fn members(
        &mut self,
        fields: &[Field],
        row: &Row,
        sel: &Sel,
        exp: &Exp,
        link: Option<&SelfLink>,
        first: &mut bool,
    ) {
        let mut links = Vec::new();
        for (f, v) in fields.iter().zip(row) {
            match &f.ty {
                Ty::Ref(target) => {
                    if sel.wants(&f.wire_name(), false) {
                        self.member(first, &f.wire_name());
                        self.value(v);
                    }
                    let named = sel.children.contains_key(&f.name);
                    match exp.children.get(&f.name) {
                        Some(sub_exp) if named || sel.all => {
                            let sub_sel = sel.sub(&f.name).unwrap_or_else(Sel::everything);
                            self.member(first, &f.name);
                            self.expanded(target, v, &sub_sel, sub_exp);
                        }
                        _ if named || (sel.all && link.is_some()) => links.push(f.name.clone()),
                        _ => {}
                    }
                }
                Ty::Composite => {
                    let type_name = format!("{}_Type", f.name);
                    if sel.wants(&f.name, false) || sel.children.contains_key(&type_name) {
                        let ctype = v.ctype().unwrap_or(crate::value::CType::Undefined);
                        let ctype = ctype.wire_name();
                        self.member(first, &f.name);
                        self.composite_value(v);
                        self.member(first, &type_name);
                        write_json_str(&mut self.out, &ctype);
                    }
                }
                Ty::Table(row_fields) => {
                    if let Some(sub) = sel.sub(&f.name).filter(|_| sel.wants(&f.name, true)) {
                        self.member(first, &f.name);
                        self.out.push('[');
                        // Rows carry their owner's key, as in the `<Set>_<Section>` set.
                        let owner_key = row.first().filter(|_| matches!(fields[0].ty, Ty::Key));
                        let keyed_fields = with_owner_key(row_fields);
                        for (i, r) in v.as_table().iter().enumerate() {
                            if i > 0 {
                                self.out.push(',');
                            }
                            match owner_key {
                                Some(k) => {
                                    let keyed: Row = std::iter::once(k.clone())
                                        .chain(r.iter().cloned())
                                        .collect();
                                    self.object(&keyed_fields, &keyed, &sub, &Exp::default(), None);
                                }
                                None => self.object(row_fields, r, &sub, &Exp::default(), None),
                            }
                        }
                        self.out.push(']');
                    }
                }
                Ty::Binary => {
                    if sel.wants(&f.wire_name(), false) {
                        let (mime, data) = match v {
                            Value::Binary(b) => (
                                b.0.clone(),
                                base64::engine::general_purpose::STANDARD.encode(&b.1),
                            ),
                            _ => ("application/octet-stream".to_string(), String::new()),
                        };
                        self.member(first, &f.wire_name());
                        write_json_str(&mut self.out, &data);
                        self.member(first, &format!("{}_Type", f.name));
                        write_json_str(&mut self.out, &mime);
                    }
                }
                _ => {
                    if sel.wants(&f.wire_name(), false) {
                        self.member(first, &f.wire_name());
                        self.value(v);
                    }
                }
            }
        }
        if let Some(link) = link {
            for name in links {
                self.member(first, &format!("{name}@navigationLinkUrl"));
                write_json_str(
                    &mut self.out,
                    &format!("{}(guid'{}')/{name}", link.set, link.key),
                );
            }
        }
    }

    pub fn object(
        &mut self,
        fields: &[Field],
        row: &Row,
        sel: &Sel,
        exp: &Exp,
        link: Option<&SelfLink>,
    ) {
        self.out.push('{');
        let mut first = true;
        self.members(fields, row, sel, exp, link, &mut first);
        self.out.push('}');
    }

    /// An expanded reference; an empty or dangling reference expands to `null`.
    fn expanded(&mut self, target: &str, v: &Value, sel: &Sel, exp: &Exp) {
        match v
            .as_guid()
            .filter(|g| !g.is_nil())
            .and_then(|g| self.db.get(target, g))
        {
            Some(row) => {
                let fields = &Schema::get().set(target).fields;
                let link = SelfLink {
                    set: target,
                    key: v.as_guid().unwrap_or_default(),
                };
                self.object(fields, row, sel, exp, Some(&link))
            }
            None => self.out.push_str("null"),
        }
    }

    pub fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            // Int64 travels as a JSON string.
            Value::Int(i) => write_json_str(&mut self.out, &i.to_string()),
            Value::Num(..) => write_json_num(&mut self.out, &v.as_num()),
            Value::Str(..) | Value::Short(..) => {
                write_json_str(&mut self.out, v.as_str().unwrap_or_default())
            }
            Value::Guid(g) => write_json_str(&mut self.out, &g.to_string()),
            Value::Date(d) => write_json_str(&mut self.out, &fmt_date(d)),
            Value::Ref(..) | Value::Undefined => self.composite_value(v),
            Value::Table(_) | Value::Binary(_) => self.out.push_str("null"),
        }
    }

    /// The value of a composite attribute is a string whatever its type (docs/onec.md §P4).
    fn composite_value(&mut self, v: &Value) {
        let text = match v {
            Value::Bool(b) => b.to_string(),
            Value::Num(..) => v.as_num().normalize().to_string(),
            Value::Int(i) => i.to_string(),
            Value::Str(..) | Value::Short(..) => v.as_str().unwrap_or_default().to_string(),
            Value::Guid(g) | Value::Ref(_, g) => g.to_string(),
            Value::Date(d) => fmt_date(d),
            _ => String::new(),
        };
        write_json_str(&mut self.out, &text);
    }
}
