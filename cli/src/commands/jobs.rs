//! The run commands — `plan`, `push`, `pull`, `bill`, `sync` — over the engine's jobs: wiring the
//! ports and the state store from the config, turning a stop request into the job's stop flag,
//! progress bars, and the report as a table or one JSON document.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{anyhow, Context as _, Result};
use onec_adapter::Adapter;
use serde_json::{json, Map, Value};
use sync_engine::ports::documents::OnecDocuments;
use sync_engine::ports::issues::IssuesPort;
use sync_engine::{
    BillJob, BillPolicy, OkdeskPort, OnecPort, Policy, PullJob, PullPolicy, PushJob, RunReport,
    StateStore,
};

use crate::args::ModeArg;
use crate::config::{self, Settings};
use crate::output;
use crate::{connect, Ctx};

/// Everything a job needs, built once per command from the config.
pub struct Wiring {
    /// The checked config.
    pub settings: Settings,
    /// The Okdesk client (shared by the ports).
    pub okdesk_client: okdesk_client::OkdeskClient,
    /// The Okdesk port.
    pub okdesk: Arc<dyn OkdeskPort>,
    /// The 1C port.
    pub onec: Arc<dyn OnecPort>,
    /// Pull's and bill's Okdesk side.
    pub issues: Arc<dyn IssuesPort>,
    /// Pull's and bill's 1C side (`None` for file sources).
    pub documents: Option<Arc<dyn OnecDocuments>>,
    /// The adapter.
    pub adapter: Arc<dyn Adapter>,
    /// The state store, shared by the jobs of one command.
    pub state: Arc<Mutex<StateStore>>,
}

/// Opens the state file, creating its directory.
pub fn open_state(path: &Path) -> Result<StateStore> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create the directory of the state file {}\n  fix: check the `state` path \
                 in the config and its permissions",
                path.display()
            )
        })?;
    }
    StateStore::open(path).map_err(|e| {
        anyhow!(
            "cannot open the state file: {e}\n  fix: check the `state` path in the config; the \
             file must be writable"
        )
    })
}

/// Builds clients, ports, the adapter and the state store.
pub async fn wire(ctx: &Ctx<'_>, settings: &Settings) -> Result<Wiring> {
    let okdesk_client = connect::okdesk_client(settings, &ctx.env, &ctx.redactor)?;
    let okdesk = connect::okdesk_port(okdesk_client.clone());
    let issues = connect::issues_port(okdesk_client.clone());
    let side = connect::onec_side(settings, &ctx.env, &ctx.redactor).await?;
    let state = open_state(&settings.state)?;
    Ok(Wiring {
        settings: settings.clone(),
        okdesk_client,
        okdesk,
        onec: side.port,
        issues,
        documents: side.documents,
        adapter: side.adapter,
        state: Arc::new(Mutex::new(state)),
    })
}

/// A job's result in a multi-job command: its report, or why it did not run.
#[derive(Debug)]
pub enum JobResult {
    /// The job ran.
    Ran(RunReport),
    /// The job cannot run with this config (a file source cannot take pull's or bill's writes).
    NotBuilt(String),
}

/// Turns an engine error into a message that says what to do.
pub fn engine_error(job: &str, e: sync_engine::Error, s: &Settings) -> anyhow::Error {
    let file_source = !matches!(s.onec.source, crate::config::OnecSource::OData { .. });
    let fix = match &e {
        // A file has no address, user or publication to check: what helps is a new export.
        sync_engine::Error::Onec(_) if file_source => {
            "check the file with `okdesk-1c check` (it says what the file holds and lacks), then \
             export it again: обработка «Выгрузка и загрузка данных XML» (UTF-8) with the \
             counterparties, contact persons and contracts ticked"
        }
        sync_engine::Error::Auth(_) => {
            "check okdesk.url and the API token (Okdesk: Настройки → API; the user needs the \
             Administrator role)"
        }
        sync_engine::Error::Okdesk(_) => {
            "check that the Okdesk account is reachable (`okdesk-1c check`) and retry"
        }
        sync_engine::Error::Onec(_) => {
            "check the 1C side with `okdesk-1c check`: the address, the user and the published objects"
        }
        sync_engine::Error::State(_) => {
            "if another okdesk-1c run uses this state file, wait for it; otherwise check the file"
        }
        sync_engine::Error::Config(_) => "correct the config ([push], [pull], [bill])",
        _ => "see the message above",
    };
    anyhow!("{job} could not run: {e}\n  fix: {fix}")
}

