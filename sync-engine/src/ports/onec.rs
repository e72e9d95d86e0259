//! The 1C side of push: reading reference data through a configuration adapter, with the
//! raw-object cache that makes a second read cost only what changed.

use std::collections::BTreeMap;

use async_trait::async_trait;
use onec_adapter::{Diagnostic, RawObject};
use onec_model::Snapshot;

use super::PortError;

/// The raw-object cache handed to [`OnecPort::read`]: entity set → `Ref_Key` → (`DataVersion`,
/// object), as the state store holds it.
pub type RawCache = BTreeMap<String, BTreeMap<String, (String, RawObject)>>;

/// The changes to the raw cache a read produced, for the job to persist.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CacheUpdate {
    /// Per entity set: rows fetched fresh (ref, version, object) and every ref still alive.
    pub sets: BTreeMap<String, SetUpdate>,
}

/// The cache changes of one entity set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetUpdate {
    /// Rows read in full this time: (ref, version, object).
    pub fresh: Vec<(String, String, RawObject)>,
    /// Every ref the scan saw (rows not in it are gone from 1C).
    pub alive: Vec<String>,
}

/// What the 1C side produced for a push.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnecRead {
    /// The reference data in the neutral model.
    pub snapshot: Snapshot,
    /// What the adapter could not map cleanly.
    pub diagnostics: Vec<Diagnostic>,
    /// Raw-cache changes to persist.
    pub cache: CacheUpdate,
}

/// The 1C side of push. Pull and bill add document writes to this trait (or a sibling one).
#[async_trait]
pub trait OnecPort: Send + Sync {
    /// The configuration id (`ut11`, `esti`, …) for reports.
    fn configuration(&self) -> &str;

    /// Reads the reference data to push, fetching full rows only for keys whose `DataVersion`
    /// differs from `cache`.
    async fn read(&self, cache: &RawCache) -> Result<OnecRead, PortError>;

    /// How many requests this port has made so far.
    fn requests(&self) -> u64;
}
