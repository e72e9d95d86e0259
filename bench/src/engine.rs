//! Our side of scenarios 1–3 (4 and 5 are in `issue_jobs`), run in a child process of this binary so that its CPU time and
//! peak RSS are the engine's alone, not the simulators' in the parent.
//!
//! Two variants: over HTTP against the parent's Okdesk simulator through the real Okdesk port
//! (once `sync_engine::okdesk` lands), and in memory through `sync_engine::fake`, which measures
//! what the engine itself costs (planning, hashing, state store) with no network at all.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use okdesk_client::{ApiToken, OkdeskClient};
use onec_adapter::odata::{ClientOptions, OdataClient};
use onec_model::Snapshot;
use sandbox::demo::OkdeskSeed;
use serde_json::{json, Value};
use sync_engine::fake::{FakeOkdesk, FakeOnec};
use sync_engine::onec::OdataOnecPort;
use sync_engine::{OkdeskApiPort, OkdeskPort, OnecPort, Policy, PushJob, RunReport, StateStore};

use crate::measure::{peak_rss_mb, reset_peak_rss, round3, rss_mb, secs, Clocks};
use crate::world;

/// Why the HTTP variant cannot run, or `None` now that the real Okdesk port is wired in.
pub(crate) fn http_unavailable() -> Option<&'static str> {
    None
}

/// The Okdesk client, rate-limited on the client side at the account's limit (burst equal to
/// one second of it, as the server's own bucket allows).
pub(crate) fn http_client(
    url: &str,
    token: &str,
    rate_limit: Option<u32>,
    concurrency: usize,
) -> Result<OkdeskClient> {
    let rate = rate_limit.unwrap_or(0);
    OkdeskClient::builder(url, ApiToken::new(token))
        .rate_limit(rate, rate)
        .max_concurrency(concurrency.max(1))
        .build()
        .context("building the Okdesk client")
}

/// The real Okdesk port over okdesk-client.
fn http_port(
    url: &str,
    token: &str,
    rate_limit: Option<u32>,
    concurrency: usize,
) -> Result<(Arc<dyn OkdeskPort>, OkdeskClient)> {
    let client = http_client(url, token, rate_limit, concurrency)?;
    Ok((Arc::new(OkdeskApiPort::new(client.clone())), client))
}

/// Where the Okdesk side of a child run lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Variant {
    /// The parent's Okdesk simulator over HTTP.
    Http,
    /// `sync_engine::fake` in this process.
    InMemory,
}

/// The arguments of the hidden `child` subcommand.
#[derive(Args, Clone, Debug)]
pub(crate) struct ChildArgs {
    /// HTTP or in memory.
    #[arg(long, value_enum)]
    pub(crate) variant: Variant,
    /// Scenario 1, 2 or 3 (2 and 3 run an unmeasured initial push first in memory), or 4 (pull)
    /// or 5 (bill), HTTP only, after the parent's unmeasured setup push.
    #[arg(long)]
    pub(crate) scenario: u8,
    /// Counterparties.
    #[arg(long)]
    pub(crate) n: usize,
    /// Demo seed.
    #[arg(long)]
    pub(crate) seed: u64,
    /// Share of records changed before the measured run, in percent (scenario 3).
    #[arg(long, default_value_t = 0.0)]
    pub(crate) change_pct: f64,
    /// Concurrent writes of the engine.
    #[arg(long)]
    pub(crate) concurrency: usize,
    /// HTTP: the Okdesk account URL (the token comes in `OKDESK_BENCH_TOKEN`).
    #[arg(long)]
    pub(crate) okdesk_url: Option<String>,
    /// HTTP: the client-side rate limit in requests per second.
    #[arg(long)]
    pub(crate) rate_limit: Option<u32>,
    /// HTTP: the state store file, shared by the parent's consecutive child runs.
    #[arg(long)]
    pub(crate) state: Option<PathBuf>,
    /// HTTP: the 1C simulator's OData root (the password comes in `OKDESK_BENCH_ONEC_PASSWORD`);
    /// without it the 1C side is the demo snapshot in memory.
    #[arg(long)]
    pub(crate) onec_url: Option<String>,
    /// HTTP: the 1C user.
    #[arg(long)]
    pub(crate) onec_user: Option<String>,
    /// HTTP over the 1C simulator: the records the parent's world has (the child then does not
    /// generate the world itself).
    #[arg(long)]
    pub(crate) records: Option<usize>,
}

/// The ЭСТИ adapter over OData: the one configuration whose layout carries every kind a push
/// handles (service objects and equipment included).
fn odata_port(url: &str, user: &str, password: &str) -> Result<Arc<dyn OnecPort>> {
    let client = OdataClient::with_options(url, user, password, ClientOptions::default())
        .context("building the OData client")?;
    Ok(Arc::new(OdataOnecPort::new(
        Arc::new(onec_adapter_esti::Esti),
        client,
    )))
}

