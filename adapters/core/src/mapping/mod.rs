//! Generic, layout-driven mapping from raw 1C objects to the neutral model.
//!
//! Every reader here reports what it cannot read as a [`Diagnostic`] naming the object, the field
//! and the value, and carries on: a bad GUID drops the object (it has no identity), a bad date or
//! reference drops the field, a missing name falls back to another name where one exists.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::NaiveDate;
use onec_model::{Ref, Snapshot};

use crate::adapter::{Adapter, Detection, Diagnostic, Severity};
use crate::layout::{CompanySource, DetectRules, Layout, OwnerCatalog};
use crate::metadata::Metadata;
use crate::raw::{self, RawDataset, RawObject, RawRow, RawValue};

mod catalogs;
mod clients;
mod contact_info;
mod source;

pub use catalogs::{
    employees, equipment, equipment_kinds, equipment_models, items, manufacturers, organizations,
    service_objects,
};
pub use clients::{
    companies_from_partners, contacts, contracts, counterparties, inherit_partner_contact_info,
};
pub use contact_info::ContactInfo;
pub use source::RawSource;

/// Evaluates detect rules against `$metadata`.
pub fn detect(rules: &DetectRules, meta: &Metadata) -> Detection {
    let has = |name: &String| match name.split_once('.') {
        Some((set, prop)) => meta.entity_set(set).is_some_and(|s| s.has_property(prop)),
        None => meta.has_set(name),
    };
    if !rules.requires.iter().all(has) {
        return Detection::No;
    }
    if !rules.any_of.is_empty() && !rules.any_of.iter().any(has) {
        return Detection::No;
    }
    if rules.excludes.iter().any(has) {
        return Detection::Maybe;
    }
    if rules.markers.iter().any(has) {
        Detection::Yes
    } else {
        Detection::Maybe
    }
}

/// Maps a whole dataset, calling the adapter's hooks for the entities that may have quirks.
pub fn map_all<A: Adapter + ?Sized>(adapter: &A, cx: &mut MapCx<'_>) -> Snapshot {
    let counterparties = adapter.map_counterparties(cx);
    cx.companies = counterparties.iter().map(|c| c.r#ref).collect();
    let contacts = adapter.map_contacts(cx);
    let contracts = adapter.map_contracts(cx);
    let service_objects = service_objects(cx);
    let equipment_kinds = equipment_kinds(cx);
    let manufacturers = manufacturers(cx);
    let equipment_models = equipment_models(cx);
    let equipment = equipment(cx, &equipment_models);
    let employees = adapter.map_employees(cx);
    let organizations = organizations(cx);
    let items = adapter.map_items(cx);
    Snapshot {
        counterparties,
        contacts,
        contracts,
        service_objects,
        equipment_kinds,
        manufacturers,
        equipment_models,
        equipment,
        employees,
        organizations,
        items,
    }
}

/// The identity every catalog object starts with.
#[derive(Clone, Debug)]
pub struct Head {
    /// `Ref_Key`.
    pub r#ref: Ref,
    /// `DeletionMark`.
    pub deletion_mark: bool,
    /// `DataVersion`.
    pub version: Option<String>,
}

/// The mapping context: the layout in force, the data, indexes, and the diagnostics so far.
pub struct MapCx<'a> {
    /// The layout in force.
    pub layout: &'a Layout,
    /// Everything read, handed out set by set.
    source: &'a dyn RawSource,
    /// Objects by reference per set, built on first lookup when the source is a dataset in memory.
    by_ref: HashMap<String, HashMap<Ref, &'a RawObject>>,
    /// Refs of the mapped clients (filled after [`Adapter::map_counterparties`]).
    pub companies: BTreeSet<Ref>,
    diagnostics: Vec<Diagnostic>,
    partner_counterparties: BTreeMap<Ref, Vec<Ref>>,
    counterparty_partner: BTreeMap<Ref, Ref>,
    register: Option<BTreeMap<Ref, Vec<RawRow>>>,
    kinds: Option<BTreeMap<Ref, String>>,
    descriptions: BTreeMap<String, BTreeMap<Ref, String>>,
}

