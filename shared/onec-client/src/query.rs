//! The typed query builder and its exact wire encoding.
//!
//! Wire form (docs/onec.md §1, the original portal as Node's URL parser sent it):
//! - options always in the order `$format=json&$filter&$select&$expand&$orderby&$top&$skip&$inlinecount`;
//! - query values percent-encoded as UTF-8, space `%20`, `'` `%27`, never `+`; `$ , / ( ) : *`
//!   stay literal. Unlike Node we also encode `& = + # % ?` inside values, so a user string can
//!   never split or end the query string;
//! - the path keeps `'`, `(`, `)`, `=`, `,`, `:` literal (as Node did for `Balance(Dimensions='…')`)
//!   and percent-encodes Cyrillic, spaces and everything else. Inside virtual-table parameters a
//!   `/` is encoded as `%2F` so a `Condition` path cannot add a path segment.
//! - `Condition` is a string literal holding a filter, so its inner quotes are doubled
//!   (`Condition='Склад_Key eq guid''…'''`): the form docs/onec.md §P12 recommends.

use std::fmt::Write as _;

use chrono::NaiveDateTime;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::filter::{Expr, write_datetime, write_quoted};
use crate::guid::Guid;
use crate::name::{Name, Path};

/// Characters left literal in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b',')
    .remove(b'/')
    .remove(b'(')
    .remove(b')')
    .remove(b':')
    .remove(b'*');

/// Characters left literal in a path segment (entity set, key, virtual-table parameters).
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'=')
    .remove(b',')
    .remove(b':');

/// A register's virtual table (docs/onec.md §P8) with the parameters that function accepts, so an
/// unsupported parameter (a 501 from 1C) cannot be built.
#[derive(Clone, Debug, PartialEq)]
pub enum VirtualTable {
    Balance {
        period: Option<NaiveDateTime>,
        condition: Option<Expr>,
        dimensions: Vec<Name>,
    },
    Turnovers {
        start: Option<NaiveDateTime>,
        end: Option<NaiveDateTime>,
        condition: Option<Expr>,
        dimensions: Vec<Name>,
    },
    BalanceAndTurnovers {
        start: Option<NaiveDateTime>,
        end: Option<NaiveDateTime>,
        condition: Option<Expr>,
        dimensions: Vec<Name>,
    },
    SliceLast {
        period: Option<NaiveDateTime>,
        condition: Option<Expr>,
    },
    SliceFirst {
        period: Option<NaiveDateTime>,
        condition: Option<Expr>,
    },
}

impl VirtualTable {
    fn name(&self) -> &'static str {
        match self {
            VirtualTable::Balance { .. } => "Balance",
            VirtualTable::Turnovers { .. } => "Turnovers",
            VirtualTable::BalanceAndTurnovers { .. } => "BalanceAndTurnovers",
            VirtualTable::SliceLast { .. } => "SliceLast",
            VirtualTable::SliceFirst { .. } => "SliceFirst",
        }
    }

    /// `Name=Value` pairs, decoded. Order: `Period`, `EndPeriod`, `StartPeriod`, `Condition`,
    /// `Dimensions` — the original portal's order for `Turnovers`, kept for identical wire forms.
    fn params(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let date = |t: &NaiveDateTime| {
            let mut s = String::new();
            let _ = write_datetime(&mut s, t);
            s
        };
        let quoted = |v: &str| {
            let mut s = String::new();
            let _ = write_quoted(&mut s, v);
            s
        };
        let (period, start, end, condition, dims) = match self {
            VirtualTable::Balance {
                period,
                condition,
                dimensions,
            } => (period, &None, &None, condition, &dimensions[..]),
            VirtualTable::Turnovers {
                start,
                end,
                condition,
                dimensions,
            }
            | VirtualTable::BalanceAndTurnovers {
                start,
                end,
                condition,
                dimensions,
            } => (&None, start, end, condition, &dimensions[..]),
            VirtualTable::SliceLast { period, condition }
            | VirtualTable::SliceFirst { period, condition } => {
                (period, &None, &None, condition, &[][..])
            }
        };
        if let Some(t) = period {
            out.push(("Period", date(t)));
        }
        if let Some(t) = end {
            out.push(("EndPeriod", date(t)));
        }
        if let Some(t) = start {
            out.push(("StartPeriod", date(t)));
        }
        if let Some(c) = condition {
            out.push(("Condition", quoted(&c.to_string())));
        }
        if !dims.is_empty() {
            let list: Vec<&str> = dims.iter().map(Name::as_str).collect();
            out.push(("Dimensions", quoted(&list.join(","))));
        }
        out
    }
}

/// What a query addresses.
#[derive(Clone, Debug, PartialEq)]
pub enum Resource {
    /// `Catalog_Склады`
    Set(Name),
    /// `Catalog_Пользователи(guid'…')` — note 1C refuses `$expand` here.
    Key(Name, Guid),
    /// `AccumulationRegister_X/Balance(…)`
    Virtual(Name, VirtualTable),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// A read query. Built only from names, paths, typed literals and numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    resource: Resource,
    filter: Option<Expr>,
    select: Vec<Path>,
    expand: Vec<Path>,
    orderby: Vec<(Path, Order)>,
    top: Option<u64>,
    skip: Option<u64>,
    inline_count: bool,
}

