//! The `Adapter` trait: one 1C configuration mapped into the neutral model, and the documents the
//! product writes built from the neutral model.
//!
//! Like `grep-matcher`'s `Matcher`, it has few required methods (`info`, `layout`) and everything
//! else provided, driven by the [`Layout`]. A configuration crate overrides a provided method only for
//! a quirk that data cannot express. Adapters are sync and pure: no IO, no clock, no randomness;
//! that keeps the trait object-safe and every adapter testable from files.
//!
//! Mapping hooks take a [`MapCx`], which carries the layout in force, so that a custom layout
//! (`base = "ut11"` plus renamed sets) runs the base adapter's quirks on its own names.

use std::collections::BTreeMap;
use std::fmt;

use onec_model::{
    ContactPerson, Contract, Counterparty, Employee, EmployeeTask, Invoice, Item, Ref, Snapshot,
    TimeSheet, VatRate,
};
use serde::{Deserialize, Serialize};

use crate::documents::{self, BuildError, DocumentWrite, ExistingTask, InvoiceContext, TaskLookup};
use crate::layout::Layout;
use crate::mapping::{self, MapCx, RawSource};
use crate::metadata::Metadata;
use crate::raw::{RawDataset, RawObject};

/// Who an adapter is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdapterInfo {
    /// Stable lowercase id used in CLI flags, config files, journals and snapshot names (`ut11`).
    pub id: String,
    /// A human title (`1С:Управление торговлей 11`).
    pub title: String,
    /// Configuration names as 1C spells them (`УправлениеТорговлей`), for messages and docs.
    pub configuration_names: Vec<String>,
}

/// How sure an adapter is that a base runs its configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// Not this configuration.
    No,
    /// Could be this configuration or a close relative.
    Maybe,
    /// This configuration.
    Yes,
}

/// How serious a mapping diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing was lost.
    Info,
    /// A value was dropped or guessed; the object was kept.
    Warning,
    /// The object could not be mapped and was left out.
    Error,
}

/// One thing that could not be mapped cleanly: the object, the field, the value and the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The entity set of the object.
    pub set: String,
    /// The object's `Ref_Key`, when it has a valid one.
    pub key: Option<Ref>,
    /// The field (or `Таблица.Колонка`), when one field is at fault.
    pub field: Option<String>,
    /// The value as received.
    pub value: Option<String>,
    /// What is wrong, and what the adapter did about it.
    pub message: String,
    /// How serious it is.
    pub severity: Severity,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}", self.severity, self.set)?;
        if let Some(k) = self.key {
            write!(f, "({k})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ".{field}")?;
        }
        if let Some(v) = &self.value {
            write!(f, " = `{v}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A value plus everything that could not be mapped: partial, not failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mapped<T> {
    /// What could be mapped.
    pub value: T,
    /// What could not, or only partly.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Mapped<T> {
    /// Whether any diagnostic is an error (an object left out).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Maps one 1C configuration into the neutral model and builds the documents written into it.
/// Implementations are pure: no IO, no clock, no randomness, no async.
pub trait Adapter: Send + Sync + fmt::Debug {
    /// Who the adapter is.
    fn info(&self) -> &AdapterInfo;

    /// Where the configuration keeps its data.
    fn layout(&self) -> &Layout;

    /// Whether `$metadata` looks like this configuration; by default the layout's detect rules.
    fn detect(&self, meta: &Metadata) -> Detection {
        mapping::detect(&self.layout().detect, meta)
    }

    /// Maps everything read from a base into the neutral model.
    fn map(&self, data: &RawDataset) -> Mapped<Snapshot> {
        self.map_with(self.layout(), data)
    }

    /// Maps with another layout in force (a custom layout over this adapter's quirks).
    fn map_with(&self, layout: &Layout, data: &RawDataset) -> Mapped<Snapshot> {
        self.map_source(layout, data)
    }

    /// Maps objects handed out one by one by `source` (a store that does not hold them all in
    /// memory), with `layout` in force.
    fn map_source(&self, layout: &Layout, source: &dyn RawSource) -> Mapped<Snapshot> {
        let mut cx = MapCx::over(layout, source);
        let value = mapping::map_all(self, &mut cx);
        Mapped {
            value,
            diagnostics: cx.finish(),
        }
    }

    /// The clients (Okdesk companies).
    fn map_counterparties(&self, cx: &mut MapCx<'_>) -> Vec<Counterparty> {
        mapping::counterparties(cx)
    }

    /// The contact persons; runs after the clients, whose refs are in `cx`.
    fn map_contacts(&self, cx: &mut MapCx<'_>) -> Vec<ContactPerson> {
        mapping::contacts(cx)
    }

    /// The contracts.
    fn map_contracts(&self, cx: &mut MapCx<'_>) -> Vec<Contract> {
        mapping::contracts(cx)
    }

    /// Users and employees.
    fn map_employees(&self, cx: &mut MapCx<'_>) -> Vec<Employee> {
        mapping::employees(cx)
    }

    /// Items of goods and services.
    fn map_items(&self, cx: &mut MapCx<'_>) -> Vec<Item> {
        mapping::items(cx)
    }

    /// The VAT catalog's references by rate, which invoices need when VAT is a catalog reference.
    fn vat_rates(&self, data: &RawDataset) -> Mapped<BTreeMap<VatRate, Ref>> {
        let mut cx = MapCx::new(self.layout(), data);
        let value = cx.vat_refs_by_rate();
        Mapped {
            value,
            diagnostics: cx.finish(),
        }
    }

    /// The writes that create an invoice, in order. A later write may refer to an earlier one with
    /// [`documents::ref_placeholder`]; the writer replaces it with the earlier object's `Ref_Key`
    /// (see [`DocumentWrite::fill_placeholders`]).
    fn build_invoice(
        &self,
        invoice: &Invoice,
        cx: &InvoiceContext,
    ) -> Result<Vec<DocumentWrite>, BuildError> {
        documents::build_invoice(self.layout(), invoice, cx)
    }

    /// The write that creates an employee task, or `None` where the configuration has no task document.
    fn build_task(&self, task: &EmployeeTask) -> Result<Option<DocumentWrite>, BuildError> {
        documents::build_task(self.layout(), task)
    }

    /// The write that creates a time sheet, or `None` where the configuration has none.
    fn build_time_sheet(&self, sheet: &TimeSheet) -> Result<Option<DocumentWrite>, BuildError> {
        documents::build_time_sheet(self.layout(), sheet)
    }

    /// How to find the task already written for an Okdesk issue (a `$filter` a transport can run).
    fn task_lookup(&self, issue_id: u64) -> Option<TaskLookup> {
        documents::task_lookup(self.layout(), issue_id)
    }

    /// Reads back a task document written earlier: its ref, issue id and version.
    fn task_from_raw(&self, obj: &RawObject) -> Option<ExistingTask> {
        documents::task_from_raw(self.layout(), obj)
    }
}
