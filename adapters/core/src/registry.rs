//! Choosing an adapter: detection over a list of adapters, and custom adapters made of a base
//! adapter plus a layout file (`base = "ut11"` and the names that differ).

use onec_model::{ContactPerson, Contract, Counterparty, Employee, Item};

use crate::adapter::{Adapter, AdapterInfo, Detection};
use crate::layout::{Layout, LayoutError};
use crate::mapping::MapCx;
use crate::metadata::Metadata;

/// Why no single adapter was chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// Several adapters are equally sure; the user must choose.
    #[error("the base looks like several configurations ({}) equally; choose one with --adapter", .0.join(", "))]
    Ambiguous(Vec<String>),
    /// No adapter recognises the base.
    #[error("no adapter recognises this base ({sets} entity sets in $metadata); choose one with --adapter or write a custom layout")]
    NoMatch {
        /// How many entity sets `$metadata` has.
        sets: usize,
    },
}

/// The adapter chosen for a base and how sure it is.
#[derive(Debug, Clone, Copy)]
pub struct Detected<'a> {
    /// The adapter.
    pub adapter: &'a dyn Adapter,
    /// `Yes`, or `Maybe` when no adapter was sure and only one was possible.
    pub detection: Detection,
}

/// Every adapter's answer for a base, in the order given.
pub fn detect_all<'a>(
    adapters: &[&'a dyn Adapter],
    meta: &Metadata,
) -> Vec<(&'a dyn Adapter, Detection)> {
    adapters.iter().map(|a| (*a, a.detect(meta))).collect()
}

/// The single adapter that is surest about a base; two equally sure answers are an error naming both.
pub fn detect_best<'a>(
    adapters: &[&'a dyn Adapter],
    meta: &Metadata,
) -> Result<Detected<'a>, DetectError> {
    let answers = detect_all(adapters, meta);
    let best = answers
        .iter()
        .map(|(_, d)| *d)
        .max()
        .unwrap_or(Detection::No);
    if best == Detection::No {
        return Err(DetectError::NoMatch {
            sets: meta.entity_sets.len(),
        });
    }
    let top: Vec<&dyn Adapter> = answers
        .iter()
        .filter(|(_, d)| *d == best)
        .map(|(a, _)| *a)
        .collect();
    match top.as_slice() {
        [one] => Ok(Detected {
            adapter: *one,
            detection: best,
        }),
        many => Err(DetectError::Ambiguous(
            many.iter().map(|a| a.info().id.clone()).collect(),
        )),
    }
}

/// A configuration described by a layout file over a base adapter: the base's quirks run with the
/// custom names.
#[derive(Debug)]
pub struct CustomAdapter {
    base: &'static dyn Adapter,
    info: AdapterInfo,
    layout: Layout,
}

impl CustomAdapter {
    /// Loads a custom layout file; its `base` key picks the adapter among `bases`.
    pub fn from_toml(
        text: &str,
        bases: &[&'static dyn Adapter],
    ) -> Result<CustomAdapter, LayoutError> {
        let known = || {
            bases
                .iter()
                .map(|a| a.info().id.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let base_id = Layout::base_of_toml(text)?
            .ok_or_else(|| LayoutError::MissingBase { known: known() })?;
        let base = bases
            .iter()
            .find(|a| a.info().id == base_id)
            .copied()
            .ok_or_else(|| LayoutError::UnknownBase {
                base: base_id.clone(),
                known: known(),
            })?;
        let layout = Layout::from_toml_with_base(text, base.layout())?;
        Ok(CustomAdapter::new(base, layout))
    }

    /// A custom adapter from a layout already loaded.
    pub fn new(base: &'static dyn Adapter, mut layout: Layout) -> CustomAdapter {
        let b = base.info();
        layout.base = Some(b.id.clone());
        CustomAdapter {
            base,
            info: AdapterInfo {
                id: format!("custom-{}", b.id),
                title: format!("{} (custom layout)", b.title),
                configuration_names: b.configuration_names.clone(),
            },
            layout,
        }
    }

    /// The base adapter.
    pub fn base(&self) -> &'static dyn Adapter {
        self.base
    }
}

impl Adapter for CustomAdapter {
    fn info(&self) -> &AdapterInfo {
        &self.info
    }

    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn map_counterparties(&self, cx: &mut MapCx<'_>) -> Vec<Counterparty> {
        self.base.map_counterparties(cx)
    }

    fn map_contacts(&self, cx: &mut MapCx<'_>) -> Vec<ContactPerson> {
        self.base.map_contacts(cx)
    }

    fn map_contracts(&self, cx: &mut MapCx<'_>) -> Vec<Contract> {
        self.base.map_contracts(cx)
    }

    fn map_employees(&self, cx: &mut MapCx<'_>) -> Vec<Employee> {
        self.base.map_employees(cx)
    }

    fn map_items(&self, cx: &mut MapCx<'_>) -> Vec<Item> {
        self.base.map_items(cx)
    }
}