/// Runs `f` with the job's stop flag raised when the command's stop request is.
async fn with_stop<F, T>(ctx: &Ctx<'_>, flag: sync_engine::push::StopFlag, f: F) -> T
where
    F: std::future::Future<Output = T>,
{
    let stop = ctx.stop.clone();
    let watcher = tokio::spawn(async move {
        stop.wait().await;
        flag.stop();
    });
    let result = f.await;
    watcher.abort();
    result
}

/// The push policy for this command: the config's, with `--mode` and `--only` over it.
pub fn push_policy(s: &Settings, mode: Option<ModeArg>, only: &[String]) -> Result<Policy> {
    let mut policy = s.push.clone();
    match mode {
        Some(ModeArg::AddOnly) => policy.mode = sync_engine::Mode::AddOnly,
        Some(ModeArg::Full) => policy.mode = sync_engine::Mode::Full,
        None => {}
    }
    if !only.is_empty() {
        let set = config::parse_only(only).map_err(|e| {
            anyhow!("--only: {e}\n  fix: e.g. --only companies,contacts,agreements")
        })?;
        policy.only = Some(set);
    }
    Ok(policy)
}

/// Runs a push.
pub async fn push(ctx: &Ctx<'_>, w: &Wiring, policy: Policy, dry_run: bool) -> Result<RunReport> {
    let job = PushJob::with_shared_state(w.okdesk.clone(), w.onec.clone(), w.state.clone(), policy);
    let bar = output::bar(ctx.progress, "push");
    let callback = output::on_progress(&bar);
    let result = with_stop(ctx, job.stop_flag(), job.run(dry_run, &callback)).await;
    bar.finish_and_clear();
    result.map_err(|e| engine_error("push", e, &w.settings))
}

/// The document port, or why pull and bill cannot run with this source.
fn documents(w: &Wiring, job: &str) -> Result<Arc<dyn OnecDocuments>, String> {
    w.documents.clone().ok_or_else(|| {
        format!(
            "{job} writes documents into a live 1C base; source = \"{}\" can only be read, so \
             {job} needs source = \"odata\"",
            w.settings.onec.source.kind()
        )
    })
}

/// Runs a pull. `since` (from `--since`) re-reads from that day; without it the stored cursor
/// is used, or `[pull] since` on the very first pull.
pub async fn pull(
    ctx: &Ctx<'_>,
    w: &Wiring,
    since: Option<chrono::NaiveDate>,
    dry_run: bool,
    all: bool,
) -> Result<JobResult> {
    let docs = match documents(w, "pull") {
        Ok(d) => d,
        Err(why) => return Ok(JobResult::NotBuilt(why)),
    };
    let s = &w.settings;
    let mut policy = PullPolicy::new(s.okdesk.url.clone());
    policy.overlap_days = s.pull.overlap_days;
    if s.pull.attachments {
        policy.attachments_dir = Some(s.files.join("attachments"));
    }
    let first_pull = {
        let store = w
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        store
            .cursor(sync_engine::pull::job::CURSOR)
            .map_err(|e| anyhow!("cannot read the pull cursor: {e}"))?
            .is_none()
    };
    // The first pull reads the window the config documents: `[pull] since`, else 30 days back,
    // never the whole history by default.
    let asked = since;
    let since = match (asked, first_pull) {
        (Some(d), _) => Some(d),
        (None, true) => Some(s.pull.since.unwrap_or_else(|| {
            chrono::Local::now().date_naive()
                - chrono::Duration::days(crate::config::FIRST_PULL_DAYS)
        })),
        (None, false) => None,
    };
    let mut window_note = None;
    if let (true, Some(from)) = (first_pull, since) {
        let ids =
            w.issues.issue_ids(&[], Some(from)).await.map_err(|e| {
                anyhow!("pull could not count the issues changed since {from}: {e}")
            })?;
        let n = ids.len();
        if n > s.pull.first_max_issues && asked.is_none() && !all && !dry_run {
            anyhow::bail!(
                "the first pull would read {n} issues changed since {from} (more than \
                 [pull] first_max_issues = {}) and write each into 1C\n  fix: `okdesk-1c plan pull` \
                 shows them; start later with `okdesk-1c pull --since YYYY-MM-DD`, raise \
                 [pull] first_max_issues, or confirm with `okdesk-1c pull --all`",
                s.pull.first_max_issues
            );
        }
        window_note = Some(format!(
            "первая выгрузка заявок: изменённые с {from} ({n} шт.; {}); дальше — по курсору",
            match (asked, s.pull.since) {
                (Some(_), _) => "задано --since",
                (None, Some(_)) => "задано [pull] since",
                (None, None) => "по умолчанию 30 дней назад",
            }
        ));
    }
    let job = PullJob::with_shared_state(w.issues.clone(), docs, w.state.clone(), policy);
    let bar = output::bar(ctx.progress, "pull");
    let callback = output::on_job_progress(&bar);
    let result = with_stop(ctx, job.stop_flag(), job.run(dry_run, since, &callback)).await;
    bar.finish_and_clear();
    result
        .map(|mut report| {
            if let Some(note) = window_note {
                report.warnings.insert(0, note);
            }
            JobResult::Ran(report)
        })
        .map_err(|e| engine_error("pull", e, &w.settings))
}

/// The Okdesk employee bill writes its comments as: `[bill] comment_author` (an id or an
/// e-mail), else the first active employee.
async fn comment_author(w: &Wiring) -> Result<u64> {
    let wanted = w.settings.bill.comment_author.as_deref().map(str::trim);
    if let Some(id) = wanted.and_then(|a| a.parse::<u64>().ok()) {
        return Ok(id);
    }
    let employees = w
        .issues
        .employees()
        .await
        .map_err(|e| anyhow!("bill could not list Okdesk employees: {e}"))?;
    let found = match wanted {
        Some(email) => employees.iter().find(|e| {
            e.email
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(email))
        }),
        None => employees.iter().find(|e| e.active),
    };
    found.map(|e| e.id).ok_or_else(|| match wanted {
        Some(email) => anyhow!(
            "config file {}: key `bill.comment_author`: no Okdesk employee has the e-mail {email}\n  \
             fix: write an employee's e-mail or id",
            w.settings.path.display()
        ),
        None => anyhow!("the Okdesk account has no active employee to write the invoice comment as"),
    })
}

