//! The 1C side of push: reading reference data through a configuration adapter, with the
//! raw-object cache that makes a second read cost only what changed.
//!
//! The port reads and writes the cache as it goes, one entity set and one page at a time, and maps
//! from it object by object: a read never holds the whole base as raw objects, which at tens of
//! thousands of counterparties would take gigabytes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use onec_adapter::{Diagnostic, RawObject};
use onec_model::{Ref, Snapshot};

use super::PortError;

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
