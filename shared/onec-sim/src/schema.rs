//! The published composition of the simulated UT 11 base: every entity set, its fields and their types.
//!
//! One declaration drives everything: storage layout, `$select`/`$filter` name resolution, JSON
//! rendering, virtual tables and `$metadata`.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A field's type, as 1C publishes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// The object's own key, `Ref_Key` (`Edm.Guid`).
    Key,
    /// A single-type reference: wire name `<name>_Key`, navigation property `<name>`.
    Ref(&'static str),
    Str,
    Bool,
    Double,
    Int64,
    Date,
    /// An enumeration (value names as `Edm.String`).
    Enum(&'static str),
    /// A composite-type attribute: `<name>` plus `<name>_Type`.
    Composite,
    /// A tabular section with its row fields (the first is always `LineNumber`).
    Table(Vec<Field>),
    /// A ValueStorage: `<name>_Base64Data` plus `<name>_Type`.
    Binary,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
}

fn f(name: &str, ty: Ty) -> Field {
    Field {
        name: name.to_string(),
        ty,
    }
}

impl Field {
    /// Whether `seg` is the JSON member name of the field's value (no allocation: hot in filters).
    pub fn is_wire(&self, seg: &str) -> bool {
        match self.ty {
            Ty::Ref(_) => seg.strip_suffix("_Key") == Some(self.name.as_str()),
            Ty::Binary => seg.strip_suffix("_Base64Data") == Some(self.name.as_str()),
            _ => seg == self.name,
        }
    }

    /// The JSON member name of the field's value.
    pub fn wire_name(&self) -> String {
        match self.ty {
            Ty::Ref(_) => format!("{}_Key", self.name),
            Ty::Binary => format!("{}_Base64Data", self.name),
            _ => self.name.clone(),
        }
    }
}

/// What kind of resource an entity set is; decides which standard behaviours apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Catalog,
    Document,
    Chart,
    /// `<Owner>_<Section>`: the rows of a tabular section as their own set.
    Section {
        owner: usize,
        field: usize,
    },
    /// An independent information register (flat records keyed by dimensions).
    InfoRegister,
    /// `InformationRegister_X_RecordType` of a recorder-subordinate periodic register.
    InfoRecords,
    /// `AccumulationRegister_X_RecordType`: flat records. `balance` = balance kind (has `RecordType`).
    AccumRecords {
        balance: bool,
    },
    /// `AccumulationRegister_X` / `InformationRegister_X`: one entry per recorder with `RecordSet`.
    RecordSets {
        records: usize,
    },
}

/// Dimensions and resources of a register (indices into the record type's fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub dims: Vec<usize>,
    pub resources: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct EntityType {
    pub name: String,
    pub kind: Kind,
    pub fields: Vec<Field>,
    pub register: Option<Register>,
}

impl EntityType {
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn has_key(&self) -> bool {
        matches!(self.kind, Kind::Catalog | Kind::Document | Kind::Chart)
    }

    pub fn is_document(&self) -> bool {
        self.kind == Kind::Document
    }
}

pub const ENUMS: &[(&str, &[&str])] = &[
    (
        "СтатусыЗаказовКлиентов",
        &["НеСогласован", "КОбеспечению", "КОтгрузке", "Закрыт"],
    ),
    (
        "ФормыОплаты",
        &["Наличная", "Безналичная", "ПлатежнаяКарта"],
    ),
    (
        "СпособыДоставки",
        &[
            "Самовывоз",
            "ДоКлиента",
            "СиламиПеревозчика",
            "СиламиПеревозчикаПоАдресу",
        ],
    ),
    (
        "ТипыКонтактнойИнформации",
        &[
            "Адрес",
            "Телефон",
            "АдресЭлектроннойПочты",
            "ВебСтраница",
            "Другое",
        ],
    ),
    (
        "СтатусыЗаказовПоставщикам",
        &["НеСогласован", "Подтвержден", "КПоступлению", "Закрыт"],
    ),
    ("AccumulationRecordType", &["Receipt", "Expense"]),
];

/// The whole published composition.
pub struct Schema {
    pub sets: Vec<EntityType>,
    by_name: HashMap<String, usize>,
}

impl Schema {
    pub fn get() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(build)
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn set(&self, name: &str) -> &EntityType {
        &self.sets[self
            .index(name)
            .unwrap_or_else(|| panic!("no entity set {name}"))]
    }
}