/// Runs a bill.
pub async fn bill(ctx: &Ctx<'_>, w: &Wiring, dry_run: bool) -> Result<JobResult> {
    let docs = match documents(w, "bill") {
        Ok(d) => d,
        Err(why) => return Ok(JobResult::NotBuilt(why)),
    };
    let b = &w.settings.bill;
    let mut policy = BillPolicy::new(w.settings.okdesk.url.clone(), comment_author(w).await?);
    policy.statuses = b.statuses.clone();
    policy.item_key = b.item_key;
    policy.generic_item = b.service_item.clone();
    policy.organization = b.organization;
    policy.default_vat = b.default_vat;
    policy.public_comment = b.public_upload;
    policy.overlap_days = b.overlap_days;
    let job = BillJob::with_shared_state(w.issues.clone(), docs, w.state.clone(), policy);
    let bar = output::bar(ctx.progress, "bill");
    let callback = output::on_job_progress(&bar);
    let result = with_stop(ctx, job.stop_flag(), job.run(dry_run, &callback)).await;
    bar.finish_and_clear();
    result
        .map(JobResult::Ran)
        .map_err(|e| engine_error("bill", e, &w.settings))
}

/// Prints one job's report.
pub fn print_report(ctx: &Ctx<'_>, out: &mut dyn Write, report: &RunReport) -> Result<()> {
    if ctx.cli.json {
        output::print_json(out, &output::report_value(report))?;
    } else {
        write!(out, "{}", report.render_table())?;
        print_skips(out, report, 10)?;
        output::print_warnings(out, report, 10)?;
    }
    Ok(())
}

