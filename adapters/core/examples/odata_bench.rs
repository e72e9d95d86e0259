//! Benchmark of the OData transport (run in release, not a test):
//! `cargo run --release -p onec-adapter --example odata_bench`.
//!
//! 1. Parses 50,000 counterparties in 1C's JSON shape (50 pages of 1,000, with contact-information
//!    rows) and reports entities per second of CPU time of the parsing thread.
//! 2. Reads the same 50,000 through `OdataClient` from a local HTTP server on 127.0.0.1 (pages
//!    rendered up front) and reports entities per second of process CPU time, server included.
//! 3. Generates a 15 MB `$metadata` document and reports its parse time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::Router;
use onec_adapter::odata::{edmx, json, ClientOptions, Format, OdataClient};
use onec_model::Ref;
use serde_json::{json, Value};

const TOTAL: usize = 50_000;
const PAGE: usize = 1_000;

/// CPU time of the calling thread, from Linux's schedstat (nanoseconds on CPU); wall time
/// elsewhere.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.with(|s| s.elapsed()))
}

/// CPU time of the whole process (user + system), from `/proc/self/stat`, in clock ticks of 10 ms.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

thread_local! {
    static START: Instant = Instant::now();
}

fn counterparty(i: usize) -> Value {
    json!({
        "Ref_Key": Ref::derived("bench", &i.to_string()).to_string(),
        "DataVersion": "AAAAAAAAAAI=",
        "DeletionMark": i % 50 == 1,
        "Predefined": false,
        "PredefinedDataName": "",
        "Description": format!("ООО «Контрагент {i}»"),
        "НаименованиеПолное": format!("Общество с ограниченной ответственностью «Контрагент {i}»"),
        "ИНН": format!("77{:08}", i),
        "КПП": "770101001",
        "Партнер_Key": Ref::derived("partner", &i.to_string()).to_string(),
        "ГоловнойКонтрагент_Key": "00000000-0000-0000-0000-000000000000",
        "ЮрФизЛицо": "ЮрЛицо",
        "ЮридическоеФизическоеЛицо": "ЮридическоеЛицо",
        "ДатаСоздания": "0001-01-01T00:00:00",
        "КоличествоСотрудников": "12",
        "ДолгПокупателя": 1234.56,
        "ОбособленноеПодразделение": false,
        "СтранаРегистрации_Key": "26093578-c180-11e4-a7a9-000d884fd00d",
        "ДополнительнаяИнформация": "",
        "Партнер@navigationLinkUrl": format!("Catalog_Контрагенты(guid'{}')/Партнер", Ref::derived("bench", &i.to_string())),
        "КонтактнаяИнформация": [
            {"Ref_Key": Ref::derived("bench", &i.to_string()).to_string(), "LineNumber": "1", "Тип": "Адрес",
             "Вид_Key": "1d78f391-c180-11e4-a7a9-000d884fd00d", "Представление": "Москва г, Тверская ул, дом № 1",
             "АдресЭП": "", "НомерТелефона": "", "ДействуетС": "0001-01-01T00:00:00"},
            {"Ref_Key": Ref::derived("bench", &i.to_string()).to_string(), "LineNumber": "2", "Тип": "АдресЭлектроннойПочты",
             "Вид_Key": "1d78f392-c180-11e4-a7a9-000d884fd00d", "Представление": format!("info{i}@example.ru"),
             "АдресЭП": format!("info{i}@example.ru"), "НомерТелефона": "", "ДействуетС": "0001-01-01T00:00:00"}
        ],
        "ДополнительныеРеквизиты": []
    })
}

fn pages() -> Vec<Arc<String>> {
    (0..TOTAL / PAGE)
        .map(|p| {
            let value: Vec<Value> = (p * PAGE..(p + 1) * PAGE).map(counterparty).collect();
            Arc::new(
                json!({"odata.metadata": "http://bench/b/odata/standard.odata/$metadata#Catalog_Контрагенты", "value": value})
                    .to_string(),
            )
        })
        .collect()
}

