//! Building the documents the product writes into 1C (invoices, employee tasks, time sheets) from
//! the neutral model, and reading a written task back.
//!
//! A build returns [`DocumentWrite`]s in order. УТ 11 and КА 2 need two documents for one invoice:
//! a `ЗаказКлиента` with the lines, then a `СчетНаОплатуКлиенту` whose `ДокументОснование` is the
//! order. The second cannot know the first's `Ref_Key` before it is written, so its basis holds the
//! placeholder `{{ref:0}}` ([`ref_placeholder`]); the writer calls
//! [`DocumentWrite::fill_placeholders`] with the refs created so far before posting it.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use onec_model::{EmployeeTask, Invoice, Ref, TimeSheet, VatMode, VatRate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::layout::{Layout, PaymentScheduleLayout, VatEncoding};
use crate::raw::{RawObject, RawRow, RawValue};

/// The text that marks an Okdesk issue in a document's comment: `Заявка Okdesk #123`.
pub const ISSUE_MARKER: &str = "Okdesk #";

/// One object to write, and whether to post it afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentWrite {
    /// The object (set, header, tabular sections with `LineNumber` on every row).
    pub object: RawObject,
    /// `Some` to update an existing object (PATCH), `None` to create one (POST).
    pub r#ref: Option<Ref>,
    /// Whether to call `Post` after the write.
    pub post: bool,
}

/// A value that stands for the `Ref_Key` of the `index`-th write of the same build.
pub fn ref_placeholder(index: usize) -> RawValue {
    RawValue::Text(format!("{{{{ref:{index}}}}}"))
}

fn placeholder_index(v: &RawValue) -> Option<usize> {
    let RawValue::Text(t) = v else { return None };
    t.strip_prefix("{{ref:")?.strip_suffix("}}")?.parse().ok()
}

impl DocumentWrite {
    /// Replaces every placeholder with the `Ref_Key` of the write it points to.
    pub fn fill_placeholders(&mut self, created: &[Ref]) -> Result<(), BuildError> {
        let fill = |v: &mut RawValue| -> Result<(), BuildError> {
            if let Some(i) = placeholder_index(v) {
                let r = created
                    .get(i)
                    .ok_or(BuildError::UnfilledPlaceholder { index: i })?;
                *v = RawValue::Text(r.to_string());
            }
            Ok(())
        };
        for v in self.object.props.values_mut() {
            fill(v)?;
        }
        for rows in self.object.tables.values_mut() {
            for row in rows {
                for v in row.values_mut() {
                    fill(v)?;
                }
            }
        }
        Ok(())
    }

    /// Whether any placeholder is still unfilled.
    pub fn has_placeholders(&self) -> bool {
        self.object
            .props
            .values()
            .any(|v| placeholder_index(v).is_some())
    }
}

/// What an invoice build needs beyond the invoice itself, looked up in the base by the caller.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceContext {
    /// VAT catalog refs by rate ([`crate::Adapter::vat_rates`]), needed where VAT is a catalog reference.
    #[serde(default)]
    pub vat_rates: BTreeMap<VatRate, Ref>,
    /// The currency (roubles).
    #[serde(default)]
    pub currency: Option<Ref>,
    /// The responsible user or manager.
    #[serde(default)]
    pub responsible: Option<Ref>,
    /// The payment due date for a payment schedule (the invoice date when empty).
    #[serde(default)]
    pub payment_date: Option<NaiveDate>,
}

/// Why a document could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The configuration has no such document.
    #[error("the layout defines no {0} document")]
    NotSupported(&'static str),
    /// An invoice or time sheet with no lines.
    #[error("{document} has no lines")]
    NoLines {
        /// The entity set.
        document: String,
    },
    /// A line whose item is not resolved to a 1C item.
    #[error("{document} line {line} («{text}») has no 1C item")]
    MissingItem {
        /// The entity set.
        document: String,
        /// The line number, from 1.
        line: usize,
        /// The line text.
        text: String,
    },
    /// A VAT rate with no catalog ref or enum spelling.
    #[error("{document}: VAT rate {rate:?} has no {how} in this base")]
    MissingVat {
        /// The entity set.
        document: String,
        /// The rate.
        rate: VatRate,
        /// "catalog entry" or "enum spelling".
        how: &'static str,
    },
    /// A value the document requires is missing from the model.
    #[error("{document}.{field} is required but the {what} is empty")]
    MissingValue {
        /// The entity set.
        document: String,
        /// The field.
        field: String,
        /// What was expected.
        what: &'static str,
    },
    /// A week-grid time sheet whose entries span more than one week.
    #[error("{document} is a weekly grid but the entries span {first} to {last}; split the sheet by week")]
    SpansWeeks {
        /// The entity set.
        document: String,
        /// The first entry's day.
        first: NaiveDate,
        /// The last entry's day.
        last: NaiveDate,
    },
    /// A placeholder pointing to a write that has not happened.
    #[error("placeholder {{{{ref:{index}}}}} has no created object")]
    UnfilledPlaceholder {
        /// The write index.
        index: usize,
    },
}