impl fmt::Debug for MapCx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapCx")
            .field("layout", &self.layout)
            .field("companies", &self.companies.len())
            .field("diagnostics", &self.diagnostics.len())
            .finish_non_exhaustive()
    }
}

impl<'a> MapCx<'a> {
    /// A context over a dataset in memory.
    pub fn new(layout: &'a Layout, data: &'a RawDataset) -> Self {
        Self::over(layout, data)
    }

    /// A context over any source of raw objects.
    pub fn over(layout: &'a Layout, source: &'a dyn RawSource) -> Self {
        let mut cx = MapCx {
            layout,
            source,
            by_ref: HashMap::new(),
            companies: BTreeSet::new(),
            diagnostics: Vec::new(),
            partner_counterparties: BTreeMap::new(),
            counterparty_partner: BTreeMap::new(),
            register: None,
            kinds: None,
            descriptions: BTreeMap::new(),
        };
        cx.index_partners();
        cx
    }

    /// The diagnostics, in the order found.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The source the objects come from.
    pub fn source(&self) -> &'a dyn RawSource {
        self.source
    }

    /// Calls `f` with the context and every object of `set`, in source order (nothing when the
    /// set was not read). Objects are handed out one at a time: keep what is needed, not them.
    pub fn each(&mut self, set: &str, mut f: impl FnMut(&mut Self, &RawObject)) {
        let source = self.source;
        source.each(set, &mut |obj| f(self, obj));
    }

    /// The object of `set` with `Ref_Key` `key`, when it was read (with duplicates, the last).
    pub fn find(&mut self, set: &str, key: Ref) -> Option<Cow<'a, RawObject>> {
        let source = self.source;
        let Some(data) = source.as_dataset() else {
            return source.find(set, key);
        };
        let index = self.by_ref.entry(set.to_owned()).or_insert_with(|| {
            data.sets
                .get(set)
                .map(|objects| {
                    objects
                        .iter()
                        .filter_map(|o| Some((o.ref_key().ok()??, o)))
                        .collect()
                })
                .unwrap_or_default()
        });
        index.get(&key).map(|o| Cow::Borrowed(*o))
    }

    /// Records a diagnostic.
    pub fn report(
        &mut self,
        severity: Severity,
        obj: &RawObject,
        key: Option<Ref>,
        field: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            set: obj.set.clone(),
            key,
            field: field.map(str::to_owned),
            value,
            message: message.into(),
            severity,
        });
    }

    /// Reads `Ref_Key`, `DeletionMark` and `DataVersion`; an object without a valid `Ref_Key` is
    /// reported as an error and skipped (`None`).
    pub fn head(&mut self, obj: &RawObject) -> Option<Head> {
        let value = obj.text("Ref_Key");
        let r#ref = match obj.ref_key() {
            Ok(Some(r)) => r,
            Ok(None) => {
                self.report(
                    Severity::Error,
                    obj,
                    None,
                    Some("Ref_Key"),
                    value,
                    "object has no reference (empty or zero Ref_Key); skipped",
                );
                return None;
            }
            Err(e) => {
                self.report(
                    Severity::Error,
                    obj,
                    None,
                    Some("Ref_Key"),
                    Some(e.value),
                    "Ref_Key is not a GUID; object skipped",
                );
                return None;
            }
        };
        let deletion_mark = self
            .boolean(obj, r#ref, Some("DeletionMark"))
            .unwrap_or(false);
        Some(Head {
            r#ref,
            deletion_mark,
            version: obj.text("DataVersion"),
        })
    }

    /// Whether an object is a group of a hierarchical catalog (groups are not entities): a folder
    /// is skipped with its reason (a contract folder «2014 г.» is no agreement, the counterparty
    /// folder «Поставщики» no company).
    pub fn is_folder(&mut self, obj: &RawObject, key: Ref, field: &Option<String>) -> bool {
        let folder = self.boolean(obj, key, field.as_deref()).unwrap_or(false);
        if folder {
            self.report(
                Severity::Info,
                obj,
                Some(key),
                field.as_deref(),
                obj.text("Description"),
                "группа справочника, а не запись: пропущена",
            );
        }
        folder
    }

    /// A text field; empty is `None`. Surrounding whitespace is trimmed.
    pub fn text(&self, obj: &RawObject, field: Option<&str>) -> Option<String> {
        let t = obj.text(field?)?;
        let trimmed = t.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    /// A reference field: `X_Key`, or a composite `X` (+ `X_Type`). A value that is not a GUID is
    /// reported and dropped.
    pub fn reference(&mut self, obj: &RawObject, key: Ref, field: Option<&str>) -> Option<Ref> {
        let field = field?;
        if field.ends_with("_Key") {
            return match obj.reference(field) {
                Ok(r) => r,
                Err(e) => {
                    self.report(
                        Severity::Warning,
                        obj,
                        Some(key),
                        Some(field),
                        Some(e.value),
                        "not a GUID; reference dropped",
                    );
                    None
                }
            };
        }
        let text = obj.text(field)?;
        match Ref::parse(&text) {
            Ok(r) => r,
            Err(_) => {
                let kind = obj.text(&format!("{field}_Type")).unwrap_or_default();
                self.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(field),
                    Some(text),
                    format!("composite value is not a reference (type `{kind}`); dropped"),
                );
                None
            }
        }
    }

    /// The `_Type` of a composite field, if it has one.
    pub fn composite_type(&self, obj: &RawObject, field: &str) -> Option<String> {
        if field.ends_with("_Key") {
            return None;
        }
        obj.text(&format!("{field}_Type"))
    }

    /// A boolean field; a value that is not a boolean is reported and dropped.
    pub fn boolean(&mut self, obj: &RawObject, key: Ref, field: Option<&str>) -> Option<bool> {
        let field = field?;
        match obj.boolean(field) {
            Ok(b) => b,
            Err(e) => {
                self.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(field),
                    Some(e.value),
                    "not a boolean; dropped",
                );
                None
            }
        }
    }

    /// A date field; 1C's empty date is `None`, a malformed one is reported and dropped.
    pub fn date(&mut self, obj: &RawObject, key: Ref, field: Option<&str>) -> Option<NaiveDate> {
        let field = field?;
        match obj.date(field) {
            Ok(d) => d,
            Err(e) => {
                self.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(field),
                    Some(e.value),
                    "not a date; dropped",
                );
                None
            }
        }
    }

    /// The `Description` of an object of `set` by ref (for kind and unit lookups); the index of a
    /// set is built once.
    pub fn description_of(&mut self, set: &str, r: Ref) -> Option<String> {
        if !self.descriptions.contains_key(set) {
            let mut index = BTreeMap::new();
            self.source.each(set, &mut |o| {
                if let (Ok(Some(r)), Some(d)) = (o.ref_key(), o.text("Description")) {
                    index.insert(r, d);
                }
            });
            self.descriptions.insert(set.to_owned(), index);
        }
        self.descriptions.get(set).and_then(|i| i.get(&r)).cloned()
    }

    /// Resolves an owner reference to a client ref, following the partner/counterparty split.
    /// Returns `Err(message)` when the owner cannot be turned into a client.
    pub fn resolve_owner(&self, catalog: OwnerCatalog, owner: Ref) -> Result<Ref, String> {
        match (self.layout.companies_from, catalog) {
            (CompanySource::Counterparties, OwnerCatalog::Counterparties)
            | (CompanySource::Partners, OwnerCatalog::Partners) => Ok(owner),
            (CompanySource::Counterparties, OwnerCatalog::Partners) => self
                .partner_counterparties
                .get(&owner)
                .and_then(|v| v.first().copied())
                .ok_or_else(|| format!("partner {owner} has no counterparty; owner left empty")),
            (CompanySource::Partners, OwnerCatalog::Counterparties) => self
                .counterparty_partner
                .get(&owner)
                .copied()
                .ok_or_else(|| format!("counterparty {owner} has no partner; owner left empty")),
        }
    }

    /// Counterparties whose partner is `partner`, in the order read.
    pub fn counterparties_of_partner(&self, partner: Ref) -> &[Ref] {
        self.partner_counterparties
            .get(&partner)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Reads an owner field and resolves it to a client, reporting dangling and unresolvable owners.
    pub fn owner(
        &mut self,
        obj: &RawObject,
        key: Ref,
        field: Option<&str>,
        catalog: OwnerCatalog,
    ) -> Option<Ref> {
        let name = field?;
        let raw = self.reference(obj, key, Some(name))?;
        if let Some(kind) = self.composite_type(obj, name) {
            let expected = match catalog {
                OwnerCatalog::Counterparties => self.layout.counterparties.set.clone(),
                OwnerCatalog::Partners => self
                    .layout
                    .partners
                    .as_ref()
                    .map(|p| p.set.clone())
                    .unwrap_or_default(),
            };
            if !kind.ends_with(&format!(".{expected}")) && kind != expected {
                self.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(name),
                    Some(format!("{raw} ({kind})")),
                    format!("owner is not a `{expected}`; owner left empty"),
                );
                return None;
            }
        }
        match self.resolve_owner(catalog, raw) {
            Ok(owner) => {
                if !self.companies.contains(&owner) {
                    self.report(
                        Severity::Warning,
                        obj,
                        Some(key),
                        Some(name),
                        Some(owner.to_string()),
                        "owner is not among the clients read (dangling or filtered out)",
                    );
                }
                Some(owner)
            }
            Err(message) => {
                self.report(
                    Severity::Warning,
                    obj,
                    Some(key),
                    Some(name),
                    Some(raw.to_string()),
                    message,
                );
                None
            }
        }
    }

    fn index_partners(&mut self) {
        let Some(field) = self.layout.counterparties.partner.clone() else {
            return;
        };
        let set = self.layout.counterparties.set.clone();
        self.each(&set, |cx, obj| {
            let (Ok(Some(r)), Ok(Some(p))) =
                (obj.ref_key(), raw::row_ref(&obj.set, &obj.props, &field))
            else {
                return;
            };
            if obj.boolean("IsFolder").ok().flatten() == Some(true) {
                return;
            }
            cx.partner_counterparties.entry(p).or_default().push(r);
            cx.counterparty_partner.insert(r, p);
        });
    }

    pub(crate) fn register_rows(&mut self) -> &BTreeMap<Ref, Vec<RawRow>> {
        if self.register.is_none() {
            let mut index: BTreeMap<Ref, Vec<RawRow>> = BTreeMap::new();
            if let Some(reg) = self.layout.contact_info_register.clone() {
                self.each(&reg.set, |cx, obj| {
                    let Some(text) = obj.text(&reg.object) else {
                        return;
                    };
                    match Ref::parse(&text) {
                        Ok(Some(owner)) => index.entry(owner).or_default().push(obj.props.clone()),
                        _ => cx.report(
                            Severity::Warning,
                            obj,
                            None,
                            Some(&reg.object),
                            Some(text),
                            "contact-information record does not belong to an object; ignored",
                        ),
                    }
                });
            }
            self.register = Some(index);
        }
        self.register.get_or_insert_with(BTreeMap::new)
    }

    pub(crate) fn kind_names(&mut self) -> &BTreeMap<Ref, String> {
        if self.kinds.is_none() {
            let mut index = BTreeMap::new();
            if let Some(set) = &self.layout.contact_info.kinds_set {
                self.source.each(set, &mut |obj| {
                    if let Ok(Some(r)) = obj.ref_key() {
                        let name = obj
                            .text("PredefinedDataName")
                            .or_else(|| obj.text("Description"))
                            .unwrap_or_default();
                        index.insert(r, name);
                    }
                });
            }
            self.kinds = Some(index);
        }
        self.kinds.get_or_insert_with(BTreeMap::new)
    }
}

/// A text value of a raw row, trimmed; empty is `None`.
pub(crate) fn row_text(row: &RawRow, name: &str) -> Option<String> {
    let t = row.get(name).and_then(RawValue::as_text)?;
    let trimmed = t.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}
