//! Throughput benchmark of the 1C simulator: serves N counterparties (50,000 by default) of a
//! configuration and reads them the way an adapter does, in `$orderby=Ref_Key&$top&$skip` JSON
//! pages, parsing every page with serde_json. Prints serving and parsing rates; the parse rate is
//! the client-side CPU cost per entity the project's target (≥ 50,000 entities/s) is about.
//!
//! `cargo run -p sandbox --release --example onec_load -- [counterparties=50000] [page=1000] [configuration=ut11]`

use std::time::{Duration, Instant};

use sandbox::demo::DemoSize;
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};

fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = arg(1, 50_000);
    let page: usize = arg(2, 1_000);
    let configuration: Configuration = arg(3, Configuration::Ut11);
    let started = Instant::now();
    let onec = OnecSandbox::start(OnecConfig {
        size: DemoSize::Counterparties(n),
        ..OnecConfig::new(configuration)
    })
    .await?;
    println!(
        "{configuration}: {n} counterparties generated and laid out in {:.2?}",
        started.elapsed()
    );
    let client = reqwest::Client::new();
    // What one request costs when the page is tiny: filtering and ordering the whole set.
    let t = Instant::now();
    let url = format!(
        "{}/Catalog_Контрагенты?$format=json&$orderby=Ref_Key&$top=1&$skip={}",
        onec.url(),
        n / 2
    );
    client
        .get(&url)
        .basic_auth(onec.user(), Some(onec.password()))
        .send()
        .await?
        .error_for_status()?;
    println!("one $top=1 request over the whole set: {:.2?}", t.elapsed());
    for (label, select) in [("all properties", ""), ("an adapter's $select", "&$select=Ref_Key,DataVersion,DeletionMark,Description,НаименованиеПолное,ИНН,КПП,ЮрФизЛицо,Партнер_Key,ГоловнойКонтрагент_Key,ДополнительнаяИнформация,КонтактнаяИнформация")] {
        read_all(&onec, &client, n, page, label, select).await?;
    }
    let stats = onec.stats();
    println!("requests served: {}", stats.total);
    Ok(())
}

async fn read_all(
    onec: &OnecSandbox,
    client: &reqwest::Client,
    n: usize,
    page: usize,
    label: &str,
    select: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut skip = 0usize;
    let mut entities = 0usize;
    let mut bytes = 0usize;
    let mut parse = Duration::ZERO;
    let wall = Instant::now();
    // Bounded: never more pages than the data can fill.
    for _ in 0..(n / page + 2) {
        let url = format!(
            "{}/Catalog_Контрагенты?$format=json&$orderby=Ref_Key&$top={page}&$skip={skip}{select}",
            onec.url()
        );
        let body = client
            .get(&url)
            .basic_auth(onec.user(), Some(onec.password()))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let t = Instant::now();
        let doc: serde_json::Value = serde_json::from_slice(&body)?;
        let rows = doc["value"].as_array().map_or(0, Vec::len);
        parse += t.elapsed();
        bytes += body.len();
        if rows == 0 {
            break;
        }
        entities += rows;
        skip += rows;
    }
    let wall = wall.elapsed();
    println!(
        "{label}: read {entities} entities in {} pages of {page}: {:.1} MB in {wall:.2?} wall ({:.0} entities/s end to end)",
        entities.div_ceil(page),
        bytes as f64 / 1e6,
        entities as f64 / wall.as_secs_f64()
    );
    println!(
        "{label}: client-side JSON parsing {parse:.2?} ({:.0} entities/s of parse time)",
        entities as f64 / parse.as_secs_f64()
    );
    Ok(())
}
