//! The demo base's documents: orders (with what Агент Плюс records), sales and payments, posted
//! into the registers.

use super::*;

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
                .set("Номенклатура", Value::guid(l.product))
                .set("Количество", Value::num(l.quantity))
                .set("ВидЦены", Value::guid(MAIN_PRICE_KIND))
                .set("Цена", Value::num(l.price))
                .set("Сумма", Value::num(amount))
                .set("СуммаНДС", Value::num(vat))
                .set("СуммаСНДС", Value::num(amount))
                .set("СуммаРучнойСкидки", Value::num(l.manual_discount))
                .set("СуммаАвтоматическойСкидки", Value::num(auto));
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
    pub(super) fn price_at(&self, p: &Product, date: NaiveDate) -> Decimal {
        let start = self.as_of - Duration::days(366);
        let month = ((date - start).num_days().max(0) / 30).min(12);
        p.price(Decimal::ONE + Decimal::new(month * 2, 2))
    }

    pub(super) fn line(&mut self, products: &[Product], date: NaiveDate) -> LineSpec {
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
    pub(super) fn documents(
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
            .set("Ref_Key", Value::guid(id))
            .set("DeletionMark", Value::Bool(deleted))
            .set("Number", number)
            .set("Date", Value::Date(taken))
            .set("Posted", Value::Bool(!deleted && status != "НеСогласован"))
            .set("Менеджер", Value::guid(agent.id))
            .set("Партнер", Value::guid(key.0))
            .set("Контрагент", Value::guid(key.1))
            .set("Договор", Value::guid(key.2))
            .set("Склад", Value::guid(agent.warehouse))
            .set("СуммаДокумента", Value::num(total))
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
    pub(super) fn agent_plus(&mut self, order: Uuid, client: &Client, finished: NaiveDateTime) {
        let lat = client.lat + self.rng.random_range(-0.0008..0.0008);
        let lon = client.lon + self.rng.random_range(-0.0008..0.0008);
        let minutes = self.rng.random_range(3..60);
        let started =
            finished - Duration::minutes(minutes) - Duration::seconds(self.rng.random_range(0..60));
        let object = Value::composite_ref(s::ORDERS, order);
        for (prop, value) in [
            (ATTR_LATITUDE, Value::str(&to_ddmm(lat))),
            (ATTR_LONGITUDE, Value::str(&to_ddmm(lon))),
            (ATTR_STARTED, Value::Date(started)),
            (ATTR_STOPPED, Value::Date(finished)),
        ] {
            let row = RowBuilder::of(s::EXTRA_INFO)
                .set("Объект", object.clone())
                .set("Свойство", Value::guid(prop))
                .set("Значение", value)
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
            .set("Ref_Key", Value::guid(id))
            .set("Number", number)
            .set("Date", Value::Date(time))
            .set("Posted", Value::Bool(true))
            .set("Менеджер", Value::guid(o.agent))
            .set("Партнер", Value::guid(o.key.0))
            .set("Контрагент", Value::guid(o.key.1))
            .set("Договор", Value::guid(o.key.2))
            .set("Склад", Value::guid(o.warehouse))
            .set("СуммаДокумента", Value::num(total))
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
            .set("Сумма", Value::num(amount))
            .build();
        let id = self.guid();
        let number = self.number(set, "КК00");
        let row = RowBuilder::of(set)
            .set("Ref_Key", Value::guid(id))
            .set("Number", number)
            .set("Date", Value::Date(paid))
            .set("Posted", Value::Bool(true))
            .set("Партнер", Value::guid(o.key.0))
            .set("Контрагент", Value::guid(o.key.1))
            .set("СуммаДокумента", Value::num(amount))
            .set("РасшифровкаПлатежа", Value::table(vec![detail]))
            .build();
        self.db.insert(set, row);
        self.db.post(set, id);
    }
}
