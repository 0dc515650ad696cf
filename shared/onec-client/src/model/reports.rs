//! Sales turnovers for the three sales reports (docs/onec.md §3.20, §6.3).

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::names::*;
use super::{Named, day_end, day_start, path};
use crate::decode;
use crate::filter::{Expr, field};
use crate::{Guid, Name, OnecClient, OnecError, Order, Path, Query, VirtualTable};

/// Which report: the dimensions turnovers are grouped by (always starting with the agent, so the
/// agent filter applies after aggregation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalesGrouping {
    /// The agent only: one row per agent (a period's totals).
    ByAgent,
    ByClients,
    ByGoods,
    ByClientsAndGoods,
}

impl SalesGrouping {
    fn clients(self) -> bool {
        matches!(
            self,
            SalesGrouping::ByClients | SalesGrouping::ByClientsAndGoods
        )
    }

    fn goods(self) -> bool {
        matches!(
            self,
            SalesGrouping::ByGoods | SalesGrouping::ByClientsAndGoods
        )
    }

    fn dimensions(self) -> Vec<Name> {
        let mut d = vec![MANAGER];
        if self.clients() {
            d.push(PARTNER_ANALYTICS);
        }
        if self.goods() {
            d.push(PRODUCT_ANALYTICS);
        }
        d
    }
}

/// Whose turnovers: one agent, several (a supervisor's team, chunked by the client), or everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agents<'a> {
    One(Guid),
    Some(&'a [Guid]),
    Everyone,
}

/// One turnover row: totals of the agent's sales for a client and/or product analytics key.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(from = "RawTurnover")]
pub struct SalesTurnover {
    /// Base units.
    pub quantity: Decimal,
    /// Revenue including VAT, KZT.
    pub revenue: Decimal,
    pub manual_discount: Decimal,
    pub auto_discount: Decimal,
    /// The agent (`Менеджер_Key`; always a dimension).
    pub manager: Option<Guid>,
    /// The client (by-clients reports).
    pub partner: Option<Named>,
    /// The product (by-goods reports).
    pub product: Option<Named>,
    /// Its manufacturer; `None` for products without one (quirk 6 of §9).
    pub manufacturer: Option<Named>,
}

impl SalesTurnover {
    pub fn discount(&self) -> Decimal {
        self.manual_discount + self.auto_discount
    }
}

#[derive(Deserialize)]
struct RawTurnover {
    #[serde(
        rename = "КоличествоTurnover",
        default,
        deserialize_with = "decode::decimal"
    )]
    quantity: Decimal,
    #[serde(
        rename = "СуммаВыручкиTurnover",
        default,
        deserialize_with = "decode::decimal"
    )]
    revenue: Decimal,
    #[serde(
        rename = "СуммаРучнойСкидкиTurnover",
        default,
        deserialize_with = "decode::decimal"
    )]
    manual_discount: Decimal,
    #[serde(
        rename = "СуммаАвтоматическойСкидкиTurnover",
        default,
        deserialize_with = "decode::decimal"
    )]
    auto_discount: Decimal,
    #[serde(
        rename = "Менеджер_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    manager: Option<Guid>,
    #[serde(rename = "АналитикаУчетаПоПартнерам", default)]
    partner_key: Option<PartnerKey>,
    #[serde(rename = "АналитикаУчетаНоменклатуры", default)]
    product_key: Option<ProductKey>,
}

#[derive(Deserialize)]
struct PartnerKey {
    #[serde(rename = "Партнер", default)]
    partner: Option<Named>,
}

#[derive(Deserialize)]
struct ProductKey {
    #[serde(rename = "Номенклатура", default)]
    product: Option<ProductRef>,
}

#[derive(Deserialize)]
struct ProductRef {
    #[serde(rename = "Ref_Key", default, deserialize_with = "decode::reference")]
    id: Option<Guid>,
    #[serde(rename = "Description", default, deserialize_with = "decode::text")]
    name: String,
    #[serde(rename = "Производитель", default)]
    manufacturer: Option<Named>,
}

