//! `BillJob`: the entry point the CLI calls for `bill`. Paid issues (with a specification, in the
//! configured statuses, not yet invoiced) go through the invoice outbox exactly once:
//!
//! 1. `pending` is stored before anything is written to 1C;
//! 2. the invoice document(s) are created and posted, and their number read back
//!    (`document_written`, with the invoice kept in the state);
//! 3. the PDF is rendered (`rendered`, with its SHA-256) — stored before uploading;
//! 4. the PDF is posted as a comment attachment (`uploaded`).
//!
//! A run that dies anywhere resumes from the last stored step. Before creating a document again
//! after a `pending` step, the job looks for one already carrying the issue's marker in its
//! comment; before uploading again after `rendered`, it looks for the file among the issue's
//! comments. So a lost answer never makes a second invoice or a second file.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use onec_adapter::documents::{issue_id_in_text, LookupMatch, ISSUE_MARKER};
use onec_adapter::{InvoiceContext, RawObject};
use onec_model::{amount_in_words, Invoice, Ref};
use sha2::{Digest, Sha256};

use super::build::{build_invoice, organization, BillError};
use super::BillPolicy;
use crate::error::{Error, Result};
use crate::ports::documents::{DocQuery, OnecDocuments, OnecReference};
use crate::ports::issues::{IssuesPort, NewComment, UploadFile};
use crate::ports::{ErrorClass, PortError};
use crate::pull::job::count;
use crate::pull::JobProgress;
use crate::push::StopFlag;
use crate::report::{FailureReport, Requests, RunReport};
use crate::run::Run;
use crate::state::{
    FailureRecord, LockToken, OutboxEntry, OutboxStatus, RunId, StateError, StateStore,
};

/// The cursor bill keeps: when the last complete listing of paid issues started.
pub const CURSOR: &str = "bill.updated_since";

/// A bill run from one Okdesk account into one 1C base over one state store.
pub struct BillJob {
    okdesk: Arc<dyn IssuesPort>,
    onec: Arc<dyn OnecDocuments>,
    state: Arc<Mutex<StateStore>>,
    policy: BillPolicy,
    stop: StopFlag,
}

