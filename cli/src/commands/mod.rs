//! One module per command, and [`dispatch`], which runs the parsed command and turns any error
//! into its message (or one JSON document with `--json`) and exit code 2.

use std::io::Write;

use anyhow::{anyhow, Result};
use clap::CommandFactory as _;

use crate::args::Command;
use crate::config::{self, Settings};
use crate::{output, Ctx};

pub mod alert;
pub mod check;
pub mod daemon;
pub mod demo;
pub mod jobs;
pub mod sandbox;
pub mod sims;
pub mod status;

/// Runs the command; returns the exit code.
pub async fn dispatch(ctx: &mut Ctx<'_>, out: &mut (dyn Write + Send)) -> u8 {
    let name = ctx.cli.command.name();
    match run_command(ctx, out).await {
        Ok(code) => code,
        // A reader that went away (`okdesk-1c status | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            crate::EXIT_OK
        }
        Err(e) => {
            let message = ctx.redactor.redact(&format!("{e:#}"));
            tracing::debug!(command = name, error = %message, "command failed");
            if ctx.cli.json {
                let v = output::error_value(name, &anyhow!(message));
                let _ = output::print_json(out, &v);
            } else {
                let _ = writeln!(ctx.err, "error: {message}");
            }
            output::cannot_run()
        }
    }
}

fn settings(ctx: &Ctx<'_>) -> Result<Settings> {
    let path = config::resolve_path(ctx.cli.config.as_deref());
    config::load(&path)
}

async fn run_command(ctx: &mut Ctx<'_>, out: &mut (dyn Write + Send)) -> Result<u8> {
    let cli = ctx.cli;
    match &cli.command {
        Command::Check => {
            let s = settings(ctx)?;
            let report = check::run(ctx, &s).await?;
            if cli.json {
                output::print_json(out, &serde_json::to_value(&report)?)?;
            } else {
                check::print_human(out, &report)?;
            }
            Ok(check::exit_code(&report))
        }
        Command::Plan(a) => {
            let s = settings(ctx)?;
            let policy = jobs::push_policy(&s, a.mode, &a.only)?;
            let w = jobs::wire(ctx, &s).await?;
            if a.job == crate::args::JobName::Push && !cli.json {
                let (text, fails) = jobs::push_plan_text(&w, policy).await?;
                write!(out, "{text}")?;
                return Ok(if fails {
                    crate::EXIT_FAILURES
                } else {
                    crate::EXIT_OK
                });
            }
            match jobs::plan(ctx, &w, a.job, policy).await? {
                jobs::JobResult::Ran(report) => {
                    if cli.json {
                        output::print_json(out, &jobs::plan_value(&report, a.job.as_str()))?;
                    } else {
                        jobs::print_report(ctx, out, &report)?;
                    }
                    Ok(output::exit_code(&report))
                }
                other => jobs::finish_single(ctx, out, a.job.as_str(), other),
            }
        }
        Command::Push(a) => {
            let s = settings(ctx)?;
            let policy = jobs::push_policy(&s, a.mode, &a.only)?;
            let w = jobs::wire(ctx, &s).await?;
            let report = jobs::push(ctx, &w, policy, a.dry_run).await?;
            jobs::finish_single(ctx, out, "push", jobs::JobResult::Ran(report))
        }
        Command::Pull(a) => {
            let s = settings(ctx)?;
            let w = jobs::wire(ctx, &s).await?;
            let r = jobs::pull(ctx, &w, a.since, a.dry_run, a.all).await?;
            jobs::finish_single(ctx, out, "pull", r)
        }
        Command::Bill(a) => {
            let s = settings(ctx)?;
            let w = jobs::wire(ctx, &s).await?;
            let r = jobs::bill(ctx, &w, a.dry_run).await?;
            jobs::finish_single(ctx, out, "bill", r)
        }
        Command::Sync(a) => {
            let s = settings(ctx)?;
            let w = jobs::wire(ctx, &s).await?;
            let outcome = jobs::sync(ctx, &w, a.dry_run).await?;
            if cli.json {
                let mut v = outcome.to_value("sync");
                v["state"] = serde_json::Value::String(s.state.display().to_string());
                output::print_json(out, &v)?;
            } else {
                jobs::print_sync_human(out, &outcome)?;
            }
            Ok(outcome.exit_code())
        }
        Command::Run(a) => {
            let s = settings(ctx)?;
            daemon::run(ctx, out, &s, a.now).await
        }
        Command::Status(a) => {
            let s = settings(ctx)?;
            status::run(ctx, out, &s, a.runs)
        }
        Command::Sandbox(a) => sandbox::run(ctx, out, a).await,
        Command::Demo(a) => demo::run(ctx, out, a).await,
        Command::Init(a) => init(ctx, out, a),
        Command::Completions(a) => {
            let mut cmd = crate::Cli::command();
            clap_complete::generate(a.shell, &mut cmd, "okdesk-1c", out);
            Ok(crate::EXIT_OK)
        }
    }
}

fn init(ctx: &Ctx<'_>, out: &mut dyn Write, a: &crate::args::InitArgs) -> Result<u8> {
    let text = config::starter::starter(a.configuration.as_str());
    if a.print {
        out.write_all(text.as_bytes())?;
        return Ok(crate::EXIT_OK);
    }
    let path = a
        .path
        .clone()
        .unwrap_or_else(|| config::resolve_path(ctx.cli.config.as_deref()));
    if path.exists() && !a.force {
        return Err(anyhow!(
            "{} already exists\n  fix: edit it, pass --force to overwrite it, or --path to write \
             another file",
            path.display()
        ));
    }
    std::fs::write(&path, &text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    if ctx.cli.json {
        output::print_json(
            out,
            &serde_json::json!({"command": "init", "ok": true, "config": path.display().to_string()}),
        )?;
    } else {
        writeln!(
            out,
            "wrote {}\nnext: set okdesk.url and onec.url in it, export OKDESK_API_TOKEN and \
             ONEC_PASSWORD, then run `okdesk-1c check`",
            path.display()
        )?;
    }
    Ok(crate::EXIT_OK)
}
