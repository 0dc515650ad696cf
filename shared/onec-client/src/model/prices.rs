//! Current prices (a `SliceLast`) and free stock (a `Balance`) — docs/onec.md §3.12, §3.13.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::names::*;
use crate::decode::{self, Composite};
use crate::filter::field;
use crate::{Guid, OnecClient, OnecError, Query, VirtualTable};

/// A current price of a product for one price kind.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(from = "RawPrice")]
pub struct Price {
    pub product: Option<Guid>,
    /// The price kind (selected only by [`product_prices_query`]).
    pub kind: Option<Guid>,
    /// KZT per package (or per base unit when `package` is `None`).
    pub price: Decimal,
    pub package: Option<Guid>,
    /// When the price took effect.
    pub since: Option<NaiveDateTime>,
    /// The document that set it.
    pub recorder: Option<Guid>,
}

#[derive(Deserialize)]
struct RawPrice {
    #[serde(
        rename = "Номенклатура_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    product: Option<Guid>,
    #[serde(
        rename = "ВидЦены_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    kind: Option<Guid>,
    #[serde(rename = "Цена", default, deserialize_with = "decode::decimal")]
    price: Decimal,
    #[serde(
        rename = "Упаковка_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    package: Option<Guid>,
    #[serde(rename = "Period", default, deserialize_with = "decode::date_opt")]
    since: Option<NaiveDateTime>,
    #[serde(rename = "Recorder", default)]
    recorder: serde_json::Value,
    #[serde(rename = "Recorder_Type", default)]
    recorder_type: Option<String>,
}

impl From<RawPrice> for Price {
    fn from(r: RawPrice) -> Self {
        let recorder = Composite::from_parts(&r.recorder, r.recorder_type.as_deref()).as_ref_key();
        Price {
            product: r.product,
            kind: r.kind,
            price: r.price,
            package: r.package,
            since: r.since,
            recorder,
        }
    }
}

/// Free stock of one product at one warehouse.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct StockBalance {
    #[serde(
        rename = "Номенклатура_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub product: Option<Guid>,
    #[serde(rename = "Склад_Key", default, deserialize_with = "decode::reference")]
    pub warehouse: Option<Guid>,
    #[serde(
        rename = "ВНаличииBalance",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub on_hand: Decimal,
    #[serde(
        rename = "ВРезервеСоСкладаBalance",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub reserved_from_stock: Decimal,
    #[serde(
        rename = "ВРезервеПодЗаказBalance",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub reserved_for_orders: Decimal,
}

impl StockBalance {
    /// What can be sold: on hand minus both reserves (base units). Products absent from the
    /// balance have zero stock: 1C omits all-zero rows (quirk 1 of §9).
    pub fn free(&self) -> Decimal {
        self.on_hand - self.reserved_from_stock - self.reserved_for_orders
    }
}

/// §7 #14: current prices of one price kind.
pub fn prices_query(price_kind: Guid) -> Query {
    Query::virtual_table(
        PRICES,
        VirtualTable::SliceLast {
            period: None,
            condition: None,
        },
    )
    .filter(field(PRICE_KIND_KEY).eq(price_kind))
    .select([RECORDER, PERIOD, PRICE, PACKAGE_KEY, PRODUCT_KEY])
}

/// Current price of one product of one kind (defined, unused by the original).
pub fn product_price_query(product: Guid, price_kind: Guid) -> Query {
    Query::virtual_table(
        PRICES,
        VirtualTable::SliceLast {
            period: None,
            condition: None,
        },
    )
    .filter(
        field(PRODUCT_KEY)
            .eq(product)
            .and(field(PRICE_KIND_KEY).eq(price_kind)),
    )
    .select([PRICE, PERIOD, PACKAGE_KEY])
}

/// Every current price of one product, of every kind (an employee's product page).
pub fn product_prices_query(product: Guid) -> Query {
    Query::virtual_table(
        PRICES,
        VirtualTable::SliceLast {
            period: None,
            condition: None,
        },
    )
    .filter(field(PRODUCT_KEY).eq(product))
    .select([PRICE_KIND_KEY, PERIOD, PRICE, PACKAGE_KEY, PRODUCT_KEY])
}

/// Free stock of one product at every warehouse that has any.
pub fn product_stock_everywhere_query(product: Guid) -> Query {
    Query::virtual_table(
        FREE_STOCK,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![PRODUCT, WAREHOUSE],
        },
    )
    .filter(field(PRODUCT_KEY).eq(product))
    .select([
        ON_HAND,
        RESERVED_FROM_STOCK,
        RESERVED_FOR_ORDER,
        PRODUCT_KEY,
        WAREHOUSE_KEY,
    ])
}

/// §7 #15: free stock per product at one warehouse.
pub fn stock_query(warehouse: Guid) -> Query {
    Query::virtual_table(
        FREE_STOCK,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![PRODUCT, WAREHOUSE],
        },
    )
    .filter(field(WAREHOUSE_KEY).eq(warehouse))
    .select([
        ON_HAND,
        RESERVED_FROM_STOCK,
        RESERVED_FOR_ORDER,
        PRODUCT_KEY,
    ])
}

