//! Output: the redacting stdout wrapper, progress bars (on a terminal only), run reports as tables
//! or as one JSON document, and the exit code a report stands for.

use std::io::{self, Write};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use sync_engine::pull::JobProgress;
use sync_engine::push::Progress;
use sync_engine::RunReport;

use crate::logging::Redactor;
use crate::{EXIT_CANNOT_RUN, EXIT_FAILURES, EXIT_OK};

/// Stdout that passes every complete line through the redactor before writing it.
pub struct LineRedact<'a> {
    inner: &'a mut (dyn Write + Send),
    pending: Vec<u8>,
    redactor: Redactor,
}

impl<'a> LineRedact<'a> {
    /// Wraps a writer.
    pub fn new(inner: &'a mut (dyn Write + Send), redactor: Redactor) -> Self {
        LineRedact {
            inner,
            pending: Vec::new(),
            redactor,
        }
    }

    fn emit(&mut self, upto: usize) -> io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        let text = String::from_utf8_lossy(&chunk);
        self.inner.write_all(self.redactor.redact(&text).as_bytes())
    }
}

impl Write for LineRedact<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(|b| *b == b'\n') {
            self.emit(last + 1)?;
            self.inner.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let n = self.pending.len();
        if n > 0 {
            self.emit(n)?;
        }
        self.inner.flush()
    }
}

/// A progress bar on stderr, or a hidden one when bars are off.
pub fn bar(enabled: bool, job: &str) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template("{prefix:>5} [{bar:30}] {pos}/{len} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(job.to_owned());
    bar
}

/// The engine's progress callback for a bar.
pub fn on_progress(bar: &ProgressBar) -> impl Fn(&Progress) + Send + Sync + '_ {
    move |p: &Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} {}", p.kind, p.name));
    }
}

/// The pull/bill progress callback for a bar.
pub fn on_job_progress(bar: &ProgressBar) -> impl Fn(&JobProgress) + Send + Sync + '_ {
    move |p: &JobProgress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(format!("{} {}", p.entity, p.name));
    }
}

/// The exit code of a finished run.
pub fn exit_code(report: &RunReport) -> u8 {
    if report.ok {
        EXIT_OK
    } else {
        EXIT_FAILURES
    }
}

/// A report as a JSON value (the `docs/design.md` §6 shape), with `command` as given.
pub fn report_value(report: &RunReport) -> Value {
    serde_json::to_value(report).expect("reports are plain data and always serialize")
}

/// The JSON printed when a command could not run at all.
pub fn error_value(command: &str, error: &anyhow::Error) -> Value {
    json!({
        "command": command,
        "ok": false,
        "error": format!("{error:#}"),
    })
}

/// Prints one JSON document.
pub fn print_json(out: &mut dyn Write, value: &Value) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).expect("JSON values always serialize");
    writeln!(out, "{text}")
}

/// Prints the worst errors of a report's warnings (adapter diagnostics), at most `limit`.
pub fn print_warnings(out: &mut dyn Write, report: &RunReport, limit: usize) -> io::Result<()> {
    if report.warnings.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nWarnings ({}):", report.warnings.len())?;
    for w in report.warnings.iter().take(limit) {
        writeln!(out, "- {w}")?;
    }
    if report.warnings.len() > limit {
        writeln!(
            out,
            "  … and {} more (see --json)",
            report.warnings.len() - limit
        )?;
    }
    Ok(())
}

/// Exit code for an error that stopped a command.
pub const fn cannot_run() -> u8 {
    EXIT_CANNOT_RUN
}
