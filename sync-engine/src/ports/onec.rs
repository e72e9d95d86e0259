//! The 1C side of push: reading reference data through a configuration adapter, with the
//! raw-object cache that makes a second read cost only what changed.
//!
//! The port reads and writes the cache as it goes, one entity set and one page at a time, and maps
//! from it object by object: a read never holds the whole base as raw objects, which at tens of
//! thousands of counterparties would take gigabytes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use onec_adapter::layout::CompanySource;
use onec_adapter::{Diagnostic, Layout, Publication, RawObject, Severity, SkippedSection};
use onec_model::{Ref, Snapshot};

use super::PortError;
use crate::kinds::EntityKind;

/// One row read in full: the object's reference, its `DataVersion` and the object.
pub type CachedRow = (Ref, String, RawObject);

/// The raw-object cache as a port uses it: entity set → `Ref_Key` → (`DataVersion`, object). The
/// state store implements it over SQLite ([`crate::state::RawCacheHandle`]); [`RawCache`] is an
/// in-memory one for tests and one-off reads.
pub trait RawCacheStore: Send + Sync {
    /// The cached `DataVersion` of every object of `set`.
    fn versions(&self, set: &str) -> Result<HashMap<Ref, String>, PortError>;

    /// Writes rows read in full (a newer version of a cached object replaces it).
    fn store(&self, set: &str, rows: &[CachedRow]) -> Result<(), PortError>;

    /// Drops the objects of `set` whose reference is not in `alive` (deleted in 1C).
    fn retain(&self, set: &str, alive: &[Ref]) -> Result<(), PortError>;

    /// The cached objects of `set` with these references, in that order; references not cached
    /// are skipped.
    fn load(&self, set: &str, refs: &[Ref]) -> Result<Vec<RawObject>, PortError>;
}

/// Entity set → `Ref_Key` → (`DataVersion`, object).
type Sets = BTreeMap<String, BTreeMap<Ref, (String, RawObject)>>;

/// An in-memory raw-object cache (tests, and reads that keep nothing between runs).
#[derive(Debug, Default)]
pub struct RawCache {
    sets: Mutex<Sets>,
}

impl RawCache {
    fn sets(&self) -> std::sync::MutexGuard<'_, Sets> {
        // Every critical section below is a plain map operation that cannot panic half-way.
        self.sets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many objects of `set` are cached.
    pub fn count(&self, set: &str) -> usize {
        self.sets().get(set).map_or(0, BTreeMap::len)
    }
}

impl RawCacheStore for RawCache {
    fn versions(&self, set: &str) -> Result<HashMap<Ref, String>, PortError> {
        Ok(self
            .sets()
            .get(set)
            .map(|s| s.iter().map(|(r, (v, _))| (*r, v.clone())).collect())
            .unwrap_or_default())
    }

    fn store(&self, set: &str, rows: &[CachedRow]) -> Result<(), PortError> {
        let mut sets = self.sets();
        let cached = sets.entry(set.to_owned()).or_default();
        for (r, version, obj) in rows {
            cached.insert(*r, (version.clone(), obj.clone()));
        }
        Ok(())
    }

    fn retain(&self, set: &str, alive: &[Ref]) -> Result<(), PortError> {
        let alive: std::collections::HashSet<&Ref> = alive.iter().collect();
        if let Some(cached) = self.sets().get_mut(set) {
            cached.retain(|r, _| alive.contains(r));
        }
        Ok(())
    }

    fn load(&self, set: &str, refs: &[Ref]) -> Result<Vec<RawObject>, PortError> {
        let sets = self.sets();
        let Some(cached) = sets.get(set) else {
            return Ok(Vec::new());
        };
        Ok(refs
            .iter()
            .filter_map(|r| cached.get(r).map(|(_, o)| o.clone()))
            .collect())
    }
}

/// What the 1C side produced for a push.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnecRead {
    /// The reference data in the neutral model.
    pub snapshot: Snapshot,
    /// What the adapter could not map cleanly.
    pub diagnostics: Vec<Diagnostic>,
    /// Kinds of records the base does not publish (or publishes without a property they cannot
    /// do without): their records are not in the snapshot, and push reports each kind once.
    pub unread: Vec<UnreadKind>,
}

/// A kind of record push could not read from 1C, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadKind {
    /// The kind.
    pub kind: EntityKind,
    /// The entity set at fault.
    pub set: String,
    /// The property at fault, when the set is published without it.
    pub field: Option<String>,
    /// What is wrong and how to publish it, in Russian.
    pub message: String,
}

impl UnreadKind {
    /// The kinds a skipped layout section takes with it: the section's own kind, for the
    /// sections that are one (`contacts`, `contracts`, …); helper sections (`partners` in УТ 11,
    /// a contact register) map to none and only their dependants are reported.
    pub fn from_skipped(layout: &Layout, skipped: &SkippedSection) -> Option<UnreadKind> {
        let kind = match skipped.section.as_str() {
            "counterparties" if layout.companies_from == CompanySource::Counterparties => {
                EntityKind::Companies
            }
            "partners" if layout.companies_from == CompanySource::Partners => EntityKind::Companies,
            "contacts" => EntityKind::Contacts,
            "contracts" => EntityKind::Agreements,
            "service_objects" => EntityKind::Objects,
            "equipment" => EntityKind::Equipment,
            "equipment_kinds" => EntityKind::EquipmentKinds,
            "manufacturers" => EntityKind::Manufacturers,
            "equipment_models" => EntityKind::Models,
            _ => return None,
        };
        Some(UnreadKind {
            kind,
            set: skipped.set.clone(),
            field: skipped.field.clone(),
            message: skipped.message.clone(),
        })
    }
}

/// The warnings a publication gives for optional names the base lacks, as read diagnostics.
pub fn publication_diagnostics(layout: &Layout, publication: &Publication) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = publication
        .warnings
        .iter()
        .map(|w| Diagnostic {
            set: w.set.clone(),
            key: None,
            field: match (&w.table, &w.field) {
                (Some(t), Some(c)) => Some(format!("{t}.{c}")),
                (Some(t), None) => Some(t.clone()),
                (None, f) => f.clone(),
            },
            value: None,
            message: format!(
                "{} (ключ раскладки `{}`): значение читается пустым",
                w.message, w.key
            ),
            severity: Severity::Warning,
        })
        .collect();
    // Helper sections that are no kind of their own are still worth one line (kinds are reported
    // as failures by push).
    for s in &publication.skipped {
        if s.because_of.is_none() && UnreadKind::from_skipped(layout, s).is_none() {
            out.push(Diagnostic {
                set: s.set.clone(),
                key: None,
                field: s.field.clone(),
                value: None,
                message: format!("раздел `{}` не читается: {}", s.section, s.message),
                severity: Severity::Warning,
            });
        }
    }
    out
}

/// The 1C side of push. Pull and bill add document writes to this trait (or a sibling one).
#[async_trait]
pub trait OnecPort: Send + Sync {
    /// The configuration id (`ut11`, `esti`, …) for reports.
    fn configuration(&self) -> &str;

    /// Reads the reference data to push, fetching full rows only for keys whose `DataVersion`
    /// differs from `cache`, and bringing `cache` up to date as it goes (fresh rows written,
    /// objects deleted in 1C dropped). Ports that have no versions ignore the cache.
    async fn read(&self, cache: &dyn RawCacheStore) -> Result<OnecRead, PortError>;

    /// How many requests this port has made so far.
    fn requests(&self) -> u64;
}