/// Where an issue's invoice failed.
enum Failure {
    /// A port call failed at a step (`invoices` or `invoice_files`).
    Port(&'static str, PortError, bool),
    /// The invoice could not be built or printed from the data.
    Data(&'static str, BillError),
    /// The state store failed: the run stops.
    State(StateError),
}

impl From<StateError> for Failure {
    fn from(e: StateError) -> Self {
        Failure::State(e)
    }
}

fn okdesk_error(e: PortError) -> Error {
    if e.class == ErrorClass::Auth {
        Error::Auth(e)
    } else {
        Error::Okdesk(e)
    }
}

/// What one issue's pass did, for the counts.
#[derive(Default)]
struct Done {
    invoice_created: bool,
    file_uploaded: bool,
    not_paid: bool,
}

/// The file name of an invoice's PDF; also how an upload is found again.
pub fn pdf_file_name(invoice: &Invoice) -> String {
    let number = invoice.number.as_deref().unwrap_or_default().trim();
    let safe: String = number
        .chars()
        .map(|c| if c == '/' || c == '\\' { '-' } else { c })
        .collect();
    format!(
        "Счет на оплату № {safe} от {}.pdf",
        invoice.date.format("%d.%m.%Y")
    )
}

impl BillJob {
    /// A job over its ports, state and policy.
    pub fn new(
        okdesk: Arc<dyn IssuesPort>,
        onec: Arc<dyn OnecDocuments>,
        state: StateStore,
        policy: BillPolicy,
    ) -> Self {
        Self::with_shared_state(okdesk, onec, Arc::new(Mutex::new(state)), policy)
    }

    /// A job over a state store shared with other jobs.
    pub fn with_shared_state(
        okdesk: Arc<dyn IssuesPort>,
        onec: Arc<dyn OnecDocuments>,
        state: Arc<Mutex<StateStore>>,
        policy: BillPolicy,
    ) -> Self {
        BillJob {
            okdesk,
            onec,
            state,
            policy,
            stop: StopFlag::new(),
        }
    }

    /// The flag that stops a running job between issues.
    pub fn stop_flag(&self) -> StopFlag {
        self.stop.clone()
    }

    /// The state store.
    pub fn state(&self) -> &Arc<Mutex<StateStore>> {
        &self.state
    }

    fn store(&self) -> std::sync::MutexGuard<'_, StateStore> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs bill (or, with `dry_run`, reads and builds every invoice and writes nothing).
    pub async fn run(
        &self,
        dry_run: bool,
        progress: &(dyn Fn(&JobProgress) + Send + Sync),
    ) -> Result<RunReport> {
        let run = Run::begin(&self.state, "bill", dry_run, self.requests())?;
        let result = self
            .run_locked(dry_run, run.id(), run.token(), progress)
            .await;
        run.finish(result, self.requests())
    }

    /// The ports' request counters now.
    fn requests(&self) -> Requests {
        Requests {
            okdesk: self.okdesk.requests(),
            onec: self.onec.requests(),
        }
    }

    async fn run_locked(
        &self,
        dry_run: bool,
        run: RunId,
        token: &LockToken,
        progress: &(dyn Fn(&JobProgress) + Send + Sync),
    ) -> Result<RunReport> {
        let mut report = RunReport::new("bill", dry_run);
        report.configuration = Some(self.onec.configuration().to_owned());
        report.run_id = Some(run.0);
        if self.onec.layout().invoice.is_none() {
            report.warnings.push(format!(
                "Конфигурация {}: в макете нет документа счета, счета не выставляются.",
                self.onec.configuration()
            ));
            return Ok(report);
        }
        let listing_started: DateTime<Utc> = Utc::now();
        let since = match self.store().cursor(CURSOR)? {
            Some(text) => Some(
                DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| {
                        Error::Config(format!(
                            "the state's cursor {CURSOR} = `{text}` is not a timestamp ({e})"
                        ))
                    })?
                    .date_naive()
                    - Duration::days(i64::from(self.policy.overlap_days)),
            ),
            None => None,
        };
        let mut ids = self
            .okdesk
            .issue_ids(&self.policy.statuses, since)
            .await
            .map_err(okdesk_error)?;
        // Issues started earlier but not finished are retried whatever the listing says.
        ids.extend(self.store().outbox_unfinished()?);
        ids.sort_unstable();
        ids.dedup();
        let mut reference: Option<OnecReference> = None;
        let total = ids.len();
        for (done, id) in ids.iter().copied().enumerate() {
            if self.stop.is_stopped() {
                report.interrupted = true;
                break;
            }
            self.store().heartbeat(token)?;
            let entry = self.store().outbox_get(id)?;
            if entry
                .as_ref()
                .is_some_and(|e| e.status == OutboxStatus::Uploaded)
            {
                count(&mut report, "invoices").unchanged += 1;
                count(&mut report, "invoice_files").unchanged += 1;
                continue;
            }
            let outcome = self
                .bill_issue(id, entry, dry_run, &mut reference, &mut report)
                .await;
            match outcome {
                Ok(d) => {
                    if d.not_paid {
                        count(&mut report, "issues").skipped += 1;
                    } else {
                        count(&mut report, "issues").updated += 1;
                        let c = count(&mut report, "invoices");
                        if d.invoice_created {
                            c.created += 1;
                        } else {
                            c.unchanged += 1;
                        }
                        let f = count(&mut report, "invoice_files");
                        if d.file_uploaded {
                            f.created += 1;
                        } else {
                            f.unchanged += 1;
                        }
                        if !dry_run {
                            self.store().close_failure("invoices", &id.to_string())?;
                        }
                    }
                }
                Err(f) => self.fail(run, &mut report, id, f, dry_run)?,
            }
            progress(&JobProgress {
                done: done + 1,
                total,
                entity: "invoices",
                name: format!("#{id}"),
            });
        }
        report.ok = report.failures.is_empty() && !report.interrupted;
        if !dry_run && !report.interrupted {
            // Failed issues stay in the outbox and are retried without the cursor's help.
            self.store()
                .set_cursor(CURSOR, &listing_started.to_rfc3339())?;
        }
        Ok(report)
    }

    fn fail(
        &self,
        run: RunId,
        report: &mut RunReport,
        id: u64,
        failure: Failure,
        dry_run: bool,
    ) -> Result<()> {
        let (entity, field, message, status, body) = match failure {
            Failure::State(e) => return Err(e.into()),
            Failure::Port(entity, e, okdesk) => {
                if e.aborts_run() {
                    return Err(if okdesk {
                        okdesk_error(e)
                    } else {
                        Error::Onec(e)
                    });
                }
                let side = if okdesk { "Okdesk" } else { "1С" };
                (
                    entity,
                    e.field.clone(),
                    format!("Заявка #{id}: счет не выставлен ({side}): {e}"),
                    e.status,
                    e.request_body.clone(),
                )
            }
            Failure::Data(entity, e) => (
                entity,
                Some(e.field.to_owned()),
                // Build messages already name the issue («заявка #5: …»); capitalised for the report.
                capitalize(&e.message),
                None,
                None,
            ),
        };
        count(report, entity).failed += 1;
        report.failures.push(FailureReport {
            entity: entity.into(),
            key: id.to_string(),
            name: format!("#{id}"),
            field: field.clone(),
            message: message.clone(),
            http_status: status,
            request: body.clone(),
        });
        if dry_run {
            return Ok(());
        }
        let mut store = self.store();
        if let Some(mut entry) = store.outbox_get(id)? {
            entry.error = Some(message.clone());
            // The status keeps the step reached, so that the next run resumes there; only a
            // document never written is marked failed.
            if entry.status == OutboxStatus::Pending {
                entry.status = OutboxStatus::Failed;
            }
            store.outbox_put(&entry)?;
        }
        store.record_failure(
            run,
            &FailureRecord {
                entity: entity.into(),
                key: id.to_string(),
                name: format!("#{id}"),
                field,
                message,
                http_status: status,
                request_body: body.map(|b| b.to_string()),
            },
        )?;
        Ok(())
    }

    async fn reference<'a>(
        &self,
        cache: &'a mut Option<OnecReference>,
    ) -> std::result::Result<&'a OnecReference, Failure> {
        if cache.is_none() {
            let r = self
                .onec
                .reference()
                .await
                .map_err(|e| Failure::Port("invoices", e, false))?;
            *cache = Some(r);
        }
        Ok(cache.as_ref().expect("just filled"))
    }

    async fn bill_issue(
        &self,
        id: u64,
        entry: Option<OutboxEntry>,
        dry_run: bool,
        reference: &mut Option<OnecReference>,
        report: &mut RunReport,
    ) -> std::result::Result<Done, Failure> {
        let mut done = Done::default();
        let okdesk = |e: PortError| Failure::Port("invoices", e, true);
        let written = entry
            .as_ref()
            .is_some_and(|e| e.onec_ref.is_some() && e.onec_number.is_some());
        let mut entry = entry;
        let invoice = if written {
            match self.store().bill_invoice(id)? {
                Some(i) => i,
                None => {
                    return Err(Failure::State(StateError::Corrupt {
                        path: self.store().path().to_owned(),
                        table: "bill_invoices",
                        message: format!(
                            "issue {id} has a written invoice in the outbox but none stored"
                        ),
                    }))
                }
            }
        } else {
            let services = self.okdesk.services(id).await.map_err(okdesk)?;
            if services.is_empty() && entry.is_none() {
                done.not_paid = true;
                return Ok(done);
            }
            let card = self.okdesk.issue(id).await.map_err(okdesk)?;
            if !self.policy.statuses.is_empty()
                && entry.is_none()
                && !self.policy.statuses.contains(&card.status_code)
            {
                done.not_paid = true;
                return Ok(done);
            }
            let view = self.store().view_without_payloads()?;
            let r = self.reference(reference).await?;
            let now = chrono::Local::now().naive_local();
            let date = now.with_nanosecond_zero();
            let contract_required = self
                .onec
                .layout()
                .invoice
                .as_ref()
                .is_some_and(|i| i.contract_required);
            let built = build_invoice(
                &card,
                &services,
                &view,
                &r.snapshot,
                &self.policy,
                contract_required,
                date,
            )
            .map_err(|e| Failure::Data("invoices", e))?;
            report
                .warnings
                .extend(built.notes.iter().map(|n| n.message.clone()));
            let cx = InvoiceContext {
                vat_rates: r.vat_rates.clone(),
                currency: self.policy.currency.or(r.currency),
                responsible: self.policy.responsible,
                payment_date: None,
            };
            if dry_run {
                // Building the 1C writes checks items, VAT refs and required fields.
                self.onec
                    .adapter()
                    .build_invoice(&built.invoice, &cx)
                    .map_err(|e| {
                        Failure::Port(
                            "invoices",
                            PortError::new(ErrorClass::Validation, e.to_string()),
                            false,
                        )
                    })?;
                done.invoice_created = true;
                done.file_uploaded = true;
                return Ok(done);
            }
            let invoice = self
                .write_invoice(id, built.invoice, &cx, entry.is_some())
                .await?;
            done.invoice_created = true;
            entry = self.store().outbox_get(id)?;
            invoice
        };
        if dry_run {
            return Ok(done);
        }
        let mut entry = entry.expect("the outbox entry exists once the document is written");
        let r = self.reference(reference).await?;
        let pdf = self.render(&invoice, r)?;
        let sha = hex::encode(Sha256::digest(&pdf));
        let attempted = entry.status == OutboxStatus::Rendered;
        entry.pdf_sha256 = Some(sha);
        entry.status = OutboxStatus::Rendered;
        entry.error = None;
        self.store().outbox_put(&entry)?;
        let file_name = pdf_file_name(&invoice);
        let existing = if attempted {
            self.find_upload(id, &file_name).await?
        } else {
            None
        };
        let comment_id = match existing {
            Some(c) => c,
            None => {
                let comment = NewComment {
                    content: self.comment_text(&invoice),
                    public: self.policy.public_comment,
                    author_id: self.policy.comment_author_id,
                    file: UploadFile {
                        file_name,
                        content_type: "application/pdf".into(),
                        bytes: pdf,
                    },
                };
                let c = self
                    .okdesk
                    .add_comment(id, &comment)
                    .await
                    .map_err(|e| Failure::Port("invoice_files", e, true))?;
                done.file_uploaded = true;
                c
            }
        };
        entry.uploaded_comment = Some(comment_id);
        entry.status = OutboxStatus::Uploaded;
        entry.error = None;
        self.store().outbox_put(&entry)?;
        Ok(done)
    }

    fn comment_text(&self, invoice: &Invoice) -> String {
        let totals = invoice.totals();
        format!(
            "Счет на оплату № {} от {} на сумму {} руб. ({})",
            invoice.number.as_deref().unwrap_or_default(),
            invoice.date.format("%d.%m.%Y"),
            totals.total,
            amount_in_words(totals.total)
        )
    }

    async fn find_upload(
        &self,
        id: u64,
        file_name: &str,
    ) -> std::result::Result<Option<u64>, Failure> {
        let comments = self
            .okdesk
            .comments(id)
            .await
            .map_err(|e| Failure::Port("invoice_files", e, true))?;
        Ok(comments
            .iter()
            .find(|c| c.attachments.iter().any(|a| a.file_name == file_name))
            .map(|c| c.id))
    }

    fn render(
        &self,
        invoice: &Invoice,
        r: &OnecReference,
    ) -> std::result::Result<Vec<u8>, Failure> {
        let data = |field: &'static str, message: String| {
            Failure::Data("invoice_files", BillError { field, message })
        };
        let supplier = r
            .snapshot
            .organizations
            .iter()
            .find(|o| o.r#ref == invoice.organization)
            .cloned()
            .map_or_else(|| organization(&r.snapshot, &self.policy).cloned(), Ok)
            .map_err(|e| Failure::Data("invoice_files", e))?;
        let buyer = r
            .snapshot
            .counterparties
            .iter()
            .find(|c| c.r#ref == invoice.counterparty)
            .cloned()
            .ok_or_else(|| {
                data(
                    "counterparty",
                    format!("покупатель {} не найден в 1С", invoice.counterparty),
                )
            })?;
        let mut doc = invoice_pdf::InvoiceDocument::new(invoice.clone(), supplier, buyer)
            .map_err(|e| data("organization", e.to_string()))?;
        if let Some(c) = invoice
            .contract
            .and_then(|c| r.snapshot.contracts.iter().find(|k| k.r#ref == c))
        {
            doc = doc.with_contract(c.title.clone());
        }
        if let Some(note) = &invoice.comment {
            doc = doc.with_note(note.replace('\n', " "));
        }
        invoice_pdf::render_invoice(&doc).map_err(|e| data("invoice", e.to_string()))
    }

    /// Finds a document of the set already carrying the issue's marker in `field`.
    async fn find_marked(
        &self,
        set: &str,
        field: &str,
        id: u64,
    ) -> std::result::Result<Option<RawObject>, Failure> {
        let found = self
            .onec
            .find(&DocQuery {
                set: set.to_owned(),
                field: field.to_owned(),
                matches: LookupMatch::Contains(format!("{ISSUE_MARKER}{id}")),
            })
            .await
            .map_err(|e| Failure::Port("invoices", e, false))?;
        Ok(found.into_iter().find(|o| {
            o.text(field).and_then(|t| issue_id_in_text(&t)) == Some(id)
                && o.boolean("DeletionMark").ok().flatten() != Some(true)
        }))
    }

    /// Writes the invoice document(s) into 1C, reusing any found after an earlier attempt, and
    /// returns the invoice with its ref, number and date as 1C holds them.
    async fn write_invoice(
        &self,
        id: u64,
        mut invoice: Invoice,
        cx: &InvoiceContext,
        attempted: bool,
    ) -> std::result::Result<Invoice, Failure> {
        let onec = |e: PortError| Failure::Port("invoices", e, false);
        let adapter = self.onec.adapter();
        let layout = self.onec.layout().clone();
        let writes = adapter
            .build_invoice(&invoice, cx)
            .map_err(|e| onec(PortError::new(ErrorClass::Validation, e.to_string())))?;
        let inv_layout = layout
            .invoice
            .as_ref()
            .expect("checked at the start of the run");
        // The comment field of each write: the first document's, and the follow-up's where it
        // copies the comment.
        let comment_field = inv_layout.comment.clone();
        let mut entry = self.store().outbox_get(id)?.unwrap_or(OutboxEntry {
            issue_id: id,
            onec_ref: None,
            onec_number: None,
            pdf_sha256: None,
            uploaded_comment: None,
            status: OutboxStatus::Pending,
            error: None,
        });
        if !attempted {
            // The intent is stored before the first write, so that a crash during it is followed
            // by a lookup instead of a second document.
            self.store().outbox_put(&entry)?;
        }
        let mut created: Vec<Ref> = Vec::new();
        let mut last: Option<RawObject> = None;
        for (i, mut w) in writes.into_iter().enumerate() {
            let set = w.object.set.clone();
            let field = match i {
                0 => comment_field.clone(),
                _ => comment_field.clone().filter(|f| {
                    inv_layout
                        .follow_up
                        .as_ref()
                        .is_some_and(|fu| fu.copy.iter().any(|c| c == f))
                }),
            };
            let found = match (&field, attempted) {
                (Some(f), true) => self.find_marked(&set, f, id).await?,
                _ => None,
            };
            let stored = match found {
                Some(obj) => {
                    let posted = obj.boolean("Posted").ok().flatten().unwrap_or(false);
                    let r = obj.ref_key().ok().flatten().ok_or_else(|| {
                        onec(PortError::new(
                            ErrorClass::Decode,
                            format!("a {set} document without Ref_Key"),
                        ))
                    })?;
                    if w.post && !posted {
                        self.onec.post(&set, r).await.map_err(onec)?;
                    }
                    obj
                }
                None => {
                    w.fill_placeholders(&created)
                        .map_err(|e| onec(PortError::new(ErrorClass::Config, e.to_string())))?;
                    let obj = self.onec.write(&w).await.map_err(onec)?;
                    let r = obj.ref_key().ok().flatten().ok_or_else(|| {
                        onec(PortError::new(
                            ErrorClass::Decode,
                            format!("1C created a {set} document but did not return its Ref_Key"),
                        ))
                    })?;
                    // The first ref is kept at once: the follow-up refers to it.
                    if i == 0 {
                        entry.onec_ref = Some(r.to_string());
                        self.store().outbox_put(&entry)?;
                    }
                    if w.post {
                        self.onec.post(&set, r).await.map_err(onec)?;
                    }
                    obj
                }
            };
            let r = stored.ref_key().ok().flatten().ok_or_else(|| {
                onec(PortError::new(
                    ErrorClass::Decode,
                    format!("a {set} document without Ref_Key"),
                ))
            })?;
            created.push(r);
            last = Some(stored);
        }
        let last = last.expect("an invoice build has at least one write");
        let r = *created.last().expect("one ref per write");
        let mut number = last
            .text("Number")
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let mut date = last.datetime("Date").ok().flatten();
        if number.is_none() {
            let fresh = self.onec.get(&last.set, r).await.map_err(onec)?;
            number = fresh
                .text("Number")
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            date = fresh.datetime("Date").ok().flatten().or(date);
        }
        let number = number.ok_or_else(|| {
            onec(PortError::new(
                ErrorClass::Decode,
                format!("1C did not give the {} document {r} a number", last.set),
            ))
        })?;
        invoice.r#ref = Some(r);
        invoice.number = Some(number.clone());
        if let Some(d) = date {
            invoice.date = d;
        }
        let mut store = self.store();
        store.put_bill_invoice(id, &invoice)?;
        entry.onec_ref = Some(r.to_string());
        entry.onec_number = Some(number);
        entry.status = OutboxStatus::DocumentWritten;
        entry.error = None;
        store.outbox_put(&entry)?;
        Ok(invoice)
    }
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for chrono::NaiveDateTime {
    /// 1C stores whole seconds; a date with fractions would not round-trip.
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0)
            .expect("zero nanoseconds is always valid")
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