fn catalog_head() -> Vec<Field> {
    vec![
        f("Ref_Key", Ty::Key),
        f("DataVersion", Ty::Str),
        f("DeletionMark", Ty::Bool),
    ]
}

fn document_head() -> Vec<Field> {
    vec![
        f("Ref_Key", Ty::Key),
        f("DataVersion", Ty::Str),
        f("DeletionMark", Ty::Bool),
        f("Number", Ty::Str),
        f("Date", Ty::Date),
        f("Posted", Ty::Bool),
    ]
}

fn with(mut head: Vec<Field>, rest: Vec<Field>) -> Vec<Field> {
    head.extend(rest);
    head
}

fn table(rest: Vec<Field>) -> Ty {
    Ty::Table(with(vec![f("LineNumber", Ty::Int64)], rest))
}

fn additional_attributes() -> Ty {
    table(vec![
        f("Свойство", Ty::Ref(CHART_PROPS)),
        f("Значение", Ty::Composite),
        f("ТекстоваяСтрока", Ty::Str),
    ])
}

fn contact_info(with_coords: bool) -> Ty {
    let mut rest = vec![
        f("Тип", Ty::Enum("ТипыКонтактнойИнформации")),
        f("Представление", Ty::Str),
    ];
    if with_coords {
        rest.push(f("Широта", Ty::Double));
        rest.push(f("Долгота", Ty::Double));
    }
    table(rest)
}

fn sales_lines(extra: Vec<Field>) -> Ty {
    let mut rest = vec![
        f("Номенклатура", Ty::Ref(PRODUCTS)),
        f("Упаковка", Ty::Ref(UNITS)),
        f("Количество", Ty::Double),
        f("ВидЦены", Ty::Ref(PRICE_KINDS)),
        f("Цена", Ty::Double),
        f("Сумма", Ty::Double),
        f("СуммаНДС", Ty::Double),
        f("СуммаСНДС", Ty::Double),
        f("СуммаРучнойСкидки", Ty::Double),
        f("СуммаАвтоматическойСкидки", Ty::Double),
    ];
    rest.extend(extra);
    table(rest)
}

pub const USERS: &str = "Catalog_Пользователи";
pub const PERSONS: &str = "Catalog_ФизическиеЛица";
pub const CHART_PROPS: &str = "ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения";
pub const PROP_VALUES: &str = "Catalog_ЗначенияСвойствОбъектов";
pub const WAREHOUSES: &str = "Catalog_Склады";
pub const UNITS: &str = "Catalog_УпаковкиЕдиницыИзмерения";
pub const PRODUCTS: &str = "Catalog_Номенклатура";
pub const FILES: &str = "Catalog_НоменклатураПрисоединенныеФайлы";
pub const FILE_DATA: &str = "InformationRegister_ДвоичныеДанныеФайлов";
pub const KINDS: &str = "Catalog_ВидыНоменклатуры";
pub const MAKERS: &str = "Catalog_Производители";
pub const CURRENCIES: &str = "Catalog_Валюты";
pub const PRICE_KINDS: &str = "Catalog_ВидыЦен";
pub const PARTNERS: &str = "Catalog_Партнеры";
pub const COUNTERPARTIES: &str = "Catalog_Контрагенты";
pub const CONTRACTS: &str = "Catalog_ДоговорыКонтрагентов";
pub const PARTNER_KEYS: &str = "Catalog_КлючиАналитикиУчетаПоПартнерам";
pub const PRODUCT_KEYS: &str = "Catalog_КлючиАналитикиУчетаНоменклатуры";
pub const ORDERS: &str = "Document_ЗаказКлиента";
pub const SALES: &str = "Document_РеализацияТоваровУслуг";
pub const SUPPLIER_ORDERS: &str = "Document_ЗаказПоставщику";
pub const PURCHASES: &str = "Document_ПриобретениеТоваровУслуг";
pub const PRICE_SETTINGS: &str = "Document_УстановкаЦенНоменклатуры";
pub const CASH_RECEIPTS: &str = "Document_ПриходныйКассовыйОрдер";
pub const BANK_RECEIPTS: &str = "Document_ПоступлениеБезналичныхДенежныхСредств";
pub const EXTRA_INFO: &str = "InformationRegister_ДополнительныеСведения";
pub const PRICES: &str = "InformationRegister_ЦеныНоменклатуры";
pub const STOCK: &str = "AccumulationRegister_СвободныеОстатки";
pub const SETTLEMENTS: &str = "AccumulationRegister_РасчетыСКлиентамиПоДокументам";
pub const REVENUE: &str = "AccumulationRegister_ВыручкаИСебестоимостьПродаж";

