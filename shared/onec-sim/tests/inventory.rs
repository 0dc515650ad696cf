//! Every request of the original portal (docs/onec.md §7) and the new portal's (§8), sent as raw,
//! percent-encoded URLs, with the shapes and values 1C answers.

mod common;

use common::{AGENT, get, get_raw, shared};
use serde_json::json;

const USER_SELECT: &str = "$select=Ref_Key,DataVersion,DeletionMark,Description,Недействителен,ДополнительныеРеквизиты/Свойство_Key,ДополнительныеРеквизиты/Значение,ФизическоеЛицо/Ref_Key,ФизическоеЛицо/DeletionMark,ФизическоеЛицо/Description,ФизическоеЛицо/ДатаРождения,ФизическоеЛицо/ИНН,ФизическоеЛицо/КонтактнаяИнформация/Тип,ФизическоеЛицо/КонтактнаяИнформация/Представление&$expand=ФизическоеЛицо";

#[tokio::test]
async fn the_wire_form_from_the_spec_is_understood() {
    // docs/onec.md §1, byte for byte (warehouse GUID of the real base).
    let raw = "AccumulationRegister_%D0%A1%D0%B2%D0%BE%D0%B1%D0%BE%D0%B4%D0%BD%D1%8B%D0%B5%D0%9E%D1%81%D1%82%D0%B0%D1%82%D0%BA%D0%B8/Balance(Dimensions='%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0,%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4')?$format=json&$filter=%D0%A1%D0%BA%D0%BB%D0%B0%D0%B4_Key%20eq%20guid%273eac8407-623e-11ec-8f2b-54ee75d06a1b%27&$select=%D0%92%D0%9D%D0%B0%D0%BB%D0%B8%D1%87%D0%B8%D0%B8Balance,%D0%9D%D0%BE%D0%BC%D0%B5%D0%BD%D0%BA%D0%BB%D0%B0%D1%82%D1%83%D1%80%D0%B0_Key";
    let r = get_raw(shared(), raw).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/json;charset=utf-8");
    let rows = r.rows();
    assert!(rows.len() > 50);
    for row in &rows {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 2, "only the selected members: {row}");
        assert!(row["ВНаличииBalance"].is_number());
    }
}

