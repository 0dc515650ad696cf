//! 1C users (agents, supervisors, admins) with their additional attributes; the attribute
//! definitions and list values behind the portal's site settings (docs/onec.md §3.1–3.3).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::names::*;
use super::path;
use crate::decode::{self, Composite};
use crate::filter::field;
use crate::{Guid, OnecClient, OnecError, Path, Query};

/// A `Catalog_Пользователи` entry.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct OneCUser {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "DataVersion", default, deserialize_with = "decode::text")]
    pub data_version: String,
    #[serde(rename = "DeletionMark", default, deserialize_with = "decode::flag")]
    pub deleted: bool,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub name: String,
    #[serde(rename = "Недействителен", default, deserialize_with = "decode::flag")]
    pub invalid: bool,
    #[serde(rename = "ДополнительныеРеквизиты", default)]
    pub attributes: Vec<AttributeValue>,
    #[serde(rename = "ФизическоеЛицо", default)]
    pub person: Option<Person>,
}

/// One row of an object's `ДополнительныеРеквизиты`: property and its composite value.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawAttributeValue")]
pub struct AttributeValue {
    pub property: Option<Guid>,
    pub value: Composite,
}

#[derive(Deserialize)]
struct RawAttributeValue {
    #[serde(
        rename = "Свойство_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    property: Option<Guid>,
    #[serde(rename = "Значение", default)]
    value: serde_json::Value,
    #[serde(rename = "Значение_Type", default)]
    value_type: Option<String>,
}

impl From<RawAttributeValue> for AttributeValue {
    fn from(r: RawAttributeValue) -> Self {
        AttributeValue {
            property: r.property,
            value: Composite::from_parts(&r.value, r.value_type.as_deref()),
        }
    }
}

/// The individual linked to a user (`Catalog_ФизическиеЛица`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Person {
    #[serde(rename = "Ref_Key", default, deserialize_with = "decode::reference")]
    pub id: Option<Guid>,
    #[serde(rename = "DeletionMark", default, deserialize_with = "decode::flag")]
    pub deleted: bool,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub full_name: String,
    #[serde(
        rename = "ДатаРождения",
        default,
        deserialize_with = "decode::date_opt"
    )]
    pub birth_date: Option<NaiveDateTime>,
    /// The Kazakh ИИН (12 digits).
    #[serde(rename = "ИНН", default, deserialize_with = "decode::text")]
    pub iin: String,
    #[serde(rename = "КонтактнаяИнформация", default)]
    pub contacts: Vec<Contact>,
}

/// A contact-information row: kind (`Телефон`, `АдресЭлектроннойПочты`, …) and text as typed in 1C.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Contact {
    #[serde(rename = "Тип", default, deserialize_with = "decode::text")]
    pub kind: String,
    #[serde(rename = "Представление", default, deserialize_with = "decode::text")]
    pub presentation: String,
}

impl OneCUser {
    pub fn attribute(&self, property: Guid) -> Option<&Composite> {
        self.attributes
            .iter()
            .find(|a| a.property == Some(property))
            .map(|a| &a.value)
    }

    /// The first phone of the linked individual, normalised to `+7…` (docs/onec.md §3.1).
    pub fn phone(&self) -> Option<String> {
        let c = self
            .person
            .as_ref()?
            .contacts
            .iter()
            .find(|c| c.kind == "Телефон")?;
        Some(normalize_phone(&c.presentation))
    }

    pub fn email(&self) -> Option<&str> {
        let c = self
            .person
            .as_ref()?
            .contacts
            .iter()
            .find(|c| c.kind == "АдресЭлектроннойПочты")?;
        Some(c.presentation.trim())
    }
}

/// Strips spaces, `(`, `)`, `-`; a leading `8` or `7` becomes `+7`.
pub fn normalize_phone(s: &str) -> String {
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '(' | ')' | '-'))
        .collect();
    if let Some(rest) = digits.strip_prefix('8') {
        format!("+7{rest}")
    } else if digits.starts_with('7') {
        format!("+{digits}")
    } else {
        digits
    }
}

/// An additional attribute definition (`ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct AttributeDef {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "DataVersion", default, deserialize_with = "decode::text")]
    pub data_version: String,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub description: String,
    /// System name; BSP appends a suffix, so match it by prefix.
    #[serde(rename = "Имя", default, deserialize_with = "decode::text")]
    pub system_name: String,
    #[serde(rename = "Заголовок", default, deserialize_with = "decode::text")]
    pub title: String,
}

/// A value of a list-type attribute (`Catalog_ЗначенияСвойствОбъектов`), e.g. a site role.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PropertyValue {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(rename = "DataVersion", default, deserialize_with = "decode::text")]
    pub data_version: String,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    pub description: String,
}