impl Query {
    fn on(resource: Resource) -> Query {
        Query {
            resource,
            filter: None,
            select: Vec::new(),
            expand: Vec::new(),
            orderby: Vec::new(),
            top: None,
            skip: None,
            inline_count: false,
        }
    }

    pub fn set(entity_set: Name) -> Query {
        Query::on(Resource::Set(entity_set))
    }

    pub fn key(entity_set: Name, key: Guid) -> Query {
        Query::on(Resource::Key(entity_set, key))
    }

    pub fn virtual_table(register: Name, table: VirtualTable) -> Query {
        Query::on(Resource::Virtual(register, table))
    }

    pub fn filter(mut self, e: Expr) -> Query {
        self.filter = Some(e);
        self
    }

    pub fn select<P: Into<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Query {
        self.select.extend(paths.into_iter().map(Into::into));
        self
    }

    pub fn expand<P: Into<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Query {
        self.expand.extend(paths.into_iter().map(Into::into));
        self
    }

    pub fn order_by(mut self, p: impl Into<Path>, o: Order) -> Query {
        self.orderby.push((p.into(), o));
        self
    }

    /// Sets `$top`. 1C ignores `$top`/`$skip` next to `$inlinecount` (docs/onec.md §P12), so this
    /// drops a requested inline count: the two are never sent together.
    pub fn top(mut self, n: u64) -> Query {
        self.top = Some(n);
        self.inline_count = false;
        self
    }

    /// Sets `$skip`; drops `$inlinecount` like [`Query::top`].
    pub fn skip(mut self, n: u64) -> Query {
        self.skip = Some(n);
        self.inline_count = false;
        self
    }

    /// Asks for `$inlinecount=allpages`; drops `$top`/`$skip` (see [`Query::top`]).
    pub fn inline_count(mut self) -> Query {
        self.inline_count = true;
        self.top = None;
        self.skip = None;
        self
    }

    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    pub fn filter_expr(&self) -> Option<&Expr> {
        self.filter.as_ref()
    }

    pub fn has_order(&self) -> bool {
        !self.orderby.is_empty()
    }

    /// The entity set (register for virtual tables), for tracing.
    pub fn entity_set(&self) -> &str {
        match &self.resource {
            Resource::Set(n) | Resource::Key(n, _) | Resource::Virtual(n, _) => n.as_str(),
        }
    }

    /// Path segments, decoded.
    fn path_decoded(&self) -> String {
        match &self.resource {
            Resource::Set(n) => n.to_string(),
            Resource::Key(n, g) => format!("{n}(guid'{g}')"),
            Resource::Virtual(n, vt) => {
                let params = vt.params();
                let mut s = format!("{n}/{}", vt.name());
                if !params.is_empty() {
                    let list: Vec<String> =
                        params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    let _ = write!(s, "({})", list.join(","));
                }
                s
            }
        }
    }

    /// Encoded path: each segment's text encoded with [`PATH`], `/` between segments literal.
    fn path_wire(&self) -> String {
        let enc = |s: &str| utf8_percent_encode(s, PATH).to_string();
        match &self.resource {
            Resource::Set(_) | Resource::Key(..) => enc(&self.path_decoded()),
            Resource::Virtual(n, vt) => {
                let params = vt.params();
                let mut s = format!("{}/{}", enc(n.as_str()), vt.name());
                if !params.is_empty() {
                    let list: Vec<String> = params
                        .iter()
                        .map(|(k, v)| format!("{k}={}", enc(v)))
                        .collect();
                    let _ = write!(s, "({})", list.join(","));
                }
                s
            }
        }
    }

    /// The query options as `(name, decoded value)`, in the fixed order.
    pub fn options(&self) -> Vec<(&'static str, String)> {
        let join = |v: &[Path]| v.iter().map(Path::to_string).collect::<Vec<_>>().join(",");
        let mut out = vec![("$format", "json".to_owned())];
        if let Some(f) = &self.filter {
            out.push(("$filter", f.to_string()));
        }
        if !self.select.is_empty() {
            out.push(("$select", join(&self.select)));
        }
        if !self.expand.is_empty() {
            out.push(("$expand", join(&self.expand)));
        }
        if !self.orderby.is_empty() {
            let list: Vec<String> = self
                .orderby
                .iter()
                .map(|(p, o)| match o {
                    Order::Asc => p.to_string(),
                    Order::Desc => format!("{p} desc"),
                })
                .collect();
            out.push(("$orderby", list.join(",")));
        }
        if let Some(n) = self.top {
            out.push(("$top", n.to_string()));
        }
        if let Some(n) = self.skip {
            out.push(("$skip", n.to_string()));
        }
        if self.inline_count {
            out.push(("$inlinecount", "allpages".to_owned()));
        }
        out
    }