/// Prints the reasons records were skipped, at most `limit`.
pub fn print_skips(out: &mut dyn Write, report: &RunReport, limit: usize) -> std::io::Result<()> {
    let skipped: Vec<_> = report.skipped.iter().collect();
    if skipped.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nПропущено ({}):", skipped.len())?;
    for s in skipped.iter().take(limit) {
        writeln!(out, "- {} «{}»: {}", s.entity, s.name, s.reason)?;
    }
    if skipped.len() > limit {
        writeln!(out, "  … и ещё {} (см. --json)", skipped.len() - limit)?;
    }
    Ok(())
}

/// Prints a job that did not run.
fn print_not_built(ctx: &Ctx<'_>, out: &mut dyn Write, job: &str, why: &str) -> Result<()> {
    if ctx.cli.json {
        output::print_json(
            out,
            &json!({"command": job, "ok": false, "available": false, "error": why}),
        )?;
    } else {
        writeln!(out, "{why}")?;
    }
    Ok(())
}

/// One job's result for a single-job command: print it and return the exit code.
pub fn finish_single(
    ctx: &Ctx<'_>,
    out: &mut dyn Write,
    job: &str,
    result: JobResult,
) -> Result<u8> {
    match result {
        JobResult::Ran(report) => {
            print_report(ctx, out, &report)?;
            Ok(output::exit_code(&report))
        }
        JobResult::NotBuilt(why) => {
            print_not_built(ctx, out, job, &why)?;
            Ok(crate::EXIT_CANNOT_RUN)
        }
    }
}

/// The result of `sync` (and the run part of `demo`): each job in order.
pub struct SyncOutcome {
    /// Job name and result, in run order.
    pub jobs: Vec<(&'static str, JobResult)>,
    /// Wall time of all of them.
    pub duration_s: f64,
    /// Whether the jobs were dry runs.
    pub dry_run: bool,
}

impl SyncOutcome {
    /// Whether every job that ran is ok.
    pub fn ok(&self) -> bool {
        self.jobs.iter().all(|(_, r)| match r {
            JobResult::Ran(report) => report.ok,
            JobResult::NotBuilt(_) => true,
        })
    }

    /// The `docs/design.md` §6 shape for multi-job commands: one run report per job under `jobs`.
    pub fn to_value(&self, command: &str) -> Value {
        let mut jobs = Map::new();
        let mut not_available = Map::new();
        for (name, r) in &self.jobs {
            match r {
                JobResult::Ran(report) => {
                    jobs.insert((*name).to_owned(), output::report_value(report));
                }
                JobResult::NotBuilt(why) => {
                    not_available.insert((*name).to_owned(), Value::String(why.clone()));
                }
            }
        }
        let mut v = json!({
            "command": command,
            "ok": self.ok(),
            "dry_run": self.dry_run,
            "jobs": jobs,
            "duration_s": self.duration_s,
        });
        if !not_available.is_empty() {
            v["not_available"] = Value::Object(not_available);
        }
        v
    }

