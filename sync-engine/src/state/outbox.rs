//! The invoice outbox for the bill job: issue → 1C document → PDF hash → uploaded comment, so that
//! each paid issue becomes exactly one invoice and one uploaded file, whatever point a run dies at.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{now_text, StateResult, StateStore};

/// How far an issue's invoice has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Seen as paid; nothing written yet.
    Pending,
    /// The 1C document exists (`onec_ref` is set).
    DocumentWritten,
    /// The PDF was rendered (`pdf_sha256` is set).
    Rendered,
    /// The PDF was uploaded to the issue (`uploaded_comment` is set): done.
    Uploaded,
    /// The last attempt failed (`error` says why); it is retried.
    Failed,
}

impl OutboxStatus {
    fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::DocumentWritten => "document_written",
            OutboxStatus::Rendered => "rendered",
            OutboxStatus::Uploaded => "uploaded",
            OutboxStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => OutboxStatus::Pending,
            "document_written" => OutboxStatus::DocumentWritten,
            "rendered" => OutboxStatus::Rendered,
            "uploaded" => OutboxStatus::Uploaded,
            "failed" => OutboxStatus::Failed,
            _ => return None,
        })
    }
}

/// One issue's invoice progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The Okdesk issue id.
    pub issue_id: u64,
    /// The 1C document's `Ref_Key`.
    pub onec_ref: Option<String>,
    /// The 1C document number.
    pub onec_number: Option<String>,
    /// The SHA-256 of the rendered PDF.
    pub pdf_sha256: Option<String>,
    /// The Okdesk comment id the PDF was attached to.
    pub uploaded_comment: Option<u64>,
    /// The progress.
    pub status: OutboxStatus,
    /// The last error, when the status is `failed`.
    pub error: Option<String>,
}

impl StateStore {
    /// The outbox entry of an issue.
    pub fn outbox_get(&self, issue_id: u64) -> StateResult<Option<OutboxEntry>> {
        let row = self
            .conn
            .query_row(
                "SELECT issue_id, onec_ref, onec_number, pdf_sha256, uploaded_comment, status, error
                 FROM invoice_outbox WHERE issue_id = ?1",
                [issue_id as i64],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err("reading the invoice outbox", e))?;
        let Some((id, onec_ref, onec_number, pdf, comment, status, error)) = row else {
            return Ok(None);
        };
        let status = OutboxStatus::parse(&status)
            .ok_or_else(|| self.corrupt("invoice_outbox", format!("unknown status `{status}`")))?;
        Ok(Some(OutboxEntry {
            issue_id: id as u64,
            onec_ref,
            onec_number,
            pdf_sha256: pdf,
            uploaded_comment: comment.map(|c| c as u64),
            status,
            error,
        }))
    }

    /// Writes an issue's outbox entry (insert or replace).
    pub fn outbox_put(&mut self, entry: &OutboxEntry) -> StateResult<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO invoice_outbox
                 (issue_id, onec_ref, onec_number, pdf_sha256, uploaded_comment, status, error, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    entry.issue_id as i64,
                    entry.onec_ref,
                    entry.onec_number,
                    entry.pdf_sha256,
                    entry.uploaded_comment.map(|c| c as i64),
                    entry.status.as_str(),
                    entry.error,
                    now_text()
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err("writing the invoice outbox", e))
    }
}
