//! The orders pages' domain types: what 1C's records mean to the portal, in English, with the
//! status rules of docs/onec.md §5.2. The same structs are cached, rendered as HTML and answered as
//! JSON (`serde`), so the three never disagree.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use onec_client::Guid;
use onec_client::model::{
    self, BaseTz, DeliveryMethod, Order, OrderLines, OrderState, SalesDocument, UnitLine,
    short_number,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The portal's status of an order as the pages show and answer it. Decided only by
/// [`model::OrderStatus::of`], the one rule (docs/onec.md §5.2); this adds the labels and the wire
/// form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = OrderStatusCode)]
pub enum Status {
    /// Taken and not yet closed: `НеСогласован`, `КОбеспечению`, `КОтгрузке`.
    Created,
    /// Marked for deletion, or closed with every line cancelled.
    Cancelled,
    /// Closed (`Закрыт`) with something left to ship.
    Completed,
}

impl From<model::OrderStatus> for Status {
    fn from(s: model::OrderStatus) -> Self {
        match s {
            model::OrderStatus::Created => Status::Created,
            model::OrderStatus::Completed => Status::Completed,
            model::OrderStatus::Cancelled => Status::Cancelled,
        }
    }
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Created, Status::Completed, Status::Cancelled];

    /// The badge's text.
    pub fn label(self) -> &'static str {
        match self {
            Status::Created => "Создан",
            Status::Cancelled => "Отменён",
            Status::Completed => "Выполнен",
        }
    }

    /// What the badge means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Created => {
                "заказ принят и ещё не закрыт в 1С: на согласовании, к обеспечению или к отгрузке"
            }
            Status::Completed => "заказ закрыт в 1С: товар отгружен клиенту",
            Status::Cancelled => {
                "заказ помечен на удаление в 1С или закрыт с отменой всех строк; в суммы не входит"
            }
        }
    }

    /// The CSS modifier of the badge.
    pub fn css(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Cancelled => "cancelled",
            Status::Completed => "completed",
        }
    }
}

/// The status of an order: the portal's, and 1C's own beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderStatus {
    pub status: Status,
    /// 1C's status as 1C users read it ("К отгрузке"); empty when 1C sent none.
    pub onec_status: String,
    /// 1C's deletion mark.
    pub deleted: bool,
}

/// 1C's status as its users read it (the enum's presentation in UT 11).
pub fn onec_status_text(state: &OrderState) -> String {
    match state {
        OrderState::NotAgreed => "Не согласован".to_owned(),
        OrderState::ToSecure => "К обеспечению".to_owned(),
        OrderState::ToShip => "К отгрузке".to_owned(),
        OrderState::Closed => "Закрыт".to_owned(),
        OrderState::Empty => String::new(),
        OrderState::Other(s) => s.clone(),
    }
}

/// How an order is delivered, as the pages say it.
pub fn delivery_text(d: &DeliveryMethod) -> String {
    match d {
        DeliveryMethod::Pickup => "Самовывоз".to_owned(),
        DeliveryMethod::ToClient => "Доставка до клиента".to_owned(),
        DeliveryMethod::Empty => String::new(),
        DeliveryMethod::Other(s) => split_camel(s),
    }
}

/// `Enum_ФормыОплаты` values as 1C users read them.
pub fn payment_text(raw: &str) -> String {
    match raw {
        "Наличная" => "Наличная".to_owned(),
        "Безналичная" => "Безналичная".to_owned(),
        "ПлатежнаяКарта" => "Платёжная карта".to_owned(),
        other => split_camel(other),
    }
}

/// `СиламиПеревозчика` → `Силами перевозчика`: how 1C presents an enum value it has no text for.
fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A 1C wall-clock time as an instant with the base's offset (`2024-05-07T10:42:11+05:00`).
pub fn at(tz: BaseTz, t: NaiveDateTime) -> DateTime<FixedOffset> {
    match t.and_local_timezone(tz.0).earliest() {
        Some(d) => d.fixed_offset(),
        // A wall time skipped by a DST change: read it as UTC rather than lose it.
        None => t.and_utc().fixed_offset(),
    }
}