fn num(d: Decimal) -> RawValue {
    RawValue::Number(d.to_f64().unwrap_or_default())
}

fn text(s: impl Into<String>) -> RawValue {
    RawValue::Text(s.into())
}

fn datetime(d: NaiveDateTime) -> RawValue {
    text(d.format("%Y-%m-%dT%H:%M:%S").to_string())
}

fn date(d: NaiveDate) -> RawValue {
    text(format!("{}T00:00:00", d.format("%Y-%m-%d")))
}

/// Writes a reference: `X_Key` gets the GUID; a composite `X` gets the GUID and `X_Type`.
fn put_ref(row: &mut RawRow, field: &str, r: Ref, kind: Option<&str>) {
    row.insert(field.to_owned(), text(r.to_string()));
    if !field.ends_with("_Key") {
        if let Some(k) = kind {
            row.insert(format!("{field}_Type"), text(k));
        }
    }
}

fn put_opt_ref(row: &mut RawRow, field: &Option<String>, r: Option<Ref>, kind: Option<&str>) {
    if let (Some(f), Some(r)) = (field, r) {
        put_ref(row, f, r, kind);
    }
}

fn put_text(row: &mut RawRow, field: &Option<String>, value: Option<&str>) {
    if let (Some(f), Some(v)) = (field, value) {
        row.insert(f.clone(), text(v));
    }
}

fn line_number(i: usize) -> RawValue {
    // 1C sends and expects Int64 as a string; every row needs it or the write fails.
    text((i + 1).to_string())
}

fn schedule(p: &PaymentScheduleLayout, due: NaiveDate, total: Decimal) -> (String, Vec<RawRow>) {
    let mut row = RawRow::new();
    row.insert("LineNumber".into(), line_number(0));
    row.insert(p.date.clone(), date(due));
    row.insert(p.percent.clone(), RawValue::Number(100.0));
    row.insert(p.amount.clone(), num(total));
    (p.table.clone(), vec![row])
}

