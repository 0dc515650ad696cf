//! Every 1C name the portal uses, in one table. Features use the English names of `model`'s
//! records; only `model` refers to these.
#![allow(missing_docs)]

use crate::name::Name;

// Entity sets.
pub const USERS: Name = Name::of("Catalog_Пользователи");
pub const ATTRIBUTE_DEFS: Name =
    Name::of("ChartOfCharacteristicTypes_ДополнительныеРеквизитыИСведения");
pub const PROPERTY_VALUES: Name = Name::of("Catalog_ЗначенияСвойствОбъектов");
pub const WAREHOUSES: Name = Name::of("Catalog_Склады");
pub const PACKAGES: Name = Name::of("Catalog_УпаковкиЕдиницыИзмерения");
pub const PRODUCTS: Name = Name::of("Catalog_Номенклатура");
pub const PRODUCT_FILES: Name = Name::of("Catalog_НоменклатураПрисоединенныеФайлы");
pub const FILE_DATA: Name = Name::of("InformationRegister_ДвоичныеДанныеФайлов");
pub const PRODUCT_KINDS: Name = Name::of("Catalog_ВидыНоменклатуры");
pub const MANUFACTURERS: Name = Name::of("Catalog_Производители");
pub const PRICE_KINDS: Name = Name::of("Catalog_ВидыЦен");
pub const PRICES: Name = Name::of("InformationRegister_ЦеныНоменклатуры_RecordType");
pub const FREE_STOCK: Name = Name::of("AccumulationRegister_СвободныеОстатки");
pub const ORDERS: Name = Name::of("Document_ЗаказКлиента");
pub const ORDER_LINES: Name = Name::of("Document_ЗаказКлиента_Товары");
pub const EXTRA_INFO: Name = Name::of("InformationRegister_ДополнительныеСведения");
pub const SALES: Name = Name::of("Document_РеализацияТоваровУслуг");
pub const SALE_LINES: Name = Name::of("Document_РеализацияТоваровУслуг_Товары");
pub const CLIENT_SETTLEMENTS: Name = Name::of("AccumulationRegister_РасчетыСКлиентамиПоДокументам");
pub const SALES_TURNOVERS: Name = Name::of("AccumulationRegister_ВыручкаИСебестоимостьПродаж");
pub const SUPPLIER_ORDERS: Name = Name::of("Document_ЗаказПоставщику");
pub const SUPPLIER_ORDER_LINES: Name = Name::of("Document_ЗаказПоставщику_Товары");
pub const PARTNERS: Name = Name::of("Catalog_Партнеры");

// Standard fields (English in 1C too).
pub const REF_KEY: Name = Name::of("Ref_Key");
pub const DATA_VERSION: Name = Name::of("DataVersion");
pub const DELETION_MARK: Name = Name::of("DeletionMark");
pub const DESCRIPTION: Name = Name::of("Description");
pub const CODE: Name = Name::of("Code");
pub const NUMBER: Name = Name::of("Number");
pub const DATE: Name = Name::of("Date");
pub const POSTED: Name = Name::of("Posted");
pub const IS_FOLDER: Name = Name::of("IsFolder");
pub const PARENT_KEY: Name = Name::of("Parent_Key");
pub const OWNER: Name = Name::of("Owner");
pub const LINE_NUMBER: Name = Name::of("LineNumber");
pub const RECORDER: Name = Name::of("Recorder");
pub const PERIOD: Name = Name::of("Period");

// Users and attributes.
pub const INVALID: Name = Name::of("Недействителен");
pub const PERSON: Name = Name::of("ФизическоеЛицо");
pub const EXTRA_ATTRS: Name = Name::of("ДополнительныеРеквизиты");
pub const PROPERTY_KEY: Name = Name::of("Свойство_Key");
pub const VALUE: Name = Name::of("Значение");
pub const BIRTH_DATE: Name = Name::of("ДатаРождения");
pub const IIN: Name = Name::of("ИНН");
pub const CONTACTS: Name = Name::of("КонтактнаяИнформация");
pub const KIND: Name = Name::of("Тип");
pub const PRESENTATION: Name = Name::of("Представление");
pub const LATITUDE: Name = Name::of("Широта");
pub const LONGITUDE: Name = Name::of("Долгота");
pub const SYSTEM_NAME: Name = Name::of("Имя");
pub const TITLE: Name = Name::of("Заголовок");
pub const CLIENT: Name = Name::of("Клиент");
pub const SUPPLIER: Name = Name::of("Поставщик");

