//! The in-memory infobase: tables of rows, key indexes, and posting of documents into registers.
//!
//! Register records are never generated on their own: every balance and turnover is derived here from
//! the documents that recorded it, exactly as posting does in 1C.

use std::collections::HashMap;

use base64::Engine;
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::schema::{self as s, EntityType, Schema, Ty};
use crate::value::{Row, Value, empty_date};

#[derive(Default, Clone)]
pub struct Table {
    pub rows: Vec<Row>,
    pub by_key: HashMap<Uuid, usize>,
    /// Secondary indexes of the references the portal filters on (see [`indexed_fields`]).
    pub by_ref: Vec<RefIndex>,
}

/// Positions of a table's rows by the reference one column holds, in insertion order. A row edited
/// later may stay listed under a value it no longer holds: whoever uses an index re-checks the
/// filter on the rows it finds.
#[derive(Default, Clone)]
pub struct RefIndex {
    pub column: usize,
    pub positions: HashMap<Uuid, Vec<u32>>,
}

impl RefIndex {
    fn add(&mut self, row: &Row, pos: usize) {
        let Some(id) = row[self.column].as_guid().filter(|g| !g.is_nil()) else {
            return;
        };
        let list = self.positions.entry(id).or_default();
        if list.last() != Some(&(pos as u32)) {
            list.push(pos as u32);
        }
    }
}

/// The references the portal filters by: an agent's documents (manager), a client's (partner),
/// a sale's order, the Агент Плюс rows of a document, a product's files.
pub fn indexed_fields(set: &str) -> &'static [&'static str] {
    match set {
        s::ORDERS => &["Менеджер", "Партнер"],
        s::SALES => &["Менеджер", "Партнер", "ЗаказКлиента"],
        s::CASH_RECEIPTS | s::BANK_RECEIPTS => &["Партнер"],
        s::PARTNERS => &["ОсновнойМенеджер"],
        s::COUNTERPARTIES | s::CONTRACTS | s::PARTNER_KEYS => &["Партнер"],
        s::EXTRA_INFO => &["Объект"],
        s::FILES => &["ВладелецФайла"],
        _ => &[],
    }
}

impl Table {
    fn of(ty: &EntityType) -> Table {
        Table {
            by_ref: indexed_fields(&ty.name)
                .iter()
                .map(|f| RefIndex {
                    column: ty
                        .field(f)
                        .unwrap_or_else(|| panic!("no field {}.{f}", ty.name)),
                    positions: HashMap::new(),
                })
                .collect(),
            ..Table::default()
        }
    }

    /// The index of a column, if it has one.
    pub fn index_of(&self, column: usize) -> Option<&RefIndex> {
        self.by_ref.iter().find(|i| i.column == column)
    }
}

/// The whole base.
#[derive(Clone)]
pub struct Db {
    pub tables: Vec<Table>,
    /// Analytics keys by (partner, counterparty, contract) and by (product, warehouse).
    pub partner_keys: HashMap<(Uuid, Uuid, Uuid), Uuid>,
    pub product_keys: HashMap<(Uuid, Uuid), Uuid>,
    /// While bulk loading, posting appends records unsorted and skips un-posting (see `finish_bulk`).
    pub bulk: bool,
    versions: u64,
}

impl Default for Db {
    fn default() -> Self {
        Db {
            tables: Schema::get().sets.iter().map(Table::of).collect(),
            partner_keys: HashMap::new(),
            product_keys: HashMap::new(),
            bulk: false,
            versions: 0,
        }
    }
}

/// The default (empty) value 1C stores for a field of type `ty`.
pub fn empty_of(ty: &Ty) -> Value {
    match ty {
        Ty::Key | Ty::Ref(_) => Value::guid(Uuid::nil()),
        Ty::Str | Ty::Enum(_) => Value::sym(""),
        Ty::Bool => Value::Bool(false),
        Ty::Double => Value::num(Decimal::ZERO),
        Ty::Int64 => Value::Int(0),
        Ty::Date => Value::Date(empty_date()),
        Ty::Composite => Value::Undefined,
        Ty::Table(_) => Value::table(Vec::new()),
        Ty::Binary => Value::Null,
    }
}

/// Builds a row of an entity type by field name; unset fields keep 1C's empty values.
pub struct RowBuilder<'a> {
    fields: &'a [s::Field],
    row: Row,
}

impl<'a> RowBuilder<'a> {
    pub fn new(fields: &'a [s::Field]) -> Self {
        RowBuilder {
            fields,
            row: fields.iter().map(|f| empty_of(&f.ty)).collect(),
        }
    }