/// Builds the writes for an invoice.
pub fn build_invoice(
    layout: &Layout,
    invoice: &Invoice,
    cx: &InvoiceContext,
) -> Result<Vec<DocumentWrite>, BuildError> {
    let l = layout
        .invoice
        .as_ref()
        .ok_or(BuildError::NotSupported("invoice"))?;
    let doc = || l.set.clone();
    if invoice.lines.is_empty() {
        return Err(BuildError::NoLines { document: doc() });
    }
    let mut h = RawRow::new();
    h.insert(l.date.clone(), datetime(invoice.date));
    put_ref(&mut h, &l.organization, invoice.organization, None);
    put_ref(
        &mut h,
        &l.counterparty,
        invoice.counterparty,
        l.counterparty_type.as_deref(),
    );
    if let Some(f) = &l.partner {
        let p = invoice.partner.ok_or_else(|| BuildError::MissingValue {
            document: doc(),
            field: f.clone(),
            what: "invoice's partner",
        })?;
        put_ref(&mut h, f, p, None);
    }
    put_opt_ref(&mut h, &l.contract, invoice.contract, None);
    put_opt_ref(
        &mut h,
        &l.bank_account,
        invoice.bank_account,
        l.bank_account_type.as_deref(),
    );
    put_opt_ref(&mut h, &l.currency, cx.currency, None);
    put_opt_ref(&mut h, &l.responsible, cx.responsible, None);
    if let Some(f) = &l.vat_included {
        h.insert(
            f.clone(),
            RawValue::Bool(invoice.vat_mode == VatMode::Included),
        );
    }
    put_text(&mut h, &l.comment, invoice.comment.as_deref());

    let mut rows = Vec::new();
    let mut grand = Decimal::ZERO;
    for (i, line) in invoice.lines.iter().enumerate() {
        let c = &l.columns;
        let item = line.item.ok_or_else(|| BuildError::MissingItem {
            document: doc(),
            line: i + 1,
            text: line.text.clone(),
        })?;
        let with_vat = match invoice.vat_mode {
            VatMode::Included => line.total,
            VatMode::OnTop => line.total + line.vat_amount,
        };
        grand += with_vat;
        let mut row = RawRow::new();
        row.insert("LineNumber".into(), line_number(i));
        put_ref(&mut row, &c.item, item, None);
        put_text(&mut row, &c.text, Some(&line.text));
        row.insert(c.quantity.clone(), num(line.quantity));
        if let Some(p) = &c.packs {
            row.insert(p.clone(), num(line.quantity));
        }
        if let Some(u) = &c.unit {
            let unit = line.unit_ref.ok_or_else(|| BuildError::MissingValue {
                document: doc(),
                field: format!("{}.{u}", l.table),
                what: "item's unit of measure (ЕдиницаИзмерения of the item)",
            })?;
            put_ref(&mut row, u, unit, c.unit_type.as_deref());
        }
        row.insert(c.price.clone(), num(line.price));
        row.insert(c.amount.clone(), num(line.total));
        match layout.vat.encoding {
            VatEncoding::Catalog => {
                let r = cx
                    .vat_rates
                    .get(&line.vat_rate)
                    .ok_or(BuildError::MissingVat {
                        document: doc(),
                        rate: line.vat_rate,
                        how: "catalog entry",
                    })?;
                put_ref(&mut row, &c.vat_rate, *r, None);
            }
            VatEncoding::Enum => {
                let name = layout
                    .vat
                    .enum_name(line.vat_rate)
                    .ok_or(BuildError::MissingVat {
                        document: doc(),
                        rate: line.vat_rate,
                        how: "enum spelling",
                    })?;
                row.insert(c.vat_rate.clone(), text(name));
            }
        }
        row.insert(c.vat_amount.clone(), num(line.vat_amount));
        if let Some(t) = &c.total {
            row.insert(t.clone(), num(with_vat));
        }
        for (k, v) in &c.constants {
            row.insert(k.clone(), v.clone());
        }
        rows.push(row);
    }
    if let Some(f) = &l.total {
        h.insert(f.clone(), num(grand));
    }
    for (k, v) in &l.header {
        h.insert(k.clone(), v.clone());
    }
    let due = cx.payment_date.unwrap_or(invoice.date.date());
    let mut first = RawObject {
        set: l.set.clone(),
        props: h,
        tables: BTreeMap::from([(l.table.clone(), rows)]),
    };
    if let Some(p) = &l.payment_schedule {
        let (t, r) = schedule(p, due, grand);
        first.tables.insert(t, r);
    }
    let mut writes = vec![DocumentWrite {
        object: first,
        r#ref: invoice.r#ref,
        post: l.post,
    }];
    if let Some(f) = &l.follow_up {
        let mut h = RawRow::new();
        h.insert(f.basis.clone(), ref_placeholder(0));
        if let Some(t) = &f.basis_type {
            h.insert(format!("{}_Type", f.basis), text(t));
        }
        let source = &writes[0].object.props;
        for name in &f.copy {
            if let Some(v) = source.get(name) {
                h.insert(name.clone(), v.clone());
            }
            let kind = format!("{name}_Type");
            if let Some(v) = source.get(&kind) {
                h.insert(kind, v.clone());
            }
        }
        if let Some(t) = &f.total {
            h.insert(t.clone(), num(grand));
        }
        for (k, v) in &f.header {
            h.insert(k.clone(), v.clone());
        }
        let mut second = RawObject {
            set: f.set.clone(),
            props: h,
            tables: BTreeMap::new(),
        };
        if let Some(p) = &f.payment_schedule {
            let (t, r) = schedule(p, due, grand);
            second.tables.insert(t, r);
        }
        writes.push(DocumentWrite {
            object: second,
            r#ref: None,
            post: f.post,
        });
    }
    Ok(writes)
}

/// The comment text that names an issue; [`task_from_raw`] finds the id in it again.
pub fn issue_comment(issue_id: u64, title: &str, url: &str) -> String {
    let mut s = format!("Заявка {ISSUE_MARKER}{issue_id}");
    if !title.is_empty() {
        s.push_str(": ");
        s.push_str(title);
    }
    if !url.is_empty() {
        s.push('\n');
        s.push_str(url);
    }
    s
}

