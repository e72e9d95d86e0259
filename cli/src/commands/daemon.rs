//! `run`: the daemon. Push and pull (and optionally bill) on separate cron schedules, as the ЭСТИ
//! module's separate upload and download jobs; one run at a time (the state lock also keeps other
//! processes out); a stop request lets the current run finish its writes in flight and persist them;
//! a failed run calls the alert hook with its JSON.

use std::io::Write;

use anyhow::{anyhow, Result};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};

use super::alert;
use super::jobs::{self, JobResult, Wiring};
use crate::config::{Cron, Settings};
use crate::{output, Ctx};

/// A scheduled job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Job {
    Push,
    Pull,
    Bill,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Push => "push",
            Job::Pull => "pull",
            Job::Bill => "bill",
        }
    }
}

fn next_after(cron: &Cron, after: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    cron.schedule.after(&after).next()
}

/// Runs one job and returns its summary (a report, or an error as JSON) and whether it was ok.
async fn run_job(ctx: &Ctx<'_>, w: &Wiring, job: Job) -> (Value, bool) {
    let result = match job {
        Job::Push => jobs::push(ctx, w, w.settings.push.clone(), false)
            .await
            .map(JobResult::Ran),
        Job::Pull => jobs::pull(ctx, w, None, false, false).await,
        Job::Bill => jobs::bill(ctx, w, false).await,
    };
    match result {
        Ok(JobResult::Ran(report)) => (output::report_value(&report), report.ok),
        Ok(JobResult::NotBuilt(why)) => (
            json!({"command": job.name(), "ok": false, "available": false, "error": why}),
            false,
        ),
        Err(e) => (
            json!({"command": job.name(), "ok": false, "error": ctx.redactor.redact(&format!("{e:#}"))}),
            false,
        ),
    }
}

fn summary_line(v: &Value) -> String {
    let command = v["command"].as_str().unwrap_or("?");
    if let Some(err) = v["error"].as_str() {
        return format!(
            "{command}: could not run: {}",
            err.lines().next().unwrap_or(err)
        );
    }
    let mut totals = [0u64; 6];
    if let Some(counts) = v["counts"].as_object() {
        for c in counts.values() {
            for (i, k) in [
                "created",
                "updated",
                "linked",
                "unchanged",
                "skipped",
                "failed",
            ]
            .iter()
            .enumerate()
            {
                totals[i] += c[k].as_u64().unwrap_or(0);
            }
        }
    }
    format!(
        "{command}: {} in {:.1} s — created {}, updated {}, linked {}, unchanged {}, skipped {}, failed {}",
        if v["ok"].as_bool() == Some(true) { "ok" } else { "finished with problems" },
        v["duration_s"].as_f64().unwrap_or(0.0),
        totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]
    )
}

/// Runs the daemon until the stop request.
pub async fn run(ctx: &Ctx<'_>, out: &mut dyn Write, s: &Settings, now: bool) -> Result<u8> {
    let schedules: Vec<(Job, &Cron)> = [
        (Job::Push, s.schedule.push.as_ref()),
        (Job::Pull, s.schedule.pull.as_ref()),
        (Job::Bill, s.schedule.bill.as_ref()),
    ]
    .into_iter()
    .filter_map(|(j, c)| c.map(|c| (j, c)))
    .collect();
    if schedules.is_empty() {
        return Err(anyhow!(
            "config file {}: no [schedule] for the daemon\n  fix: add for example\n\n  \
             [schedule]\n  push = \"*/30 * * * *\"\n  pull = \"*/10 * * * *\"",
            s.path.display()
        ));
    }
    let w = jobs::wire(ctx, s).await?;
    let tz = s.time_zone;
    for (job, cron) in &schedules {
        let next = next_after(cron, Utc::now().with_timezone(&tz));
        tracing::info!(job = job.name(), schedule = %cron.text, next = ?next, "scheduled");
        if !ctx.cli.json {
            writeln!(
                out,
                "{} on \"{}\"; next at {}",
                job.name(),
                cron.text,
                next.map_or("never".to_owned(), |n| n.to_rfc3339())
            )?;
        }
    }
    let mut runs = 0u64;
    let mut failed = 0u64;
    let mut first = now;
    loop {
        if ctx.stop.is_stopped() {
            break;
        }
        let due: Vec<Job> = if first {
            first = false;
            schedules.iter().map(|(j, _)| *j).collect()
        } else {
            let current = Utc::now().with_timezone(&tz);
            let Some(at) = schedules
                .iter()
                .filter_map(|(_, c)| next_after(c, current))
                .min()
            else {
                break;
            };
            let wait = (at - current).to_std().unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = ctx.stop.wait() => break,
            }
            // Every job whose next fire time is the instant just reached runs now, in config order.
            schedules
                .iter()
                .filter(|(_, c)| next_after(c, current) == Some(at))
                .map(|(j, _)| *j)
                .collect()
        };
        for job in due {
            if ctx.stop.is_stopped() {
                break;
            }
            let (summary, ok) = run_job(ctx, &w, job).await;
            runs += 1;
            if ctx.cli.json {
                writeln!(out, "{}", serde_json::to_string(&summary)?)?;
            } else {
                writeln!(
                    out,
                    "{} {}",
                    Utc::now().with_timezone(&tz).format("%F %T"),
                    summary_line(&summary)
                )?;
            }
            if !ok {
                failed += 1;
            }
            if !ok || s.alert.always {
                alert::send(&s.alert, &summary).await;
            }
        }
    }
    tracing::info!(runs, failed, "the daemon stopped");
    if !ctx.cli.json {
        writeln!(out, "stopped after {runs} run(s), {failed} with problems")?;
    }
    Ok(crate::EXIT_OK)
}
