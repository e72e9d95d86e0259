//! Faults: the Okdesk sandbox answers 5 % of requests with 500, 5 % with 429 and `Retry-After`,
//! drops 2 % of connections and answers 1 % slower than the client's timeout, while the 1C
//! simulator answers 3 % with 500. A push is rerun (a bounded number of times) until it has nothing
//! left but the data's own failures, and must then hold exactly the end state of a clean run over
//! the same world: no duplicate, every record accounted for.
//!
//! The same faults against the real binary's `sync` (push, then pull, then bill): reruns converge
//! to a clean sync's Okdesk records, 1C documents and uploads, and a further run changes nothing.
//!
//! The short suite uses the small demo world and one fault seed; `OKDESK_1C_LONG_TESTS=1` runs a
//! larger world (40 counterparties) under three seeds.

mod reliability_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use okdesk_client::{ApiToken, OkdeskClient, RetryPolicy};
use onec_adapter::odata::{ClientOptions, OdataClient};
use sandbox::demo::{self, DemoSize, DemoWorld};
use sandbox::okdesk::{Faults, OkdeskConfig, OkdeskSandbox};
use sandbox::onec::{Configuration, Faults as OnecFaults, OnecConfig, OnecSandbox};
use serde_json::{Map, Value};
use sync_engine::onec::OdataOnecPort;
use sync_engine::{OkdeskApiPort, Policy, PushJob, RunReport, StateStore};

/// The most push runs a faulty sync may need before it converges.
const MAX_RUNS: usize = 8;

fn long() -> bool {
    std::env::var("OKDESK_1C_LONG_TESTS").is_ok_and(|v| v == "1")
}

fn okdesk_faults() -> Faults {
    Faults {
        server_error: 0.05,
        rate_limited: 0.05,
        drop_connection: 0.02,
        slow: 0.01,
        // Longer than the client timeout below, so a slow answer is a timeout.
        slow_delay: Duration::from_secs(3),
    }
}

/// Both simulators over one world, the ports and a state file.
struct Rig {
    okdesk: OkdeskSandbox,
    onec: OnecSandbox,
    _dir: tempfile::TempDir,
    state: std::path::PathBuf,
}

impl Rig {
    async fn start(world: &DemoWorld, seed: u64, faulty: bool) -> Rig {
        let mut okdesk_config = OkdeskConfig::default().world(world.clone()).seed(seed);
        let mut onec_config = OnecConfig::new(Configuration::Esti).world(world.clone());
        onec_config.seed = seed;
        if faulty {
            okdesk_config = okdesk_config.faults(okdesk_faults());
            onec_config.faults = OnecFaults::server_errors(0.03);
        }
        let okdesk = OkdeskSandbox::start(okdesk_config).await.unwrap();
        let onec = OnecSandbox::start(onec_config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.sqlite");
        Rig {
            okdesk,
            onec,
            _dir: dir,
            state,
        }
    }

    async fn push(&self) -> Result<RunReport, sync_engine::Error> {
        let client = OkdeskClient::builder(&self.okdesk.url(), ApiToken::new(self.okdesk.token()))
            .timeout(Duration::from_secs(1))
            .retry(RetryPolicy {
                max_retries: 4,
                max_elapsed: Duration::from_secs(20),
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_secs(2),
            })
            .build()
            .unwrap();
        let options = ClientOptions {
            backoff: Duration::from_millis(20),
            timeout: Duration::from_secs(10),
            ..ClientOptions::default()
        };
        let odata = OdataClient::with_options(
            &self.onec.url(),
            self.onec.user(),
            self.onec.password(),
            options,
        )
        .unwrap();
        let job = PushJob::new(
            Arc::new(OkdeskApiPort::new(client)),
            Arc::new(OdataOnecPort::new(Arc::new(onec_adapter_esti::Esti), odata)),
            StateStore::open(&self.state).unwrap(),
            Policy::default(),
        );
        job.run(false, &|_| {}).await
    }

    /// Okdesk's records with every id replaced by what it stands for, sorted: two accounts
    /// holding the same data compare equal whatever order the records were created in.
    fn end_state(&self) -> BTreeMap<&'static str, Vec<String>> {
        let companies = self.okdesk.companies();
        let company_key: BTreeMap<u64, String> = companies
            .iter()
            .map(|c| {
                let key = match c["crm_1c_id"].as_str() {
                    Some(k) if !k.is_empty() => k.to_owned(),
                    _ => format!("name:{}", c["name"].as_str().unwrap_or_default()),
                };
                (c["id"].as_u64().unwrap(), key)
            })
            .collect();
        let objects = self.okdesk.maintenance_entities();
        let object_key: BTreeMap<u64, String> = objects
            .iter()
            .map(|o| {
                let company = o["company_id"]
                    .as_u64()
                    .and_then(|id| company_key.get(&id).cloned())
                    .unwrap_or_default();
                (
                    o["id"].as_u64().unwrap(),
                    format!("{}@{company}", o["name"]),
                )
            })
            .collect();
        let maps = (company_key, object_key);
        let canon_all = |list: Vec<Value>| -> Vec<String> {
            let mut out: Vec<String> = list.iter().map(|v| canon(v, &maps).to_string()).collect();
            out.sort();
            out
        };
        BTreeMap::from([
            ("companies", canon_all(companies)),
            ("contacts", canon_all(self.okdesk.contacts())),
            ("agreements", canon_all(self.okdesk.agreements())),
            ("objects", canon_all(objects)),
            ("equipment", canon_all(self.okdesk.equipment())),
        ])
    }
}