impl From<RawTurnover> for SalesTurnover {
    fn from(r: RawTurnover) -> Self {
        let product = r.product_key.and_then(|k| k.product);
        SalesTurnover {
            quantity: r.quantity,
            revenue: r.revenue,
            manual_discount: r.manual_discount,
            auto_discount: r.auto_discount,
            manager: r.manager,
            partner: r.partner_key.and_then(|k| k.partner),
            manufacturer: product.as_ref().and_then(|p| p.manufacturer.clone()),
            product: product.map(|p| Named {
                id: p.id,
                name: p.name,
            }),
        }
    }
}

/// §7 #27–29: an agent's sales turnovers over `from..=to` (whole days), revenue first.
///
/// Deviations from the original, on purpose: the partner's, product's and manufacturer's
/// `Ref_Key` are selected too (so rows of one partner with several analytics keys can be merged),
/// and the never-expanded `АналитикаУчетаПоПартнерам/Контрагент` (quirk 5 of §9) is not selected.
pub fn sales_turnovers_query(
    agent: Guid,
    from: NaiveDate,
    to: NaiveDate,
    grouping: SalesGrouping,
) -> Query {
    turnovers_query(Some(&[agent]), from, to, grouping, false)
}

/// The turnovers of `agents` (everyone when `None`); with `per_agent`, `Менеджер_Key` is selected
/// so rows can be told apart per agent.
fn turnovers_query(
    agents: Option<&[Guid]>,
    from: NaiveDate,
    to: NaiveDate,
    grouping: SalesGrouping,
    per_agent: bool,
) -> Query {
    let mut select: Vec<Path> = vec![
        QUANTITY_TURNOVER.into(),
        REVENUE_TURNOVER.into(),
        MANUAL_DISCOUNT_TURNOVER.into(),
        AUTO_DISCOUNT_TURNOVER.into(),
    ];
    let mut expand = Vec::new();
    if grouping.clients() {
        select.push(path([PARTNER_ANALYTICS, PARTNER, REF_KEY]));
        select.push(path([PARTNER_ANALYTICS, PARTNER, DESCRIPTION]));
        expand.push(path([PARTNER_ANALYTICS, PARTNER]));
    }
    if grouping.goods() {
        select.push(path([PRODUCT_ANALYTICS, PRODUCT, REF_KEY]));
        select.push(path([PRODUCT_ANALYTICS, PRODUCT, DESCRIPTION]));
        select.push(path([PRODUCT_ANALYTICS, PRODUCT, MANUFACTURER, REF_KEY]));
        select.push(path([
            PRODUCT_ANALYTICS,
            PRODUCT,
            MANUFACTURER,
            DESCRIPTION,
        ]));
        expand.push(path([PRODUCT_ANALYTICS, PRODUCT, MANUFACTURER]));
    }
    if per_agent {
        select.push(MANAGER_KEY.into());
    }
    let query = Query::virtual_table(
        SALES_TURNOVERS,
        VirtualTable::Turnovers {
            start: Some(day_start(from)),
            end: Some(day_end(to)),
            condition: None,
            dimensions: grouping.dimensions(),
        },
    );
    let query = match agents {
        Some([one]) => query.filter(field(MANAGER_KEY).eq(*one)),
        Some(many) => query.filter(Expr::any_eq(&field(MANAGER_KEY), many.iter().copied())),
        None => query,
    };
    query
        .select(select)
        .expand(expand)
        .order_by(REVENUE_TURNOVER, Order::Desc)
}