    pub fn of(set: &str) -> RowBuilder<'static> {
        RowBuilder::new(&Schema::get().set(set).fields)
    }

    pub fn set(mut self, name: &str, value: Value) -> Self {
        let i = self
            .fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name}"));
        // Enum values are a handful of words held by millions of rows: one shared copy each.
        self.row[i] = match (&self.fields[i].ty, value) {
            (Ty::Enum(_), Value::Str(s)) => Value::sym(&s),
            (_, value) => value,
        };
        self
    }

    pub fn build(self) -> Row {
        self.row
    }
}

/// Position of a field in a set's rows (panics on a schema typo: these names are constants).
pub fn col(set: &str, field: &str) -> usize {
    Schema::get()
        .set(set)
        .field(field)
        .unwrap_or_else(|| panic!("no field {set}.{field}"))
}

/// Position of a field in a tabular section's rows.
pub fn tcol(set: &str, section: &str, field: &str) -> usize {
    let ty = &Schema::get().set(set).fields[col(set, section)].ty;
    match ty {
        Ty::Table(fields) => fields
            .iter()
            .position(|f| f.name == field)
            .expect("section field"),
        _ => panic!("{section} is not a tabular section"),
    }
}

impl Db {
    pub fn table(&self, set: &str) -> &Table {
        &self.tables[Schema::get().index(set).expect("known set")]
    }

    fn table_mut(&mut self, set: &str) -> &mut Table {
        let i = Schema::get().index(set).expect("known set");
        &mut self.tables[i]
    }

    /// The next opaque `DataVersion`: base64 of 8 bytes, changing on every write.
    pub fn next_version(&mut self) -> Value {
        self.versions += 1;
        let bytes = (self.versions as u32).to_be_bytes();
        let mut v = [0u8; 8];
        v[..4].copy_from_slice(&bytes);
        Value::str(&base64::engine::general_purpose::STANDARD.encode(v))
    }

    /// Inserts a row (stamping `DataVersion` of keyed objects) and returns its position.
    pub fn insert(&mut self, set: &str, mut row: Row) -> usize {
        let ty = Schema::get().set(set);
        if ty.has_key() {
            row[1] = self.next_version();
        }
        let key = ty.has_key().then(|| row[0].as_guid()).flatten();
        let t = self.table_mut(set);
        let pos = t.rows.len();
        for index in &mut t.by_ref {
            index.add(&row, pos);
        }
        t.rows.push(row);
        if let Some(k) = key {
            t.by_key.insert(k, pos);
        }
        pos
    }

    /// Lists an edited row under the references it now holds (after `PATCH`).
    pub fn reindex(&mut self, set: &str, id: Uuid) {
        let t = self.table_mut(set);
        let Some(&pos) = t.by_key.get(&id) else {
            return;
        };
        let row = &t.rows[pos];
        for index in &mut t.by_ref {
            let listed = row[index.column]
                .as_guid()
                .and_then(|g| index.positions.get(&g))
                .is_some_and(|l| l.contains(&(pos as u32)));
            if !listed {
                index.add(row, pos);
            }
        }
    }

    pub fn get(&self, set: &str, id: Uuid) -> Option<&Row> {
        let t = self.table(set);
        t.by_key.get(&id).map(|&i| &t.rows[i])
    }

    pub fn get_mut(&mut self, set: &str, id: Uuid) -> Option<&mut Row> {
        let version = self.next_version();
        let t = self.table_mut(set);
        let i = *t.by_key.get(&id)?;
        let row = &mut t.rows[i];
        row[1] = version;
        Some(row)
    }

    /// Ends bulk loading: sorts register records by period, as 1C keeps them, and gives back the
    /// tables' spare capacity (up to half of each grown table, ~10 % of a `large` base).
    pub fn finish_bulk(&mut self) {
        self.bulk = false;
        for set in [s::PRICES, s::STOCK, s::SETTLEMENTS, s::REVENUE] {
            let rec = s::records_of(set);
            let period = col(&rec, "Period");
            self.table_mut(&rec)
                .rows
                .sort_by(|a, b| a[period].as_date().cmp(&b[period].as_date()));
        }
        for table in &mut self.tables {
            table.rows.shrink_to_fit();
            for index in &mut table.by_ref {
                index.positions.values_mut().for_each(Vec::shrink_to_fit);
            }
        }
    }

