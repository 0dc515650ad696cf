//! The demo base: a food distributor around Kokshetau and Astana, deterministic by seed.
//!
//! Documents are generated; every register record comes from posting them (`Db::post`).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use uuid::Uuid;

use crate::db::{Db, RowBuilder, col, tcol};
use crate::names::{self, FullName};
use crate::schema::{self as s};
use crate::value::{Row, Value};

mod catalogue;
mod documents;
mod people;

pub use documents::{LineSpec, sales_lines};

const fn g(s: &str) -> Uuid {
    match Uuid::try_parse(s) {
        Ok(u) => u,
        Err(_) => panic!("bad constant guid"),
    }
}

// Fixed GUIDs of the real base (docs/onec.md §5.3).
pub const MAIN_WAREHOUSE: Uuid = g("3eac8407-623e-11ec-8f2b-54ee75d06a1b");
pub const MAIN_PRICE_KIND: Uuid = g("80c40220-6238-11ec-8f2b-54ee75d06a1b");
pub const KILOGRAM: Uuid = g("d4a87a49-620c-11ec-8f2a-54ee75d06a1b");
pub const PIECE: Uuid = g("d4a87a4a-620c-11ec-8f2a-54ee75d06a1b");
pub const ATTR_MINIMUM_WEIGHT: Uuid = g("8147a2db-705b-11ec-88f2-000c29dddd38");
pub const ATTR_SITE_PASSWORD: Uuid = g("a2318161-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_SITE_ROLE: Uuid = g("ad361290-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_SHOW_ON_SITE: Uuid = g("c0a1e001-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_HIDE_PRODUCT: Uuid = g("c0a1e002-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_SHOW_MAKER: Uuid = g("c0a1e003-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_LATITUDE: Uuid = g("c0a1e011-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_LONGITUDE: Uuid = g("c0a1e012-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_STARTED: Uuid = g("c0a1e013-d8ac-11ee-8a52-000c29dddd38");
pub const ATTR_STOPPED: Uuid = g("c0a1e014-d8ac-11ee-8a52-000c29dddd38");
pub const ROLE_USER: Uuid = g("b34fe221-d8ac-11ee-8a52-000c29dddd38");
pub const ROLE_ADMIN: Uuid = g("b34fe231-d8ac-11ee-8a52-000c29dddd38");
pub const ROLE_MANAGER: Uuid = g("b34fe241-d8ac-11ee-8a52-000c29dddd38");
pub const DEMO_MAKER: Uuid = g("3eac83e2-623e-11ec-8f2b-54ee75d06a1b");
pub const DEMO_PRODUCT: Uuid = g("5a75e2f1-6c9f-11ec-88f2-000c29dddd38");
pub const DEMO_AGENT: Uuid = g("f10f9345-f6f4-11ed-89ec-000c29dddd38");
pub const DEMO_SUPERVISOR: Uuid = g("312e175a-c9c9-11ec-8936-000c29dddd38");
pub const DEMO_ADMIN: Uuid = g("f10f9346-f6f4-11ed-89ec-000c29dddd38");
pub const DEMO_CLIENT_PARTNER: Uuid = g("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b");
pub const DEMO_SALE: Uuid = g("5828755a-8819-11ed-89ab-000c29dddd38");
pub const ASTANA_WAREHOUSE: Uuid = g("3eac8408-623e-11ec-8f2b-54ee75d06a1b");
pub const KZT: Uuid = g("80c40200-6238-11ec-8f2b-54ee75d06a1b");

/// The demo password of every fixed person (`ПарольДляВходаНаСайт`).
pub const DEMO_PASSWORD: &str = "demo1234";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Small,
    Large,
}

/// How much to generate.
struct Size {
    agents: usize,
    clients_per_agent: usize,
    products: usize,
    orders_per_day: (usize, usize),
    lines: (usize, usize),
}

impl Scale {
    fn size(self) -> Size {
        match self {
            Scale::Small => Size {
                agents: 6,
                clients_per_agent: 12,
                products: 240,
                orders_per_day: (1, 3),
                lines: (1, 7),
            },
            Scale::Large => Size {
                agents: 300,
                clients_per_agent: 40,
                products: 20_000,
                orders_per_day: (2, 5),
                lines: (2, 7),
            },
        }
    }
}

/// Refs of the fixed demo people and objects, for tests and the local runner.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoIds {
    pub agent: Uuid,
    pub supervisor: Uuid,
    pub admin: Uuid,
    pub client_partner: Uuid,
    pub other_agents: Vec<Uuid>,
    pub main_warehouse: Uuid,
    pub main_price_kind: Uuid,
    pub product: Uuid,
}

struct Gen {
    rng: ChaCha8Rng,
    db: Db,
    as_of: NaiveDate,
    /// The base's clock at generation: nothing of the last day is later.
    now: NaiveDateTime,
    seq: u64,
    numbers: HashMap<&'static str, u64>,
}

struct Product {
    id: Uuid,
    weight: bool,
    base_price: Decimal,
    unit: Uuid,
    /// Priced to the tiyn (a few are, so the portal's handling of tiyn stays tested); the rest of
    /// the list is in whole tenge, as Kazakh distributors' price lists mostly are.
    tiyn: bool,
}

impl Product {
    /// A price derived from the base price, rounded as this product's list is.
    fn price(&self, factor: Decimal) -> Decimal {
        let raw = self.base_price * factor;
        if self.tiyn { round2(raw) } else { raw.round() }
    }
}

struct Client {
    keys: Vec<(Uuid, Uuid, Uuid)>,
    address: String,
    lat: f64,
    lon: f64,
    term_days: i64,
}

struct Agent {
    id: Uuid,
    warehouse: Uuid,
    clients: Vec<Client>,
    busy: bool,
}

const KOKSHETAU: (f64, f64) = (53.2833, 69.3833);
const ASTANA: (f64, f64) = (51.1694, 71.4491);
const STREETS: &[&str] = &[
    "ул. Абая",
    "ул. Ауельбекова",
    "ул. Горького",
    "пр. Назарбаева",
    "ул. Куйбышева",
    "ул. Сатпаева",
    "ул. Кенесары",
    "ул. Момышулы",
    "ул. Валиханова",
    "ул. Ермекова",
    "пр. Абылай хана",
    "ул. Байтурсынова",
];
const SHOPS: &[&str] = &[
    "Береке",
    "Айгерим",
    "Достар",
    "Жулдыз",
    "Магнум Экспресс",
    "Арай",
    "Нұр",
    "Алтын",
    "Лидер",
    "Семейный",
    "Бахыт",
    "Шапагат",
];
const CATEGORIES: &[(&str, &[&str], bool)] = &[
    (
        "Колбасные изделия",
        &[
            "Сосиски молочные",
            "Колбаса докторская",
            "Сардельки говяжьи",
            "Колбаса сервелат",
            "Ветчина куриная",
        ],
        true,
    ),
    (
        "Молочная продукция",
        &[
            "Молоко 3,2%",
            "Кефир 2,5%",
            "Сметана 20%",
            "Творог 9%",
            "Масло сливочное 72,5%",
            "Йогурт клубничный",
        ],
        false,
    ),
    (
        "Бакалея",
        &[
            "Мука высший сорт",
            "Сахар-песок",
            "Рис длиннозерный",
            "Гречка ядрица",
            "Макароны перья",
            "Масло подсолнечное",
        ],
        false,
    ),
    (
        "Напитки",
        &[
            "Сок яблочный",
            "Вода минеральная",
            "Чай чёрный листовой",
            "Компот вишнёвый",
            "Лимонад Тархун",
        ],
        false,
    ),
    (
        "Кондитерские изделия",
        &[
            "Печенье овсяное",
            "Конфеты Казахстанские",
            "Шоколад молочный",
            "Вафли сливочные",
            "Пряники мятные",
        ],
        true,
    ),
    (
        "Замороженные продукты",
        &[
            "Пельмени домашние",
            "Манты с говядиной",
            "Вареники с картофелем",
            "Котлеты куриные",
        ],
        true,
    ),
];
const MAKERS: &[&str] = &[
    "Мясной двор",
    "Кокшетау Сут",
    "Food Master",
    "Рахат",
    "Баян Сулу",
    "Alel Agro",
    "Ажар",
    "Астана Нан",
    "Айналайын",
    "Шин-Лайн",
];

fn round2(d: Decimal) -> Decimal {
    d.round_dp(2)
}

fn dec(f: f64) -> Decimal {
    Decimal::from_f64(f).unwrap_or_default()
}

/// Encodes a coordinate as Агент Плюс writes it: `ddmm.mmmm`.
pub fn to_ddmm(deg: f64) -> String {
    let d = deg.trunc();
    format!("{:.4}", d * 100.0 + (deg - d) * 60.0)
}

impl Gen {
    fn guid(&mut self) -> Uuid {
        // Shaped like 1C's time-based GUIDs of one server: random time part, fixed node.
        let a: u32 = self.rng.random();
        let b: u16 = self.rng.random();
        let c: u16 = 0x11e0 | self.rng.random_range(0..16u16);
        let d: u16 = 0x8000 | self.rng.random_range(0..0x3fffu16);
        self.seq += 1;
        Uuid::parse_str(&format!(
            "{a:08x}-{b:04x}-{c:04x}-{d:04x}-000c29{:06x}",
            self.seq & 0xff_ffff
        ))
        .expect("valid")
    }

    fn number(&mut self, set: &'static str, prefix: &str) -> Value {
        let n = self.numbers.entry(set).or_insert(0);
        *n += 1;
        Value::str(&format!("{prefix}-{:06}", *n))
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items.choose(&mut self.rng).expect("non-empty")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// `at` if the clock has reached it, else a time between `earliest` and now.
    fn not_after_now(&mut self, at: NaiveDateTime, earliest: NaiveDateTime) -> NaiveDateTime {
        if at <= self.now {
            return at;
        }
        let span = (self.now - earliest).num_seconds().max(0);
        earliest + Duration::seconds(self.rng.random_range(0..=span))
    }

    /// A person's name, its parts agreeing with the first name's gender.
    fn full_name(&mut self) -> FullName {
        let surname = *self.pick(names::SURNAMES);
        let (first, _) = *self.pick(names::FIRST_NAMES);
        let father = *self.pick(names::FATHERS);
        let kazakh = self.chance(0.25);
        FullName::new(surname, first, father, kazakh)
    }

    fn catalog(&mut self, set: &str, id: Uuid, fields: Vec<(&str, Value)>) {
        let mut b = RowBuilder::of(set).set("Ref_Key", Value::guid(id));
        for (k, v) in fields {
            b = b.set(k, v);
        }
        self.db.insert(set, b.build());
    }

    fn attributes(&self, set: &str, _owner: Option<Uuid>, attrs: Vec<(Uuid, Value)>) -> Value {
        attribute_rows(set, attrs)
    }
}

/// The `ДополнительныеРеквизиты` section of a catalog row: one row per (property, value); the
/// value's variant gives its `Значение_Type`.
pub(crate) fn attribute_rows(set: &str, attrs: Vec<(Uuid, Value)>) -> Value {
    let fields = section_fields(set, "ДополнительныеРеквизиты");
    let rows = attrs
        .into_iter()
        .enumerate()
        .map(|(i, (prop, v))| {
            RowBuilder::new(&fields)
                .set("LineNumber", Value::Int(i as i64 + 1))
                .set("Свойство", Value::guid(prop))
                .set("Значение", v)
                .build()
        })
        .collect();
    Value::table(rows)
}

/// A contact-information row: kind, text as typed, optional coordinates.
type Contact<'a> = (&'a str, String, Option<(f64, f64)>);

pub(crate) fn contact_rows(set: &str, items: Vec<Contact>) -> Value {
    let fields = match &s::Schema::get().set(set).fields[col(set, "КонтактнаяИнформация")].ty
    {
        s::Ty::Table(f) => f.clone(),
        _ => unreachable!("schema declares a table"),
    };
    Value::table(
        items
            .into_iter()
            .enumerate()
            .map(|(i, (kind, text, coords))| {
                let mut b = RowBuilder::new(&fields)
                    .set("LineNumber", Value::Int(i as i64 + 1))
                    .set("Тип", Value::str(kind))
                    .set("Представление", Value::str(&text));
                if let Some((lat, lon)) = coords {
                    b = b
                        .set("Широта", Value::num(dec(lat)))
                        .set("Долгота", Value::num(dec(lon)));
                }
                b.build()
            })
            .collect(),
    )
}

/// Generates the whole base: a year of history ending at `now`, the base's clock (nothing is
/// later). `progress` is called with a share done (0.0–1.0) while documents are made.
pub fn generate(
    scale: Scale,
    seed: u64,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(f64),
) -> (Db, DemoIds) {
    let mut generator = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        db: Db::default(),
        as_of: now.date(),
        now,
        seq: 0,
        numbers: HashMap::new(),
    };
    generator.db.bulk = true;
    let size = scale.size();
    generator.reference_data();
    let products = generator.products(size.products);
    let agents = generator.people(size.agents);
    let mut agents = generator.clients(agents, size.clients_per_agent);
    generator.prices(&products);
    let sold = generator.documents(&mut agents, &products, &size, progress);
    generator.stock(&products, &sold);
    generator.supplier_orders(&products);
    generator.db.finish_bulk();
    let demo = DemoIds {
        agent: DEMO_AGENT,
        supervisor: DEMO_SUPERVISOR,
        admin: DEMO_ADMIN,
        client_partner: DEMO_CLIENT_PARTNER,
        other_agents: agents
            .iter()
            .map(|a| a.id)
            .filter(|id| *id != DEMO_AGENT)
            .collect(),
        main_warehouse: MAIN_WAREHOUSE,
        main_price_kind: MAIN_PRICE_KIND,
        product: DEMO_PRODUCT,
    };
    (generator.db, demo)
}

/// The fields of a tabular section of `set`, as the schema declares them.
pub(crate) fn section_fields(set: &str, section: &str) -> Vec<s::Field> {
    match &s::Schema::get().set(set).fields[col(set, section)].ty {
        s::Ty::Table(f) => f.clone(),
        _ => unreachable!("schema declares a table"),
    }
}
