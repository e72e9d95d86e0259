//! `demo`: the README's first command. Starts both simulators in-process with a small demo world,
//! writes a real config for them, and runs what the product does — check, push, push again (to
//! show that a re-run changes nothing), pull, bill — through exactly the code paths a user's
//! config takes, then says where the state file and the invoice PDFs are. A job that cannot run
//! is named as such, never simulated.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use sandbox::demo::DemoSize;
use serde_json::{json, Value};

use super::check;
use super::jobs::{self, JobResult, SyncOutcome};
use super::sims::{self, SimOptions};
use crate::args::DemoArgs;
use crate::config;
use crate::{output, Ctx};

fn demo_dir(a: &DemoArgs) -> PathBuf {
    a.dir.clone().unwrap_or_else(|| {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        std::env::temp_dir().join(format!(
            "okdesk-1c-demo-{}-{stamp}-{}",
            a.configuration.as_str(),
            std::process::id()
        ))
    })
}

/// Runs the demo. Exit 0 when everything that exists ran (the record failures it shows are the
/// demo data's deliberate defects, the kind real 1C bases have), 2 when it could not run.
pub async fn run(ctx: &Ctx<'_>, out: &mut dyn Write, a: &DemoArgs) -> Result<u8> {
    let started = Instant::now();
    let human = !ctx.cli.json;
    let dir = demo_dir(a);
    std::fs::create_dir_all(&dir)?;
    // The simulators start empty every time, so a state file left by an earlier demo in the same
    // directory would point at records that no longer exist.
    for name in ["okdesk-1c.db", "okdesk-1c.db-wal", "okdesk-1c.db-shm"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let opts = SimOptions {
        configuration: a.configuration,
        seed: a.seed,
        size: DemoSize::Small,
        okdesk_port: None,
        onec_port: None,
        latency: Duration::ZERO,
        rate_limit: None,
        fault_rate: 0.0,
        unpublished: Vec::new(),
    };
    let sims = sims::start(&opts).await?;
    let written = sims::write_config(
        &sims,
        &dir.join("okdesk-1c.toml"),
        &dir.join("okdesk-1c.db"),
    )?;
    if human {
        writeln!(
            out,
            "okdesk-1c demo — configuration {}, seed {}\n\
             Okdesk simulator {} with {} companies created by hand; 1C simulator with {} \
             counterparties, {} contacts, {} contracts (some with the defects real bases have)\n\
             config: {}\n",
            a.configuration.as_str(),
            a.seed,
            sims.okdesk.url(),
            sims.world.okdesk.companies.len(),
            sims.world.onec.counterparties.len(),
            sims.world.onec.contacts.len(),
            sims.world.onec.contracts.len(),
            written.config.display()
        )?;
    }
    let settings = config::load(&written.config)?;

    // 1. check
    let check_report = check::run(ctx, &settings).await?;
    if human {
        writeln!(out, "== 1. check: both connections")?;
        check::print_human(out, &check_report)?;
        writeln!(out)?;
    }
    let mut value = json!({
        "command": "demo",
        "configuration": a.configuration.as_str(),
        "check": serde_json::to_value(&check_report)?,
        "config": written.config.display().to_string(),
        "state": written.state.display().to_string(),
        "files": written.files.join("invoices").display().to_string(),
    });
    if let Err(why) = &sims.onec {
        // Without a 1C side nothing can be pushed; say so plainly and stop.
        let message = format!(
            "{why}: push, pull and bill need it, so the demo stops after the connection check"
        );
        if human {
            writeln!(out, "{message}")?;
        }
        value["ok"] = Value::Bool(false);
        value["not_available"] = json!({"push": message, "pull": message, "bill": message});
        value["duration_s"] = json!(started.elapsed().as_secs_f64());
        if !human {
            output::print_json(out, &value)?;
        }
        return Ok(crate::EXIT_CANNOT_RUN);
    }

    let w = jobs::wire(ctx, &settings).await?;
    let mut outcome = SyncOutcome {
        jobs: Vec::new(),
        duration_s: 0.0,
        dry_run: false,
    };

    // 2. push
    let first = jobs::push(ctx, &w, settings.push.clone(), false).await?;
    if human {
        writeln!(
            out,
            "== 2. push: 1C → Okdesk (companies matched by INN, contacts by e-mail, the rest created)"
        )?;
        write!(out, "{}", first.render_table())?;
        jobs::print_skips(out, &first, 5)?;
        writeln!(out)?;
    }
    // 3. push again: idempotence.
    let second = jobs::push(ctx, &w, settings.push.clone(), false).await?;
    if human {
        let t = second.totals();
        writeln!(
            out,
            "== 3. push again: nothing new to write — {} unchanged, {} created, {} updated \
             (failed records are retried: {}) in {:.2} s with {} Okdesk requests\n",
            t.unchanged, t.created, t.updated, t.failed, second.duration_s, second.requests.okdesk
        )?;
    }
    value["second_push"] = output::report_value(&second);
    outcome.jobs.push(("push", JobResult::Ran(first)));

    // 4. pull, 5. bill
    let pulled = jobs::pull(ctx, &w, None, false, false).await?;
    let billed = jobs::bill(ctx, &w, false).await?;
    for (n, title, r) in [
        (4, "pull: Okdesk issues → 1C documents", &pulled),
        (
            5,
            "bill: paid issues → 1C invoices → PDF back to the issue",
            &billed,
        ),
    ] {
        if human {
            writeln!(out, "== {n}. {title}")?;
            match r {
                JobResult::Ran(report) => {
                    write!(out, "{}", report.render_table())?;
                    jobs::print_skips(out, report, 5)?;
                    output::print_warnings(out, report, 5)?;
                }
                JobResult::NotBuilt(why) => writeln!(out, "not run: {why}")?,
            }
            writeln!(out)?;
        }
    }
    outcome.jobs.push(("pull", pulled));
    outcome.jobs.push(("bill", billed));
    outcome.duration_s = started.elapsed().as_secs_f64();

    // Bill uploads each invoice PDF to its issue; the demo fetches them back from the simulated
    // Okdesk, as a user would open them there.
    let pdfs = save_invoice_pdfs(&sims, &written.files.join("invoices"))?;
    if human {
        if let Some(JobResult::Ran(push)) = outcome.jobs.first().map(|(_, r)| r) {
            if !push.failures.is_empty() {
                writeln!(
                    out,
                    "The failures above are deliberate: the demo data holds the defects real data \
                     has (broken e-mails in 1C; one INN on two companies made by hand in Okdesk, so \
                     neither is linked and that company's issues cannot be billed). \
                     Each is reported with the record, the field, the value and the reason, and \
                     retried on the next run once fixed.\n"
                )?;
            }
        }
        writeln!(out, "state file:   {}", written.state.display())?;
        writeln!(
            out,
            "invoice PDFs: {} ({pdfs} file(s), as uploaded to the Okdesk issues)",
            written.files.join("invoices").display()
        )?;
        writeln!(out, "config:       {}", written.config.display())?;
        writeln!(
            out,
            "see the journal: okdesk-1c --config {} status\ndone in {:.1} s",
            written.config.display(),
            outcome.duration_s
        )?;
    } else {
        let sync = outcome.to_value("demo");
        for k in ["ok", "dry_run", "jobs", "not_available", "duration_s"] {
            if let Some(v) = sync.get(k) {
                value[k] = v.clone();
            }
        }
        value["pdf_count"] = json!(pdfs);
        output::print_json(out, &value)?;
    }
    Ok(crate::EXIT_OK)
}

/// Saves every invoice PDF attached to an issue of the Okdesk simulator; returns how many.
fn save_invoice_pdfs(sims: &sims::Sims, dir: &std::path::Path) -> Result<usize> {
    let mut n = 0;
    for id in sims.okdesk.issue_ids() {
        for a in sims.okdesk.issue_attachments(id) {
            if !a.file_name.to_lowercase().ends_with(".pdf") || !a.file_name.starts_with("Счет")
            {
                continue;
            }
            std::fs::create_dir_all(dir)?;
            let name = format!("issue-{id}-{}", a.file_name.replace(['/', '\\'], "_"));
            std::fs::write(dir.join(name), &a.bytes)?;
            n += 1;
        }
    }
    Ok(n)
}
