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
use crate::value::{CType, Row, Value};

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
        let mut b = RowBuilder::of(set).set("Ref_Key", Value::Guid(id));
        for (k, v) in fields {
            b = b.set(k, v);
        }
        self.db.insert(set, b.build());
    }

    fn attributes(
        &self,
        set: &str,
        _owner: Option<Uuid>,
        attrs: Vec<(Uuid, CType, Value)>,
    ) -> Value {
        attribute_rows(set, attrs)
    }
}

/// The `ДополнительныеРеквизиты` section of a catalog row: one row per (property, type, value).
pub(crate) fn attribute_rows(set: &str, attrs: Vec<(Uuid, CType, Value)>) -> Value {
    let fields = section_fields(set, "ДополнительныеРеквизиты");
    let rows = attrs
        .into_iter()
        .enumerate()
        .map(|(i, (prop, ctype, v))| {
            RowBuilder::new(&fields)
                .set("LineNumber", Value::Int(i as i64 + 1))
                .set("Свойство", Value::Guid(prop))
                .set("Значение", Value::Composite(Arc::new((ctype, v))))
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
                        .set("Широта", Value::Num(dec(lat)))
                        .set("Долгота", Value::Num(dec(lon)));
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
    generator.db.bulk = false;
    generator.db.sort_records();
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

impl Gen {
    fn reference_data(&mut self) {
        let folder = self.guid();
        self.catalog(
            s::WAREHOUSES,
            folder,
            vec![
                ("IsFolder", Value::Bool(true)),
                ("Description", Value::str("Склады")),
            ],
        );
        for (id, name, code) in [
            (MAIN_WAREHOUSE, "Основной склад (Кокшетау)", "000000001"),
            (ASTANA_WAREHOUSE, "Склад Астана", "000000002"),
        ] {
            self.catalog(
                s::WAREHOUSES,
                id,
                vec![
                    ("Parent", Value::Guid(folder)),
                    ("Code", Value::str(code)),
                    ("Description", Value::str(name)),
                ],
            );
        }
        let old = self.guid();
        self.catalog(
            s::WAREHOUSES,
            old,
            vec![
                ("DeletionMark", Value::Bool(true)),
                ("Description", Value::str("Склад (старый)")),
            ],
        );
        self.catalog(
            s::CURRENCIES,
            KZT,
            vec![
                ("Code", Value::str("398")),
                ("Description", Value::str("KZT")),
            ],
        );
        let base_owner = self.guid();
        for (id, name, code) in [(KILOGRAM, "кг", "166"), (PIECE, "шт", "796")] {
            self.catalog(
                s::UNITS,
                id,
                vec![
                    (
                        "Owner",
                        Value::composite_ref("Catalog_НаборыУпаковок", base_owner),
                    ),
                    ("Description", Value::str(name)),
                    ("Вес", Value::num(if code == "166" { 1 } else { 0 })),
                    ("Числитель", Value::num(1)),
                    ("Знаменатель", Value::num(1)),
                    ("КодЭСФ", Value::str(code)),
                ],
            );
        }
        for (id, name, ident, sales, deleted) in [
            (MAIN_PRICE_KIND, "Оптовая цена", "Оптовая", true, false),
            (self.guid(), "Розничная цена", "Розничная", true, false),
            (self.guid(), "Цена для сетей", "Сети", true, false),
            (self.guid(), "Закупочная цена", "Закупочная", false, false),
            (self.guid(), "Старая оптовая", "ОПТ", true, true),
        ] {
            self.catalog(
                s::PRICE_KINDS,
                id,
                vec![
                    ("DeletionMark", Value::Bool(deleted)),
                    ("Description", Value::str(name)),
                    ("Идентификатор", Value::str(ident)),
                    ("ВалютаЦены", Value::Guid(KZT)),
                    ("ИспользоватьПриПродаже", Value::Bool(sales)),
                    ("ЦенаВключаетНДС", Value::Bool(true)),
                ],
            );
        }
        let props: [(Uuid, &str, &str, bool); 10] = [
            (
                ATTR_SHOW_MAKER,
                "Показывать торговым агентам",
                "ПоказыватьТорговымАгентам",
                true,
            ),
            (
                ATTR_HIDE_PRODUCT,
                "Скрывать товар на сайте",
                "СкрыватьТоварНаСайте",
                true,
            ),
            (
                ATTR_MINIMUM_WEIGHT,
                "Обязательная кратность",
                "ОбязательнаяКратность",
                true,
            ),
            (
                ATTR_SHOW_ON_SITE,
                "Показывать на сайте сверки заказов",
                "ПоказыватьНаСайтеСверкиЗаказов",
                true,
            ),
            (
                ATTR_SITE_PASSWORD,
                "Пароль для входа на сайт",
                "ПарольДляВходаНаСайт",
                true,
            ),
            (ATTR_SITE_ROLE, "Роль на сайте", "РольНаСайте", true),
            (
                ATTR_LATITUDE,
                "АгентПлюсДокументШирота",
                "АгентПлюсДокументШирота",
                false,
            ),
            (
                ATTR_LONGITUDE,
                "АгентПлюсДокументДолгота",
                "АгентПлюсДокументДолгота",
                false,
            ),
            (
                ATTR_STARTED,
                "АгентПлюсДокументВремяНачала",
                "АгентПлюсДокументВремяНачала",
                false,
            ),
            (
                ATTR_STOPPED,
                "АгентПлюсДокументВремяОкончания",
                "АгентПлюсДокументВремяОкончания",
                false,
            ),
        ];
        for (id, title, name, suffixed) in props {
            // BSP appends a suffix to the system name of attributes made in the base.
            let system = if suffixed {
                format!("{name}_{}", &id.simple().to_string()[..8])
            } else {
                name.to_string()
            };
            self.catalog(
                s::CHART_PROPS,
                id,
                vec![
                    ("Description", Value::str(title)),
                    ("Имя", Value::str(&system)),
                    ("Заголовок", Value::str(title)),
                ],
            );
        }
        for (id, name) in [
            (ROLE_USER, "Пользователь"),
            (ROLE_MANAGER, "Менеджер"),
            (ROLE_ADMIN, "Администратор"),
        ] {
            self.catalog(
                s::PROP_VALUES,
                id,
                vec![
                    ("Owner", Value::Guid(ATTR_SITE_ROLE)),
                    ("Description", Value::str(name)),
                ],
            );
        }
    }

    fn products(&mut self, count: usize) -> Vec<Product> {
        let kinds_folder = self.guid();
        self.catalog(
            s::KINDS,
            kinds_folder,
            vec![
                ("IsFolder", Value::Bool(true)),
                ("Description", Value::str("Продукты питания")),
            ],
        );
        let mut makers = vec![DEMO_MAKER];
        for (i, name) in MAKERS.iter().enumerate() {
            let id = if i == 0 { DEMO_MAKER } else { self.guid() };
            if i > 0 {
                makers.push(id);
            }
            self.catalog(s::MAKERS, id, vec![("Description", Value::str(name))]);
        }
        let mut out = Vec::with_capacity(count);
        let per_category = count.div_ceil(CATEGORIES.len());
        let mut code = 0;
        for (ci, (category, names, weight_kind)) in CATEGORIES.iter().enumerate() {
            let kind = self.guid();
            self.catalog(
                s::KINDS,
                kind,
                vec![
                    ("Parent", Value::Guid(kinds_folder)),
                    ("Description", Value::str(category)),
                    ("Описание", Value::str("")),
                ],
            );
            let folder = self.guid();
            code += 1;
            self.catalog(
                s::PRODUCTS,
                folder,
                vec![
                    ("IsFolder", Value::Bool(true)),
                    ("Code", Value::str(&format!("00-{code:08}"))),
                    ("Description", Value::str(category)),
                    ("ВесИспользовать", Value::Null),
                    ("Описание", Value::Null),
                ],
            );
            for k in 0..per_category.min(count - out.len()) {
                let id = if ci == 0 && k == 0 {
                    DEMO_PRODUCT
                } else {
                    self.guid()
                };
                let base = names[k % names.len()];
                let maker_i = (k / names.len() + ci) % makers.len();
                let weight = *weight_kind && self.chance(0.5);
                let name = match (ci == 0 && k == 0, weight, k / names.len()) {
                    (true, _, _) => "Сосиски молочные 1 кг".to_string(),
                    (_, true, 0) => format!("{base}, весовой"),
                    (_, false, 0) => format!(
                        "{base} {}",
                        self.pick(&["500 г", "1 л", "1 кг", "400 г", "250 г"])
                    ),
                    (_, _, n) => format!("{base} {} №{n}", MAKERS[maker_i]),
                };
                // Some products have no manufacturer at all (empty reference).
                let maker = if self.chance(0.08) {
                    Uuid::nil()
                } else {
                    makers[maker_i]
                };
                code += 1;
                let deleted = self.chance(0.01);
                let hidden = self.chance(0.03);
                let unit = if weight { KILOGRAM } else { PIECE };
                let min_weight = if weight {
                    dec(*self.pick(&[0.5, 1.0, 2.5]))
                } else {
                    Decimal::ZERO
                };
                let attrs = self.attributes(
                    s::PRODUCTS,
                    Some(id),
                    vec![
                        (ATTR_HIDE_PRODUCT, CType::Boolean, Value::Bool(hidden)),
                        (ATTR_MINIMUM_WEIGHT, CType::Double, Value::Num(min_weight)),
                    ],
                );
                self.catalog(
                    s::PRODUCTS,
                    id,
                    vec![
                        ("DeletionMark", Value::Bool(deleted)),
                        ("Parent", Value::Guid(folder)),
                        ("Code", Value::str(&format!("00-{code:08}"))),
                        ("Description", Value::str(&name)),
                        (
                            "Описание",
                            Value::str(&format!("{name}. Производитель: {}.", MAKERS[maker_i])),
                        ),
                        ("ВесИспользовать", Value::Bool(weight)),
                        ("ВидНоменклатуры", Value::Guid(kind)),
                        ("ЕдиницаИзмерения", Value::Guid(unit)),
                        ("Производитель", Value::Guid(maker)),
                        ("ДополнительныеРеквизиты", attrs),
                    ],
                );
                self.packages(id, weight, &name);
                if self.chance(0.85) {
                    self.image(id, &name, ci);
                }
                for warehouse in [MAIN_WAREHOUSE, ASTANA_WAREHOUSE] {
                    let key = self.guid();
                    self.catalog(
                        s::PRODUCT_KEYS,
                        key,
                        vec![
                            ("Description", Value::str(&name)),
                            ("Номенклатура", Value::Guid(id)),
                            ("Склад", Value::Guid(warehouse)),
                        ],
                    );
                    self.db.product_keys.insert((id, warehouse), key);
                }
                if !deleted {
                    let base_price = Decimal::from(self.rng.random_range(150..6000))
                        * Decimal::from(if weight { 2 } else { 1 });
                    let tiyn = self.chance(0.05);
                    out.push(Product {
                        id,
                        weight,
                        base_price,
                        unit,
                        tiyn,
                    });
                }
            }
        }
        out
    }

    fn packages(&mut self, product: Uuid, weight: bool, name: &str) {
        let (desc, n, w) = if weight {
            ("мешок 10 кг".to_string(), 10, 10.0)
        } else {
            let n = *self.pick(&[6, 10, 12, 20, 24]);
            (format!("коробка {n} шт"), n, 0.5 * n as f64)
        };
        let id = self.guid();
        let _ = name;
        self.catalog(
            s::UNITS,
            id,
            vec![
                ("Owner", Value::composite_ref(s::PRODUCTS, product)),
                ("Description", Value::str(&desc)),
                ("Вес", Value::Num(dec(w))),
                ("Числитель", Value::num(n)),
                ("Знаменатель", Value::num(1)),
            ],
        );
    }

    fn image(&mut self, product: Uuid, name: &str, category: usize) {
        let colours = [
            "#d9534f", "#5bc0de", "#f0ad4e", "#5cb85c", "#8e6bbf", "#4a7fb5",
        ];
        let initial: String = name.chars().take(2).collect();
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"240\" viewBox=\"0 0 240 240\"><rect width=\"240\" height=\"240\" rx=\"24\" fill=\"{}\"/><text x=\"120\" y=\"150\" font-size=\"96\" text-anchor=\"middle\" fill=\"#fff\" font-family=\"sans-serif\">{initial}</text></svg>",
            colours[category % colours.len()]
        );
        let id = self.guid();
        let hex = product.simple().to_string();
        let path = format!("Номенклатура\\{}\\{}.svg", &hex[..2], &hex[..8]);
        self.catalog(
            s::FILES,
            id,
            vec![
                ("Description", Value::str(name)),
                ("ВладелецФайла", Value::Guid(product)),
                ("ПутьКФайлу", Value::str(&path)),
                ("Расширение", Value::str("svg")),
            ],
        );
        let row = RowBuilder::of(s::FILE_DATA)
            .set("Файл", Value::composite_ref(s::FILES, id))
            .set(
                "ДвоичныеДанныеФайла",
                Value::Binary(Arc::new(("image/svg+xml".to_string(), svg.into_bytes()))),
            )
            .build();
        self.db.insert(s::FILE_DATA, row);
    }

    fn person(&mut self, name: &str, phone: &str) -> Uuid {
        let id = self.guid();
        let born = NaiveDate::from_ymd_opt(
            self.rng.random_range(1970..2000),
            self.rng.random_range(1..13),
            self.rng.random_range(1..29),
        )
        .expect("valid date");
        let iin = format!(
            "{}{:06}",
            born.format("%y%m%d"),
            self.rng.random_range(0..1_000_000)
        );
        let email = format!("user{}@skazka.kz", self.seq);
        let contacts = contact_rows(
            s::PERSONS,
            vec![
                ("Телефон", phone.to_string(), None),
                ("АдресЭлектроннойПочты", email, None),
            ],
        );
        self.catalog(
            s::PERSONS,
            id,
            vec![
                ("Code", Value::str(&format!("{:09}", self.seq))),
                ("Description", Value::str(name)),
                ("ДатаРождения", crate::db::at(born, 0, 0, 0)),
                ("ИНН", Value::str(&iin)),
                ("КонтактнаяИнформация", contacts),
            ],
        );
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn user(
        &mut self,
        id: Uuid,
        short: &str,
        full: &str,
        phone: &str,
        role: Option<Uuid>,
        password: &str,
        invalid: bool,
        deleted: bool,
    ) {
        let person = self.person(full, phone);
        let mut attrs = vec![
            (ATTR_SITE_PASSWORD, CType::String, Value::str(password)),
            (ATTR_SHOW_ON_SITE, CType::Boolean, Value::Bool(true)),
        ];
        if let Some(role) = role {
            attrs.push((
                ATTR_SITE_ROLE,
                CType::Entity(s::PROP_VALUES.into()),
                Value::Guid(role),
            ));
        }
        let attrs = self.attributes(s::USERS, Some(id), attrs);
        self.catalog(
            s::USERS,
            id,
            vec![
                ("DeletionMark", Value::Bool(deleted)),
                ("Description", Value::str(short)),
                ("Недействителен", Value::Bool(invalid)),
                ("ФизическоеЛицо", Value::Guid(person)),
                ("ДополнительныеРеквизиты", attrs),
            ],
        );
    }

    fn people(&mut self, agents: usize) -> Vec<Agent> {
        self.user(
            DEMO_AGENT,
            "Жумабеков Арман (ТА)",
            "Жумабеков Арман Серикович",
            "8 (701) 000-00-01",
            Some(ROLE_USER),
            DEMO_PASSWORD,
            false,
            false,
        );
        self.user(
            DEMO_SUPERVISOR,
            "Ахметова Гульнара (супервайзер)",
            "Ахметова Гульнара Маратовна",
            "+7 (701) 000-00-02",
            Some(ROLE_MANAGER),
            DEMO_PASSWORD,
            false,
            false,
        );
        self.user(
            DEMO_ADMIN,
            "Администратор портала",
            "Ким Сергей Викторович",
            "87010000004",
            Some(ROLE_ADMIN),
            DEMO_PASSWORD,
            false,
            false,
        );
        let mut out = vec![Agent {
            id: DEMO_AGENT,
            warehouse: MAIN_WAREHOUSE,
            clients: Vec::new(),
            busy: true,
        }];
        for i in 1..agents {
            let id = self.guid();
            let name = self.full_name();
            let phone = format!(
                "8 (70{}) {:03}-{:02}-{:02}",
                1 + i % 8,
                100 + i % 900,
                i % 100,
                (i * 7) % 100
            );
            let password = format!("pw{:04}", self.rng.random_range(0..10_000));
            self.user(
                id,
                &format!("{} (ТА)", name.short()),
                &name.full(),
                &phone,
                Some(ROLE_USER),
                &password,
                false,
                false,
            );
            let warehouse = if i % 2 == 0 {
                ASTANA_WAREHOUSE
            } else {
                MAIN_WAREHOUSE
            };
            out.push(Agent {
                id,
                warehouse,
                clients: Vec::new(),
                busy: false,
            });
        }
        // People the sync must skip or deactivate: invalid, deletion-marked, without a site role.
        for (post, invalid, deleted, role) in [
            ("ТА, уволен", true, false, Some(ROLE_USER)),
            ("ТА", false, true, Some(ROLE_USER)),
            ("бухгалтер", false, false, None),
        ] {
            let id = self.guid();
            let name = self.full_name();
            self.user(
                id,
                &format!("{} ({post})", name.short()),
                &name.full(),
                "8 (705) 555-00-00",
                role,
                "secret",
                invalid,
                deleted,
            );
        }
        out
    }

    fn clients(&mut self, mut agents: Vec<Agent>, per_agent: usize) -> Vec<Agent> {
        #[allow(clippy::needless_range_loop)] // clients are pushed into the agent being read
        for a in 0..agents.len() {
            let city = if agents[a].warehouse == MAIN_WAREHOUSE {
                ("Кокшетау", KOKSHETAU)
            } else {
                ("Астана", ASTANA)
            };
            for c in 0..per_agent {
                let demo = a == 0 && c == 0;
                let partner = if demo {
                    DEMO_CLIENT_PARTNER
                } else {
                    self.guid()
                };
                let (owner, shop) = if demo {
                    (
                        FullName::new("Сапаров", "Гульнара", "Кайрат", false),
                        "Береке",
                    )
                } else {
                    (self.full_name(), *self.pick(SHOPS))
                };
                let name = format!("ИП {} (маг. {shop})", owner.initials());
                let lat = city.1.0 + self.rng.random_range(-0.04..0.04);
                let lon = city.1.1 + self.rng.random_range(-0.06..0.06);
                let address = format!(
                    "{}, {}, {}",
                    city.0,
                    self.pick(STREETS),
                    self.rng.random_range(1..180)
                );
                let phone = if demo {
                    "8 (701) 000-00-03".to_string()
                } else {
                    format!(
                        "8 (777) {:03}-{:02}-{:02}",
                        self.rng.random_range(100..999),
                        c % 100,
                        a % 100
                    )
                };
                let contacts = contact_rows(
                    s::PARTNERS,
                    vec![
                        ("Адрес", address.clone(), Some((lat, lon))),
                        ("Телефон", phone, None),
                    ],
                );
                self.catalog(
                    s::PARTNERS,
                    partner,
                    vec![
                        ("Code", Value::str(&format!("{:09}", self.seq))),
                        ("Description", Value::str(&name)),
                        ("НаименованиеПолное", Value::str(&name)),
                        ("Клиент", Value::Bool(true)),
                        ("ОсновнойМенеджер", Value::Guid(agents[a].id)),
                        ("КонтактнаяИнформация", contacts),
                    ],
                );
                // One partner may trade through several counterparties and contracts.
                let mut keys = Vec::new();
                let n_cp = if demo || self.chance(0.2) { 2 } else { 1 };
                let head = self.guid();
                for k in 0..n_cp {
                    let cp = if k == 0 { head } else { self.guid() };
                    let cp_name = if k == 0 {
                        format!("ИП {}", owner.full())
                    } else {
                        format!("ТОО \"{shop} {}\"", city.0)
                    };
                    let inn = format!("{:012}", self.rng.random_range(0..999_999_999_999u64));
                    self.catalog(
                        s::COUNTERPARTIES,
                        cp,
                        vec![
                            ("Code", Value::str(&format!("{:09}", self.seq))),
                            ("Description", Value::str(&cp_name)),
                            ("Партнер", Value::Guid(partner)),
                            (
                                "ГоловнойКонтрагент",
                                Value::Guid(if k == 0 { cp } else { head }),
                            ),
                            ("ИНН", Value::str(&inn)),
                        ],
                    );
                    let contract = self.guid();
                    let term = *self.pick(&[7i64, 14, 30]);
                    self.catalog(
                        s::CONTRACTS,
                        contract,
                        vec![
                            (
                                "Description",
                                Value::str(&format!("Договор поставки №{} ({term} дн.)", self.seq)),
                            ),
                            ("Номер", Value::str(&format!("{}", self.seq))),
                            ("Партнер", Value::Guid(partner)),
                            ("Контрагент", Value::Guid(cp)),
                            ("СрокОплаты", Value::num(term)),
                        ],
                    );
                    let key = self.guid();
                    self.catalog(
                        s::PARTNER_KEYS,
                        key,
                        vec![
                            ("Description", Value::str(&format!("{name} / {cp_name}"))),
                            ("Партнер", Value::Guid(partner)),
                            ("Контрагент", Value::Guid(cp)),
                            ("Договор", Value::Guid(contract)),
                        ],
                    );
                    self.db.partner_keys.insert((partner, cp, contract), key);
                    keys.push((partner, cp, contract));
                }
                let term_days = if demo { 7 } else { *self.pick(&[7, 14, 30]) };
                agents[a].clients.push(Client {
                    keys,
                    address,
                    lat,
                    lon,
                    term_days,
                });
            }
        }
        agents
    }

    /// Price lists: one at the start of the year for every sales price kind, then monthly changes.
    fn prices(&mut self, products: &[Product]) {
        let kinds: Vec<(Uuid, Decimal)> = vec![(MAIN_PRICE_KIND, Decimal::ONE)]
            .into_iter()
            .chain(self.db.table(s::PRICE_KINDS).rows.iter().filter_map(|r| {
                let id = r[0].as_guid()?;
                let name = r[col(s::PRICE_KINDS, "Description")].as_str()?.to_string();
                let factor = match name.as_str() {
                    "Розничная цена" => Decimal::new(125, 2),
                    "Цена для сетей" => Decimal::new(97, 2),
                    _ => return None,
                };
                Some((id, factor))
            }))
            .collect();
        let start = self.as_of - Duration::days(366);
        for month in 0..13 {
            let date = start + Duration::days(month * 30);
            let lines: Vec<(Uuid, Uuid, Decimal)> = products
                .iter()
                .filter(|_| month == 0 || self.rng.random_bool(0.08))
                .flat_map(|p| {
                    let drift = Decimal::ONE + Decimal::new(month * 2, 2);
                    kinds
                        .iter()
                        .map(move |(k, f)| (p.id, *k, p.price(*f * drift)))
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            let id = self.guid();
            let number = self.number(s::PRICE_SETTINGS, "КК00");
            let t = |f: &str| tcol(s::PRICE_SETTINGS, "Товары", f);
            let _ = t;
            let fields = section_fields(s::PRICE_SETTINGS, "Товары");
            let rows: Vec<Row> = lines
                .into_iter()
                .enumerate()
                .map(|(i, (p, k, price))| {
                    RowBuilder::new(&fields)
                        .set("LineNumber", Value::Int(i as i64 + 1))
                        .set("Номенклатура", Value::Guid(p))
                        .set("ВидЦены", Value::Guid(k))
                        .set("Цена", Value::Num(price))
                        .build()
                })
                .collect();
            let row = RowBuilder::of(s::PRICE_SETTINGS)
                .set("Ref_Key", Value::Guid(id))
                .set("Number", number)
                .set("Date", crate::db::at(date, 0, 0, 0))
                .set("Posted", Value::Bool(true))
                .set("Комментарий", Value::str("Изменение цен"))
                .set("Товары", Value::table(rows))
                .build();
            self.db.insert(s::PRICE_SETTINGS, row);
            self.db.post(s::PRICE_SETTINGS, id);
        }
    }
}

pub(crate) fn section_fields(set: &str, section: &str) -> Vec<s::Field> {
    match &s::Schema::get().set(set).fields[col(set, section)].ty {
        s::Ty::Table(f) => f.clone(),
        _ => unreachable!("schema declares a table"),
    }
}

/// One order line before amounts are worked out.
pub struct LineSpec {
    pub product: Uuid,
    pub quantity: Decimal,
    pub price: Decimal,
    pub auto_discount_pct: Decimal,
    pub manual_discount: Decimal,
    pub cancelled: bool,
}

/// Builds tabular rows with consistent amounts: prices include 12 % VAT, so `СуммаСНДС = Сумма` and
/// `СуммаНДС = Сумма × 12/112`. Returns the rows and the document total over non-cancelled lines.
pub fn sales_lines(set: &str, lines: &[LineSpec], order: Option<Uuid>) -> (Value, Decimal) {
    let fields = section_fields(set, "Товары");
    let has_cancel = fields.iter().any(|f| f.name == "Отменено");
    let has_order = fields.iter().any(|f| f.name == "ЗаказКлиента");
    // One reference shared by every line.
    let order = order.map(|o| Value::composite_ref(s::ORDERS, o));
    let mut total = Decimal::ZERO;
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let gross = round2(l.quantity * l.price);
            let auto = round2(gross * l.auto_discount_pct / Decimal::ONE_HUNDRED);
            let amount = gross - auto - l.manual_discount;
            let vat = round2(amount * Decimal::from(12) / Decimal::from(112));
            if !l.cancelled {
                total += amount;
            }
            let mut b = RowBuilder::new(&fields)
                .set("LineNumber", Value::Int(i as i64 + 1))
                .set("Номенклатура", Value::Guid(l.product))
                .set("Количество", Value::Num(l.quantity))
                .set("ВидЦены", Value::Guid(MAIN_PRICE_KIND))
                .set("Цена", Value::Num(l.price))
                .set("Сумма", Value::Num(amount))
                .set("СуммаНДС", Value::Num(vat))
                .set("СуммаСНДС", Value::Num(amount))
                .set("СуммаРучнойСкидки", Value::Num(l.manual_discount))
                .set("СуммаАвтоматическойСкидки", Value::Num(auto));
            if has_cancel {
                b = b.set("Отменено", Value::Bool(l.cancelled));
            }
            if let (true, Some(o)) = (has_order, &order) {
                b = b.set("ЗаказКлиента", o.clone());
            }
            b.build()
        })
        .collect();
    (Value::table(rows), total)
}

/// What a sale needs to know about its order.
struct OrderFacts {
    id: Uuid,
    agent: Uuid,
    key: (Uuid, Uuid, Uuid),
    warehouse: Uuid,
    address: String,
    payment: &'static str,
    delivery: &'static str,
    shipment: NaiveDate,
    term_days: i64,
    lines: Vec<LineSpec>,
}

const PAYMENT_FORMS: &[&str] = &["Наличная", "Наличная", "Безналичная", "ПлатежнаяКарта"];
const COMMENTS: &[&str] = &[
    "",
    "",
    "",
    "до обеда",
    "позвонить перед доставкой",
    "оплата при получении",
    "срочно",
];

impl Gen {
    fn price_at(&self, p: &Product, date: NaiveDate) -> Decimal {
        let start = self.as_of - Duration::days(366);
        let month = ((date - start).num_days().max(0) / 30).min(12);
        p.price(Decimal::ONE + Decimal::new(month * 2, 2))
    }

    fn line(&mut self, products: &[Product], date: NaiveDate) -> LineSpec {
        let p = self.pick(products);
        let quantity = if p.weight {
            Decimal::new(self.rng.random_range(5..200) * 5, 1) / Decimal::from(5)
        } else {
            Decimal::from(self.rng.random_range(1..25))
        };
        let price = self.price_at(p, date);
        let auto_discount_pct = if self.chance(0.25) {
            Decimal::from(*self.pick(&[2, 3, 5]))
        } else {
            Decimal::ZERO
        };
        let manual_discount = if self.chance(0.05) {
            Decimal::from(self.rng.random_range(1..10) * 50)
        } else {
            Decimal::ZERO
        };
        let manual_discount = manual_discount.min(round2(quantity * price / Decimal::from(4)));
        LineSpec {
            product: p.id,
            quantity,
            price,
            auto_discount_pct,
            manual_discount,
            cancelled: self.chance(0.03),
        }
    }

    /// Orders, Агент Плюс rows, sales and payments for every agent's working days.
    fn documents(
        &mut self,
        agents: &mut [Agent],
        products: &[Product],
        size: &Size,
        progress: &mut dyn FnMut(f64),
    ) -> HashMap<(Uuid, Uuid), Decimal> {
        let mut sold: HashMap<(Uuid, Uuid), Decimal> = HashMap::new();
        let first = self.as_of - Duration::days(365);
        let days: Vec<NaiveDate> = (0..=365)
            .map(|d| first + Duration::days(d))
            .filter(|d| d.weekday() != Weekday::Sun)
            .collect();
        let total = agents.len();
        for (ai, agent) in agents.iter().enumerate() {
            for &day in &days {
                let (lo, hi) = if agent.busy {
                    (4, 8)
                } else {
                    size.orders_per_day
                };
                let n = if day == self.as_of && agent.busy {
                    8
                } else {
                    self.rng.random_range(lo..=hi)
                };
                for k in 0..n {
                    let facts = self.order(agent, products, size, day, k, n);
                    if let Some(facts) = facts {
                        let sale_total = self.sale(facts, &mut sold);
                        let _ = sale_total;
                    }
                }
            }
            progress((ai + 1) as f64 / total as f64);
        }
        sold
    }

    /// Makes one order; returns what its sale needs when the order has been shipped.
    fn order(
        &mut self,
        agent: &Agent,
        products: &[Product],
        size: &Size,
        day: NaiveDate,
        k: usize,
        n: usize,
    ) -> Option<OrderFacts> {
        let client = &agent.clients[if agent.busy && k == 0 {
            0
        } else {
            self.rng.random_range(0..agent.clients.len())
        }];
        let key = *self.pick(&client.keys);
        let (h, m) = (9 + (k * 9 / n.max(1)) as u32, self.rng.random_range(0..60));
        let taken = day
            .and_hms_opt(h.min(18), m, self.rng.random_range(0..60))
            .expect("valid time");
        if taken > self.now {
            // Not taken yet: the live day may post it when the clock gets there.
            return None;
        }
        let n_lines = self.rng.random_range(size.lines.0..=size.lines.1);
        let mut lines: Vec<LineSpec> = (0..n_lines).map(|_| self.line(products, day)).collect();
        let age = (self.as_of - day).num_days();
        let deleted = self.chance(0.02);
        let all_cancelled = age > 3 && self.chance(0.02);
        if all_cancelled {
            lines.iter_mut().for_each(|l| l.cancelled = true);
        }
        let status = match age {
            _ if all_cancelled => "Закрыт",
            a if a > 3 => {
                if self.chance(0.03) {
                    "НеСогласован"
                } else {
                    "Закрыт"
                }
            }
            a if a >= 1 => *self.pick(&["КОтгрузке", "Закрыт", "Закрыт"]),
            _ => *self.pick(&["НеСогласован", "КОбеспечению", "КОтгрузке", "КОтгрузке"]),
        };
        let delivery = if self.chance(0.1) {
            "Самовывоз"
        } else {
            "ДоКлиента"
        };
        let shipment = day + Duration::days(if day.weekday() == Weekday::Sat { 2 } else { 1 });
        // Deliveries start at ten: an order due today is still to be shipped before then.
        let status = if status == "Закрыт"
            && !all_cancelled
            && shipment == self.as_of
            && self.now < self.as_of.and_hms_opt(10, 0, 0).expect("valid time")
        {
            "КОтгрузке"
        } else {
            status
        };
        let payment = *self.pick(PAYMENT_FORMS);
        let comment = *self.pick(COMMENTS);
        let id = self.guid();
        let (table, total) = sales_lines(s::ORDERS, &lines, None);
        let number = self.number(s::ORDERS, "КК00");
        let row = RowBuilder::of(s::ORDERS)
            .set("Ref_Key", Value::Guid(id))
            .set("DeletionMark", Value::Bool(deleted))
            .set("Number", number)
            .set("Date", Value::Date(taken))
            .set("Posted", Value::Bool(!deleted && status != "НеСогласован"))
            .set("Менеджер", Value::Guid(agent.id))
            .set("Партнер", Value::Guid(key.0))
            .set("Контрагент", Value::Guid(key.1))
            .set("Договор", Value::Guid(key.2))
            .set("Склад", Value::Guid(agent.warehouse))
            .set("СуммаДокумента", Value::Num(total))
            .set("Статус", Value::str(status))
            .set("ФормаОплаты", Value::str(payment))
            .set("ДатаОтгрузки", crate::db::at(shipment, 0, 0, 0))
            .set(
                "АдресДоставки",
                Value::sym(if delivery == "Самовывоз" {
                    ""
                } else {
                    &client.address
                }),
            )
            .set("СпособДоставки", Value::str(delivery))
            .set("Комментарий", Value::sym(comment))
            .set("Товары", table)
            .build();
        self.db.insert(s::ORDERS, row);
        self.db.post(s::ORDERS, id);
        if self.chance(0.92) {
            self.agent_plus(id, client, taken);
        }
        let shipped = !deleted && !all_cancelled && status == "Закрыт" && shipment <= self.as_of;
        shipped.then(|| OrderFacts {
            id,
            agent: agent.id,
            key,
            warehouse: agent.warehouse,
            address: client.address.clone(),
            payment,
            delivery,
            shipment,
            term_days: client.term_days,
            lines: lines.into_iter().filter(|l| !l.cancelled).collect(),
        })
    }

    /// The four rows the Агент Плюс app writes: position near the client, start and finish of the visit.
    fn agent_plus(&mut self, order: Uuid, client: &Client, finished: NaiveDateTime) {
        let lat = client.lat + self.rng.random_range(-0.0008..0.0008);
        let lon = client.lon + self.rng.random_range(-0.0008..0.0008);
        let minutes = self.rng.random_range(3..60);
        let started =
            finished - Duration::minutes(minutes) - Duration::seconds(self.rng.random_range(0..60));
        let fmt = |d: NaiveDateTime| crate::value::fmt_date(&d);
        let object = Value::composite_ref(s::ORDERS, order);
        for (prop, ctype, v) in [
            (ATTR_LATITUDE, CType::String, to_ddmm(lat)),
            (ATTR_LONGITUDE, CType::String, to_ddmm(lon)),
            (ATTR_STARTED, CType::DateTime, fmt(started)),
            (ATTR_STOPPED, CType::DateTime, fmt(finished)),
        ] {
            let value = match ctype {
                CType::DateTime => {
                    Value::Date(crate::filter::parse_datetime(&v).expect("formatted above"))
                }
                _ => Value::str(&v),
            };
            let row = RowBuilder::of(s::EXTRA_INFO)
                .set("Объект", object.clone())
                .set("Свойство", Value::Guid(prop))
                .set("Значение", Value::Composite(Arc::new((ctype, value))))
                .build();
            self.db.insert(s::EXTRA_INFO, row);
        }
    }

    /// The sale made from a shipped order, and the client's payments for it.
    fn sale(&mut self, o: OrderFacts, sold: &mut HashMap<(Uuid, Uuid), Decimal>) -> Decimal {
        let id = if o.agent == DEMO_AGENT
            && self.db.get(s::SALES, DEMO_SALE).is_none()
            && o.shipment < self.as_of - Duration::days(40)
        {
            DEMO_SALE
        } else {
            self.guid()
        };
        let (table, total) = sales_lines(s::SALES, &o.lines, Some(o.id));
        for l in &o.lines {
            *sold.entry((l.product, o.warehouse)).or_default() += l.quantity;
        }
        let time = o
            .shipment
            .and_hms_opt(
                self.rng.random_range(10..17),
                self.rng.random_range(0..60),
                0,
            )
            .expect("valid");
        let earliest = o.shipment.and_hms_opt(10, 0, 0).expect("valid time");
        let time = self.not_after_now(time, earliest);
        let due = o.shipment + Duration::days(o.term_days);
        let number = self.number(s::SALES, "КК00");
        let row = RowBuilder::of(s::SALES)
            .set("Ref_Key", Value::Guid(id))
            .set("Number", number)
            .set("Date", Value::Date(time))
            .set("Posted", Value::Bool(true))
            .set("Менеджер", Value::Guid(o.agent))
            .set("Партнер", Value::Guid(o.key.0))
            .set("Контрагент", Value::Guid(o.key.1))
            .set("Договор", Value::Guid(o.key.2))
            .set("Склад", Value::Guid(o.warehouse))
            .set("СуммаДокумента", Value::Num(total))
            .set("ФормаОплаты", Value::str(o.payment))
            .set("АдресДоставки", Value::sym(&o.address))
            .set("СпособДоставки", Value::str(o.delivery))
            .set("ЗаказКлиента", Value::composite_ref(s::ORDERS, o.id))
            .set("ДатаОтгрузки", crate::db::at(o.shipment, 0, 0, 0))
            .set("ДатаПлатежа", crate::db::at(due, 0, 0, 0))
            .set("Товары", table)
            .build();
        self.db.insert(s::SALES, row);
        self.db.post(s::SALES, id);
        self.payments(id, &o, total, time, due);
        total
    }

    fn payments(
        &mut self,
        sale: Uuid,
        o: &OrderFacts,
        total: Decimal,
        shipped: NaiveDateTime,
        due: NaiveDate,
    ) {
        let overdue = due < self.as_of;
        let roll: f64 = self.rng.random();
        // Older sales are mostly paid; the demo agent keeps a few open and overdue debts.
        let share = match (overdue, roll) {
            (true, r) if r < if o.agent == DEMO_AGENT { 0.90 } else { 0.95 } => Decimal::ONE,
            (true, r) if r < 0.97 => Decimal::new(5, 1),
            (true, _) => Decimal::ZERO,
            (false, r) if r < 0.4 => Decimal::ONE,
            (false, r) if r < 0.6 => Decimal::new(3, 1),
            _ => Decimal::ZERO,
        };
        let amount = round2(total * share);
        if amount.is_zero() || sale == DEMO_SALE {
            return;
        }
        let latest = (self.as_of - shipped.date())
            .num_days()
            .max(0)
            .min(o.term_days);
        let pay_date = shipped.date() + Duration::days(self.rng.random_range(0..=latest));
        let paid = pay_date
            .and_hms_opt(17, 30, 0)
            .expect("valid time")
            .max(shipped);
        let paid = self.not_after_now(paid, shipped);
        let set = if o.payment == "Наличная" {
            s::CASH_RECEIPTS
        } else {
            s::BANK_RECEIPTS
        };
        let fields = section_fields(set, "РасшифровкаПлатежа");
        let detail = RowBuilder::new(&fields)
            .set("LineNumber", Value::Int(1))
            .set("ОбъектРасчетов", Value::composite_ref(s::SALES, sale))
            .set("Сумма", Value::Num(amount))
            .build();
        let id = self.guid();
        let number = self.number(set, "КК00");
        let row = RowBuilder::of(set)
            .set("Ref_Key", Value::Guid(id))
            .set("Number", number)
            .set("Date", Value::Date(paid))
            .set("Posted", Value::Bool(true))
            .set("Партнер", Value::Guid(o.key.0))
            .set("Контрагент", Value::Guid(o.key.1))
            .set("СуммаДокумента", Value::Num(amount))
            .set("РасшифровкаПлатежа", Value::table(vec![detail]))
            .build();
        self.db.insert(set, row);
        self.db.post(set, id);
    }

    /// Goods receipts that cover what was sold: most products keep stock, some are sold out exactly.
    fn stock(&mut self, products: &[Product], sold: &HashMap<(Uuid, Uuid), Decimal>) {
        let date = self.as_of - Duration::days(366);
        let supplier = self.supplier();
        for warehouse in [MAIN_WAREHOUSE, ASTANA_WAREHOUSE] {
            let fields = section_fields(s::PURCHASES, "Товары");
            let mut rows = Vec::new();
            for p in products {
                let s = sold.get(&(p.id, warehouse)).copied().unwrap_or_default();
                let sold_out = self.chance(0.07);
                let extra = if sold_out {
                    Decimal::ZERO
                } else {
                    Decimal::from(self.rng.random_range(5..300))
                };
                let qty = s + extra;
                if qty.is_zero() {
                    continue;
                }
                let price = p.price(Decimal::new(7, 1));
                rows.push(
                    RowBuilder::new(&fields)
                        .set("LineNumber", Value::Int(rows.len() as i64 + 1))
                        .set("Номенклатура", Value::Guid(p.id))
                        .set("Количество", Value::Num(qty))
                        .set("Цена", Value::Num(price))
                        .set("Сумма", Value::Num(round2(qty * price)))
                        .build(),
                );
                let _ = p.unit;
            }
            let id = self.guid();
            let number = self.number(s::PURCHASES, "КК00");
            let row = RowBuilder::of(s::PURCHASES)
                .set("Ref_Key", Value::Guid(id))
                .set("Number", number)
                .set("Date", crate::db::at(date, 8, 0, 0))
                .set("Posted", Value::Bool(true))
                .set("Партнер", Value::Guid(supplier))
                .set("Склад", Value::Guid(warehouse))
                .set("Товары", Value::table(rows))
                .build();
            self.db.insert(s::PURCHASES, row);
            self.db.post(s::PURCHASES, id);
        }
    }

    fn supplier(&mut self) -> Uuid {
        if let Some(r) = self
            .db
            .table(s::PARTNERS)
            .rows
            .iter()
            .find(|r| r[col(s::PARTNERS, "Поставщик")].as_bool())
        {
            return r[0].as_guid().unwrap_or_default();
        }
        let id = self.guid();
        self.catalog(
            s::PARTNERS,
            id,
            vec![
                ("Description", Value::str("ТОО \"Продснаб Казахстан\"")),
                (
                    "НаименованиеПолное",
                    Value::str("ТОО \"Продснаб Казахстан\""),
                ),
                ("Поставщик", Value::Bool(true)),
            ],
        );
        id
    }

    /// Supplier orders with expected arrival dates: a few closed in the past, upcoming ones ahead.
    fn supplier_orders(&mut self, products: &[Product]) {
        let supplier = self.supplier();
        for i in -3i64..10 {
            let arrival = self.as_of + Duration::days(i * 2 + 1);
            // Upcoming arrivals were ordered by yesterday at the latest.
            let ordered = (arrival - Duration::days(7)).min(self.as_of - Duration::days(1));
            let status = if i < 0 {
                "Закрыт"
            } else {
                *self.pick(&["Подтвержден", "КПоступлению"])
            };
            let fields = section_fields(s::SUPPLIER_ORDERS, "Товары");
            let mut total = Decimal::ZERO;
            let rows: Vec<Row> = (0..self.rng.random_range(3..12))
                .map(|k| {
                    let p = self.pick(products);
                    let qty = Decimal::from(self.rng.random_range(10..200));
                    let price = p.price(Decimal::new(7, 1));
                    let cancelled = self.chance(0.05);
                    if !cancelled {
                        total += round2(qty * price);
                    }
                    RowBuilder::new(&fields)
                        .set("LineNumber", Value::Int(k + 1))
                        .set("Номенклатура", Value::Guid(p.id))
                        .set("Количество", Value::Num(qty))
                        .set("Цена", Value::Num(price))
                        .set("Сумма", Value::Num(round2(qty * price)))
                        .set("Отменено", Value::Bool(cancelled))
                        .set("ДатаПоступления", crate::db::at(arrival, 0, 0, 0))
                        .build()
                })
                .collect();
            let id = self.guid();
            let number = self.number(s::SUPPLIER_ORDERS, "КК00");
            let warehouse = if i % 3 == 0 {
                ASTANA_WAREHOUSE
            } else {
                MAIN_WAREHOUSE
            };
            let row = RowBuilder::of(s::SUPPLIER_ORDERS)
                .set("Ref_Key", Value::Guid(id))
                .set("Number", number)
                .set("Date", crate::db::at(ordered, 11, 0, 0))
                .set("Posted", Value::Bool(true))
                .set("Партнер", Value::Guid(supplier))
                .set("Склад", Value::Guid(warehouse))
                .set("Статус", Value::str(status))
                .set("ДатаПоступления", crate::db::at(arrival, 0, 0, 0))
                .set("ЖелаемаяДатаПоступления", crate::db::at(arrival, 0, 0, 0))
                .set("СуммаДокумента", Value::Num(total))
                .set("Товары", Value::table(rows))
                .build();
            self.db.insert(s::SUPPLIER_ORDERS, row);
            self.db.post(s::SUPPLIER_ORDERS, id);
        }
    }
}