/// Builds the write for an employee task.
pub fn build_task(
    layout: &Layout,
    task: &EmployeeTask,
) -> Result<Option<DocumentWrite>, BuildError> {
    let Some(l) = &layout.task else {
        return Ok(None);
    };
    let mut h = RawRow::new();
    h.insert(l.date.clone(), datetime(task.date));
    put_text(&mut h, &l.issue_id, Some(&task.issue_id.to_string()));
    put_text(&mut h, &l.issue_url, Some(&task.issue_url));
    put_text(&mut h, &l.title, Some(&task.title));
    put_text(&mut h, &l.description, Some(&task.description));
    put_text(&mut h, &l.status, Some(&task.status));
    put_opt_ref(&mut h, &l.assignee, task.assignee, None);
    put_opt_ref(&mut h, &l.author, task.author, None);
    put_text(&mut h, &l.author_name, task.author_name.as_deref());
    put_opt_ref(
        &mut h,
        &l.counterparty,
        task.counterparty,
        l.counterparty_type.as_deref(),
    );
    put_opt_ref(&mut h, &l.contact, task.contact, None);
    put_opt_ref(&mut h, &l.contract, task.contract, None);
    put_opt_ref(&mut h, &l.object, task.object, None);
    put_opt_ref(&mut h, &l.equipment, task.equipment, None);
    put_text(
        &mut h,
        &l.comment,
        Some(&issue_comment(task.issue_id, &task.title, &task.issue_url)),
    );
    for (k, v) in &l.header {
        h.insert(k.clone(), v.clone());
    }
    let mut tables = BTreeMap::new();
    if let Some(c) = &l.comments {
        let rows = task
            .comments
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut row = RawRow::new();
                row.insert("LineNumber".into(), line_number(i));
                put_text(&mut row, &c.id, Some(&m.id.to_string()));
                row.insert(c.at.clone(), datetime(m.at));
                row.insert(c.author.clone(), text(&m.author));
                row.insert(c.text.clone(), text(&m.text));
                if let Some(p) = &c.private {
                    row.insert(p.clone(), RawValue::Bool(!m.public));
                }
                row
            })
            .collect();
        tables.insert(c.table.clone(), rows);
    }
    if let Some(a) = &l.attachments {
        let rows = task
            .attachments
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut row = RawRow::new();
                row.insert("LineNumber".into(), line_number(i));
                put_text(&mut row, &a.id, Some(&f.id.to_string()));
                row.insert(a.name.clone(), text(&f.name));
                if let Some(s) = &a.size {
                    row.insert(s.clone(), RawValue::Number(f.size as f64));
                }
                put_text(&mut row, &a.sha256, f.sha256.as_deref());
                row
            })
            .collect();
        tables.insert(a.table.clone(), rows);
    }
    if let Some(w) = &l.works {
        let mut row = RawRow::new();
        row.insert("LineNumber".into(), line_number(0));
        if let Some(c) = task.counterparty {
            put_ref(&mut row, &w.counterparty, c, w.counterparty_type.as_deref());
        }
        if let Some(s) = &w.start {
            row.insert(s.clone(), datetime(task.date));
        }
        put_text(&mut row, &w.comment, Some(&task.title));
        for (k, v) in &w.constants {
            row.insert(k.clone(), v.clone());
        }
        tables.insert(w.table.clone(), vec![row]);
    }
    Ok(Some(DocumentWrite {
        object: RawObject {
            set: l.set.clone(),
            props: h,
            tables,
        },
        r#ref: task.r#ref,
        post: l.post,
    }))
}

/// Builds the write for a time sheet.
pub fn build_time_sheet(
    layout: &Layout,
    sheet: &TimeSheet,
) -> Result<Option<DocumentWrite>, BuildError> {
    let Some(l) = &layout.time_sheet else {
        return Ok(None);
    };
    if sheet.entries.is_empty() {
        return Err(BuildError::NoLines {
            document: l.set.clone(),
        });
    }
    let mut h = RawRow::new();
    h.insert(l.date.clone(), date(sheet.date));
    put_opt_ref(&mut h, &l.employee, sheet.employee, None);
    put_opt_ref(&mut h, &l.task, sheet.task, l.task_type.as_deref());
    put_text(&mut h, &l.issue_id, Some(&sheet.issue_id.to_string()));
    put_text(&mut h, &l.issue_url, Some(&sheet.issue_url));
    put_text(
        &mut h,
        &l.comment,
        Some(&issue_comment(sheet.issue_id, "", &sheet.issue_url)),
    );
    for (k, v) in &l.header {
        h.insert(k.clone(), v.clone());
    }
    if let Some(w) = &l.week_grid {
        let first = sheet
            .entries
            .iter()
            .map(|e| e.date)
            .min()
            .expect("entries are not empty");
        let last = sheet
            .entries
            .iter()
            .map(|e| e.date)
            .max()
            .expect("entries are not empty");
        let monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
        let sunday = monday + Duration::days(6);
        if last > sunday {
            return Err(BuildError::SpansWeeks {
                document: l.set.clone(),
                first,
                last,
            });
        }
        h.insert(w.from.clone(), date(monday));
        h.insert(w.to.clone(), date(sunday));
    }
    let c = &l.columns;
    let rows = sheet
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut row = RawRow::new();
            row.insert("LineNumber".into(), line_number(i));
            if let Some(d) = &c.date {
                row.insert(d.clone(), date(e.date));
            }
            if let Some(hc) = &c.hours {
                row.insert(hc.clone(), num(e.hours));
            }
            if let Some(w) = &l.week_grid {
                let day = e.date.weekday().num_days_from_monday() as usize;
                row.insert(w.days[day].clone(), num(e.hours));
            }
            put_opt_ref(&mut row, &c.employee, e.employee.or(sheet.employee), None);
            put_text(&mut row, &c.work_kind, e.work_kind.as_deref());
            put_text(&mut row, &c.place, e.place.as_deref());
            put_text(&mut row, &c.comment, e.comment.as_deref());
            put_text(&mut row, &c.entry_id, Some(&e.id.to_string()));
            for (k, v) in &c.constants {
                row.insert(k.clone(), v.clone());
            }
            row
        })
        .collect();
    Ok(Some(DocumentWrite {
        object: RawObject {
            set: l.set.clone(),
            props: h,
            tables: BTreeMap::from([(l.table.clone(), rows)]),
        },
        r#ref: sheet.r#ref,
        post: l.post,
    }))
}