/// Free stock of one product (defined, unused by the original): all dimensions and resources.
pub fn product_stock_query(product: Guid, warehouse: Guid) -> Query {
    Query::virtual_table(
        FREE_STOCK,
        VirtualTable::Balance {
            period: None,
            condition: None,
            dimensions: vec![],
        },
    )
    .filter(
        field(PRODUCT_KEY)
            .eq(product)
            .and(field(WAREHOUSE_KEY).eq(warehouse)),
    )
}

impl OnecClient {
    pub async fn prices(&self, price_kind: Guid) -> Result<Vec<Price>, OnecError> {
        self.fetch(&prices_query(price_kind)).await
    }

    pub async fn product_price(
        &self,
        product: Guid,
        price_kind: Guid,
    ) -> Result<Option<Price>, OnecError> {
        Ok(self
            .fetch(&product_price_query(product, price_kind))
            .await?
            .into_iter()
            .next())
    }

    pub async fn product_prices(&self, product: Guid) -> Result<Vec<Price>, OnecError> {
        self.fetch(&product_prices_query(product)).await
    }

    pub async fn product_stock_everywhere(
        &self,
        product: Guid,
    ) -> Result<Vec<StockBalance>, OnecError> {
        self.fetch(&product_stock_everywhere_query(product)).await
    }

    pub async fn stock(&self, warehouse: Guid) -> Result<Vec<StockBalance>, OnecError> {
        self.fetch(&stock_query(warehouse)).await
    }

    /// Free stock of one product; zero when 1C returns no row.
    pub async fn product_stock(
        &self,
        product: Guid,
        warehouse: Guid,
    ) -> Result<Decimal, OnecError> {
        let rows: Vec<StockBalance> = self.fetch(&product_stock_query(product, warehouse)).await?;
        Ok(rows.iter().map(StockBalance::free).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    const KIND: Guid = Guid::from_static("80c40220-6238-11ec-8f2b-54ee75d06a1b");
    const WH: Guid = Guid::from_static("3eac8407-623e-11ec-8f2b-54ee75d06a1b");
    const PRODUCT: Guid = Guid::from_static("5a75e2f1-6c9f-11ec-88f2-000c29dddd38");

    #[test]
    fn wire_forms() {
        assert_wire(
            &prices_query(KIND),
            "InformationRegister_ЦеныНоменклатуры_RecordType/SliceLast?$format=json&$filter=ВидЦены_Key eq guid'80c40220-6238-11ec-8f2b-54ee75d06a1b'&$select=Recorder,Period,Цена,Упаковка_Key,Номенклатура_Key",
        );
        assert_wire(
            &product_price_query(PRODUCT, KIND),
            "InformationRegister_ЦеныНоменклатуры_RecordType/SliceLast?$format=json&$filter=Номенклатура_Key eq guid'5a75e2f1-6c9f-11ec-88f2-000c29dddd38' and ВидЦены_Key eq guid'80c40220-6238-11ec-8f2b-54ee75d06a1b'&$select=Цена,Period,Упаковка_Key",
        );
        assert_wire(
            &stock_query(WH),
            "AccumulationRegister_СвободныеОстатки/Balance(Dimensions='Номенклатура,Склад')?$format=json&$filter=Склад_Key eq guid'3eac8407-623e-11ec-8f2b-54ee75d06a1b'&$select=ВНаличииBalance,ВРезервеСоСкладаBalance,ВРезервеПодЗаказBalance,Номенклатура_Key",
        );
        assert_wire(
            &product_stock_query(PRODUCT, WH),
            "AccumulationRegister_СвободныеОстатки/Balance?$format=json&$filter=Номенклатура_Key eq guid'5a75e2f1-6c9f-11ec-88f2-000c29dddd38' and Склад_Key eq guid'3eac8407-623e-11ec-8f2b-54ee75d06a1b'",
        );
    }

    #[test]
    fn decodes_spec_rows() {
        let body = r#"{"value":[{"Recorder":"9a8b7c6d-0000-0000-0000-000000000001","Recorder_Type":"StandardODATA.Document_УстановкаЦенНоменклатуры","Period":"2024-04-01T00:00:00","Цена":2150,"Упаковка_Key":"00000000-0000-0000-0000-000000000000","Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38"}]}"#;
        let p = &collection::<Price>("p", body.as_bytes()).unwrap().value[0];
        assert_eq!(p.price, Decimal::from(2150));
        assert_eq!(p.package, None);
        assert_eq!(p.product, Some(PRODUCT));
        assert!(p.recorder.is_some());
        let body = r#"{"value":[{"ВНаличииBalance":120,"ВРезервеСоСкладаBalance":8,"ВРезервеПодЗаказBalance":0,"Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38"}]}"#;
        let s = &collection::<StockBalance>("s", body.as_bytes())
            .unwrap()
            .value[0];
        assert_eq!(s.free(), Decimal::from(112));
    }
}