/// A row of `ДополнительныеРеквизиты` as written back by PATCH (the whole section is sent).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttributeRowWrite {
    #[serde(rename = "LineNumber")]
    pub line_number: String,
    #[serde(rename = "Свойство_Key")]
    pub property: Guid,
    #[serde(rename = "Значение")]
    pub value: serde_json::Value,
    #[serde(rename = "Значение_Type")]
    pub value_type: String,
    #[serde(rename = "ТекстоваяСтрока", default)]
    pub text: String,
}

#[derive(Serialize, Deserialize)]
struct AttributeRows {
    #[serde(rename = "ДополнительныеРеквизиты", default)]
    rows: Vec<AttributeRowWrite>,
}

fn user_select() -> Vec<Path> {
    vec![
        REF_KEY.into(),
        DATA_VERSION.into(),
        DELETION_MARK.into(),
        DESCRIPTION.into(),
        INVALID.into(),
        path([EXTRA_ATTRS, PROPERTY_KEY]),
        path([EXTRA_ATTRS, VALUE]),
        path([PERSON, REF_KEY]),
        path([PERSON, DELETION_MARK]),
        path([PERSON, DESCRIPTION]),
        path([PERSON, BIRTH_DATE]),
        path([PERSON, IIN]),
        path([PERSON, CONTACTS, KIND]),
        path([PERSON, CONTACTS, PRESENTATION]),
    ]
}

/// §7 #1: active users with attributes and the linked individual.
pub fn users_query() -> Query {
    Query::set(USERS)
        .filter(field(INVALID).eq(false).and(field(DELETION_MARK).eq(false)))
        .select(user_select())
        .expand([PERSON])
}

/// §7 #2: one user by id (a filter, not key addressing: 1C refuses `$expand` on key requests).
pub fn user_query(id: Guid) -> Query {
    Query::set(USERS)
        .filter(field(REF_KEY).eq(id))
        .select(user_select())
        .expand([PERSON])
}

/// §7 #3 step 1: a user's attribute rows by key.
pub fn user_attributes_query(id: Guid) -> Query {
    Query::key(USERS, id).select([EXTRA_ATTRS])
}

/// §7 #4.
pub fn attribute_defs_query() -> Query {
    Query::set(ATTRIBUTE_DEFS)
        .filter(field(DELETION_MARK).eq(false))
        .select([REF_KEY, DATA_VERSION, DESCRIPTION, SYSTEM_NAME, TITLE])
}

/// §7 #5.
pub fn property_values_query() -> Query {
    Query::set(PROPERTY_VALUES)
        .filter(field(DELETION_MARK).eq(false))
        .select([REF_KEY, DATA_VERSION, DESCRIPTION])
}

impl OnecClient {
    pub async fn users(&self) -> Result<Vec<OneCUser>, OnecError> {
        self.fetch(&users_query()).await
    }

    pub async fn user(&self, id: Guid) -> Result<Option<OneCUser>, OnecError> {
        Ok(self.fetch(&user_query(id)).await?.into_iter().next())
    }

    pub async fn attribute_defs(&self) -> Result<Vec<AttributeDef>, OnecError> {
        self.fetch(&attribute_defs_query()).await
    }

    pub async fn property_values(&self) -> Result<Vec<PropertyValue>, OnecError> {
        self.fetch(&property_values_query()).await
    }

    /// §7 #3: sets a string attribute (the site password) of a user: reads the whole section,
    /// changes or appends the row, PATCHes the section back and returns the rows 1C stored.
    pub async fn set_user_string_attribute(
        &self,
        user: Guid,
        property: Guid,
        value: &str,
    ) -> Result<Vec<AttributeRowWrite>, OnecError> {
        let current: AttributeRows = self.fetch_entity(&user_attributes_query(user)).await?;
        let rows = with_string_attribute(current.rows, property, value);
        let stored: AttributeRows = self.patch(USERS, user, &AttributeRows { rows }).await?;
        Ok(stored.rows)
    }
}