    /// The exit code: 1 if any job had record failures.
    pub fn exit_code(&self) -> u8 {
        if self.ok() {
            crate::EXIT_OK
        } else {
            crate::EXIT_FAILURES
        }
    }
}

/// Push, then pull, then bill. A job that cannot run at all stops the sequence (exit 2).
pub async fn sync(ctx: &Ctx<'_>, w: &Wiring, dry_run: bool) -> Result<SyncOutcome> {
    let started = Instant::now();
    let mut jobs = Vec::new();
    let report = push(ctx, w, w.settings.push.clone(), dry_run).await?;
    jobs.push(("push", JobResult::Ran(report)));
    if !ctx.stop.is_stopped() {
        jobs.push(("pull", pull(ctx, w, None, dry_run, false).await?));
    }
    if !ctx.stop.is_stopped() {
        jobs.push(("bill", bill(ctx, w, dry_run).await?));
    }
    Ok(SyncOutcome {
        jobs,
        duration_s: started.elapsed().as_secs_f64(),
        dry_run,
    })
}

/// Prints a sync outcome for a person.
pub fn print_sync_human(out: &mut dyn Write, outcome: &SyncOutcome) -> Result<()> {
    for (i, (name, r)) in outcome.jobs.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match r {
            JobResult::Ran(report) => {
                write!(out, "{}", report.render_table())?;
                print_skips(out, report, 5)?;
                output::print_warnings(out, report, 5)?;
            }
            JobResult::NotBuilt(why) => writeln!(out, "{name}: not run: {why}")?,
        }
    }
    Ok(())
}

/// `plan <job>`: the job as a dry run, reported as `plan`.
pub async fn plan(
    ctx: &Ctx<'_>,
    w: &Wiring,
    job: crate::args::JobName,
    policy: Policy,
) -> Result<JobResult> {
    let result = match job {
        crate::args::JobName::Push => JobResult::Ran(push(ctx, w, policy, true).await?),
        crate::args::JobName::Pull => pull(ctx, w, None, true, false).await?,
        crate::args::JobName::Bill => bill(ctx, w, true).await?,
    };
    Ok(match result {
        JobResult::Ran(mut report) => {
            report.command = "plan".into();
            JobResult::Ran(report)
        }
        other => other,
    })
}

/// `plan push` for a person: every record that would change, one line each (the engine's
/// `render_plan` of the very plan apply would execute), then the 1C data warnings. Returns the
/// text and whether any record would fail.
pub async fn push_plan_text(w: &Wiring, policy: Policy) -> Result<(String, bool)> {
    let job = PushJob::with_shared_state(
        w.okdesk.clone(),
        w.onec.clone(),
        w.state.clone(),
        policy.clone(),
    );
    let (plan, read) = job
        .plan()
        .await
        .map_err(|e| engine_error("plan", e, &w.settings))?;
    let mut text = sync_engine::push::render_plan(&plan);
    let unread = sync_engine::push::unread_failures(&read, &policy);
    if !unread.is_empty() {
        text.push_str(&format!("\nNot published in 1C ({}):\n", unread.len()));
        for f in &unread {
            text.push_str(&format!("- {}: {}\n", f.entity, f.message));
        }
    }
    let warnings: Vec<String> = read
        .diagnostics
        .iter()
        .filter(|d| connect::is_warning(d))
        .map(ToString::to_string)
        .collect();
    if !warnings.is_empty() {
        text.push_str(&format!("\n1C data warnings ({}):\n", warnings.len()));
        for warning in warnings.iter().take(20) {
            text.push_str(&format!("- {warning}\n"));
        }
        if warnings.len() > 20 {
            text.push_str(&format!("  … and {} more\n", warnings.len() - 20));
        }
    }
    let fails = plan.entries.iter().any(|e| e.action.verb() == "fail") || !unread.is_empty();
    Ok((text, fails))
}

/// A plan's JSON: the run report with `command: "plan"` and the job it plans.
pub fn plan_value(report: &RunReport, job: &str) -> Value {
    let mut v = output::report_value(report);
    v["job"] = Value::String(job.to_owned());
    v
}
