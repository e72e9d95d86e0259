//! Load benchmark of the Okdesk simulator at zero latency: N concurrent tasks fire a bounded
//! number of requests (a read-heavy mix with some writes) and the throughput is printed.
//!
//! `cargo run -p sandbox --release --example okdesk_load -- [tasks=32] [requests=40000] [counterparties=2000]`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sandbox::demo::DemoSize;
use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tasks = arg(1, 32);
    let requests = arg(2, 40_000);
    let counterparties = arg(3, 2_000) as usize;
    let okdesk = OkdeskSandbox::start(
        OkdeskConfig::default().size(DemoSize::Counterparties(counterparties)),
    )
    .await?;
    let issues = okdesk.issue_ids();
    let companies = okdesk.companies().len() as u64;
    let api = okdesk.api_url();
    let token = okdesk.token().to_owned();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(tasks as usize)
        .timeout(Duration::from_secs(30))
        .build()?;

    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (http, api, token, next, failures, issues) = (
            http.clone(),
            api.clone(),
            token.clone(),
            next.clone(),
            failures.clone(),
            issues.clone(),
        );
        handles.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    break;
                }
                let issue = issues[(i as usize) % issues.len()];
                let request = match i % 10 {
                    0 => http.get(format!("{api}/companies/list?page[size]=50&api_token={token}")),
                    1 => http.get(format!("{api}/companies/?id={}&api_token={token}", 1 + i % companies.max(1))),
                    2 => http.get(format!("{api}/issues/{issue}/comments?api_token={token}")),
                    3 => http.get(format!("{api}/issues/{issue}/time_entries?api_token={token}")),
                    4 => http.get(format!("{api}/issues/list?page[size]=20&api_token={token}")),
                    5 => http.get(format!("{api}/employees/list?api_token={token}")),
                    6 => http.get(format!("{api}/issues/{issue}/services?api_token={token}")),
                    7 => http
                        .post(format!("{api}/companies?api_token={token}"))
                        .json(&serde_json::json!({"company": {"name": format!("Нагрузка {i}"), "crm_1c_id": format!("load-{i}")}})),
                    8 => http
                        .post(format!("{api}/contacts?api_token={token}"))
                        .json(&serde_json::json!({"contact": {"first_name": "Иван", "last_name": format!("Нагрузкин{i}"), "email": format!("load{i}@example.ru")}})),
                    _ => http.get(format!("{api}/issues/{issue}?api_token={token}")),
                };
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for h in handles {
        h.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let stats = okdesk.stats();
    println!(
        "{{\"bench\":\"okdesk_load\",\"tasks\":{tasks},\"requests\":{requests},\"counterparties\":{counterparties},\"failures\":{},\"seconds\":{elapsed:.3},\"requests_per_second\":{:.0},\"server_counted\":{}}}",
        failures.load(Ordering::Relaxed),
        requests as f64 / elapsed,
        stats.requests.total
    );
    okdesk.shutdown().await;
    Ok(())
}
