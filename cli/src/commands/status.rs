//! `status`: what the state store knows — the last runs with their counts and durations, the
//! failures waiting for a retry, and the cursors. Reads only the state file; no token needed.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{anyhow, Result};
use serde_json::{json, Value};
use sync_engine::report::Counts;
use sync_engine::state::{OpenFailure, RunSummary};
use sync_engine::StateStore;

use crate::config::Settings;
use crate::Ctx;

/// A run's wall time from its journal timestamps.
fn duration_s(run: &RunSummary) -> Option<f64> {
    let start = chrono::DateTime::parse_from_rfc3339(&run.started_at).ok()?;
    let end = chrono::DateTime::parse_from_rfc3339(run.finished_at.as_deref()?).ok()?;
    Some((end - start).num_milliseconds() as f64 / 1000.0)
}

fn counts_of(run: &RunSummary) -> BTreeMap<String, Counts> {
    run.counts
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .unwrap_or_default()
}

fn run_value(run: &RunSummary) -> Value {
    json!({
        "id": run.id.0,
        "command": run.command,
        "dry_run": run.dry_run,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration_s": duration_s(run),
        "ok": run.ok,
        "counts": counts_of(run),
    })
}

fn failure_value(f: &OpenFailure) -> Value {
    json!({
        "run_id": f.run_id.0,
        "at": f.at,
        "entity": f.failure.entity,
        "key": f.failure.key,
        "name": f.failure.name,
        "field": f.failure.field,
        "message": f.failure.message,
        "http_status": f.failure.http_status,
    })
}

/// Runs `status`.
pub fn run(ctx: &Ctx<'_>, out: &mut dyn Write, s: &Settings, limit: usize) -> Result<u8> {
    if !s.state.exists() {
        return Err(anyhow!(
            "no state file at {} yet\n  fix: run `okdesk-1c push` (or sync) first, or point \
             `state` in the config at the existing file",
            s.state.display()
        ));
    }
    let store =
        StateStore::open(&s.state).map_err(|e| anyhow!("cannot open the state file: {e}"))?;
    let runs = store
        .last_runs(limit)
        .map_err(|e| anyhow!("cannot read runs: {e}"))?;
    let failures = store
        .open_failures()
        .map_err(|e| anyhow!("cannot read failures: {e}"))?;
    let cursors = store
        .cursors()
        .map_err(|e| anyhow!("cannot read cursors: {e}"))?;
    if ctx.cli.json {
        let v = json!({
            "command": "status",
            "ok": true,
            "state": s.state.display().to_string(),
            "runs": runs.iter().map(run_value).collect::<Vec<_>>(),
            "failures": failures.iter().map(failure_value).collect::<Vec<_>>(),
            "cursors": cursors,
        });
        crate::output::print_json(out, &v)?;
        return Ok(crate::EXIT_OK);
    }
    writeln!(out, "state: {}", s.state.display())?;
    writeln!(out, "\nlast runs ({}):", runs.len())?;
    if runs.is_empty() {
        writeln!(out, "  none yet")?;
    } else {
        writeln!(
            out,
            "  {:>5}  {:<6} {:<24} {:>9}  {:<9} created/updated/linked/unchanged/skipped/failed",
            "id", "job", "started", "duration", "result"
        )?;
    }
    for run in &runs {
        let total = counts_of(run).values().fold(Counts::default(), |mut t, c| {
            t.created += c.created;
            t.updated += c.updated;
            t.linked += c.linked;
            t.unchanged += c.unchanged;
            t.skipped += c.skipped;
            t.failed += c.failed;
            t
        });
        let result = match (run.finished_at.is_some(), run.ok) {
            (false, _) => "running?",
            (true, Some(true)) => "ok",
            (true, Some(false)) => "failures",
            (true, None) => "unknown",
        };
        let job = if run.dry_run {
            format!("{}*", run.command)
        } else {
            run.command.clone()
        };
        writeln!(
            out,
            "  {:>5}  {:<6} {:<24} {:>8}s  {:<9} {}/{}/{}/{}/{}/{}",
            run.id.0,
            job,
            run.started_at,
            duration_s(run).map_or("-".to_owned(), |d| format!("{d:.1}")),
            result,
            total.created,
            total.updated,
            total.linked,
            total.unchanged,
            total.skipped,
            total.failed
        )?;
    }
    if runs.iter().any(|r| r.dry_run) {
        writeln!(out, "  (* dry run)")?;
    }
    writeln!(out, "\nfailures waiting for retry ({}):", failures.len())?;
    for f in &failures {
        writeln!(
            out,
            "  - run {} {} «{}»: {}",
            f.run_id.0, f.failure.entity, f.failure.name, f.failure.message
        )?;
    }
    writeln!(out, "\ncursors ({}):", cursors.len())?;
    for (name, value) in &cursors {
        writeln!(out, "  {name} = {value}")?;
    }
    Ok(crate::EXIT_OK)
}
