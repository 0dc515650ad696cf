//! The demo base's reference data and catalogue: warehouses, price kinds and units, products with
//! packages and pictures, their prices over time, stock and supplier orders.

use super::*;

impl Gen {
    pub(super) fn reference_data(&mut self) {
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
                    ("Parent", Value::guid(folder)),
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
                    ("ВалютаЦены", Value::guid(KZT)),
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
                    ("Owner", Value::guid(ATTR_SITE_ROLE)),
                    ("Description", Value::str(name)),
                ],
            );
        }
    }

    pub(super) fn products(&mut self, count: usize) -> Vec<Product> {
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
                    ("Parent", Value::guid(kinds_folder)),
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
                        (ATTR_HIDE_PRODUCT, Value::Bool(hidden)),
                        (ATTR_MINIMUM_WEIGHT, Value::num(min_weight)),
                    ],
                );
                self.catalog(
                    s::PRODUCTS,
                    id,
                    vec![
                        ("DeletionMark", Value::Bool(deleted)),
                        ("Parent", Value::guid(folder)),
                        ("Code", Value::str(&format!("00-{code:08}"))),
                        ("Description", Value::str(&name)),
                        (
                            "Описание",
                            Value::str(&format!("{name}. Производитель: {}.", MAKERS[maker_i])),
                        ),
                        ("ВесИспользовать", Value::Bool(weight)),
                        ("ВидНоменклатуры", Value::guid(kind)),
                        ("ЕдиницаИзмерения", Value::guid(unit)),
                        ("Производитель", Value::guid(maker)),
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
                            ("Номенклатура", Value::guid(id)),
                            ("Склад", Value::guid(warehouse)),
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

    pub(super) fn packages(&mut self, product: Uuid, weight: bool, name: &str) {
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
                ("Вес", Value::num(dec(w))),
                ("Числитель", Value::num(n)),
                ("Знаменатель", Value::num(1)),
            ],
        );
    }

    pub(super) fn image(&mut self, product: Uuid, name: &str, category: usize) {
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
                ("ВладелецФайла", Value::guid(product)),
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

    /// Price lists: one at the start of the year for every sales price kind, then monthly changes.
    pub(super) fn prices(&mut self, products: &[Product]) {
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
                        .set("Номенклатура", Value::guid(p))
                        .set("ВидЦены", Value::guid(k))
                        .set("Цена", Value::num(price))
                        .build()
                })
                .collect();
            let row = RowBuilder::of(s::PRICE_SETTINGS)
                .set("Ref_Key", Value::guid(id))
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

    /// Goods receipts that cover what was sold: most products keep stock, some are sold out exactly.
    pub(super) fn stock(&mut self, products: &[Product], sold: &HashMap<(Uuid, Uuid), Decimal>) {
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
                        .set("Номенклатура", Value::guid(p.id))
                        .set("Количество", Value::num(qty))
                        .set("Цена", Value::num(price))
                        .set("Сумма", Value::num(round2(qty * price)))
                        .build(),
                );
                let _ = p.unit;
            }
            let id = self.guid();
            let number = self.number(s::PURCHASES, "КК00");
            let row = RowBuilder::of(s::PURCHASES)
                .set("Ref_Key", Value::guid(id))
                .set("Number", number)
                .set("Date", crate::db::at(date, 8, 0, 0))
                .set("Posted", Value::Bool(true))
                .set("Партнер", Value::guid(supplier))
                .set("Склад", Value::guid(warehouse))
                .set("Товары", Value::table(rows))
                .build();
            self.db.insert(s::PURCHASES, row);
            self.db.post(s::PURCHASES, id);
        }
    }

    pub(super) fn supplier(&mut self) -> Uuid {
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
    pub(super) fn supplier_orders(&mut self, products: &[Product]) {
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
                        .set("Номенклатура", Value::guid(p.id))
                        .set("Количество", Value::num(qty))
                        .set("Цена", Value::num(price))
                        .set("Сумма", Value::num(round2(qty * price)))
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
                .set("Ref_Key", Value::guid(id))
                .set("Number", number)
                .set("Date", crate::db::at(ordered, 11, 0, 0))
                .set("Posted", Value::Bool(true))
                .set("Партнер", Value::guid(supplier))
                .set("Склад", Value::guid(warehouse))
                .set("Статус", Value::str(status))
                .set("ДатаПоступления", crate::db::at(arrival, 0, 0, 0))
                .set("ЖелаемаяДатаПоступления", crate::db::at(arrival, 0, 0, 0))
                .set("СуммаДокумента", Value::num(total))
                .set("Товары", Value::table(rows))
                .build();
            self.db.insert(s::SUPPLIER_ORDERS, row);
            self.db.post(s::SUPPLIER_ORDERS, id);
        }
    }
}
