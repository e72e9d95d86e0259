//! Our side of scenarios 4 (pull) and 5 (bill), run in a child process like the push scenarios:
//! the real Okdesk issues port over the parent's Okdesk simulator and the real 1C document port
//! (ЭСТИ layout, which has task and invoice documents) over the parent's 1C simulator. The push
//! mappings both jobs need were written into the shared state file by the parent's unmeasured
//! setup push.

use std::sync::Arc;

use anyhow::{Context, Result};
use onec_adapter::odata::{ClientOptions, OdataClient};
use serde_json::{json, Value};
use sync_engine::okdesk_issues::OkdeskIssuesPort;
use sync_engine::onec_documents::{AdapterRef, OdataDocuments};
use sync_engine::ports::documents::OnecDocuments;
use sync_engine::ports::issues::IssuesPort;
use sync_engine::{BillJob, BillPolicy, PullJob, PullPolicy, RunReport, StateStore};

use crate::engine::{http_client, report_json, ChildArgs};
use crate::measure::{peak_rss_mb, reset_peak_rss, round3, rss_mb, secs, Clocks};

/// The demo price list has one code no 1C item carries (as real price lists do); like the
/// config `okdesk-1c sandbox` writes, bill uses this generic service item for such lines.
const GENERIC_ITEM: &str = "SRV-006";

/// Runs one measured pull (scenario 4) or bill (scenario 5) and returns its JSON line.
pub(crate) async fn child(args: &ChildArgs) -> Result<Value> {
    let url = args
        .okdesk_url
        .as_deref()
        .context("--okdesk-url is required")?;
    let token = std::env::var("OKDESK_BENCH_TOKEN").context("OKDESK_BENCH_TOKEN")?;
    let state_path = args.state.clone().context("--state is required")?;
    let onec_url = args
        .onec_url
        .as_deref()
        .context("--onec-url is required for pull and bill")?;
    let onec_user = args
        .onec_user
        .as_deref()
        .context("--onec-user is required")?;
    let password =
        std::env::var("OKDESK_BENCH_ONEC_PASSWORD").context("OKDESK_BENCH_ONEC_PASSWORD")?;
    let client = http_client(url, &token, args.rate_limit, args.concurrency)?;
    let issues: Arc<dyn IssuesPort> = Arc::new(OkdeskIssuesPort::new(client.clone()));
    let odata = OdataClient::with_options(onec_url, onec_user, &password, ClientOptions::default())
        .context("building the OData client")?;
    let docs: Arc<dyn OnecDocuments> = Arc::new(OdataDocuments::new(
        AdapterRef::Static(onec_adapter_esti::adapter()),
        odata,
    ));
    let state = StateStore::open(&state_path).context("opening the state store")?;
    // The comment author is found the way the CLI finds it without `[bill] comment_author`
    // (the first active employee), before the clocks start: it is setup, not the bill itself.
    let author = if args.scenario == 5 {
        let employees = issues
            .employees()
            .await
            .map_err(|e| anyhow::anyhow!("listing Okdesk employees: {e}"))?;
        Some(
            employees
                .iter()
                .find(|e| e.active)
                .map(|e| e.id)
                .context("the Okdesk simulator has no active employee to write comments as")?,
        )
    } else {
        None
    };
    let rss_before = rss_mb();
    let peak_before = peak_rss_mb();
    let reset = reset_peak_rss();
    let clocks = Clocks::start();
    let report: RunReport = match author {
        None => {
            let job = PullJob::new(issues, docs, state, PullPolicy::new(url));
            job.run(false, None, &|_| {}).await.context("pull run")?
        }
        Some(author) => {
            let mut policy = BillPolicy::new(url, author);
            policy.generic_item = Some(GENERIC_ITEM.to_owned());
            // `organization: None` takes the base's first organization, as the CLI does when
            // `[bill] organization` is not set.
            let job = BillJob::new(issues, docs, state, policy);
            job.run(false, &|_| {}).await.context("bill run")?
        }
    };
    let wall = clocks.wall();
    let cpu = clocks.cpu();
    let mut out = report_json(&report);
    let extra = json!({
        "variant": "http",
        "job": if args.scenario == 5 { "bill" } else { "pull" },
        "warnings": report.warnings.iter().take(3).collect::<Vec<_>>(),
        "wall_s": secs(wall),
        "cpu_s": cpu.map(secs),
        "rss_before_run_mb": rss_before.map(round3),
        "peak_rss_before_run_mb": peak_before.map(round3),
        "peak_rss_run_mb": if reset { peak_rss_mb().map(round3) } else { None },
        "client_stats": client.stats(),
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut out, extra) {
        o.extend(e);
    }
    Ok(out)
}