/// A posted sale document's header as the reports count it: whose, which day, how much.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SaleTotal {
    #[serde(rename = "Ref_Key")]
    pub id: Guid,
    #[serde(
        rename = "Менеджер_Key",
        default,
        deserialize_with = "decode::reference"
    )]
    pub manager: Option<Guid>,
    #[serde(rename = "Date", deserialize_with = "decode::date")]
    pub date: NaiveDateTime,
    #[serde(
        rename = "СуммаДокумента",
        default,
        deserialize_with = "decode::decimal"
    )]
    pub total: Decimal,
}

/// Posted, not deleted sales of `agents` (everyone when `None`) dated within `from..=to`: the
/// reports' revenue by day and the team's document counts. A posted sale is what writes the
/// turnovers (§3.20), so the two agree.
fn sale_totals_query(agents: Option<&[Guid]>, from: NaiveDate, to: NaiveDate) -> Query {
    let mut clauses = vec![
        field(POSTED).eq(true),
        field(DELETION_MARK).eq(false),
        field(DATE).ge(day_start(from)),
        field(DATE).le(day_end(to)),
    ];
    if let Some(agents) = agents {
        clauses.insert(0, Expr::any_eq(&field(MANAGER_KEY), agents.iter().copied()));
    }
    Query::set(SALES)
        .filter(Expr::And(clauses))
        .select([REF_KEY, MANAGER_KEY, DATE, DOC_SUM])
}

impl OnecClient {
    pub async fn sales_turnovers(
        &self,
        agent: Guid,
        from: NaiveDate,
        to: NaiveDate,
        grouping: SalesGrouping,
    ) -> Result<Vec<SalesTurnover>, OnecError> {
        self.fetch(&sales_turnovers_query(agent, from, to, grouping))
            .await
    }

    /// The turnovers of one agent, a team (one request per chunk of agents) or everyone.
    pub async fn agents_turnovers(
        &self,
        agents: Agents<'_>,
        from: NaiveDate,
        to: NaiveDate,
        grouping: SalesGrouping,
    ) -> Result<Vec<SalesTurnover>, OnecError> {
        match agents {
            Agents::One(agent) => self.sales_turnovers(agent, from, to, grouping).await,
            Agents::Everyone => {
                self.fetch(&turnovers_query(None, from, to, grouping, true))
                    .await
            }
            Agents::Some([]) => Ok(Vec::new()),
            Agents::Some(many) => {
                self.fetch_by_ids(many, |chunk| {
                    turnovers_query(Some(chunk), from, to, grouping, true)
                })
                .await
            }
        }
    }

