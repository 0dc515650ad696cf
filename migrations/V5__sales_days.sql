-- Sales reports pre-computed per closed day (functions/reports, `refresh`): the turnovers of each
-- agent, partner and product of a day, and the day's posted sale documents per agent. A report
-- reads the days listed in sales_days_computed from here and the rest (today, days not computed
-- yet) live from 1C.

CREATE TABLE sales_days_computed (
    day          date PRIMARY KEY,
    computed_at  timestamptz NOT NULL DEFAULT now()
);

-- AccumulationRegister_ВыручкаИСебестоимостьПродаж/Turnovers of one day by
-- Менеджер, АналитикаУчетаПоПартнерам, АналитикаУчетаНоменклатуры (names kept so a report needs
-- no catalogue read). Rows of one partner's or product's several keys stay apart; reports merge.
CREATE TABLE sales_days (
    day              date NOT NULL REFERENCES sales_days_computed (day) ON DELETE CASCADE,
    agent            uuid,
    partner_id       uuid,
    partner_name     text,
    product_id       uuid,
    product_name     text,
    maker_id         uuid,
    maker_name       text,
    quantity         numeric NOT NULL,
    revenue          numeric NOT NULL,
    manual_discount  numeric NOT NULL,
    auto_discount    numeric NOT NULL
);

CREATE INDEX sales_days_day_agent ON sales_days (day, agent);

-- Posted sale documents of a day that sold something, per agent.
CREATE TABLE sales_day_documents (
    day        date NOT NULL REFERENCES sales_days_computed (day) ON DELETE CASCADE,
    agent      uuid,
    documents  integer NOT NULL,
    revenue    numeric NOT NULL
);

CREATE INDEX sales_day_documents_day_agent ON sales_day_documents (day, agent);