/// The fields every child line shares: the run's outcome, counts and request totals.
pub(crate) fn report_json(report: &RunReport) -> Value {
    let failed: u64 = report.counts.values().map(|c| c.failed).sum();
    json!({
        "ok": report.ok,
        "counts": report.counts,
        "failed": failed,
        "first_failures": report.failures.iter().take(3).map(|f| serde_json::to_value(f).unwrap_or(Value::Null)).collect::<Vec<_>>(),
        "okdesk_requests": report.requests.okdesk,
        "onec_requests": report.requests.onec,
    })
}

async fn push(job: &PushJob) -> Result<RunReport> {
    job.run(false, &|_| {}).await.context("push run")
}

/// Runs one child measurement and returns its JSON line.
pub(crate) async fn child(args: ChildArgs) -> Result<Value> {
    if args.scenario >= 4 {
        anyhow::ensure!(
            args.variant == Variant::Http,
            "scenarios 4 and 5 run over HTTP only"
        );
        return crate::issue_jobs::child(&args).await;
    }
    // Over the 1C simulator the child needs only the record count, which the parent passes: a
    // world generated here and dropped would leave ~100 MB of freed heap at N = 20,000 in the
    // resident set the run's peak is measured from.
    let (mut snapshot, okdesk_seed, records) = match (args.variant, &args.onec_url, args.records) {
        (Variant::Http, Some(_), Some(records)) => {
            (Snapshot::default(), OkdeskSeed::default(), records)
        }
        _ => {
            let generated = world::world(args.seed, args.n);
            let records = world::total(&generated.onec);
            (generated.onec, generated.okdesk, records)
        }
    };
    let policy = Policy {
        concurrency: args.concurrency,
        ..Policy::default()
    };
    let mut client = None;
    let dir = tempfile::tempdir().context("a temporary directory for the state store")?;
    let mut fake_onec = None;
    let (okdesk, onec, state): (Arc<dyn OkdeskPort>, Arc<dyn OnecPort>, StateStore) =
        match args.variant {
            Variant::InMemory => {
                let fake = FakeOkdesk::new();
                for c in &okdesk_seed.companies {
                    fake.seed_company(&c.name, c.additional_name.as_deref(), &[("inn", &c.inn)]);
                }
                for c in &okdesk_seed.contacts {
                    fake.seed_contact(&c.last_name, &c.first_name, &c.email);
                }
                let state = StateStore::open(dir.path().join("state.sqlite"))
                    .context("opening the state store")?;
                let onec = Arc::new(FakeOnec::new(snapshot.clone()));
                fake_onec = Some(onec.clone());
                (Arc::new(fake), onec, state)
            }
            Variant::Http => {
                let url = args
                    .okdesk_url
                    .as_deref()
                    .context("--okdesk-url is required")?;
                let token = std::env::var("OKDESK_BENCH_TOKEN").context("OKDESK_BENCH_TOKEN")?;
                let path = args.state.clone().context("--state is required")?;
                let (port, c) = http_port(url, &token, args.rate_limit, args.concurrency)?;
                client = Some(c);
                let state = StateStore::open(&path).context("opening the state store")?;
                let onec: Arc<dyn OnecPort> = match &args.onec_url {
                    Some(onec_url) => {
                        let password = std::env::var("OKDESK_BENCH_ONEC_PASSWORD")
                            .context("OKDESK_BENCH_ONEC_PASSWORD")?;
                        let user = args
                            .onec_user
                            .as_deref()
                            .context("--onec-user is required")?;
                        odata_port(onec_url, user, &password)?
                    }
                    None => {
                        if args.change_pct > 0.0 {
                            world::mutate(&mut snapshot, args.change_pct);
                        }
                        Arc::new(FakeOnec::new(snapshot.clone()))
                    }
                };
                (port, onec, state)
            }
        };
    drop(okdesk_seed);
    let job = PushJob::new(okdesk.clone(), onec.clone(), state, policy);
    let mut setup = None;
    if args.variant == Variant::InMemory && args.scenario >= 2 {
        let r = push(&job).await?;
        setup = Some(report_json(&r));
        if let (3, Some(fake)) = (args.scenario, &fake_onec) {
            fake.edit(|s| {
                world::mutate(s, args.change_pct);
            });
        }
    }
    drop(snapshot);
    let rss_before = rss_mb();
    let peak_before = peak_rss_mb();
    let reset = reset_peak_rss();
    let clocks = Clocks::start();
    let report = push(&job).await?;
    let wall = clocks.wall();
    let cpu = clocks.cpu();
    let mut out = report_json(&report);
    let extra = json!({
        "variant": match args.variant { Variant::Http => "http", Variant::InMemory => "in-memory" },
        "records": records,
        "wall_s": secs(wall),
        "cpu_s": cpu.map(secs),
        "cpu_us_per_record": cpu.map(|c| round3(c.as_secs_f64() * 1e6 / records.max(1) as f64)),
        "records_per_s": round3(records as f64 / wall.as_secs_f64().max(1e-9)),
        "rss_before_run_mb": rss_before.map(round3),
        "peak_rss_before_run_mb": peak_before.map(round3),
        "peak_rss_run_mb": if reset { peak_rss_mb().map(round3) } else { None },
        "setup_run": setup,
        "client_stats": client.map(|c| c.stats()),
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
        o.extend(e);
    }
    Ok(out)
}