#[tokio::test]
async fn users_with_attributes_and_person() {
    let f = shared();
    let r = get(f, &format!("Catalog_Пользователи?$format=json&$filter=Недействителен eq false and DeletionMark eq false&{USER_SELECT}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rows = r.rows();
    assert!(
        rows.iter()
            .all(|u| u["Недействителен"] == false && u["DeletionMark"] == false)
    );
    let agent = rows
        .iter()
        .find(|u| u["Ref_Key"] == AGENT)
        .expect("demo agent");
    assert_eq!(agent["Description"], "Жумабеков Арман (ТА)");
    let attrs = agent["ДополнительныеРеквизиты"].as_array().unwrap();
    let password = attrs
        .iter()
        .find(|a| a["Свойство_Key"] == "a2318161-d8ac-11ee-8a52-000c29dddd38")
        .unwrap();
    assert_eq!(password["Значение"], "demo1234");
    assert_eq!(password["Значение_Type"], "Edm.String");
    let role = attrs
        .iter()
        .find(|a| a["Свойство_Key"] == "ad361290-d8ac-11ee-8a52-000c29dddd38")
        .unwrap();
    assert_eq!(role["Значение"], "b34fe221-d8ac-11ee-8a52-000c29dddd38");
    assert_eq!(
        role["Значение_Type"],
        "StandardODATA.Catalog_ЗначенияСвойствОбъектов"
    );
    let person = &agent["ФизическоеЛицо"];
    assert_eq!(person["Description"], "Жумабеков Арман Серикович");
    assert_eq!(
        person["КонтактнаяИнформация"][0],
        json!({"Тип": "Телефон", "Представление": "8 (701) 000-00-01"})
    );
    assert!(
        person.get("Code").is_none(),
        "only selected sub-fields are expanded"
    );
    // #2: one user by key in a filter.
    let r = get(
        f,
        &format!(
            "Catalog_Пользователи?$format=json&$filter=Ref_Key eq guid'{AGENT}'&{USER_SELECT}"
        ),
    )
    .await;
    assert_eq!(r.rows().len(), 1);
}

#[tokio::test]
async fn user_password_write_back_by_patch() {
    let f = common::start(common::config(1));
    let r = get(
        &f,
        &format!(
            "Catalog_Пользователи(guid'{AGENT}')?$format=json&$select=ДополнительныеРеквизиты"
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let j = r.json();
    assert!(
        j["odata.metadata"]
            .as_str()
            .unwrap()
            .ends_with("$metadata#Catalog_Пользователи/@Element")
    );
    let mut attrs = j["ДополнительныеРеквизиты"].as_array().unwrap().clone();
    for a in &mut attrs {
        if a["Свойство_Key"] == "a2318161-d8ac-11ee-8a52-000c29dddd38" {
            a["Значение"] = json!("new-pass");
        }
    }
    let body = json!({"ДополнительныеРеквизиты": attrs}).to_string();
    let r = common::send(
        &f,
        reqwest::Method::PATCH,
        &common::wire(&format!("Catalog_Пользователи(guid'{AGENT}')?$format=json")),
        Some(body),
        Some(("portal", "portal")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("\"Значение\":\"new-pass\""));
    let types = |attrs: &serde_json::Value| -> Vec<String> {
        let attrs = attrs.as_array().unwrap().iter();
        attrs.map(|a| a["Значение_Type"].to_string()).collect()
    };
    assert_eq!(
        types(&r.json()["ДополнительныеРеквизиты"]),
        types(&json!(attrs)),
        "each value keeps its type, references included"
    );
    assert!(
        types(&json!(attrs))
            .iter()
            .any(|t| t.contains("StandardODATA."))
    );
    assert_ne!(
        r.json()["DataVersion"],
        j["DataVersion"].clone(),
        "DataVersion changes on write"
    );
}

#[tokio::test]
async fn site_settings_sources() {
    let f = shared();
    let r = get(f, "ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,DataVersion,Description,Имя,Заголовок").await;
    let rows = r.rows();
    let role = rows
        .iter()
        .find(|r| r["Ref_Key"] == "ad361290-d8ac-11ee-8a52-000c29dddd38")
        .unwrap();
    assert_eq!(role["Имя"], "РольНаСайте_ad361290");
    for d in [
        "АгентПлюсДокументШирота",
        "АгентПлюсДокументДолгота",
        "АгентПлюсДокументВремяНачала",
        "АгентПлюсДокументВремяОкончания",
    ] {
        assert!(rows.iter().any(|r| r["Description"] == d), "{d}");
    }
    let r = get(f, "Catalog_ЗначенияСвойствОбъектов?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,DataVersion,Description").await;
    let names: Vec<&str> = r
        .rows()
        .iter()
        .map(|r| r["Description"].as_str().unwrap().to_owned())
        .map(|s| Box::leak(s.into_boxed_str()) as &str)
        .collect();
    assert!(
        names.contains(&"Пользователь")
            && names.contains(&"Менеджер")
            && names.contains(&"Администратор")
    );
    let r = get(f, "Catalog_Склады?$format=json&$filter=DeletionMark eq false and IsFolder eq false&$select=Ref_Key,Description").await;
    assert!(r.text.ends_with(r#""value":[{"Ref_Key":"3eac8407-623e-11ec-8f2b-54ee75d06a1b","Description":"Основной склад (Кокшетау)"},{"Ref_Key":"3eac8408-623e-11ec-8f2b-54ee75d06a1b","Description":"Склад Астана"}]}"#), "{}", r.text);
    let r = get(f, "Catalog_УпаковкиЕдиницыИзмерения?$format=json&$filter=КодЭСФ eq '796' or КодЭСФ eq '166'&$select=Ref_Key,DataVersion,Description,КодЭСФ").await;
    let rows = r.rows();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(
        |u| u["Ref_Key"] == "d4a87a49-620c-11ec-8f2a-54ee75d06a1b" && u["Description"] == "кг"
    ));
}

#[tokio::test]
async fn catalogue_sync_requests() {
    let f = shared();
    let units = get(f, "Catalog_УпаковкиЕдиницыИзмерения?$format=json&$select=Ref_Key,Description,DeletionMark,DataVersion,Owner,Вес,Числитель,Знаменатель").await.rows();
    let pack = units
        .iter()
        .find(|u| u["Owner_Type"] == "StandardODATA.Catalog_Номенклатура")
        .unwrap();
    assert!(pack["Числитель"].is_number() && pack["Owner"].is_string());
    let r = get(f, "Catalog_Номенклатура?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,Parent_Key,IsFolder,ВидНоменклатуры_Key,Description,Code,Описание,ЕдиницаИзмерения_Key,Производитель_Key,DataVersion,DeletionMark,ДополнительныеРеквизиты/Ref_Key,ДополнительныеРеквизиты/Значение,ДополнительныеРеквизиты/Свойство_Key&$orderby=IsFolder desc").await;
    let rows = r.rows();
    assert_eq!(rows[0]["IsFolder"], true, "folders first");
    assert!(rows.iter().all(|p| p["DeletionMark"] == false));
    let demo = rows
        .iter()
        .find(|p| p["Ref_Key"] == "5a75e2f1-6c9f-11ec-88f2-000c29dddd38")
        .unwrap();
    assert_eq!(demo["Description"], "Сосиски молочные 1 кг");
    assert_eq!(
        demo["Производитель_Key"],
        "3eac83e2-623e-11ec-8f2b-54ee75d06a1b"
    );
    assert!(
        rows.iter().any(|p| p["IsFolder"] == false
            && p["Производитель_Key"] == "00000000-0000-0000-0000-000000000000"),
        "some products have no manufacturer"
    );
    let files = get(f, "Catalog_НоменклатураПрисоединенныеФайлы?$format=json&$filter=DeletionMark eq false&$select=Ref_Key,ПутьКФайлу,ВладелецФайла_Key").await.rows();
    assert!(
        files[0]["ПутьКФайлу"]
            .as_str()
            .unwrap()
            .starts_with("Номенклатура\\")
    );
    let file = files[0]["Ref_Key"].as_str().unwrap();
    let bytes = get(f, &format!("InformationRegister_ДвоичныеДанныеФайлов?$format=json&$filter=Файл eq cast(guid'{file}', 'Catalog_НоменклатураПрисоединенныеФайлы')&$select=ДвоичныеДанныеФайла_Base64Data")).await.rows();
    assert_eq!(bytes.len(), 1);
    assert_eq!(bytes[0]["ДвоичныеДанныеФайла_Type"], "image/svg+xml");
    let kinds = get(f, "Catalog_ВидыНоменклатуры?$format=json&$select=Ref_Key,DeletionMark,Parent_Key,IsFolder,Description,Описание,DataVersion&$orderby=IsFolder desc").await.rows();
    assert_eq!(kinds[0]["IsFolder"], true);
    let makers = get(f, "Catalog_Производители?$format=json&$filter=IsFolder eq false&$select=Ref_Key,DataVersion,DeletionMark,IsFolder,Description").await.rows();
    assert!(makers.iter().any(|m| m["Description"] == "Мясной двор"));
    let kinds = get(f, "Catalog_ВидыЦен?$format=json&$filter=DeletionMark eq false and IsFolder eq false and ИспользоватьПриПродаже eq true&$select=Ref_Key,Description,Идентификатор,ВалютаЦены/Description&$expand=ВалютаЦены").await.rows();
    assert_eq!(
        kinds[0],
        json!({"Ref_Key": "80c40220-6238-11ec-8f2b-54ee75d06a1b", "Description": "Оптовая цена", "Идентификатор": "Оптовая", "ВалютаЦены": {"Description": "KZT"}})
    );
    assert_eq!(kinds.len(), 3);
    let prices = get(f, "InformationRegister_ЦеныНоменклатуры_RecordType/SliceLast?$format=json&$filter=ВидЦены_Key eq guid'80c40220-6238-11ec-8f2b-54ee75d06a1b'&$select=Recorder,Period,Цена,Упаковка_Key,Номенклатура_Key").await.rows();
    let ids: std::collections::HashSet<&str> = prices
        .iter()
        .map(|p| p["Номенклатура_Key"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), prices.len(), "one current price per product");
    assert_eq!(
        prices[0]["Recorder_Type"],
        "StandardODATA.Document_УстановкаЦенНоменклатуры"
    );
}

#[tokio::test]
async fn orders_and_their_lines() {
    let f = shared();
    let day = "2026-11-26";
    let r = get(f, &format!("Document_ЗаказКлиента?$format=json&$filter=Менеджер_Key eq guid'{AGENT}' and Date ge datetime'{day}T00:00:00' and Date le datetime'{day}T23:59:59'&$select=Ref_Key,Number,Date,СуммаДокумента,Комментарий,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark&$expand=Партнер")).await;
    let orders = r.rows();
    assert_eq!(orders.len(), 8, "the demo agent is busy today");
    assert!(
        orders
            .iter()
            .all(|o| o["Date"].as_str().unwrap().starts_with(day)
                && o["Партнер"]["Description"].is_string())
    );
    let shipments = get(f, &format!("Document_ЗаказКлиента?$format=json&$filter=Менеджер_Key eq guid'{AGENT}' and ДатаОтгрузки ge datetime'2026-11-27T00:00:00' and ДатаОтгрузки le datetime'2026-11-27T23:59:59'&$select=Ref_Key,Number,Date,СуммаДокумента,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark&$expand=Партнер")).await.rows();
    assert!(!shipments.is_empty());
    let id = orders[0]["Ref_Key"].as_str().unwrap();
    let one = get(f, &format!("Document_ЗаказКлиента?$format=json&$filter=Ref_Key eq guid'{id}'&$select=Ref_Key,Number,Date,СуммаДокумента,Комментарий,Статус,ФормаОплаты,ДатаОтгрузки,АдресДоставки,СпособДоставки,Партнер/Description,DeletionMark&$expand=Партнер")).await.rows();
    assert_eq!(one, vec![orders[0].clone()]);
    let lines = get(f, &format!("Document_ЗаказКлиента_Товары?$format=json&$filter=Ref_Key eq guid'{id}'&$select=LineNumber,Номенклатура_Key,Количество,ВидЦены_Key,Цена,Сумма,СуммаНДС,СуммаСНДС,СуммаРучнойСкидки,СуммаАвтоматическойСкидки,Отменено,Номенклатура/Description&$expand=Номенклатура")).await.rows();
    assert_eq!(lines[0]["LineNumber"], "1", "Int64 travels as a string");
    let total: f64 = lines
        .iter()
        .filter(|l| l["Отменено"] == false)
        .map(|l| l["СуммаСНДС"].as_f64().unwrap())
        .sum();
    assert!((total - orders[0]["СуммаДокумента"].as_f64().unwrap()).abs() < 0.005);
    // Агент Плюс rows of today's orders, or-chained as the original sends them.
    let chain: Vec<String> = orders
        .iter()
        .take(20)
        .map(|o| {
            format!(
                "Объект eq cast(guid'{}', 'Document_ЗаказКлиента')",
                o["Ref_Key"].as_str().unwrap()
            )
        })
        .collect();
    let extra = get(f, &format!("InformationRegister_ДополнительныеСведения?$format=json&$filter={}&$select=Объект,Свойство_Key,Значение", chain.join(" or "))).await.rows();
    assert!(extra.len() >= 4);
    let lat = extra
        .iter()
        .find(|r| r["Свойство_Key"] == "c0a1e011-d8ac-11ee-8a52-000c29dddd38")
        .unwrap();
    assert_eq!(lat["Объект_Type"], "StandardODATA.Document_ЗаказКлиента");
    let v: f64 = lat["Значение"].as_str().unwrap().parse().unwrap();
    let degrees = (v / 100.0).floor() + (v % 100.0) / 60.0;
    assert!((degrees - 53.28).abs() < 0.1, "near Kokshetau: {degrees}");
}

#[tokio::test]
async fn sales_debts_and_reports() {
    let f = shared();
    let sale = "5828755a-8819-11ed-89ab-000c29dddd38";
    let doc = get(f, &format!("Document_РеализацияТоваровУслуг?$format=json&$filter=Ref_Key eq guid'{sale}'&$select=Ref_Key,Number,Date,СуммаДокумента,Posted,Комментарий,ФормаОплаты,ЗаказКлиента,АдресДоставки,СпособДоставки,Партнер/Description&$expand=Партнер")).await.rows();
    assert_eq!(doc.len(), 1);
    assert_eq!(
        doc[0]["ЗаказКлиента_Type"],
        "StandardODATA.Document_ЗаказКлиента"
    );
    let lines = get(f, &format!("Document_РеализацияТоваровУслуг_Товары?$format=json&$filter=Ref_Key eq guid'{sale}'&$select=LineNumber,Номенклатура_Key,Количество,ВидЦены_Key,Цена,Сумма,СуммаНДС,СуммаСНДС,СуммаРучнойСкидки,СуммаАвтоматическойСкидки,ЗаказКлиента,Номенклатура/Description&$expand=Номенклатура")).await.rows();
    assert!(!lines.is_empty());
    let debt = get(f, &format!("AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента eq cast(guid'{sale}', 'Document_РеализацияТоваровУслуг')&$select=ДолгBalance")).await.rows();
    assert_eq!(
        debt,
        vec![json!({"ДолгBalance": doc[0]["СуммаДокумента"]})],
        "the demo sale is unpaid"
    );
    let all = get(f, "AccumulationRegister_РасчетыСКлиентамиПоДокументам/Balance(Dimensions='ЗаказКлиента')?$format=json&$filter=ЗаказКлиента_Type eq 'StandardODATA.Document_РеализацияТоваровУслуг'&$select=ДолгBalance,ЗаказКлиента").await.rows();
    assert!(all.iter().all(|r| r["ЗаказКлиента_Type"]
        == "StandardODATA.Document_РеализацияТоваровУслуг"
        && r["ДолгBalance"].as_f64().unwrap() != 0.0));
    let mine = get(f, &format!("Document_РеализацияТоваровУслуг?$format=json&$filter=Менеджер_Key eq guid'{AGENT}' and Posted eq true&$select=Ref_Key")).await.rows();
    assert!(mine.len() > 100);
    let ids: Vec<&str> = all
        .iter()
        .map(|r| r["ЗаказКлиента"].as_str().unwrap())
        .filter(|id| mine.iter().any(|m| m["Ref_Key"] == *id))
        .take(20)
        .collect();
    assert!(ids.len() >= 3, "the demo agent has open debts");
    let chain: Vec<String> = ids
        .iter()
        .map(|id| format!("Ref_Key eq guid'{id}'"))
        .collect();
    let details = get(f, &format!("Document_РеализацияТоваровУслуг?$format=json&$filter={}&$select=Ref_Key,Number,Date,СуммаДокумента,Контрагент/Ref_Key,Контрагент/Description,Контрагент/ГоловнойКонтрагент_Key,Партнер/Ref_Key,Партнер/Description&$expand=Контрагент,Партнер", chain.join(" or "))).await.rows();
    assert_eq!(details.len(), ids.len());
    assert!(details[0]["Контрагент"]["ГоловнойКонтрагент_Key"].is_string());
    for dims in [
        "Менеджер,АналитикаУчетаПоПартнерам",
        "Менеджер,АналитикаУчетаНоменклатуры",
        "Менеджер,АналитикаУчетаПоПартнерам,АналитикаУчетаНоменклатуры",
    ] {
        let r = get(f, &format!("AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(EndPeriod=datetime'2026-10-31T23:59:59',StartPeriod=datetime'2026-10-01T00:00:00',Dimensions='{dims}')?$format=json&$filter=Менеджер_Key eq guid'{AGENT}'&$select=КоличествоTurnover,СуммаВыручкиTurnover,СуммаРучнойСкидкиTurnover,СуммаАвтоматическойСкидкиTurnover,АналитикаУчетаНоменклатуры/Номенклатура/Description,АналитикаУчетаНоменклатуры/Номенклатура/Производитель/Description,АналитикаУчетаПоПартнерам/Контрагент,АналитикаУчетаПоПартнерам/Партнер/Description&$expand=АналитикаУчетаПоПартнерам/Партнер,АналитикаУчетаНоменклатуры/Номенклатура/Производитель&$orderby=СуммаВыручкиTurnover desc")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let rows = r.rows();
        assert!(!rows.is_empty());
        let sums: Vec<f64> = rows
            .iter()
            .map(|r| r["СуммаВыручкиTurnover"].as_f64().unwrap())
            .collect();
        assert!(
            sums.windows(2).all(|w| w[0] >= w[1]),
            "ordered by revenue desc"
        );
        if dims.contains("ПоПартнерам") {
            let key = &rows[0]["АналитикаУчетаПоПартнерам"];
            assert!(key["Партнер"]["Description"].is_string());
            assert!(
                key["Контрагент@navigationLinkUrl"]
                    .as_str()
                    .unwrap()
                    .starts_with("Catalog_КлючиАналитикиУчетаПоПартнерам(guid'")
            );
        }
    }
}

#[tokio::test]
async fn new_portal_sources() {
    let f = shared();
    let r = get(f, "Document_ЗаказПоставщику?$format=json&$filter=Posted eq true and DeletionMark eq false and ДатаПоступления ge datetime'2026-11-26T00:00:00'&$select=Ref_Key,Number,ДатаПоступления,Статус,Склад_Key").await;
    let rows = r.rows();
    assert!(rows.len() >= 5, "upcoming deliveries");
    assert!(rows.iter().all(|o| o["Статус"] != "Закрыт"));
    let lines = get(f, &format!("Document_ЗаказПоставщику_Товары?$format=json&$filter=Ref_Key eq guid'{}'&$select=Номенклатура_Key,Количество,Отменено,ДатаПоступления", rows[0]["Ref_Key"].as_str().unwrap())).await.rows();
    assert!(!lines.is_empty());
    let client = "2b3c4d5e-6238-11ec-8f2b-54ee75d06a1b";
    let own = get(f, &format!("Document_ЗаказКлиента?$format=json&$filter=Партнер_Key eq guid'{client}' and Date ge datetime'2026-11-01T00:00:00'&$select=Ref_Key,Number,Статус")).await.rows();
    assert!(!own.is_empty(), "the demo client has orders this month");
    let partners = get(f, "Catalog_Партнеры?$format=json&$filter=Клиент eq true and DeletionMark eq false&$select=Ref_Key,Description,КонтактнаяИнформация/Тип,КонтактнаяИнформация/Представление,КонтактнаяИнформация/Широта,КонтактнаяИнформация/Долгота").await.rows();
    let demo = partners.iter().find(|p| p["Ref_Key"] == client).unwrap();
    assert!(demo["КонтактнаяИнформация"][0]["Широта"].as_f64().unwrap() > 53.0);
    let cash = get(f, "Document_ПриходныйКассовыйОрдер?$format=json&$top=1&$select=Ref_Key,СуммаДокумента,РасшифровкаПлатежа/ОбъектРасчетов,РасшифровкаПлатежа/Сумма").await.rows();
    assert_eq!(
        cash[0]["РасшифровкаПлатежа"][0]["ОбъектРасчетов_Type"],
        "StandardODATA.Document_РеализацияТоваровУслуг"
    );
    let bank = get(
        f,
        "Document_ПоступлениеБезналичныхДенежныхСредств?$format=json&$top=1&$select=Ref_Key",
    )
    .await;
    assert_eq!(bank.status, 200);
}