/// A record with ids and timestamps dropped and references to companies and objects replaced by
/// their keys.
fn canon(v: &Value, maps: &(BTreeMap<u64, String>, BTreeMap<u64, String>)) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if matches!(
                    k.as_str(),
                    "id" | "created_at" | "updated_at" | "observers" | "contacts"
                ) || k.ends_with("_ids")
                {
                    continue;
                }
                let v = match (k.as_str(), v.as_u64()) {
                    ("company_id", Some(id)) => {
                        Value::String(maps.0.get(&id).cloned().unwrap_or_default())
                    }
                    ("maintenance_entity_id", Some(id)) => {
                        Value::String(maps.1.get(&id).cloned().unwrap_or_default())
                    }
                    _ => canon(v, maps),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| canon(i, maps)).collect()),
        other => other.clone(),
    }
}

fn failure_keys(report: &RunReport) -> BTreeSet<(String, String, Option<String>)> {
    report
        .failures
        .iter()
        .map(|f| (f.entity.clone(), f.key.clone(), f.field.clone()))
        .collect()
}

/// Pushes `world` cleanly and under faults, and compares. Returns the runs needed, the Okdesk
/// requests made under faults (13 % of them faulted by the dice) and the 1C faults injected.
async fn converges(world: &DemoWorld, seed: u64) -> (usize, u64, u64) {
    let clean = Rig::start(world, seed, false).await;
    let clean_report = clean.push().await.expect("a clean push runs");
    let expected = clean.end_state();
    let expected_failures = failure_keys(&clean_report);
    assert!(
        clean_report.totals().created > 0,
        "the clean push created nothing: {clean_report:?}"
    );

    let faulty = Rig::start(world, seed, true).await;
    let mut runs = 0;
    let mut aborted = Vec::new();
    loop {
        runs += 1;
        assert!(
            runs <= MAX_RUNS,
            "no convergence after {MAX_RUNS} runs; aborted runs: {aborted:?}"
        );
        match faulty.push().await {
            Ok(report) => {
                let failures = failure_keys(&report);
                let transient: Vec<_> = failures.difference(&expected_failures).collect();
                if transient.is_empty() && !report.interrupted {
                    assert_eq!(
                        failures, expected_failures,
                        "the data's own failures differ from the clean run's"
                    );
                    break;
                }
            }
            // A listing that keeps failing past its retries aborts the run; the next run resumes.
            Err(e) => aborted.push(e.to_string()),
        }
    }
    let injected = faulty.okdesk.stats();
    let got = faulty.end_state();
    for (kind, records) in &expected {
        let have = &got[kind];
        let missing: Vec<_> = records.iter().filter(|r| !have.contains(r)).collect();
        let extra: Vec<_> = have.iter().filter(|r| !records.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && have.len() == records.len(),
            "{kind}: {} vs {} records\nmissing: {missing:#?}\nextra: {extra:#?}",
            have.len(),
            records.len()
        );
    }
    // Directories (kinds, manufacturers, models) have no accessor: their counts must match.
    assert_eq!(
        faulty.okdesk.stats().entities,
        clean.okdesk.stats().entities,
        "entity counts differ from the clean run"
    );
    // No 1C key twice in Okdesk.
    for key in world
        .onec
        .counterparties
        .iter()
        .map(|c| c.r#ref.to_string())
    {
        assert!(
            faulty.okdesk.count_companies_by_crm_1c_id(&key) <= 1,
            "{key} twice"
        );
    }
    for key in world.onec.contacts.iter().map(|c| c.r#ref.to_string()) {
        assert!(
            faulty.okdesk.count_contacts_by_crm_1c_id(&key) <= 1,
            "{key} twice"
        );
    }
    let onec_faults = faulty.onec.stats();
    eprintln!(
        "seed {seed}: converged after {runs} run(s) ({} aborted); okdesk stats {injected:?}; 1C stats {onec_faults:?}",
        aborted.len()
    );
    (runs, injected.requests.total, onec_faults.injected_faults)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_under_faults_converges_to_the_clean_end_state() {
    let (seeds, size): (Vec<u64>, DemoSize) = if long() {
        ((1..=3).collect(), DemoSize::Counterparties(40))
    } else {
        (vec![7], DemoSize::Small)
    };
    for seed in seeds {
        let world = demo::generate(seed, size);
        let (runs, requests, onec_faults) = converges(&world, seed).await;
        assert!(runs >= 1 && requests > 0);
        assert!(onec_faults > 0 || !long(), "the 1C dice never fired");
    }
}

/// Sets a 2-second Okdesk timeout in a world's config, so that 3-second answers are timeouts.
fn short_timeout(world: &reliability_support::World) {
    let text = std::fs::read_to_string(&world.config).unwrap();
    assert!(
        text.contains("concurrency = 16\n"),
        "the written config changed shape"
    );
    let text = text.replacen("concurrency = 16\n", "concurrency = 16\ntimeout_s = 2\n", 1);
    std::fs::write(&world.config, text).unwrap();
}

type SyncState = (
    BTreeMap<&'static str, Vec<String>>,
    BTreeMap<String, usize>,
    BTreeMap<u64, Vec<String>>,
);

fn sync_state(world: &reliability_support::World) -> SyncState {
    (world.end_state(), world.onec_documents(), world.uploads())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_with_the_binary_under_faults_converges_to_a_clean_sync() {
    let seed = 11;
    let clean = reliability_support::World::start(seed).await;
    short_timeout(&clean);
    let out = clean.run(&["--json", "sync"]).await;
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "clean sync: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = sync_state(&clean);
    assert!(
        expected.1.values().sum::<usize>() > 0,
        "the clean sync wrote no 1C document"
    );

    let faulty = reliability_support::World::start(seed).await;
    short_timeout(&faulty);
    faulty.okdesk().set_faults(okdesk_faults());
    faulty.onec().set_faults(OnecFaults::server_errors(0.03));
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs <= MAX_RUNS, "sync did not converge in {MAX_RUNS} runs");
        let out = faulty.run(&["--json", "sync"]).await;
        // Exit 2 (a job could not run) is allowed under faults; the next run resumes.
        assert!(out.status.code().is_some(), "the binary crashed");
        if sync_state(&faulty) == expected {
            break;
        }
    }
    // Nothing more to do: a run without faults changes nothing (no duplicate, no second upload).
    faulty.okdesk().set_faults(Faults::none());
    faulty.onec().set_faults(OnecFaults::none());
    let out = faulty.run(&["--json", "sync"]).await;
    assert!(out.status.code().is_some_and(|c| c <= 1));
    let (state, docs, uploads) = sync_state(&faulty);
    reliability_support::assert_same_end_state(&state, &expected.0);
    assert_eq!(docs, expected.1, "1C documents");
    assert_eq!(uploads, expected.2, "uploads");
    assert_eq!(reliability_support::integrity(&faulty.state), "ok");
    eprintln!(
        "sync under faults converged in {runs} run(s); 1C faults injected: {}",
        faulty.onec().stats().injected_faults
    );
}