/// The `_RecordType` set of a register.
pub fn records_of(register: &str) -> String {
    format!("{register}_RecordType")
}

fn base_sets() -> Vec<(String, Kind, Vec<Field>)> {
    use Ty::*;
    let cat = |name: &str, rest: Vec<Field>| {
        (name.to_string(), Kind::Catalog, with(catalog_head(), rest))
    };
    let doc = |name: &str, rest: Vec<Field>| {
        (
            name.to_string(),
            Kind::Document,
            with(document_head(), rest),
        )
    };
    let payment = |name: &str| {
        doc(
            name,
            vec![
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("СуммаДокумента", Double),
                f("Комментарий", Str),
                f(
                    "РасшифровкаПлатежа",
                    table(vec![f("ОбъектРасчетов", Composite), f("Сумма", Double)]),
                ),
            ],
        )
    };
    vec![
        cat(
            USERS,
            vec![
                f("Description", Str),
                f("Недействителен", Bool),
                f("ФизическоеЛицо", Ref(PERSONS)),
                f("ДополнительныеРеквизиты", additional_attributes()),
            ],
        ),
        cat(
            PERSONS,
            vec![
                f("Code", Str),
                f("Description", Str),
                f("ДатаРождения", Date),
                f("ИНН", Str),
                f("КонтактнаяИнформация", contact_info(false)),
            ],
        ),
        (
            CHART_PROPS.to_string(),
            Kind::Chart,
            with(
                catalog_head(),
                vec![f("Description", Str), f("Имя", Str), f("Заголовок", Str)],
            ),
        ),
        cat(
            PROP_VALUES,
            vec![f("Owner", Ref(CHART_PROPS)), f("Description", Str)],
        ),
        cat(
            WAREHOUSES,
            vec![
                f("Parent", Ref(WAREHOUSES)),
                f("IsFolder", Bool),
                f("Code", Str),
                f("Description", Str),
            ],
        ),
        cat(
            UNITS,
            vec![
                f("Owner", Composite),
                f("Description", Str),
                f("Вес", Double),
                f("Числитель", Double),
                f("Знаменатель", Double),
                f("КодЭСФ", Str),
            ],
        ),
        cat(
            PRODUCTS,
            vec![
                f("Parent", Ref(PRODUCTS)),
                f("IsFolder", Bool),
                f("Code", Str),
                f("Description", Str),
                f("Описание", Str),
                f("ВесИспользовать", Bool),
                f("ВидНоменклатуры", Ref(KINDS)),
                f("ЕдиницаИзмерения", Ref(UNITS)),
                f("Производитель", Ref(MAKERS)),
                f("ДополнительныеРеквизиты", additional_attributes()),
            ],
        ),
        cat(
            FILES,
            vec![
                f("Description", Str),
                f("ВладелецФайла", Ref(PRODUCTS)),
                f("ПутьКФайлу", Str),
                f("Расширение", Str),
            ],
        ),
        (
            FILE_DATA.to_string(),
            Kind::InfoRegister,
            vec![f("Файл", Composite), f("ДвоичныеДанныеФайла", Binary)],
        ),
        cat(
            KINDS,
            vec![
                f("Parent", Ref(KINDS)),
                f("IsFolder", Bool),
                f("Description", Str),
                f("Описание", Str),
            ],
        ),
        cat(
            MAKERS,
            vec![
                f("Parent", Ref(MAKERS)),
                f("IsFolder", Bool),
                f("Description", Str),
            ],
        ),
        cat(CURRENCIES, vec![f("Code", Str), f("Description", Str)]),
        cat(
            PRICE_KINDS,
            vec![
                f("Parent", Ref(PRICE_KINDS)),
                f("IsFolder", Bool),
                f("Description", Str),
                f("Идентификатор", Str),
                f("ВалютаЦены", Ref(CURRENCIES)),
                f("ИспользоватьПриПродаже", Bool),
                f("ЦенаВключаетНДС", Bool),
            ],
        ),
        cat(
            PARTNERS,
            vec![
                f("Parent", Ref(PARTNERS)),
                f("IsFolder", Bool),
                f("Code", Str),
                f("Description", Str),
                f("НаименованиеПолное", Str),
                f("Клиент", Bool),
                f("Поставщик", Bool),
                f("ОсновнойМенеджер", Ref(USERS)),
                f("КонтактнаяИнформация", contact_info(true)),
            ],
        ),
        cat(
            COUNTERPARTIES,
            vec![
                f("Code", Str),
                f("Description", Str),
                f("Партнер", Ref(PARTNERS)),
                f("ГоловнойКонтрагент", Ref(COUNTERPARTIES)),
                f("ИНН", Str),
            ],
        ),
        cat(
            CONTRACTS,
            vec![
                f("Description", Str),
                f("Номер", Str),
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("СрокОплаты", Double),
            ],
        ),
        cat(
            PARTNER_KEYS,
            vec![
                f("Description", Str),
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("Договор", Ref(CONTRACTS)),
            ],
        ),
        cat(
            PRODUCT_KEYS,
            vec![
                f("Description", Str),
                f("Номенклатура", Ref(PRODUCTS)),
                f("Склад", Ref(WAREHOUSES)),
            ],
        ),
        doc(
            ORDERS,
            vec![
                f("Менеджер", Ref(USERS)),
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("Договор", Ref(CONTRACTS)),
                f("Склад", Ref(WAREHOUSES)),
                f("СуммаДокумента", Double),
                f("Статус", Enum("СтатусыЗаказовКлиентов")),
                f("ФормаОплаты", Enum("ФормыОплаты")),
                f("ДатаОтгрузки", Date),
                f("АдресДоставки", Str),
                f("СпособДоставки", Enum("СпособыДоставки")),
                f("Комментарий", Str),
                f("Товары", sales_lines(vec![f("Отменено", Bool)])),
            ],
        ),
        doc(
            SALES,
            vec![
                f("Менеджер", Ref(USERS)),
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("Договор", Ref(CONTRACTS)),
                f("Склад", Ref(WAREHOUSES)),
                f("СуммаДокумента", Double),
                f("ФормаОплаты", Enum("ФормыОплаты")),
                f("АдресДоставки", Str),
                f("СпособДоставки", Enum("СпособыДоставки")),
                f("Комментарий", Str),
                f("ЗаказКлиента", Composite),
                f("ДатаОтгрузки", Date),
                f("ДатаПлатежа", Date),
                f("Товары", sales_lines(vec![f("ЗаказКлиента", Composite)])),
            ],
        ),
        doc(
            SUPPLIER_ORDERS,
            vec![
                f("Партнер", Ref(PARTNERS)),
                f("Контрагент", Ref(COUNTERPARTIES)),
                f("Склад", Ref(WAREHOUSES)),
                f("Статус", Enum("СтатусыЗаказовПоставщикам")),
                f("ДатаПоступления", Date),
                f("ЖелаемаяДатаПоступления", Date),
                f("СуммаДокумента", Double),
                f("Комментарий", Str),
                f(
                    "Товары",
                    table(vec![
                        f("Номенклатура", Ref(PRODUCTS)),
                        f("Количество", Double),
                        f("Цена", Double),
                        f("Сумма", Double),
                        f("Отменено", Bool),
                        f("ДатаПоступления", Date),
                    ]),
                ),
            ],
        ),
        doc(
            PURCHASES,
            vec![
                f("Партнер", Ref(PARTNERS)),
                f("Склад", Ref(WAREHOUSES)),
                f("ЗаказПоставщику", Ref(SUPPLIER_ORDERS)),
                f("СуммаДокумента", Double),
                f(
                    "Товары",
                    table(vec![
                        f("Номенклатура", Ref(PRODUCTS)),
                        f("Количество", Double),
                        f("Цена", Double),
                        f("Сумма", Double),
                    ]),
                ),
            ],
        ),
        doc(
            PRICE_SETTINGS,
            vec![
                f("Комментарий", Str),
                f(
                    "Товары",
                    table(vec![
                        f("Номенклатура", Ref(PRODUCTS)),
                        f("ВидЦены", Ref(PRICE_KINDS)),
                        f("Упаковка", Ref(UNITS)),
                        f("Цена", Double),
                    ]),
                ),
            ],
        ),
        payment(CASH_RECEIPTS),
        payment(BANK_RECEIPTS),
        (
            EXTRA_INFO.to_string(),
            Kind::InfoRegister,
            vec![
                f("Объект", Composite),
                f("Свойство", Ref(CHART_PROPS)),
                f("Значение", Composite),
            ],
        ),
    ]
}

