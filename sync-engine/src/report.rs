//! The run report: the JSON shape of `docs/design.md` §6 (a public contract: extend, never rename) and
//! a human-readable table with failures written the way the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`) shows them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::push::{EntryResult, Outcome};

/// Per-entity counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Records created.
    pub created: u64,
    /// Records updated.
    pub updated: u64,
    /// Records linked to an existing Okdesk record.
    pub linked: u64,
    /// Records with nothing to do.
    pub unchanged: u64,
    /// Records skipped on purpose.
    pub skipped: u64,
    /// Records that failed.
    pub failed: u64,
    /// Records archived or deactivated (an extension of the `docs/design.md` §6 shape).
    #[serde(default)]
    pub archived: u64,
}

/// One failed record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailureReport {
    /// The entity name (`contacts`, …).
    pub entity: String,
    /// The 1C ref or the Okdesk id.
    pub key: String,
    /// The record's name.
    pub name: String,
    /// The field at fault.
    pub field: Option<String>,
    /// The message in Russian.
    pub message: String,
    /// The HTTP status, when Okdesk answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The request body that caused it, secrets removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
}

/// One record skipped on purpose, with the reason (an extension of the `docs/design.md` §6 shape).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipReport {
    /// The entity name.
    pub entity: String,
    /// The 1C ref.
    pub key: String,
    /// The record's name.
    pub name: String,
    /// Why, in Russian.
    pub reason: String,
}

/// Requests made to each side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requests {
    /// HTTP requests to Okdesk.
    pub okdesk: u64,
    /// Requests to 1C.
    pub onec: u64,
}

/// The report of one run command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// `push`, `pull`, `bill`, `plan`.
    pub command: String,
    /// True when no record failed and the run was not interrupted.
    pub ok: bool,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Counts per entity name.
    pub counts: BTreeMap<String, Counts>,
    /// Failed records.
    pub failures: Vec<FailureReport>,
    /// Requests per side.
    pub requests: Requests,
    /// Wall time.
    pub duration_s: f64,
    /// The 1C configuration (`ut11`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<String>,
    /// The push mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The journal's run id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
    /// True when a stop was asked and some records were not reached.
    #[serde(default)]
    pub interrupted: bool,
    /// Records skipped on purpose, with reasons.
    #[serde(default)]
    pub skipped: Vec<SkipReport>,
    /// Warnings from reading 1C (adapter diagnostics), as text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl RunReport {
    /// An empty report of a command.
    pub fn new(command: &str, dry_run: bool) -> Self {
        RunReport {
            command: command.to_owned(),
            ok: true,
            dry_run,
            counts: BTreeMap::new(),
            failures: Vec::new(),
            requests: Requests::default(),
            duration_s: 0.0,
            configuration: None,
            mode: None,
            run_id: None,
            interrupted: false,
            skipped: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds the outcomes of a push apply.
    pub fn add_results(&mut self, results: &[EntryResult]) {
        for r in results {
            let entity = r.key.kind.as_str().to_owned();
            let c = self.counts.entry(entity.clone()).or_default();
            match &r.outcome {
                Outcome::Created { .. } => c.created += 1,
                Outcome::Updated { .. } => c.updated += 1,
                Outcome::Linked { .. } => c.linked += 1,
                Outcome::Archived { .. } => c.archived += 1,
                Outcome::Unchanged { .. } => c.unchanged += 1,
                Outcome::Skipped { reason } => {
                    c.skipped += 1;
                    if matches!(reason, crate::push::SkipReason::Interrupted) {
                        self.interrupted = true;
                    }
                    self.skipped.push(SkipReport {
                        entity,
                        key: r.key.r#ref.to_string(),
                        name: r.name.clone(),
                        reason: reason.to_string(),
                    });
                }
                Outcome::Failed(f) => {
                    c.failed += 1;
                    self.failures.push(FailureReport {
                        entity,
                        key: r.key.r#ref.to_string(),
                        name: r.name.clone(),
                        field: f.field.clone(),
                        message: f.message.clone(),
                        http_status: f.http_status,
                        request: f.request_body.clone(),
                    });
                }
            }
        }
        self.ok = self.failures.is_empty() && !self.interrupted;
    }

    /// Totals over every entity.
    pub fn totals(&self) -> Counts {
        self.counts.values().fold(Counts::default(), |mut t, c| {
            t.created += c.created;
            t.updated += c.updated;
            t.linked += c.linked;
            t.unchanged += c.unchanged;
            t.skipped += c.skipped;
            t.failed += c.failed;
            t.archived += c.archived;
            t
        })
    }

    /// The report as one JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports are plain data and always serialize")
    }

    /// The report as a human table, failures in the ЭСТИ manual's (`docs/seeds/001-esti-exchange-manual.txt`) form.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let dry = if self.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        };
        let conf = self
            .configuration
            .as_deref()
            .map(|c| format!(" {c}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{conf}{dry}: {} in {:.1} s, requests: Okdesk {}, 1C {}",
            self.command,
            if self.ok {
                "ok"
            } else {
                "finished with problems"
            },
            self.duration_s,
            self.requests.okdesk,
            self.requests.onec
        );
        let _ = writeln!(
            out,
            "{:<16} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8}",
            "entity", "created", "updated", "linked", "unchanged", "archived", "skipped", "failed"
        );
        let mut row = |name: &str, c: &Counts| {
            let _ = writeln!(
                out,
                "{:<16} {:>8} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8}",
                name, c.created, c.updated, c.linked, c.unchanged, c.archived, c.skipped, c.failed
            );
        };
        for kind in crate::kinds::EntityKind::ALL {
            if let Some(c) = self.counts.get(kind.as_str()) {
                row(kind.as_str(), c);
            }
        }
        for (name, c) in &self.counts {
            if name.parse::<crate::kinds::EntityKind>().is_err() {
                row(name, c);
            }
        }
        row("total", &self.totals());
        if self.interrupted {
            let _ = writeln!(
                out,
                "\nЗапуск остановлен: оставшиеся записи будут выгружены при следующем запуске."
            );
        }
        if !self.failures.is_empty() {
            let _ = writeln!(out, "\nОшибки ({}):", self.failures.len());
            for f in &self.failures {
                let _ = writeln!(out, "- {}", f.message);
                if let Some(body) = &f.request {
                    let pretty =
                        serde_json::to_string_pretty(body).unwrap_or_else(|_| body.to_string());
                    let _ = writeln!(out, "  Запрос, который вызвал ошибку: {pretty}");
                }
            }
        }
        out
    }
}
