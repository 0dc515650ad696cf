//! Typed domain records for what the portal reads from 1C, and one request function per request
//! of docs/onec.md §7 and §8. Features see English names and Rust types only.
//!
//! Each request has a `*_query` builder (pure, tested for its exact wire form) and an `async`
//! method on [`OnecClient`](crate::OnecClient) that sends it and decodes the rows.

pub mod catalogs;
pub mod debts;
pub mod names;
pub mod orders;
pub mod partners;
pub mod prices;
pub mod reports;
pub mod sales;
pub mod scoped;
pub mod supply;
pub mod team;
pub mod users;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::decode;
use crate::guid::Guid;
use crate::name::{Name, Path};

pub use catalogs::*;
pub use debts::*;
pub use orders::*;
pub use partners::*;
pub use prices::*;
pub use reports::*;
pub use sales::*;
pub use scoped::*;
pub use supply::*;
pub use team::*;
pub use users::*;

/// The time zone of the 1C base: its datetimes are zone-less wall-clock times there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BaseTz(pub Tz);

impl Default for BaseTz {
    /// Skazka's base runs in Kazakhstan.
    fn default() -> Self {
        BaseTz(chrono_tz::Asia::Almaty)
    }
}

impl BaseTz {
    /// "Today" as the base sees it — a UTC Lambda must not use its own date.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.0).date_naive()
    }

    /// A 1C wall-clock time as an instant (the earlier one on a DST overlap).
    pub fn to_utc(&self, t: NaiveDateTime) -> Option<chrono::DateTime<Utc>> {
        t.and_local_timezone(self.0)
            .earliest()
            .map(|d| d.with_timezone(&Utc))
    }
}

/// The first second of a day: `…T00:00:00`.
pub fn day_start(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// The last second of a day: `…T23:59:59` (1C stores whole seconds; bounds are inclusive).
pub fn day_end(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(23, 59, 59).expect("valid time")
}

/// `a/b/c` from names.
pub(crate) fn path<const N: usize>(names: [Name; N]) -> Path {
    Path::from(names)
}

/// An expanded catalog object of which only `Description` (and maybe `Ref_Key`) was selected.
/// `None` in records when 1C sent nothing or `null` (an empty reference — quirk 6 of §9).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Named {
    #[serde(rename = "Ref_Key", default, deserialize_with = "decode::reference")]
    pub id: Option<Guid>,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub name: String,
}

#[cfg(test)]
pub(crate) mod wire {
    //! An independent re-implementation of how Node's WHATWG URL parser encoded the original
    //! portal's requests (docs/onec.md §1), to state expected wire forms from the spec's decoded text.

    fn enc(out: &mut String, c: char, keep: impl Fn(char) -> bool) {
        if c.is_ascii() && keep(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }

    /// Encodes a decoded relative URL (`path?query`) the way Node sent it.
    pub fn node(decoded: &str) -> String {
        let (path, query) = decoded.split_once('?').unwrap_or((decoded, ""));
        let mut out = String::new();
        let path_keep = |c: char| !c.is_ascii_control() && !" \"#<>?`{}".contains(c);
        let query_keep = |c: char| !c.is_ascii_control() && !" \"#<>'".contains(c);
        for c in path.chars() {
            enc(&mut out, c, path_keep);
        }
        out.push('?');
        for c in query.chars() {
            enc(&mut out, c, query_keep);
        }
        out
    }

    #[test]
    fn node_encoder_matches_the_spec_example() {
        let decoded = "AccumulationRegister_СвободныеОстатки/Balance(Dimensions='Номенклатура,Склад')?$format=json&$filter=Склад_Key eq guid'3eac8407-623e-11ec-8f2b-54ee75d06a1b'&$select=ВНаличииBalance,Номенклатура_Key";
        let wire = "AccumulationRegister_%D0%A1%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%BD%D1%8B%D0%B5%D0%9E%D1%81%D1%82%D0%B0%D1%82%D0%BA%D0%B8/Balance(Dimensions='%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0,%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4')?$format=json&$filter=%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4_Key%20eq%20guid%273eac8407-623e-11ec-8f2b-54ee75d06a1b%27&$select=%D0%92%D0%9D%D0%B0%D0%BB%D0%B8%D1%87%D0%B8%D0%B8Balance,%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0_Key";
        assert_eq!(node(decoded), wire);
    }

    /// Asserts a query's decoded and wire forms equal the spec's decoded text and its Node encoding.
    pub fn assert_wire(q: &crate::Query, decoded: &str) {
        assert_eq!(q.decoded(), decoded);
        assert_eq!(q.wire(), node(decoded));
    }
}
