//! What pull wrote into 1C: the `updated_at` of every issue pulled, each document written (task,
//! time sheet) with its `Ref_Key` and the hash of the built document, and digests of downloaded
//! attachments, so that re-pulling an unchanged issue writes nothing and reads little.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_text, StateResult, StateStore};

/// A document pull (or bill) wrote into 1C.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenDocument {
    /// `task` or `time_sheet`.
    pub kind: String,
    /// The key within the kind: the issue id for a task, `issue/employee[/week]` for a sheet.
    pub key: String,
    /// The Okdesk issue.
    pub issue_id: u64,
    /// The 1C `Ref_Key`.
    pub onec_ref: String,
    /// The hash of the document as built, before 1C added its own fields.
    pub hash: String,
}

impl StateStore {
    /// The `updated_at` an issue had when it was last pulled completely.
    pub fn pulled_at(&self, issue_id: u64) -> StateResult<Option<DateTime<FixedOffset>>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT updated_at FROM pulled_issues WHERE issue_id = ?1",
                [issue_id as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err("reading pulled issues", e))?;
        text.map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map_err(|e| self.corrupt("pulled_issues", format!("issue {issue_id}: {e}")))
        })
        .transpose()
    }

    /// Records that every document of an issue at `updated_at` is written.
    pub fn set_pulled(
        &mut self,
        issue_id: u64,
        updated_at: DateTime<FixedOffset>,
    ) -> StateResult<()> {
        self.conn
            .execute(
                "INSERT INTO pulled_issues (issue_id, updated_at, pulled_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (issue_id) DO UPDATE SET updated_at = excluded.updated_at, pulled_at = excluded.pulled_at",
                params![issue_id as i64, updated_at.to_rfc3339(), now_text()],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing pulled issues", e))
    }

    /// A written document by kind and key.
    pub fn written(&self, kind: &str, key: &str) -> StateResult<Option<WrittenDocument>> {
        self.conn
            .query_row(
                "SELECT kind, key, issue_id, onec_ref, hash FROM written_documents WHERE kind = ?1 AND key = ?2",
                params![kind, key],
                |r| {
                    Ok(WrittenDocument {
                        kind: r.get(0)?,
                        key: r.get(1)?,
                        issue_id: r.get::<_, i64>(2)? as u64,
                        onec_ref: r.get(3)?,
                        hash: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err("reading written documents", e))
    }

    /// Every document written for an issue.
    pub fn written_for_issue(&self, issue_id: u64) -> StateResult<Vec<WrittenDocument>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, key, issue_id, onec_ref, hash FROM written_documents WHERE issue_id = ?1 ORDER BY kind, key",
            )
            .map_err(|e| self.err("reading written documents", e))?;
        let rows = stmt
            .query_map([issue_id as i64], |r| {
                Ok(WrittenDocument {
                    kind: r.get(0)?,
                    key: r.get(1)?,
                    issue_id: r.get::<_, i64>(2)? as u64,
                    onec_ref: r.get(3)?,
                    hash: r.get(4)?,
                })
            })
            .map_err(|e| self.err("reading written documents", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.err("reading written documents", e))
    }

    /// Records a document written into 1C; called right after each successful write.
    pub fn put_written(&mut self, doc: &WrittenDocument) -> StateResult<()> {
        self.conn
            .execute(
                "INSERT INTO written_documents (kind, key, issue_id, onec_ref, hash, written_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (kind, key) DO UPDATE SET issue_id = excluded.issue_id,
                     onec_ref = excluded.onec_ref, hash = excluded.hash, written_at = excluded.written_at",
                params![
                    doc.kind,
                    doc.key,
                    doc.issue_id as i64,
                    doc.onec_ref,
                    doc.hash,
                    now_text()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing written documents", e))
    }

    /// The digest and size of an attachment downloaded before (attachments never change by id).
    pub fn attachment_digest(&self, attachment_id: u64) -> StateResult<Option<(String, u64)>> {
        self.conn
            .query_row(
                "SELECT sha256, size FROM attachment_digests WHERE attachment_id = ?1",
                [attachment_id as i64],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)),
            )
            .optional()
            .map_err(|e| self.err("reading attachment digests", e))
    }

    /// Keeps the digest and size of a downloaded attachment.
    pub fn put_attachment_digest(
        &mut self,
        attachment_id: u64,
        sha256: &str,
        size: u64,
    ) -> StateResult<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO attachment_digests (attachment_id, sha256, size) VALUES (?1, ?2, ?3)",
                params![attachment_id as i64, sha256, size as i64],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing attachment digests", e))
    }
}

impl StateStore {
    /// The invoice written into 1C for an issue (with its number and date), as bill stored it.
    pub fn bill_invoice(&self, issue_id: u64) -> StateResult<Option<onec_model::Invoice>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT invoice FROM bill_invoices WHERE issue_id = ?1",
                [issue_id as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err("reading bill invoices", e))?;
        text.map(|t| {
            serde_json::from_str(&t)
                .map_err(|e| self.corrupt("bill_invoices", format!("issue {issue_id}: {e}")))
        })
        .transpose()
    }

    /// Keeps the invoice written into 1C for an issue.
    pub fn put_bill_invoice(
        &mut self,
        issue_id: u64,
        invoice: &onec_model::Invoice,
    ) -> StateResult<()> {
        let json =
            serde_json::to_string(invoice).expect("invoices are plain data and always serialize");
        self.conn
            .execute(
                "INSERT OR REPLACE INTO bill_invoices (issue_id, invoice, written_at) VALUES (?1, ?2, ?3)",
                params![issue_id as i64, json, now_text()],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing bill invoices", e))
    }

    /// Issues whose invoice is started but not uploaded (pending, half-written or failed).
    pub fn outbox_unfinished(&self) -> StateResult<Vec<u64>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT issue_id FROM invoice_outbox WHERE status <> 'uploaded' ORDER BY issue_id",
            )
            .map_err(|e| self.err("reading the invoice outbox", e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err("reading the invoice outbox", e))?;
        rows.map(|r| r.map(|v| v as u64))
            .collect::<Result<_, _>>()
            .map_err(|e| self.err("reading the invoice outbox", e))
    }
}