/// One order as a list shows it (and the header of its page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: Guid,
    /// The number as 1C users read it (`КК00-000123` → `КК00-123`).
    pub number: String,
    /// The number as 1C stores it.
    pub number_1c: String,
    /// When it was taken, in the base's zone.
    pub date: DateTime<FixedOffset>,
    /// The client (partner); "Партнер не найден" when 1C has none.
    pub client: String,
    /// `СуммаДокумента`, KZT.
    pub total: Decimal,
    pub status: OrderStatus,
    pub payment_form: String,
    /// When it ships (pages hide it for pickup, as 1C users expect); `None` when 1C has none.
    pub shipment_date: Option<NaiveDate>,
    pub delivery: String,
    pub pickup: bool,
    pub address: String,
    /// The agent's comment (internal: absent for clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl OrderSummary {
    /// From 1C's header. `all_lines_cancelled` is `Some` where the lines were read (the order's
    /// page) and `None` in list rows, which then treat a closed zero-total order as all-cancelled:
    /// the status is [`model::OrderStatus::of`] either way.
    pub fn from_onec(
        o: &Order,
        tz: BaseTz,
        internal: bool,
        all_lines_cancelled: Option<bool>,
    ) -> Self {
        let lines = match all_lines_cancelled {
            Some(all_cancelled) => OrderLines::Read { all_cancelled },
            None => OrderLines::Unread,
        };
        let pickup = o.delivery == DeliveryMethod::Pickup;
        OrderSummary {
            id: o.id,
            number: short_number(&o.number),
            number_1c: o.number.clone(),
            date: at(tz, o.date),
            client: o
                .partner
                .as_ref()
                .map(|p| p.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Партнер не найден".to_owned()),
            total: o.total,
            status: OrderStatus {
                status: model::OrderStatus::of(o, lines).into(),
                onec_status: onec_status_text(&o.state),
                deleted: o.deleted,
            },
            payment_form: payment_text(&o.payment_form),
            shipment_date: o.shipment_date.map(|d| d.date()),
            delivery: delivery_text(&o.delivery),
            pickup,
            address: o.delivery_address.clone(),
            comment: internal.then(|| o.comment.clone()),
        }
    }

    pub fn counts(&self) -> bool {
        self.status.status != Status::Cancelled
    }
}

/// A document line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = DocumentLine)]
pub struct Line {
    pub line_number: i64,
    pub product: String,
    pub quantity: Decimal,
    /// The line's unit or package ("кг", "шт").
    pub unit: String,
    pub price: Decimal,
    /// After discounts, VAT included.
    pub amount: Decimal,
    pub vat: Decimal,
    pub manual_discount: Decimal,
    pub auto_discount: Decimal,
    /// Both discounts as a percentage of the undiscounted amount, when over 1 ₸.
    pub discount_percent: Option<Decimal>,
    /// A cancelled order line: struck through, not counted.
    pub cancelled: bool,
}

impl Line {
    pub fn from_onec(l: &UnitLine) -> Self {
        Line {
            line_number: l.line.line_number,
            product: l
                .line
                .product_name()
                .filter(|n| !n.is_empty())
                .unwrap_or("Неизвестный товар")
                .to_owned(),
            quantity: l.line.quantity.normalize(),
            unit: l.unit_name().unwrap_or("").to_owned(),
            price: l.line.price,
            amount: l.line.sum,
            vat: l.line.vat,
            manual_discount: l.line.manual_discount,
            auto_discount: l.line.auto_discount,
            discount_percent: l.line.discount_percent(),
            cancelled: l.line.cancelled,
        }
    }

    pub fn discount(&self) -> Decimal {
        self.manual_discount + self.auto_discount
    }
}

/// Totals of the lines that count (not cancelled).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LineTotals {
    pub amount: Decimal,
    pub vat: Decimal,
    pub discount: Decimal,
    pub lines: usize,
}

pub fn totals(lines: &[Line]) -> LineTotals {
    lines
        .iter()
        .filter(|l| !l.cancelled)
        .fold(LineTotals::default(), |mut t, l| {
            t.amount += l.amount;
            t.vat += l.vat;
            t.discount += l.discount();
            t.lines += 1;
            t
        })
}

/// Where and when the agent took the order (Агент Плюс).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Taken {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub started: Option<DateTime<FixedOffset>>,
    pub finished: Option<DateTime<FixedOffset>>,
    /// `finished − started`, seconds.
    pub duration_seconds: Option<i64>,
}

