//! Figures for the 1C client, run by hand (not by `cargo test`):
//!
//! ```text
//! cargo bench -p onec-client --bench client                      # large scale (slow to generate)
//! ONEC_BENCH_SCALE=small cargo bench -p onec-client --bench client
//! ```
//!
//! Prints decode throughput (records per second) and the time to fetch a year of one agent's
//! orders through the paging stream from the simulator.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use onec_client::decode::collection;
use onec_client::model::{Order, OrderDate, OrderLine, Owner, SalesTurnover};
use onec_client::{ClientConfig, Guid, OnecClient, metrics};
use onec_sim::{Scale, SimConfig, Simulator};

fn order_json(i: usize) -> String {
    format!(
        r#"{{"Ref_Key":"6d0c2b1a-0c2f-11ef-8a52-{i:012x}","Number":"КК00-{i:06}","Date":"2024-05-07T10:42:11","СуммаДокумента":84350.5,"Комментарий":"до обеда","Статус":"КОтгрузке","ФормаОплаты":"Наличная","ДатаОтгрузки":"2024-05-08T00:00:00","АдресДоставки":"Кокшетау, ул. Абая, 112","СпособДоставки":"ДоКлиента","Партнер":{{"Description":"ИП Сапарова Г.К. (маг. Береке)"}},"DeletionMark":false}}"#
    )
}

fn line_json(i: usize) -> String {
    format!(
        r#"{{"LineNumber":"{i}","Номенклатура_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38","Количество":12,"ВидЦены_Key":"80c40220-6238-11ec-8f2b-54ee75d06a1b","Цена":2150,"Сумма":24510,"СуммаНДС":2626.07,"СуммаСНДС":24510,"СуммаРучнойСкидки":0,"СуммаАвтоматическойСкидки":1290,"Отменено":false,"Номенклатура":{{"Description":"Сосиски молочные 1 кг"}}}}"#
    )
}

fn turnover_json(_: usize) -> String {
    r#"{"КоличествоTurnover":48,"СуммаВыручкиTurnover":103200,"СуммаРучнойСкидкиTurnover":0,"СуммаАвтоматическойСкидкиTurnover":5160,"АналитикаУчетаНоменклатуры":{"Номенклатура":{"Ref_Key":"5a75e2f1-6c9f-11ec-88f2-000c29dddd38","Description":"Сосиски молочные 1 кг","Производитель":{"Description":"Мясной двор"}}},"АналитикаУчетаПоПартнерам":{"Партнер":{"Description":"ИП Сапарова Г.К. (маг. Береке)"}}}"#.to_owned()
}

fn body(n: usize, row: fn(usize) -> String) -> Vec<u8> {
    let rows: Vec<String> = (0..n).map(row).collect();
    format!(
        r#"{{"odata.metadata":"http://x/$metadata#X","value":[{}]}}"#,
        rows.join(",")
    )
    .into_bytes()
}

fn decode_rate<T: serde::de::DeserializeOwned>(name: &str, n: usize, row: fn(usize) -> String) {
    let bytes = body(n, row);
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let c = collection::<T>(name, &bytes).expect("decodes");
        assert_eq!(c.value.len(), n);
        best = best.min(t.elapsed());
    }
    let rate = n as f64 / best.as_secs_f64();
    let mb = bytes.len() as f64 / 1e6 / best.as_secs_f64();
    println!(
        "decode {name:<14} {n} records, {:.1} MB: {rate:>12.0} records/s ({mb:.0} MB/s)",
        bytes.len() as f64 / 1e6
    );
}

fn main() {
    decode_rate::<Order>("orders", 100_000, order_json);
    decode_rate::<OrderLine>("order lines", 200_000, line_json);
    decode_rate::<SalesTurnover>("turnovers", 200_000, turnover_json);

    let scale = match std::env::var("ONEC_BENCH_SCALE").as_deref() {
        Ok("small") => Scale::Small,
        _ => Scale::Large,
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async move {
        let t = Instant::now();
        let running = Simulator::spawn(SimConfig { scale, ..SimConfig::default() }).await.expect("simulator");
        println!("simulator {scale:?} generated in {:.1} s", t.elapsed().as_secs_f64());
        let mut cfg = ClientConfig::new(running.base_url(), "portal", "portal");
        cfg.timeout = Duration::from_secs(120);
        let client = OnecClient::new(cfg).expect("client");
        let agent = Guid::from_uuid(running.demo().agent);
        let to = running.as_of();
        let from = to - chrono::Duration::days(365);
        for page in [200u64, 1000] {
            let t = Instant::now();
            let (orders, stats) = metrics::scope(async {
                client.owned_orders_stream(&Owner::Agent(agent), OrderDate::Taken, from, to, page).try_collect::<Vec<_>>().await.expect("stream")
            })
            .await;
            println!(
                "a year of one agent's orders, page {page}: {} orders in {:.2} s ({} calls, {:.1} MB)",
                orders.len(),
                t.elapsed().as_secs_f64(),
                stats.calls,
                stats.bytes as f64 / 1e6
            );
        }
        let t = Instant::now();
        let all = client.owned_orders(&Owner::Agent(agent), OrderDate::Taken, from, to).await.expect("one request");
        println!("the same in one unpaged request: {} orders in {:.2} s", all.len(), t.elapsed().as_secs_f64());
    });
}