    /// (Re)posts a document: replaces the register records it made with those its current state makes.
    pub fn post(&mut self, set: &str, id: Uuid) {
        if !self.bulk {
            self.unpost_records(set, id);
        }
        let Some(doc) = self.get(set, id).cloned() else {
            return;
        };
        let ty = Schema::get().set(set);
        let posted = doc[col(set, "Posted")].as_bool() && !doc[col(set, "DeletionMark")].as_bool();
        if !posted {
            return;
        }
        let records = match set {
            s::ORDERS => self.order_records(ty, &doc),
            s::SALES => self.sale_records(ty, &doc),
            s::PURCHASES => purchase_records(&doc),
            s::PRICE_SETTINGS => price_records(&doc),
            s::CASH_RECEIPTS | s::BANK_RECEIPTS => self.payment_records(set, &doc),
            _ => Vec::new(),
        };
        let recorder = Value::composite_ref(set, id);
        let date = doc[col(set, "Date")].clone();
        let mut line_numbers: HashMap<&str, i64> = HashMap::new();
        for (register, fields) in records {
            let rec_set = s::records_of(register);
            let n = line_numbers.entry(register).or_default();
            *n += 1;
            let mut b = RowBuilder::of(&rec_set)
                .set("Recorder", recorder.clone())
                .set("Period", date.clone())
                .set("LineNumber", Value::Int(*n))
                .set("Active", Value::Bool(true));
            for (name, v) in fields {
                b = b.set(name, v);
            }
            if self.bulk {
                self.push_record(&rec_set, b.build());
            } else {
                self.insert_record(&rec_set, b.build());
            }
        }
    }

    /// Inserts a register record keeping the table ordered by period.
    pub fn insert_record(&mut self, rec_set: &str, row: Row) {
        let period = col(rec_set, "Period");
        let at = row[period].as_date();
        let t = self.table_mut(rec_set);
        let pos = t.rows.partition_point(|r| r[period].as_date() <= at);
        t.rows.insert(pos, row);
    }

    /// Appends a record during bulk generation (sorted later by `finish_bulk`).
    pub fn push_record(&mut self, rec_set: &str, row: Row) {
        self.table_mut(rec_set).rows.push(row);
    }

    fn unpost_records(&mut self, set: &str, id: Uuid) {
        let recorder = Value::composite_ref(set, id);
        for reg in [s::PRICES, s::STOCK, s::SETTLEMENTS, s::REVENUE] {
            let rec = s::records_of(reg);
            let c = col(&rec, "Recorder");
            // The GUID first: a cheap test that rules out almost every record of a large base.
            self.table_mut(&rec)
                .rows
                .retain(|r| r[c].as_guid() != Some(id) || r[c] != recorder);
        }
    }

    pub fn partner_key(&self, partner: Uuid, counterparty: Uuid, contract: Uuid) -> Uuid {
        self.partner_keys
            .get(&(partner, counterparty, contract))
            .copied()
            .unwrap_or_default()
    }

    pub fn product_key(&self, product: Uuid, warehouse: Uuid) -> Uuid {
        self.product_keys
            .get(&(product, warehouse))
            .copied()
            .unwrap_or_default()
    }

    fn order_records(&self, _ty: &EntityType, doc: &Row) -> Records {
        let status = doc[col(s::ORDERS, "Статус")]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let resource = match status.as_str() {
            "КОтгрузке" => "ВРезервеСоСклада",
            "КОбеспечению" => "ВРезервеПодЗаказ",
            _ => return Vec::new(),
        };
        let warehouse = doc[col(s::ORDERS, "Склад")].clone();
        let (product, qty, cancelled) = (
            tcol(s::ORDERS, "Товары", "Номенклатура"),
            tcol(s::ORDERS, "Товары", "Количество"),
            tcol(s::ORDERS, "Товары", "Отменено"),
        );
        doc[col(s::ORDERS, "Товары")]
            .as_table()
            .iter()
            .filter(|l| !l[cancelled].as_bool())
            .map(|l| {
                (
                    s::STOCK,
                    vec![
                        ("RecordType", Value::str("Receipt")),
                        ("Номенклатура", l[product].clone()),
                        ("Склад", warehouse.clone()),
                        (resource, l[qty].clone()),
                    ],
                )
            })
            .collect()
    }

