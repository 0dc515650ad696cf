//! 1C's answers to what it refuses (docs/onec.md §P9.3): status, code and Russian message.

mod common;

use common::{get, get_raw, send, shared};

async fn refused(decoded: &str, status: u16, code: &str, message: &str) {
    let r = get(shared(), decoded).await;
    assert_eq!(r.status, status, "{decoded}: {}", r.text);
    let (c, m) = r.error();
    assert_eq!(c, code, "{decoded}");
    assert!(m.contains(message), "{decoded}: {m}");
}

#[tokio::test]
async fn bad_filter_syntax() {
    refused(
        "Catalog_Склады?$format=json&$filter=Description eq",
        400,
        "14",
        "Ошибка при разборе опции запроса $filter",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=Description eq 'open",
        400,
        "14",
        "$filter",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=(Description eq 'a'",
        400,
        "14",
        "$filter",
    )
    .await;
}

#[tokio::test]
async fn in_operator_and_unsupported_functions() {
    refused("Catalog_Склады?$format=json&$filter=Ref_Key in (guid'3eac8407-623e-11ec-8f2b-54ee75d06a1b')", 400, "14", "$filter").await;
    refused(
        "Catalog_Склады?$format=json&$filter=tolower(Description) eq 'склад'",
        400,
        "21",
        "tolower",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=length(Description) gt 3",
        400,
        "21",
        "length",
    )
    .await;
}

#[tokio::test]
async fn bad_literals() {
    refused(
        "Document_ЗаказКлиента?$format=json&$filter=Date ge datetime'1-01-01T00:00:00'",
        400,
        "14",
        "$filter",
    )
    .await;
    refused(
        "Document_ЗаказКлиента?$format=json&$filter=СуммаДокумента gt 1E+20",
        400,
        "14",
        "$filter",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=Ref_Key eq guid'zz'",
        400,
        "14",
        "$filter",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=Description eq 5",
        400,
        "14",
        "$filter",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=Ref_Key gt guid'3eac8407-623e-11ec-8f2b-54ee75d06a1b'",
        500,
        "-1",
        "Неверные параметры в операции сравнения",
    )
    .await;
}

#[tokio::test]
async fn unknown_names_are_echoed() {
    refused(
        "Catalog_Склады?$format=json&$select=Ref_Key,Нет",
        400,
        "6",
        "Сегмент пути Нет не найден!",
    )
    .await;
    refused(
        "Catalog_Склады?$format=json&$filter=Нет eq 1",
        400,
        "6",
        "Сегмент пути Нет не найден!",
    )
    .await;
    refused("Catalog_Склады?$format=json&$orderby=Нет", 400, "6", "Нет").await;
    refused(
        "Document_ЗаказКлиента?$format=json&$expand=Нет",
        400,
        "6",
        "Нет",
    )
    .await;
    refused("Catalog_Нет?$format=json", 404, "6", "Catalog_Нет").await;
}

#[tokio::test]
async fn virtual_table_errors() {
    refused("AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(EndDate=datetime'2026-10-31T23:59:59')?$format=json", 501, "0", "Параметр EndDate не поддерживается").await;
    refused("AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(Period=datetime'2026-10-31T23:59:59')?$format=json", 501, "0", "Параметр Period не поддерживается").await;
    refused(
        "AccumulationRegister_ВыручкаИСебестоимостьПродаж/Balance?$format=json",
        400,
        "6",
        "Метод не найден",
    )
    .await;
    // The original's report 3 had one quote too many.
    refused("AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(EndPeriod=datetime'2026-10-31T23:59:59',StartPeriod=datetime'2026-10-01T00:00:00',Dimensions='Менеджер,АналитикаУчетаПоПартнерам,АналитикаУчетаНоменклатуры'')?$format=json", 400, "6", "АналитикаУчетаНоменклатуры'").await;
}

#[tokio::test]
async fn missing_records() {
    refused(
        "Catalog_Пользователи(guid'00000000-0000-0000-0000-000000000001')?$format=json",
        404,
        "9",
        "Экземпляр сущности не найден",
    )
    .await;
    let r = get(shared(), "Catalog_Пользователи(guid'zz')?$format=json").await;
    assert_eq!(r.status, 400);
    assert!(r.error().1.contains("guid'zz'"), "the bad key is echoed");
}

#[tokio::test]
async fn bad_credentials() {
    for auth in [
        None,
        Some(("portal", "wrong")),
        Some(("Администратор", "portal")),
    ] {
        let r = send(
            shared(),
            reqwest::Method::GET,
            "Catalog_Склады?$format=json",
            None,
            auth,
        )
        .await;
        assert_eq!(r.status, 401);
        assert_eq!(
            r.headers["www-authenticate"],
            "Basic realm=\"1C:Enterprise 8.3\""
        );
        assert!(
            !r.text.contains("odata.error"),
            "the auth answer is not OData"
        );
    }
}

#[tokio::test]
async fn cyrillic_login_in_utf8_works() {
    let f = common::start(onec_sim::SimConfig {
        user: "Администратор".into(),
        password: "пароль".into(),
        ..common::config(1)
    });
    let r = send(
        &f,
        reqwest::Method::GET,
        "Catalog_Склады?$format=json",
        None,
        Some(("Администратор", "пароль")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn json_only_and_no_expand_on_single_entities() {
    let r = get_raw(shared(), "Catalog_Склады").await;
    assert_eq!(r.status, 406);
    assert_eq!(r.error().0, "3");
    refused("Catalog_Пользователи(guid'f10f9345-f6f4-11ed-89ec-000c29dddd38')?$format=json&$expand=ФизическоеЛицо", 400, "0", "$expand").await;
    refused("Catalog_Склады?$format=json&$foo=1", 400, "0", "$foo").await;
}

#[tokio::test]
async fn service_document_and_metadata() {
    let r = get(shared(), "?$format=json").await;
    assert!(
        r.rows()
            .iter()
            .any(|s| s["name"] == "Document_ЗаказКлиента_Товары")
    );
    let r = get_raw(shared(), "$metadata").await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains(r#"Namespace="StandardODATA""#));
    assert!(
        r.text
            .contains(r#"<EntitySet Name="AccumulationRegister_СвободныеОстатки_RecordType""#)
    );
    assert!(r.text.contains(r#"<FunctionImport Name="SliceLast""#));
    assert!(
        r.text
            .contains(r#"<Property Name="ВНаличииBalance" Type="Edm.Double""#)
    );
}
