//! Partners (clients) with contacts and coordinates (docs/onec.md §8, inferred source).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use super::names::*;
use super::path;
use crate::client::ref_key_in;
use crate::decode;
use crate::filter::field;
use crate::{Guid, OnecClient, OnecError, Path, Query};

/// A partner (`Catalog_Партнеры`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Partner {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub name: String,
    #[serde(rename = "Клиент", default, deserialize_with = "decode::flag")]
    pub is_client: bool,
    #[serde(rename = "Поставщик", default, deserialize_with = "decode::flag")]
    pub is_supplier: bool,
    #[serde(rename = "DeletionMark", default, deserialize_with = "decode::flag")]
    pub deleted: bool,
    #[serde(rename = "КонтактнаяИнформация", default)]
    pub contacts: Vec<PartnerContact>,
}

/// A contact row; addresses may carry coordinates (degrees, `Edm.Double`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PartnerContact {
    #[serde(rename = "Тип", default, deserialize_with = "decode::text")]
    pub kind: String,
    #[serde(rename = "Представление", default, deserialize_with = "decode::text")]
    pub presentation: String,
    #[serde(rename = "Широта", default, deserialize_with = "decode::decimal")]
    pub latitude: Decimal,
    #[serde(rename = "Долгота", default, deserialize_with = "decode::decimal")]
    pub longitude: Decimal,
}

impl Partner {
    /// The first address with a non-zero position.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.contacts
            .iter()
            .find(|c| !c.latitude.is_zero() || !c.longitude.is_zero())
            .and_then(|c| Some((c.latitude.to_f64()?, c.longitude.to_f64()?)))
    }

    pub fn address(&self) -> Option<&str> {
        self.contacts
            .iter()
            .find(|c| c.kind == "Адрес")
            .map(|c| c.presentation.as_str())
    }

    pub fn phone(&self) -> Option<&str> {
        self.contacts
            .iter()
            .find(|c| c.kind == "Телефон")
            .map(|c| c.presentation.as_str())
    }
}

fn partner_select() -> Vec<Path> {
    vec![
        REF_KEY.into(),
        DESCRIPTION.into(),
        CLIENT.into(),
        SUPPLIER.into(),
        DELETION_MARK.into(),
        path([CONTACTS, KIND]),
        path([CONTACTS, PRESENTATION]),
        path([CONTACTS, LATITUDE]),
        path([CONTACTS, LONGITUDE]),
    ]
}

/// §8: every client partner that is not deleted.
pub fn partners_query() -> Query {
    Query::set(PARTNERS)
        .filter(field(DELETION_MARK).eq(false).and(field(CLIENT).eq(true)))
        .select(partner_select())
}

/// §8: the clients an agent looks after (`ОсновнойМенеджер`).
pub fn agent_partners_query(agent: Guid) -> Query {
    Query::set(PARTNERS)
        .filter(
            field(DELETION_MARK)
                .eq(false)
                .and(field(MAIN_MANAGER_KEY).eq(agent)),
        )
        .select(partner_select())
}

/// §8: partners by id (a chunk).
pub fn partners_by_ids_query(ids: &[Guid]) -> Query {
    Query::set(PARTNERS)
        .filter(ref_key_in(ids))
        .select(partner_select())
}

impl OnecClient {
    pub async fn partners(&self) -> Result<Vec<Partner>, OnecError> {
        self.fetch(&partners_query()).await
    }

    pub async fn agent_partners(&self, agent: Guid) -> Result<Vec<Partner>, OnecError> {
        self.fetch(&agent_partners_query(agent)).await
    }

    pub async fn partners_by_ids(&self, ids: &[Guid]) -> Result<Vec<Partner>, OnecError> {
        self.fetch_by_ids(ids, partners_by_ids_query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    #[test]
    fn wire_forms() {
        assert_wire(
            &partners_query(),
            "Catalog_Партнеры?$format=json&$filter=DeletionMark eq false and Клиент eq true&$select=Ref_Key,Description,Клиент,Поставщик,DeletionMark,КонтактнаяИнформация/Тип,КонтактнаяИнформация/Представление,КонтактнаяИнформация/Широта,КонтактнаяИнформация/Долгота",
        );
        assert_wire(
            &agent_partners_query(Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38")),
            "Catalog_Партнеры?$format=json&$filter=DeletionMark eq false and ОсновнойМенеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'&$select=Ref_Key,Description,Клиент,Поставщик,DeletionMark,КонтактнаяИнформация/Тип,КонтактнаяИнформация/Представление,КонтактнаяИнформация/Широта,КонтактнаяИнформация/Долгота",
        );
        assert_wire(
            &partners_by_ids_query(&[Guid::from_static("2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b")]),
            "Catalog_Партнеры?$format=json&$filter=Ref_Key eq guid'2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b'&$select=Ref_Key,Description,Клиент,Поставщик,DeletionMark,КонтактнаяИнформация/Тип,КонтактнаяИнформация/Представление,КонтактнаяИнформация/Широта,КонтактнаяИнформация/Долгота",
        );
    }

    #[test]
    fn decodes_contacts() {
        let body = r#"{"value":[{"Ref_Key":"2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b","Description":"ИП Сапарова","Клиент":true,"Поставщик":false,"DeletionMark":false,
            "КонтактнаяИнформация":[{"Тип":"Телефон","Представление":"8 705","Широта":0,"Долгота":0},
            {"Тип":"Адрес","Представление":"Кокшетау, Абая 1","Широта":53.29,"Долгота":69.39331}]}]}"#;
        let p = &collection::<Partner>("p", body.as_bytes()).unwrap().value[0];
        assert_eq!(p.coordinates(), Some((53.29, 69.39331)));
        assert_eq!(p.address(), Some("Кокшетау, Абая 1"));
        assert_eq!(p.phone(), Some("8 705"));
    }
}