// Catalogs.
pub const ESF_CODE: Name = Name::of("КодЭСФ");
pub const WEIGHT: Name = Name::of("Вес");
pub const NUMERATOR: Name = Name::of("Числитель");
pub const DENOMINATOR: Name = Name::of("Знаменатель");
pub const PRODUCT_KIND_KEY: Name = Name::of("ВидНоменклатуры_Key");
pub const LONG_DESCRIPTION: Name = Name::of("Описание");
pub const UNIT_KEY: Name = Name::of("ЕдиницаИзмерения_Key");
pub const MANUFACTURER_KEY: Name = Name::of("Производитель_Key");
pub const WEIGHED: Name = Name::of("ВесИспользовать");
pub const FILE_PATH: Name = Name::of("ПутьКФайлу");
pub const FILE_OWNER_KEY: Name = Name::of("ВладелецФайла_Key");
pub const FILE: Name = Name::of("Файл");
pub const FILE_BASE64: Name = Name::of("ДвоичныеДанныеФайла_Base64Data");
pub const IDENTIFIER: Name = Name::of("Идентификатор");
pub const CURRENCY: Name = Name::of("ВалютаЦены");
pub const USED_FOR_SALES: Name = Name::of("ИспользоватьПриПродаже");

// Prices and stock.
pub const PRICE: Name = Name::of("Цена");
pub const PACKAGE_KEY: Name = Name::of("Упаковка_Key");
pub const PRODUCT_KEY: Name = Name::of("Номенклатура_Key");
pub const PRICE_KIND_KEY: Name = Name::of("ВидЦены_Key");
pub const PRODUCT: Name = Name::of("Номенклатура");
pub const WAREHOUSE: Name = Name::of("Склад");
pub const WAREHOUSE_KEY: Name = Name::of("Склад_Key");
pub const ON_HAND: Name = Name::of("ВНаличииBalance");
pub const RESERVED_FROM_STOCK: Name = Name::of("ВРезервеСоСкладаBalance");
pub const RESERVED_FOR_ORDER: Name = Name::of("ВРезервеПодЗаказBalance");

// Documents.
pub const MANAGER_KEY: Name = Name::of("Менеджер_Key");
pub const PARTNER: Name = Name::of("Партнер");
pub const PARTNER_KEY: Name = Name::of("Партнер_Key");
pub const COUNTERPARTY: Name = Name::of("Контрагент");
pub const HEAD_COUNTERPARTY_KEY: Name = Name::of("ГоловнойКонтрагент_Key");
pub const DOC_SUM: Name = Name::of("СуммаДокумента");
pub const COMMENT: Name = Name::of("Комментарий");
pub const STATUS: Name = Name::of("Статус");
pub const PAYMENT_FORM: Name = Name::of("ФормаОплаты");
pub const SHIPMENT_DATE: Name = Name::of("ДатаОтгрузки");
pub const DELIVERY_ADDRESS: Name = Name::of("АдресДоставки");
pub const DELIVERY_METHOD: Name = Name::of("СпособДоставки");
pub const CLIENT_ORDER: Name = Name::of("ЗаказКлиента");
pub const CLIENT_ORDER_TYPE: Name = Name::of("ЗаказКлиента_Type");
pub const QUANTITY: Name = Name::of("Количество");
pub const SUM: Name = Name::of("Сумма");
pub const VAT: Name = Name::of("СуммаНДС");
pub const SUM_WITH_VAT: Name = Name::of("СуммаСНДС");
pub const MANUAL_DISCOUNT: Name = Name::of("СуммаРучнойСкидки");
pub const AUTO_DISCOUNT: Name = Name::of("СуммаАвтоматическойСкидки");
pub const CANCELLED: Name = Name::of("Отменено");
pub const OBJECT: Name = Name::of("Объект");
pub const DEBT: Name = Name::of("ДолгBalance");
pub const RECEIPT_DATE: Name = Name::of("ДатаПоступления");
pub const MAIN_MANAGER_KEY: Name = Name::of("ОсновнойМенеджер_Key");

// Sales turnovers.
pub const MANAGER: Name = Name::of("Менеджер");
pub const PARTNER_ANALYTICS: Name = Name::of("АналитикаУчетаПоПартнерам");
pub const PRODUCT_ANALYTICS: Name = Name::of("АналитикаУчетаНоменклатуры");
pub const MANUFACTURER: Name = Name::of("Производитель");
pub const QUANTITY_TURNOVER: Name = Name::of("КоличествоTurnover");
pub const REVENUE_TURNOVER: Name = Name::of("СуммаВыручкиTurnover");
pub const MANUAL_DISCOUNT_TURNOVER: Name = Name::of("СуммаРучнойСкидкиTurnover");
pub const AUTO_DISCOUNT_TURNOVER: Name = Name::of("СуммаАвтоматическойСкидкиTurnover");