    /// The encoded query string (after `?`).
    pub fn query_wire(&self) -> String {
        let parts: Vec<String> = self
            .options()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(&v, QUERY_VALUE)))
            .collect();
        parts.join("&")
    }

    /// The request target relative to the service root, exactly as sent.
    pub fn wire(&self) -> String {
        format!("{}?{}", self.path_wire(), self.query_wire())
    }

    /// `Set/$count?$filter=…` for this query's entity set and filter: 1C answers a plain number,
    /// so no `$format`; other options do not apply to a count.
    pub fn count_wire(&self) -> String {
        let enc = |s: &str| utf8_percent_encode(s, PATH).to_string();
        let mut s = format!("{}/$count", enc(self.entity_set()));
        if let Some(f) = &self.filter {
            let _ = write!(
                s,
                "?$filter={}",
                utf8_percent_encode(&f.to_string(), QUERY_VALUE)
            );
        }
        s
    }

    /// The same, decoded: for logs and cache keys (never contains credentials).
    pub fn decoded(&self) -> String {
        let parts: Vec<String> = self
            .options()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{}?{}", self.path_decoded(), parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::field;

    #[test]
    fn spec_wire_example_is_reproduced() {
        // docs/onec.md §1: the stock balance request as Node sent it.
        let q = Query::virtual_table(
            Name::of("AccumulationRegister_СвободныеОстатки"),
            VirtualTable::Balance {
                period: None,
                condition: None,
                dimensions: vec![Name::of("Номенклатура"), Name::of("Склад")],
            },
        )
        .filter(
            field(Name::of("Склад_Key"))
                .eq(Guid::from_static("3eac8407-623e-11ec-8f2b-54ee75d06a1b")),
        )
        .select([Name::of("ВНаличииBalance"), Name::of("Номенклатура_Key")]);
        assert_eq!(
            q.wire(),
            "AccumulationRegister_%D0%A1%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%BD%D1%8B%D0%B5%D0%9E%D1%81%D1%82%D0%B0%D1%82%D0%BA%D0%B8/Balance(Dimensions='%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0,%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4')?$format=json&$filter=%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4_Key%20eq%20guid%273eac8407-623e-11ec-8f2b-54ee75d06a1b%27&$select=%D0%92%D0%9D%D0%B0%D0%BB%D0%B8%D1%87%D0%B8%D0%B8Balance,%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0_Key"
        );
    }

    #[test]
    fn user_text_cannot_split_the_query() {
        let q = Query::set(Name::of("Catalog_Склады"))
            .filter(field(Name::of("Description")).eq("a&$top=1#%+=?'"));
        assert_eq!(
            q.query_wire(),
            "$format=json&$filter=Description%20eq%20%27a%26$top%3D1%23%25%2B%3D%3F%27%27%27"
        );
    }

    #[test]
    fn condition_doubles_quotes_and_encodes_slashes() {
        let q = Query::virtual_table(
            Name::of("InformationRegister_ЦеныНоменклатуры_RecordType"),
            VirtualTable::SliceLast {
                period: Some(
                    chrono::NaiveDate::from_ymd_opt(2026, 3, 20)
                        .unwrap()
                        .and_hms_opt(0, 0, 0)
                        .unwrap(),
                ),
                condition: Some(field([Name::of("A"), Name::of("B")]).eq("x y")),
            },
        );
        assert_eq!(
            q.decoded(),
            "InformationRegister_ЦеныНоменклатуры_RecordType/SliceLast(Period=datetime'2026-03-20T00:00:00',Condition='A/B eq ''x y''')?$format=json"
        );
        assert!(q.wire().contains(
            "SliceLast(Period=datetime'2026-03-20T00:00:00',Condition='A%2FB%20eq%20''x%20y''')?"
        ));
    }

    #[test]
    fn count_wire_form() {
        let q = Query::set(Name::of("Document_ЗаказКлиента"))
            .filter(field(Name::of("Posted")).eq(true))
            .top(3);
        assert_eq!(
            q.count_wire(),
            "Document_%D0%97%D0%B0%D0%BA%D0%B0%D0%B7%D0%9A%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D0%B0/$count?$filter=Posted%20eq%20true"
        );
        assert_eq!(Query::set(Name::of("X")).count_wire(), "X/$count");
    }

    #[test]
    fn inline_count_and_paging_are_exclusive() {
        let q = Query::set(Name::of("X")).top(5).skip(10).inline_count();
        assert_eq!(q.query_wire(), "$format=json&$inlinecount=allpages");
        let q = Query::set(Name::of("X")).inline_count().top(5).skip(10);
        assert_eq!(q.query_wire(), "$format=json&$top=5&$skip=10");
    }

    #[test]
    fn key_and_bare_virtual_table() {
        let g = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
        let q = Query::key(Name::of("Catalog_X"), g).select([Name::of("A")]);
        assert_eq!(
            q.wire(),
            "Catalog_X(guid'f10f9345-f6f4-11ed-89ec-000c29dddd38')?$format=json&$select=A"
        );
        let q = Query::virtual_table(
            Name::of("R"),
            VirtualTable::SliceLast {
                period: None,
                condition: None,
            },
        );
        assert_eq!(q.wire(), "R/SliceLast?$format=json");
    }
}