/// Changes the row of `property` or appends one with `LineNumber` = max + 1.
pub fn with_string_attribute(
    mut rows: Vec<AttributeRowWrite>,
    property: Guid,
    value: &str,
) -> Vec<AttributeRowWrite> {
    if let Some(r) = rows.iter_mut().find(|r| r.property == property) {
        r.value = serde_json::Value::String(value.to_owned());
        r.value_type = "Edm.String".to_owned();
        return rows;
    }
    let next = rows
        .iter()
        .filter_map(|r| r.line_number.trim().parse::<i64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    rows.push(AttributeRowWrite {
        line_number: next.to_string(),
        property,
        value: serde_json::Value::String(value.to_owned()),
        value_type: "Edm.String".to_owned(),
        text: String::new(),
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    const SELECT: &str = "Ref_Key,DataVersion,DeletionMark,Description,Недействителен,ДополнительныеРеквизиты/Свойство_Key,ДополнительныеРеквизиты/Значение,ФизическоеЛицо/Ref_Key,ФизическоеЛицо/DeletionMark,ФизическоеЛицо/Description,ФизическоеЛицо/ДатаРождения,ФизическоеЛицо/ИНН,ФизическоеЛицо/КонтактнаяИнформация/Тип,ФизическоеЛицо/КонтактнаяИнформация/Представление";

    #[test]
    fn wire_forms() {
        assert_wire(
            &users_query(),
            &format!(
                "Catalog_Пользователи?$format=json&$filter=Недействителен eq false and DeletionMark eq false&$select={SELECT}&$expand=ФизическоеЛицо"
            ),
        );
        let g = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
        assert_wire(
            &user_query(g),
            &format!(
                "Catalog_Пользователи?$format=json&$filter=Ref_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'&$select={SELECT}&$expand=ФизическоеЛицо"
            ),
        );
        assert_wire(
            &user_attributes_query(g),
            "Catalog_Пользователи(guid'f10f9345-f6f4-11ed-89ec-000c29dddd38')?$format=json&$select=ДополнительныеРеквизиты",
        );
        assert_wire(
            &attribute_defs_query(),
            "ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,DataVersion,Description,Имя,Заголовок",
        );
        assert_wire(
            &property_values_query(),
            "Catalog_ЗначенияСвойствОбъектов?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,DataVersion,Description",
        );
    }

    #[test]
    fn decodes_the_spec_sample() {
        let body = r#"{
  "odata.metadata": "http://10.8.10.7/UT/odata/standard.odata/$metadata#Catalog_Пользователи",
  "value": [{
      "Ref_Key": "f10f9345-f6f4-11ed-89ec-000c29dddd38", "DataVersion": "AAAAAwAAAAA=", "DeletionMark": false,
      "Description": "Жумабеков Арман (ТА)", "Недействителен": false,
      "ДополнительныеРеквизиты": [
        { "Свойство_Key": "a2318161-d8ac-11ee-8a52-000c29dddd38", "Значение": "kz-4471", "Значение_Type": "Edm.String" },
        { "Свойство_Key": "ad361290-d8ac-11ee-8a52-000c29dddd38", "Значение": "b34fe221-d8ac-11ee-8a52-000c29dddd38", "Значение_Type": "StandardODATA.Catalog_ЗначенияСвойствОбъектов" },
        { "Свойство_Key": "c0a1e001-d8ac-11ee-8a52-000c29dddd38", "Значение": true, "Значение_Type": "Edm.Boolean" }
      ],
      "ФизическоеЛицо": {
        "Ref_Key": "5b1f0c10-6c9f-11ec-88f2-000c29dddd38", "DeletionMark": false,
        "Description": "Жумабеков Арман Серикович", "ДатаРождения": "1991-02-17T00:00:00", "ИНН": "910217300456",
        "КонтактнаяИнформация": [
          { "Тип": "Телефон", "Представление": "8 (705) 000-00-01" },
          { "Тип": "АдресЭлектроннойПочты", "Представление": "arman@example.kz" } ] } } ] }"#;
        let users = collection::<OneCUser>("u", body.as_bytes()).unwrap().value;
        let u = &users[0];
        assert_eq!(u.name, "Жумабеков Арман (ТА)");
        let pw = Guid::from_static("a2318161-d8ac-11ee-8a52-000c29dddd38");
        assert_eq!(u.attribute(pw).and_then(|v| v.as_text()), Some("kz-4471"));
        let role = Guid::from_static("ad361290-d8ac-11ee-8a52-000c29dddd38");
        assert_eq!(
            u.attribute(role).and_then(|v| v.as_ref_key()),
            Some(Guid::from_static("b34fe221-d8ac-11ee-8a52-000c29dddd38"))
        );
        let show = Guid::from_static("c0a1e001-d8ac-11ee-8a52-000c29dddd38");
        assert_eq!(u.attribute(show).and_then(|v| v.as_bool()), Some(true));
        assert_eq!(u.phone().as_deref(), Some("+77050000001"));
        assert_eq!(u.email(), Some("arman@example.kz"));
        assert_eq!(u.person.as_ref().unwrap().iin, "910217300456");
    }

    #[test]
    fn password_row_is_changed_or_appended() {
        let p = Guid::from_static("a2318161-d8ac-11ee-8a52-000c29dddd38");
        let rows = with_string_attribute(vec![], p, "x");
        assert_eq!(rows[0].line_number, "1");
        let rows = with_string_attribute(rows, p, "y");
        assert_eq!((rows.len(), rows[0].value.as_str()), (1, Some("y")));
        let rows = with_string_attribute(rows, Guid::EMPTY, "z");
        assert_eq!(rows[1].line_number, "2");
    }
}
