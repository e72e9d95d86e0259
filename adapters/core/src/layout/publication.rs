//! What a base publishes, held against what a job needs, at run time.
//!
//! A real publication rarely contains every object: the administrator ticks objects in
//! «Стандартный интерфейс OData», and the real УТ 11 capture in `conformance/onec/ut11-trade-demo`
//! publishes `Catalog_Контрагенты` but neither `Catalog_Партнеры` nor the organizations' bank
//! accounts. So a reader asks `$metadata` first and [`Layout::publication`] decides, per layout
//! section (`counterparties`, `contacts`, …):
//!
//! - a section whose set, name or owner reference is not published is **skipped**, and so is every
//!   section that hangs on it (contacts whose owner catalog is skipped, contracts of skipped
//!   companies); the job reports it once, with the set and how to publish it;
//! - an optional field or tabular section the base lacks is left out of `$select` and reported as
//!   one warning per run;
//! - a job reads only the sections it needs: push never reads bank accounts, VAT, items or
//!   documents.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::needs::{all_needs, sets_to_read_where, Need};
use super::{CompanySource, Layout, LayoutProblem, OwnerCatalog, SetRead};
use crate::metadata::Metadata;

/// The jobs that read 1C.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// 1C reference data into Okdesk.
    Push,
    /// Okdesk issues into 1C tasks and time sheets.
    Pull,
    /// Paid issues into 1C invoices.
    Bill,
}

impl Job {
    /// Every job, in the order `check` lists them.
    pub const ALL: [Job; 3] = [Job::Push, Job::Pull, Job::Bill];

    /// The command name.
    pub fn as_str(self) -> &'static str {
        match self {
            Job::Push => "push",
            Job::Pull => "pull",
            Job::Bill => "bill",
        }
    }
}

/// Sections of reference data every job reads (pull and bill refer to the same companies,
/// contacts and contracts push sends).
const REFERENCE: &[&str] = &[
    "counterparties",
    "partners",
    "contacts",
    "contact_links",
    "contact_info_register",
    "contact_info",
    "contracts",
    "service_objects",
    "equipment_kinds",
    "manufacturers",
    "equipment_models",
    "equipment",
    "exchange_plan",
];

/// Which jobs read or write a layout section.
pub fn section_jobs(section: &str) -> &'static [Job] {
    if REFERENCE.contains(&section) {
        return &Job::ALL;
    }
    match section {
        "employees" => &[Job::Pull, Job::Bill],
        "task" | "time_sheet" => &[Job::Pull],
        "organizations" | "bank_accounts" | "items" | "vat" | "invoice" => &[Job::Bill],
        _ => &Job::ALL,
    }
}

/// The layout section a need belongs to: the first part of its key (`contacts.owner` →
/// `contacts`).
fn section_of(need: &Need) -> &str {
    need.key.split('.').next().unwrap_or(&need.key)
}

/// Whether a need is one its section cannot work without: the set itself, the record's name and
/// its owner reference. Everything else degrades to an empty value.
fn required(need: &Need) -> bool {
    if need.table.is_some() {
        return false;
    }
    let rest = need.key.split_once('.').map_or("", |(_, r)| r);
    matches!(
        rest,
        "set" | "name" | "owner" | "counterparty" | "contact" | "object"
    ) || (need.field.is_none() && !need.read)
}

/// One layout section a job cannot read, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedSection {
    /// The layout section (`contacts`).
    pub section: String,
    /// The entity set at fault (the section's own, or its parent's).
    pub set: String,
    /// The property at fault, when the set is published but lacks it.
    pub field: Option<String>,
    /// The section this one hangs on, when that one is skipped (`partners` for УТ 11 contacts).
    pub because_of: Option<String>,
    /// What is wrong and how to fix it, in Russian.
    pub message: String,
}

/// What a job can read from a base.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// The sets to read with the `$select` the base can answer.
    pub reads: Vec<SetRead>,
    /// Sections left out, each once.
    pub skipped: Vec<SkippedSection>,
    /// Optional fields, tabular sections or columns the base lacks: read as empty.
    pub warnings: Vec<LayoutProblem>,
}

impl Publication {
    /// Whether a section can be read.
    pub fn is_skipped(&self, section: &str) -> bool {
        self.skipped.iter().any(|s| s.section == section)
    }
}

/// The sections a section hangs on: its owner catalog, and the companies' own section.
fn parents(l: &Layout, section: &str) -> Vec<&'static str> {
    let owner = |c: OwnerCatalog| match c {
        OwnerCatalog::Counterparties => "counterparties",
        OwnerCatalog::Partners => "partners",
    };
    let companies = match l.companies_from {
        CompanySource::Counterparties => "counterparties",
        CompanySource::Partners => "partners",
    };
    let mut out = Vec::new();
    match section {
        "counterparties" if companies == "partners" => out.push("partners"),
        "contacts" => {
            out.push(companies);
            if let Some(k) = &l.contacts {
                out.push(owner(k.owner_catalog));
            }
        }
        "contact_links" | "contact_info_register" => out.push(companies),
        "contracts" => {
            out.push(companies);
            if let Some(k) = &l.contracts {
                out.push(owner(k.owner_catalog));
            }
        }
        "service_objects" => {
            out.push(companies);
            if let Some(k) = &l.service_objects {
                out.push(owner(k.owner_catalog));
            }
        }
        "equipment" => {
            out.push(companies);
            if let Some(k) = &l.equipment {
                out.push(owner(k.owner_catalog));
            }
        }
        _ => {}
    }
    out.retain(|p| *p != section);
    out.dedup();
    out
}