/// Registers with recorders: (register name, record fields after the standard ones, dims, resources, kind).
fn registers() -> Vec<(&'static str, Vec<Field>, usize, Kind)> {
    use Ty::*;
    vec![
        (
            PRICES,
            vec![
                f("Номенклатура", Ref(PRODUCTS)),
                f("ВидЦены", Ref(PRICE_KINDS)),
                f("Цена", Double),
                f("Упаковка", Ref(UNITS)),
                f("Валюта", Ref(CURRENCIES)),
            ],
            2,
            Kind::InfoRecords,
        ),
        (
            STOCK,
            vec![
                f("Номенклатура", Ref(PRODUCTS)),
                f("Склад", Ref(WAREHOUSES)),
                f("ВНаличии", Double),
                f("ВРезервеСоСклада", Double),
                f("ВРезервеПодЗаказ", Double),
            ],
            2,
            Kind::AccumRecords { balance: true },
        ),
        (
            SETTLEMENTS,
            vec![
                f("ЗаказКлиента", Composite),
                f("АналитикаУчетаПоПартнерам", Ref(PARTNER_KEYS)),
                f("Долг", Double),
                f("Предоплата", Double),
            ],
            2,
            Kind::AccumRecords { balance: true },
        ),
        (
            REVENUE,
            vec![
                f("Менеджер", Ref(USERS)),
                f("АналитикаУчетаПоПартнерам", Ref(PARTNER_KEYS)),
                f("АналитикаУчетаНоменклатуры", Ref(PRODUCT_KEYS)),
                f("Количество", Double),
                f("СуммаВыручки", Double),
                f("СуммаВыручкиБезНДС", Double),
                f("СуммаРучнойСкидки", Double),
                f("СуммаАвтоматическойСкидки", Double),
                f("Стоимость", Double),
            ],
            3,
            Kind::AccumRecords { balance: false },
        ),
    ]
}