impl Taken {
    pub fn map_link(&self) -> Option<String> {
        let (lat, lon) = (self.latitude?, self.longitude?);
        Some(format!(
            "https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}"
        ))
    }
}

/// A sale document made from an order, with what is left to pay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LinkedSale {
    pub id: Guid,
    pub number: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub total: Decimal,
    pub posted: bool,
    /// Remaining debt, KZT (0 when paid).
    pub debt: Decimal,
}

impl LinkedSale {
    pub fn from_onec(s: &SalesDocument, tz: BaseTz, debt: Decimal) -> Self {
        LinkedSale {
            id: s.id,
            number: short_number(&s.number),
            date: s.date.map(|d| at(tz, d)),
            total: s.total,
            posted: s.posted,
            debt,
        }
    }
}

/// An order's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderDetail {
    pub order: OrderSummary,
    pub lines: Vec<Line>,
    /// Over the lines that are not cancelled.
    pub totals: LineTotals,
    /// Internal: absent for clients, `null` when Агент Плюс recorded nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taken: Option<Option<Taken>>,
    pub sales: Vec<LinkedSale>,
    /// Opens the order in the 1C client (internal: absent for clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onec_link: Option<String>,
}

/// A sale document's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SaleDetail {
    pub id: Guid,
    pub number: String,
    pub number_1c: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub client: String,
    pub total: Decimal,
    pub posted: bool,
    pub payment_form: String,
    pub delivery: String,
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The order it was made from.
    pub order: Option<Guid>,
    pub lines: Vec<Line>,
    pub totals: LineTotals,
    /// Remaining debt, KZT; 0 = paid.
    pub debt: Decimal,
    pub paid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onec_link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(deleted: bool, state: &str, total: i64) -> Order {
        serde_json::from_value(serde_json::json!({
            "Ref_Key": "6d0c2b1a-0c2f-11ef-8a52-000c29dddd38",
            "Number": "КК00-004512",
            "Date": "2024-05-07T10:42:11",
            "СуммаДокумента": total,
            "Статус": state,
            "DeletionMark": deleted,
        }))
        .unwrap()
    }

    /// List rows and the order's page use the one rule of `onec_client` (tabled there); what the
    /// pages add is which reading of the lines each passes.
    #[test]
    fn list_rows_read_the_total_and_pages_the_lines() {
        let status = |o: &Order, lines| {
            OrderSummary::from_onec(o, BaseTz::default(), true, lines)
                .status
                .status
        };
        let closed_empty = header(false, "Закрыт", 0);
        assert_eq!(status(&closed_empty, None), Status::Cancelled, "list row");
        assert_eq!(
            status(&closed_empty, Some(false)),
            Status::Completed,
            "page"
        );
        let closed = header(false, "Закрыт", 100);
        assert_eq!(status(&closed, None), Status::Completed);
        assert_eq!(status(&closed, Some(true)), Status::Cancelled);
        assert_eq!(
            status(&header(true, "КОтгрузке", 100), None),
            Status::Cancelled
        );
        assert_eq!(
            status(&header(false, "КОтгрузке", 0), None),
            Status::Created
        );
        for (s, label) in Status::ALL.iter().zip(["Создан", "Выполнен", "Отменён"])
        {
            assert_eq!(s.label(), label);
        }
    }

    #[test]
    fn texts_as_1c_users_read_them() {
        assert_eq!(onec_status_text(&OrderState::ToShip), "К отгрузке");
        assert_eq!(onec_status_text(&OrderState::Empty), "");
        assert_eq!(
            delivery_text(&DeliveryMethod::Other("СиламиПеревозчика".into())),
            "Силами перевозчика"
        );
        assert_eq!(payment_text("ПлатежнаяКарта"), "Платёжная карта");
    }

    #[test]
    fn times_carry_the_base_offset() {
        let t = NaiveDate::from_ymd_opt(2024, 5, 7)
            .unwrap()
            .and_hms_opt(10, 42, 11)
            .unwrap();
        assert_eq!(
            at(BaseTz::default(), t).to_rfc3339(),
            "2024-05-07T10:42:11+05:00"
        );
    }
}