/// A schema of roughly `target` bytes: catalogs with 30 properties and a tabular section each.
fn big_edmx(target: usize) -> String {
    let mut types = String::new();
    let mut sets = String::new();
    let mut i = 0;
    while types.len() < target {
        let name = format!("Catalog_Справочник{i}");
        types.push_str(&format!("<EntityType Name=\"{name}\"><Key><PropertyRef Name=\"Ref_Key\"/></Key>\n<Property Name=\"Ref_Key\" Type=\"Edm.Guid\" Nullable=\"false\"/>\n"));
        for p in 0..30 {
            types.push_str(&format!(
                "<Property Name=\"Реквизит{p}\" Type=\"Edm.String\" Nullable=\"true\"/>\n"
            ));
        }
        types.push_str(&format!("<Property Name=\"Товары\" Type=\"Collection(StandardODATA.{name}_Товары_RowType)\" Nullable=\"true\"/>\n<NavigationProperty Name=\"Владелец\" Relationship=\"StandardODATA.{name}_Владелец\" FromRole=\"Begin\" ToRole=\"End\"/></EntityType>\n"));
        types.push_str(&format!("<ComplexType Name=\"{name}_Товары_RowType\"><Property Name=\"LineNumber\" Type=\"Edm.Int64\" Nullable=\"false\"/><Property Name=\"Цена\" Type=\"Edm.Double\" Nullable=\"true\"/></ComplexType>\n"));
        sets.push_str(&format!(
            "<EntitySet Name=\"{name}\" EntityType=\"StandardODATA.{name}\"/>\n"
        ));
        i += 1;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<edmx:Edmx xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\" Version=\"1.0\"><edmx:DataServices xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\" m:DataServiceVersion=\"3.0\"><Schema xmlns=\"http://schemas.microsoft.com/ado/2009/11/edm\" Namespace=\"StandardODATA\">\n{types}<EntityContainer Name=\"EnterpriseV8\" m:IsDefaultEntityContainer=\"true\">\n{sets}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>\n"
    )
}

async fn serve_pages(
    State(pages): State<Arc<Vec<Arc<String>>>>,
    RawQuery(query): RawQuery,
) -> String {
    let query = query.unwrap_or_default();
    let skip: usize = query
        .split('&')
        .find_map(|p| p.strip_prefix("$skip="))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    match pages.get(skip / PAGE) {
        Some(page) => page.as_str().to_owned(),
        None => r#"{"value":[]}"#.to_owned(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let pages = pages();
    let bytes: usize = pages.iter().map(|p| p.len()).sum();

    // 1. Parsing only.
    let cpu0 = thread_cpu();
    let wall = Instant::now();
    let mut parsed = 0;
    for page in &pages {
        parsed += json::parse_feed(page.as_bytes(), "Catalog_Контрагенты")
            .expect("bench pages are valid")
            .len();
    }
    let cpu = thread_cpu() - cpu0;
    assert_eq!(parsed, TOTAL);
    println!(
        "JSON parse: {parsed} counterparties, {:.1} MB, CPU {:.3} s, wall {:.3} s: {:.0} entities/s of CPU time",
        bytes as f64 / 1e6,
        cpu.as_secs_f64(),
        wall.elapsed().as_secs_f64(),
        parsed as f64 / cpu.as_secs_f64()
    );

    // 2. Through the client and HTTP.
    let app = Router::new()
        .fallback(serve_pages)
        .with_state(Arc::new(pages));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = OdataClient::with_options(
        &format!("http://{addr}/bench/odata/standard.odata"),
        "bench",
        "bench",
        ClientOptions {
            format: Format::Json,
            page_size: PAGE,
            ..ClientOptions::default()
        },
    )
    .expect("a valid URL");
    let cpu0 = process_cpu();
    let wall = Instant::now();
    let objects = client
        .query("Catalog_Контрагенты")
        .fetch()
        .await
        .expect("the local server answers");
    let wall = wall.elapsed();
    assert_eq!(objects.len(), TOTAL);
    match (cpu0, process_cpu()) {
        (Some(a), Some(b)) => println!(
            "Client over HTTP: {} counterparties in {} requests, process CPU {:.2} s (server included), wall {:.3} s: {:.0} entities/s of CPU time",
            objects.len(),
            client.stats().requests,
            (b - a).as_secs_f64(),
            wall.as_secs_f64(),
            objects.len() as f64 / (b - a).as_secs_f64().max(0.01)
        ),
        _ => println!(
            "Client over HTTP: {} counterparties, wall {:.3} s",
            objects.len(),
            wall.as_secs_f64()
        ),
    }

    // 3. A 15 MB $metadata.
    let doc = big_edmx(15_000_000);
    let cpu0 = thread_cpu();
    let wall = Instant::now();
    let meta = edmx::parse(doc.as_bytes()).expect("the generated schema is valid");
    println!(
        "EDMX parse: {:.1} MB, {} entity sets, CPU {:.3} s, wall {:.3} s",
        doc.len() as f64 / 1e6,
        meta.entity_sets.len(),
        (thread_cpu() - cpu0).as_secs_f64(),
        wall.elapsed().as_secs_f64()
    );
}