/// A task document written earlier, as read back from 1C.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingTask {
    /// Its `Ref_Key`.
    pub r#ref: Ref,
    /// The Okdesk issue id it was written for.
    pub issue_id: u64,
    /// Its `DataVersion`.
    pub version: Option<String>,
    /// Whether it is posted.
    pub posted: Option<bool>,
    /// Whether it is marked for deletion.
    pub deletion_mark: bool,
}

/// How to find the task of an issue with one query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskLookup {
    /// The entity set.
    pub set: String,
    /// The field to filter on.
    pub field: String,
    /// How the field is matched.
    pub matches: LookupMatch,
}

/// How a lookup field is matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupMatch {
    /// The field equals this text.
    Equals(String),
    /// The field contains this text; candidates must be confirmed with [`task_from_raw`], since
    /// `#12` is also inside `#123`.
    Contains(String),
}

impl TaskLookup {
    /// The OData `$filter` expression (before URL encoding), with quotes doubled.
    pub fn odata_filter(&self) -> String {
        match &self.matches {
            LookupMatch::Equals(v) => format!("{} eq '{}'", self.field, v.replace('\'', "''")),
            LookupMatch::Contains(v) => {
                format!("substringof('{}', {})", v.replace('\'', "''"), self.field)
            }
        }
    }
}

/// The lookup for an issue's task, by the issue-id field or else by the comment marker.
pub fn task_lookup(layout: &Layout, issue_id: u64) -> Option<TaskLookup> {
    let l = layout.task.as_ref()?;
    if let Some(f) = &l.issue_id {
        return Some(TaskLookup {
            set: l.set.clone(),
            field: f.clone(),
            matches: LookupMatch::Equals(issue_id.to_string()),
        });
    }
    let f = l.comment.as_ref()?;
    Some(TaskLookup {
        set: l.set.clone(),
        field: f.clone(),
        matches: LookupMatch::Contains(format!("{ISSUE_MARKER}{issue_id}")),
    })
}

/// Finds the issue id after the marker in a text: `… Okdesk #123: …` gives 123.
pub fn issue_id_in_text(text: &str) -> Option<u64> {
    let start = text.find(ISSUE_MARKER)? + ISSUE_MARKER.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Reads a task document back; `None` when the object is not a task of this layout or names no issue.
pub fn task_from_raw(layout: &Layout, obj: &RawObject) -> Option<ExistingTask> {
    let l = layout.task.as_ref()?;
    if obj.set != l.set {
        return None;
    }
    let r#ref = obj.ref_key().ok()??;
    let from_field = l.issue_id.as_ref().and_then(|f| {
        let t = obj.text(f)?;
        t.trim()
            .parse::<u64>()
            .ok()
            .or_else(|| issue_id_in_text(&t))
    });
    let issue_id = from_field.or_else(|| issue_id_in_text(&obj.text(l.comment.as_ref()?)?))?;
    Some(ExistingTask {
        r#ref,
        issue_id,
        version: obj.text("DataVersion"),
        posted: obj.boolean("Posted").ok().flatten(),
        deletion_mark: obj.boolean("DeletionMark").ok().flatten().unwrap_or(false),
    })
}
