//! The adapter registry: the built-in configurations, listed explicitly (`docs/design.md` §4: no
//! link-time magic), custom layouts over them, and detection from `$metadata`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context as _, Result};
use onec_adapter::{
    Adapter, AdapterInfo, BuildError, CustomAdapter, Detection, DocumentWrite, ExistingTask,
    InvoiceContext, Layout, MapCx, Mapped, Metadata, RawDataset, RawObject, TaskLookup,
};
use onec_model::{
    ContactPerson, Contract, Counterparty, Employee, EmployeeTask, Invoice, Item, Ref, Snapshot,
    TimeSheet, VatRate,
};

/// Every built-in adapter, in the order detection reports them.
pub fn builtin() -> Vec<&'static dyn Adapter> {
    vec![
        onec_adapter_unf::adapter(),
        onec_adapter_ka::adapter(),
        onec_adapter_ut11::adapter(),
        onec_adapter_ut103::adapter(),
        onec_adapter_esti::adapter(),
    ]
}

/// A built-in adapter by id.
pub fn by_id(id: &str) -> Option<&'static dyn Adapter> {
    builtin().into_iter().find(|a| a.info().id == id)
}

/// Loads a custom layout file over its base adapter.
pub fn custom(path: &Path) -> Result<Arc<dyn Adapter>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the layout file {} (config key `onec.layout`)\n  fix: check the path; \
             relative paths are relative to the config file",
            path.display()
        )
    })?;
    let adapter = CustomAdapter::from_toml(&text, &builtin()).map_err(|e| {
        anyhow!(
            "layout file {}: {e}\n  fix: start from examples/layouts/similar-ut11.toml; `base` \
             names the configuration it resembles, the other keys only what differs",
            path.display()
        )
    })?;
    Ok(Arc::new(adapter))
}

/// The single adapter that recognises `$metadata`, with how sure it is.
pub fn detect(meta: &Metadata) -> Result<(&'static dyn Adapter, Detection)> {
    let all = builtin();
    let found = onec_adapter::detect_best(&all, meta).map_err(|e| {
        anyhow!("{e}\n  fix: set `configuration = \"…\"` or `layout = \"…\"` in [onec]")
    })?;
    Ok((found.adapter, found.detection))
}

/// A built-in adapter behind an `Arc`, for APIs that own their adapter. Every method forwards, so
/// the configuration's quirks (its overridden mapping functions) stay in force.
#[derive(Debug, Clone, Copy)]
pub struct Shared(pub &'static dyn Adapter);

impl Shared {
    /// The adapter as `Arc<dyn Adapter>`.
    pub fn arc(adapter: &'static dyn Adapter) -> Arc<dyn Adapter> {
        Arc::new(Shared(adapter))
    }
}

impl Adapter for Shared {
    fn info(&self) -> &AdapterInfo {
        self.0.info()
    }
    fn layout(&self) -> &Layout {
        self.0.layout()
    }
    fn detect(&self, meta: &Metadata) -> Detection {
        self.0.detect(meta)
    }
    fn map(&self, data: &RawDataset) -> Mapped<Snapshot> {
        self.0.map(data)
    }
    fn map_with(&self, layout: &Layout, data: &RawDataset) -> Mapped<Snapshot> {
        self.0.map_with(layout, data)
    }
    fn map_counterparties(&self, cx: &mut MapCx<'_>) -> Vec<Counterparty> {
        self.0.map_counterparties(cx)
    }
    fn map_contacts(&self, cx: &mut MapCx<'_>) -> Vec<ContactPerson> {
        self.0.map_contacts(cx)
    }
    fn map_contracts(&self, cx: &mut MapCx<'_>) -> Vec<Contract> {
        self.0.map_contracts(cx)
    }
    fn map_employees(&self, cx: &mut MapCx<'_>) -> Vec<Employee> {
        self.0.map_employees(cx)
    }
    fn map_items(&self, cx: &mut MapCx<'_>) -> Vec<Item> {
        self.0.map_items(cx)
    }
    fn vat_rates(&self, data: &RawDataset) -> Mapped<BTreeMap<VatRate, Ref>> {
        self.0.vat_rates(data)
    }
    fn build_invoice(
        &self,
        invoice: &Invoice,
        cx: &InvoiceContext,
    ) -> Result<Vec<DocumentWrite>, BuildError> {
        self.0.build_invoice(invoice, cx)
    }
    fn build_task(&self, task: &EmployeeTask) -> Result<Option<DocumentWrite>, BuildError> {
        self.0.build_task(task)
    }
    fn build_time_sheet(&self, sheet: &TimeSheet) -> Result<Option<DocumentWrite>, BuildError> {
        self.0.build_time_sheet(sheet)
    }
    fn task_lookup(&self, issue_id: u64) -> Option<TaskLookup> {
        self.0.task_lookup(issue_id)
    }
    fn task_from_raw(&self, obj: &RawObject) -> Option<ExistingTask> {
        self.0.task_from_raw(obj)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configuration_has_an_adapter() {
        for id in crate::config::CONFIGURATIONS {
            assert_eq!(by_id(id).map(|a| a.info().id.clone()), Some(id.to_owned()));
        }
    }
}