/// The hint every «not published» message ends with.
pub const PUBLISH_HINT: &str = "опубликуйте его в 1С: Администрирование → Синхронизация данных → \
     «Настройки стандартного интерфейса OData» (или обработкой «Настройка стандартного интерфейса \
     OData»)";

fn missing_message(need: &Need) -> String {
    match (&need.table, &need.field) {
        (_, Some(f)) => format!(
            "у набора {} нет свойства {f} (ключ раскладки `{}`): проверьте имя в раскладке или \
             опубликуйте реквизит",
            need.set, need.key
        ),
        _ => format!("набор {} не опубликован в OData: {PUBLISH_HINT}", need.set),
    }
}

pub(super) fn publication(l: &Layout, meta: &Metadata, job: Job) -> Publication {
    let needs: Vec<Need> = all_needs(l)
        .into_iter()
        .filter(|n| section_jobs(section_of(n)).contains(&job))
        .collect();
    // First pass: sections whose own required needs are missing.
    let mut skipped: BTreeMap<String, SkippedSection> = BTreeMap::new();
    for need in needs.iter().filter(|n| required(n)) {
        let section = section_of(need);
        if skipped.contains_key(section) {
            continue;
        }
        let Some(set) = meta.entity_set(&need.set) else {
            skipped.insert(
                section.to_owned(),
                SkippedSection {
                    section: section.to_owned(),
                    set: need.set.clone(),
                    field: None,
                    because_of: None,
                    message: missing_message(need),
                },
            );
            continue;
        };
        if let Some(f) = &need.field {
            if !set.has_property(f) {
                skipped.insert(
                    section.to_owned(),
                    SkippedSection {
                        section: section.to_owned(),
                        set: need.set.clone(),
                        field: Some(f.clone()),
                        because_of: None,
                        message: missing_message(need),
                    },
                );
            }
        }
    }
    // Then the sections that hang on a skipped one, until nothing changes (the chains are short).
    let sections: BTreeSet<&str> = needs.iter().map(section_of).collect();
    loop {
        let mut grew = false;
        for section in &sections {
            if skipped.contains_key(*section) {
                continue;
            }
            let Some(parent) = parents(l, section)
                .into_iter()
                .find(|p| skipped.contains_key(*p))
            else {
                continue;
            };
            let cause = &skipped[parent];
            let set = cause.set.clone();
            let message = format!(
                "не выгружается, потому что не читается раздел `{parent}`: {}",
                cause.message
            );
            skipped.insert(
                (*section).to_owned(),
                SkippedSection {
                    section: (*section).to_owned(),
                    set,
                    field: cause.field.clone(),
                    because_of: Some(parent.to_owned()),
                    message,
                },
            );
            grew = true;
        }
        if !grew {
            break;
        }
    }
    // What remains is read, with optional fields the base lacks left out and reported.
    let kept: Vec<Need> = needs
        .into_iter()
        .filter(|n| !skipped.contains_key(section_of(n)))
        .collect();
    let mut warnings = Vec::new();
    let mut reads: BTreeMap<String, (BTreeSet<String>, bool)> = BTreeMap::new();
    let exchange_plan = l.exchange_plan.as_deref();
    for need in &kept {
        let Some(set) = meta.entity_set(&need.set) else {
            // An optional helper set (a contract-kind catalog, say): its section still runs.
            warnings.push(LayoutProblem {
                key: need.key.clone(),
                set: need.set.clone(),
                table: None,
                field: None,
                message: format!("набор {} не опубликован в OData: {PUBLISH_HINT}", need.set),
            });
            continue;
        };
        let entry = (need.read && Some(need.set.as_str()) != exchange_plan)
            .then(|| reads.entry(need.set.clone()).or_default());
        match (&need.table, &need.field) {
            (Some(t), column) => {
                let Some(rows) = set.tables.get(t) else {
                    if !set.has_property(t) {
                        warnings.push(LayoutProblem {
                            key: need.key.clone(),
                            set: need.set.clone(),
                            table: Some(t.clone()),
                            field: None,
                            message: format!("у набора {} нет табличной части {t}", need.set),
                        });
                        continue;
                    }
                    if let Some(e) = entry {
                        e.0.insert(t.clone());
                    }
                    continue;
                };
                if let Some(c) = column {
                    if !rows.iter().any(|p| &p.name == c) {
                        warnings.push(LayoutProblem {
                            key: need.key.clone(),
                            set: need.set.clone(),
                            table: Some(t.clone()),
                            field: Some(c.clone()),
                            message: format!("в табличной части {}.{t} нет колонки {c}", need.set),
                        });
                    }
                }
                if let Some(e) = entry {
                    e.0.insert(t.clone());
                }
            }
            (None, Some(f)) => {
                if !set.has_property(f) {
                    warnings.push(LayoutProblem {
                        key: need.key.clone(),
                        set: need.set.clone(),
                        table: None,
                        field: Some(f.clone()),
                        message: format!("у набора {} нет свойства {f}", need.set),
                    });
                    continue;
                }
                if let Some(e) = entry {
                    e.0.insert(f.clone());
                }
            }
            (None, None) => {
                if let Some(e) = entry {
                    e.1 |= need.register;
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    warnings.retain(|p| seen.insert((p.set.clone(), p.table.clone(), p.field.clone())));
    let reads = reads
        .into_iter()
        .map(|(set, (mut select, register))| {
            if !register {
                for std in ["Ref_Key", "DataVersion", "DeletionMark"] {
                    select.insert(std.to_owned());
                }
            }
            SetRead {
                set,
                select: select.into_iter().collect(),
                register,
            }
        })
        .collect();
    Publication {
        reads,
        skipped: skipped.into_values().collect(),
        warnings,
    }
}

/// What `job` reads when the base's `$metadata` is not available: every set and field its
/// sections name.
pub(super) fn unchecked(l: &Layout, job: Job) -> Vec<SetRead> {
    sets_to_read_where(l, |n| section_jobs(section_of(n)).contains(&job))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ut11() -> (Layout, Metadata) {
        let layout = Layout::from_toml(include_str!("../../../ut11/src/layout.toml")).unwrap();
        let meta = crate::odata::edmx::parse(include_bytes!(
            "../../../../conformance/onec/ut11-dump/metadata.xml"
        ))
        .unwrap();
        (layout, meta)
    }

    #[test]
    fn the_real_configuration_publishing_everything_skips_nothing() {
        let (layout, meta) = ut11();
        for job in Job::ALL {
            let p = layout.publication(&meta, job);
            assert!(p.skipped.is_empty(), "{job:?}: {:?}", p.skipped);
            assert!(p.warnings.is_empty(), "{job:?}: {:?}", p.warnings);
        }
        let push = layout.publication(&meta, Job::Push);
        let sets: Vec<&str> = push.reads.iter().map(|r| r.set.as_str()).collect();
        for not_for_push in [
            "Catalog_БанковскиеСчетаОрганизаций",
            "Catalog_СтавкиНДС",
            "Catalog_Номенклатура",
            "Catalog_Организации",
            "Catalog_Пользователи",
        ] {
            assert!(!sets.contains(&not_for_push), "{sets:?}");
        }
        assert!(sets.contains(&"Catalog_Контрагенты"));
    }

    #[test]
    fn a_missing_owner_catalog_skips_its_dependants_and_a_missing_field_is_a_warning() {
        let (layout, mut meta) = ut11();
        meta.entity_sets.remove("Catalog_Партнеры");
        meta.entity_sets
            .get_mut("Catalog_Контрагенты")
            .unwrap()
            .properties
            .retain(|p| p.name != "КПП");
        let p = layout.publication(&meta, Job::Push);
        let partners = p.skipped.iter().find(|s| s.section == "partners").unwrap();
        assert_eq!(partners.set, "Catalog_Партнеры");
        assert!(partners.message.contains("не опубликован"), "{partners:?}");
        let contacts = p.skipped.iter().find(|s| s.section == "contacts").unwrap();
        assert_eq!(contacts.because_of.as_deref(), Some("partners"));
        assert!(!p.is_skipped("counterparties") && !p.is_skipped("contracts"));
        assert!(p
            .warnings
            .iter()
            .any(|w| w.set == "Catalog_Контрагенты" && w.field.as_deref() == Some("КПП")));
        let read = p
            .reads
            .iter()
            .find(|r| r.set == "Catalog_Контрагенты")
            .unwrap();
        assert!(!read.select.contains(&"КПП".to_owned()));
        assert!(!p
            .reads
            .iter()
            .any(|r| r.set == "Catalog_КонтактныеЛицаПартнеров"));
    }

    #[test]
    fn a_missing_name_skips_the_section_and_names_the_property() {
        let (layout, mut meta) = ut11();
        meta.entity_sets
            .get_mut("Catalog_Контрагенты")
            .unwrap()
            .properties
            .retain(|p| p.name != "Description");
        let p = layout.publication(&meta, Job::Push);
        let c = p
            .skipped
            .iter()
            .find(|s| s.section == "counterparties")
            .unwrap();
        assert_eq!(c.field.as_deref(), Some("Description"));
        assert!(c.message.contains("Description"), "{}", c.message);
        // Everything that hangs on the companies goes with them.
        for dependant in ["contacts", "contracts"] {
            assert!(p.is_skipped(dependant), "{dependant}: {:?}", p.skipped);
        }
    }
}