    fn sale_records(&self, _ty: &EntityType, doc: &Row) -> Records {
        let c = |f: &str| doc[col(s::SALES, f)].clone();
        let t = |f: &str| tcol(s::SALES, "Товары", f);
        let guid = |v: Value| v.as_guid().unwrap_or_default();
        let warehouse = guid(c("Склад"));
        let pkey = self.partner_key(
            guid(c("Партнер")),
            guid(c("Контрагент")),
            guid(c("Договор")),
        );
        let mut out: Records = Vec::new();
        for l in c("Товары").as_table() {
            let product = l[t("Номенклатура")].clone();
            let amount = l[t("СуммаСНДС")].as_num();
            out.push((
                s::STOCK,
                vec![
                    ("RecordType", Value::str("Expense")),
                    ("Номенклатура", product.clone()),
                    ("Склад", Value::guid(warehouse)),
                    ("ВНаличии", l[t("Количество")].clone()),
                ],
            ));
            out.push((
                s::REVENUE,
                vec![
                    ("Менеджер", c("Менеджер")),
                    ("АналитикаУчетаПоПартнерам", Value::guid(pkey)),
                    (
                        "АналитикаУчетаНоменклатуры",
                        Value::guid(self.product_key(guid(product), warehouse)),
                    ),
                    ("Количество", l[t("Количество")].clone()),
                    ("СуммаВыручки", Value::num(amount)),
                    (
                        "СуммаВыручкиБезНДС",
                        Value::num(amount - l[t("СуммаНДС")].as_num()),
                    ),
                    ("СуммаРучнойСкидки", l[t("СуммаРучнойСкидки")].clone()),
                    (
                        "СуммаАвтоматическойСкидки",
                        l[t("СуммаАвтоматическойСкидки")].clone(),
                    ),
                    (
                        "Стоимость",
                        Value::num((amount * Decimal::new(78, 2)).round_dp(2)),
                    ),
                ],
            ));
        }
        out.push((
            s::SETTLEMENTS,
            vec![
                ("RecordType", Value::str("Receipt")),
                (
                    "ЗаказКлиента",
                    Value::composite_ref(s::SALES, guid(c("Ref_Key"))),
                ),
                ("АналитикаУчетаПоПартнерам", Value::guid(pkey)),
                ("Долг", c("СуммаДокумента")),
            ],
        ));
        out
    }

    fn payment_records(&self, set: &str, doc: &Row) -> Records {
        let (object, amount) = (
            tcol(set, "РасшифровкаПлатежа", "ОбъектРасчетов"),
            tcol(set, "РасшифровкаПлатежа", "Сумма"),
        );
        doc[col(set, "РасшифровкаПлатежа")]
            .as_table()
            .iter()
            .map(|l| {
                let sale = l[object].as_guid().and_then(|id| self.get(s::SALES, id));
                let pkey = sale
                    .map(|d| {
                        let g = |f: &str| d[col(s::SALES, f)].as_guid().unwrap_or_default();
                        self.partner_key(g("Партнер"), g("Контрагент"), g("Договор"))
                    })
                    .unwrap_or_default();
                (
                    s::SETTLEMENTS,
                    vec![
                        ("RecordType", Value::str("Expense")),
                        ("ЗаказКлиента", l[object].clone()),
                        ("АналитикаУчетаПоПартнерам", Value::guid(pkey)),
                        ("Долг", l[amount].clone()),
                    ],
                )
            })
            .collect()
    }
}

type Records = Vec<(&'static str, Vec<(&'static str, Value)>)>;

fn purchase_records(doc: &Row) -> Records {
    let warehouse = doc[col(s::PURCHASES, "Склад")].clone();
    let (product, qty) = (
        tcol(s::PURCHASES, "Товары", "Номенклатура"),
        tcol(s::PURCHASES, "Товары", "Количество"),
    );
    doc[col(s::PURCHASES, "Товары")]
        .as_table()
        .iter()
        .map(|l| {
            (
                s::STOCK,
                vec![
                    ("RecordType", Value::str("Receipt")),
                    ("Номенклатура", l[product].clone()),
                    ("Склад", warehouse.clone()),
                    ("ВНаличии", l[qty].clone()),
                ],
            )
        })
        .collect()
}

fn price_records(doc: &Row) -> Records {
    let t = |f: &str| tcol(s::PRICE_SETTINGS, "Товары", f);
    doc[col(s::PRICE_SETTINGS, "Товары")]
        .as_table()
        .iter()
        .map(|l| {
            (
                s::PRICES,
                vec![
                    ("Номенклатура", l[t("Номенклатура")].clone()),
                    ("ВидЦены", l[t("ВидЦены")].clone()),
                    ("Цена", l[t("Цена")].clone()),
                    ("Упаковка", l[t("Упаковка")].clone()),
                    ("Валюта", Value::guid(crate::demo::KZT)),
                ],
            )
        })
        .collect()
}

/// A composite value pointing at a document.
pub fn doc_ref(set: &str, id: Uuid) -> Value {
    Value::composite_ref(set, id)
}

/// Today's date-time helper for generated documents.
pub fn at(date: chrono::NaiveDate, h: u32, m: u32, sec: u32) -> Value {
    Value::Date(date.and_hms_opt(h, m, sec).expect("valid time"))
}

pub fn is_empty_date(d: &NaiveDateTime) -> bool {
    *d == empty_date()
}