    /// Posted sales of one agent, a team or everyone within a range (see [`SaleTotal`]).
    pub async fn sale_totals(
        &self,
        agents: Agents<'_>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<SaleTotal>, OnecError> {
        match agents {
            Agents::One(agent) => {
                self.fetch(&sale_totals_query(Some(&[agent]), from, to))
                    .await
            }
            Agents::Everyone => self.fetch(&sale_totals_query(None, from, to)).await,
            Agents::Some([]) => Ok(Vec::new()),
            Agents::Some(many) => {
                self.fetch_by_ids(many, |chunk| sale_totals_query(Some(chunk), from, to))
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::collection;
    use crate::model::wire::assert_wire;

    const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
    const HEAD: &str = "AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers(EndPeriod=datetime'2024-04-30T23:59:59',StartPeriod=datetime'2024-04-01T00:00:00',Dimensions=";
    const RES: &str = "КоличествоTurnover,СуммаВыручкиTurnover,СуммаРучнойСкидкиTurnover,СуммаАвтоматическойСкидкиTurnover";

    fn q(g: SalesGrouping) -> Query {
        let from = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2024, 4, 30).unwrap();
        sales_turnovers_query(AGENT, from, to, g)
    }

    #[test]
    fn wire_forms() {
        let filter = "$filter=Менеджер_Key eq guid'f10f9345-f6f4-11ed-89ec-000c29dddd38'";
        assert_wire(
            &q(SalesGrouping::ByClients),
            &format!(
                "{HEAD}'Менеджер,АналитикаУчетаПоПартнерам')?$format=json&{filter}&$select={RES},АналитикаУчетаПоПартнерам/Партнер/Ref_Key,АналитикаУчетаПоПартнерам/Партнер/Description&$expand=АналитикаУчетаПоПартнерам/Партнер&$orderby=СуммаВыручкиTurnover desc"
            ),
        );
        assert_wire(
            &q(SalesGrouping::ByGoods),
            &format!(
                "{HEAD}'Менеджер,АналитикаУчетаНоменклатуры')?$format=json&{filter}&$select={RES},АналитикаУчетаНоменклатуры/Номенклатура/Ref_Key,АналитикаУчетаНоменклатуры/Номенклатура/Description,АналитикаУчетаНоменклатуры/Номенклатура/Производитель/Ref_Key,АналитикаУчетаНоменклатуры/Номенклатура/Производитель/Description&$expand=АналитикаУчетаНоменклатуры/Номенклатура/Производитель&$orderby=СуммаВыручкиTurnover desc"
            ),
        );
        assert_wire(
            &q(SalesGrouping::ByClientsAndGoods),
            &format!(
                "{HEAD}'Менеджер,АналитикаУчетаПоПартнерам,АналитикаУчетаНоменклатуры')?$format=json&{filter}&$select={RES},АналитикаУчетаПоПартнерам/Партнер/Ref_Key,АналитикаУчетаПоПартнерам/Партнер/Description,АналитикаУчетаНоменклатуры/Номенклатура/Ref_Key,АналитикаУчетаНоменклатуры/Номенклатура/Description,АналитикаУчетаНоменклатуры/Номенклатура/Производитель/Ref_Key,АналитикаУчетаНоменклатуры/Номенклатура/Производитель/Description&$expand=АналитикаУчетаПоПартнерам/Партнер,АналитикаУчетаНоменклатуры/Номенклатура/Производитель&$orderby=СуммаВыручкиTurnover desc"
            ),
        );
    }

    #[test]
    fn decodes_the_spec_sample_and_missing_manufacturer() {
        let body = r#"{ "odata.metadata": "x", "value": [
    { "КоличествоTurnover": 48, "СуммаВыручкиTurnover": 103200, "СуммаРучнойСкидкиTurnover": 0,
      "СуммаАвтоматическойСкидкиTurnover": 5160,
      "АналитикаУчетаНоменклатуры": { "Номенклатура": { "Description": "Сосиски молочные 1 кг",
                                                        "Производитель": { "Description": "Мясной двор" } } },
      "АналитикаУчетаПоПартнерам": { "Партнер": { "Description": "ИП Сапарова Г.К. (маг. Береке)" },
                                     "Контрагент@navigationLinkUrl": "Catalog_КлючиАналитикиУчетаПоПартнерам(guid'0b1c2d3e')/Контрагент" } },
    { "КоличествоTurnover": 1, "СуммаВыручкиTurnover": 10, "СуммаРучнойСкидкиTurnover": 0, "СуммаАвтоматическойСкидкиTurnover": 0,
      "АналитикаУчетаНоменклатуры": { "Номенклатура": { "Description": "Без производителя", "Производитель": null } } } ] }"#;
        let rows = collection::<SalesTurnover>("t", body.as_bytes())
            .unwrap()
            .value;
        assert_eq!(rows[0].revenue, Decimal::from(103200));
        assert_eq!(rows[0].discount(), Decimal::from(5160));
        assert_eq!(rows[0].manufacturer.as_ref().unwrap().name, "Мясной двор");
        assert_eq!(
            rows[0].partner.as_ref().unwrap().name,
            "ИП Сапарова Г.К. (маг. Береке)"
        );
        assert_eq!(rows[1].manufacturer, None);
        assert_eq!(rows[1].partner, None);
        assert_eq!(rows[1].product.as_ref().unwrap().name, "Без производителя");
    }
}
