//! The run journal: every run, every operation it did, every failure with its message, and the
//! failures still waiting for a retry.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::{now_text, StateError, StateResult, StateStore};
use crate::kinds::{EntityKind, OkdeskId};

/// The id of a run in the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

/// One operation a run did (or tried).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpRecord {
    /// The order within the run.
    pub seq: i64,
    /// The entity kind.
    pub entity: EntityKind,
    /// The 1C ref.
    pub onec_ref: String,
    /// `create`, `update`, `link`, `archive`, ….
    pub action: String,
    /// `done`, `linked`, `failed`, `skipped`.
    pub outcome: String,
    /// The Okdesk id the operation produced or touched.
    pub okdesk_id: Option<OkdeskId>,
}

/// One failed record, as the report shows it and the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRecord {
    /// The entity kind (`contacts`, …) or a job-specific name (`issues`).
    pub entity: String,
    /// The 1C ref or the Okdesk id.
    pub key: String,
    /// The record's name as a person recognises it.
    pub name: String,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// The full message, in Russian.
    pub message: String,
    /// The HTTP status Okdesk answered, if it answered.
    pub http_status: Option<u16>,
    /// The request body, with secrets removed.
    pub request_body: Option<String>,
}

/// A failure waiting for a retry: the last failure of a record that has not succeeded since.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenFailure {
    /// The run it happened in.
    pub run_id: RunId,
    /// When it happened.
    pub at: String,
    /// The failure.
    pub failure: FailureRecord,
}

/// One row of the run list (`status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run id.
    pub id: RunId,
    /// The command (`push`, `pull`, …).
    pub command: String,
    /// Whether it was a dry run.
    pub dry_run: bool,
    /// Start time.
    pub started_at: String,
    /// End time, `None` while running or if the process died.
    pub finished_at: Option<String>,
    /// Whether it finished without record failures.
    pub ok: Option<bool>,
    /// The counts JSON as stored.
    pub counts: Option<String>,
}

/// Appends an operation to a run on `conn` (the store's connection, or a transaction on it).
pub(super) fn insert_op(
    conn: &Connection,
    run: RunId,
    op: &OpRecord,
    at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO operations (run_id, seq, entity, onec_ref, action, outcome, okdesk_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        run.0,
        op.seq,
        op.entity.as_str(),
        op.onec_ref,
        op.action,
        op.outcome,
        op.okdesk_id.map(|i| i.0 as i64),
        at
    ])
    .map(|_| ())
}

impl StateStore {
    /// Opens a run in the journal.
    pub fn begin_run(&mut self, command: &str, dry_run: bool) -> StateResult<RunId> {
        self.conn
            .execute(
                "INSERT INTO runs (command, dry_run, started_at) VALUES (?1, ?2, ?3)",
                params![command, dry_run, now_text()],
            )
            .map_err(|e| self.err("opening a run", e))?;
        Ok(RunId(self.conn.last_insert_rowid()))
    }

    /// Closes a run with its outcome, counts and the full report (both JSON).
    pub fn finish_run(
        &mut self,
        run: RunId,
        ok: bool,
        counts_json: &str,
        report_json: &str,
    ) -> StateResult<()> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, ok = ?3, counts = ?4, report = ?5 WHERE id = ?1",
                params![run.0, now_text(), ok, counts_json, report_json],
            )
            .map(|_| ())
            .map_err(|e| self.err("closing a run", e))
    }

    /// Appends an operation to a run.
    pub fn record_op(&mut self, run: RunId, op: &OpRecord) -> StateResult<()> {
        insert_op(&self.conn, run, op, &now_text())
            .map_err(|e| self.err("journaling an operation", e))
    }

    /// Records a failure and marks the record as waiting for a retry, in one transaction.
    pub fn record_failure(&mut self, run: RunId, failure: &FailureRecord) -> StateResult<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|source| StateError::Sqlite {
                context: "starting a failure write",
                path: path.clone(),
                source,
            })?;
        tx.execute(
            "INSERT INTO failures (run_id, entity, key, name, field, message, http_status, request_body, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                run.0,
                failure.entity,
                failure.key,
                failure.name,
                failure.field,
                failure.message,
                failure.http_status,
                failure.request_body,
                now_text()
            ],
        )
        .and_then(|_| {
            let id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO open_failures (entity, key, failure_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (entity, key) DO UPDATE SET failure_id = excluded.failure_id",
                params![failure.entity, failure.key, id],
            )
        })
        .and_then(|_| tx.commit())
        .map_err(|source| StateError::Sqlite {
            context: "journaling a failure",
            path,
            source,
        })
    }

    /// Closes a waiting failure without a mapping (the record was skipped on purpose since).
    pub fn close_failure(&mut self, entity: &str, key: &str) -> StateResult<()> {
        self.conn
            .execute(
                "DELETE FROM open_failures WHERE entity = ?1 AND key = ?2",
                params![entity, key],
            )
            .map(|_| ())
            .map_err(|e| self.err("closing a failure", e))
    }

    /// Failures waiting for a retry, oldest first.
    pub fn open_failures(&self) -> StateResult<Vec<OpenFailure>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.run_id, f.at, f.entity, f.key, f.name, f.field, f.message, f.http_status, f.request_body
                 FROM open_failures o JOIN failures f ON f.id = o.failure_id ORDER BY f.id",
            )
            .map_err(|e| self.err("reading open failures", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(OpenFailure {
                    run_id: RunId(r.get(0)?),
                    at: r.get(1)?,
                    failure: FailureRecord {
                        entity: r.get(2)?,
                        key: r.get(3)?,
                        name: r.get(4)?,
                        field: r.get(5)?,
                        message: r.get(6)?,
                        http_status: r.get(7)?,
                        request_body: r.get(8)?,
                    },
                })
            })
            .map_err(|e| self.err("reading open failures", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.err("reading open failures", e))
    }

    /// The last `limit` runs, newest first.
    pub fn last_runs(&self, limit: usize) -> StateResult<Vec<RunSummary>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, command, dry_run, started_at, finished_at, ok, counts FROM runs ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.err("reading runs", e))?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok(RunSummary {
                    id: RunId(r.get(0)?),
                    command: r.get(1)?,
                    dry_run: r.get(2)?,
                    started_at: r.get(3)?,
                    finished_at: r.get(4)?,
                    ok: r.get(5)?,
                    counts: r.get(6)?,
                })
            })
            .map_err(|e| self.err("reading runs", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.err("reading runs", e))
    }

    /// The operations of one run, in order.
    pub fn run_ops(&self, run: RunId) -> StateResult<Vec<OpRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, entity, onec_ref, action, outcome, okdesk_id FROM operations WHERE run_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err("reading operations", e))?;
        let rows = stmt
            .query_map([run.0], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            })
            .map_err(|e| self.err("reading operations", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, entity, onec_ref, action, outcome, id) =
                row.map_err(|e| self.err("reading operations", e))?;
            let entity = entity.parse().map_err(|e: crate::kinds::UnknownEntity| {
                self.corrupt("operations", e.to_string())
            })?;
            out.push(OpRecord {
                seq,
                entity,
                onec_ref,
                action,
                outcome,
                okdesk_id: id.map(|i| OkdeskId(i as u64)),
            });
        }
        Ok(out)
    }
}