fn build() -> Schema {
    let mut sets: Vec<EntityType> = base_sets()
        .into_iter()
        .map(|(name, kind, fields)| {
            let register = (kind == Kind::InfoRegister).then(|| Register {
                dims: (0..fields.len().saturating_sub(1)).collect(),
                resources: vec![fields.len() - 1],
            });
            EntityType {
                name,
                kind,
                fields,
                register,
            }
        })
        .collect();
    for (name, rest, n_dims, kind) in registers() {
        let mut fields = vec![
            f("Recorder", Ty::Composite),
            f("Period", Ty::Date),
            f("LineNumber", Ty::Int64),
            f("Active", Ty::Bool),
        ];
        if kind == (Kind::AccumRecords { balance: true }) {
            fields.push(f("RecordType", Ty::Enum("AccumulationRecordType")));
        }
        let first = fields.len();
        fields.extend(rest);
        let register = Register {
            dims: (first..first + n_dims).collect(),
            resources: (first + n_dims..fields.len()).collect(),
        };
        let records = sets.len();
        let set_fields: Vec<Field> = fields
            .iter()
            .filter(|f| f.name != "Recorder")
            .cloned()
            .collect();
        sets.push(EntityType {
            name: records_of(name),
            kind,
            fields,
            register: Some(register),
        });
        sets.push(EntityType {
            name: name.to_string(),
            kind: Kind::RecordSets { records },
            fields: vec![
                f("Recorder", Ty::Composite),
                f("RecordSet", Ty::Table(set_fields)),
            ],
            register: None,
        });
    }
    // Tabular sections as their own sets.
    let owners: Vec<usize> = (0..sets.len()).filter(|&i| sets[i].has_key()).collect();
    for owner in owners {
        for (fi, field) in sets[owner].fields.clone().into_iter().enumerate() {
            if let Ty::Table(row_fields) = field.ty {
                let mut fields = vec![f("Ref_Key", Ty::Key)];
                fields.extend(row_fields);
                sets.push(EntityType {
                    name: format!("{}_{}", sets[owner].name, field.name),
                    kind: Kind::Section { owner, field: fi },
                    fields,
                    register: None,
                });
            }
        }
    }
    let by_name = sets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    Schema { sets, by_name }
}
