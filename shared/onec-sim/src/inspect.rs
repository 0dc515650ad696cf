//! Figures read straight from the simulator's own tables, for tests that check the portal's
//! answers against the base rather than against the portal's own client.

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::{Db, col};
use crate::schema as s;

/// A sale document's remaining debt in the settlements register: receipts less payments, active
/// records only.
pub fn sale_debt(db: &Db, sale: Uuid) -> Decimal {
    let rec = s::records_of(s::SETTLEMENTS);
    let (object, kind, debt, active) = (
        col(&rec, "ЗаказКлиента"),
        col(&rec, "RecordType"),
        col(&rec, "Долг"),
        col(&rec, "Active"),
    );
    db.table(&rec)
        .rows
        .iter()
        .filter(|r| r[active].as_bool() && r[object].as_guid() == Some(sale))
        .map(|r| match r[kind].as_str() {
            Some("Expense") => -r[debt].as_num(),
            _ => r[debt].as_num(),
        })
        .sum()
}
