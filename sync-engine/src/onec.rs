//! The real `OnecPort`: a configuration adapter over the OData transport.
//!
//! Reading costs what changed: for every entity set the layout needs, a `Ref_Key` + `DataVersion`
//! scan, then full rows (only the `$select`ed fields) for keys whose version differs from the raw
//! cache in the state store; unchanged objects come from the cache. Information registers have no
//! versions and are read whole.
//!
//! Memory stays flat whatever the size of the base: fresh rows go to the cache page by page as
//! they arrive, and the adapter then maps from the cache one object at a time (a [`RawSource`]
//! over the cache, in the order 1C listed the objects). Only the scan's references, the register
//! rows and the mapped snapshot are held whole.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::pin::pin;
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;
use onec_adapter::odata::{OdataClient, OdataError};
use onec_adapter::{Adapter, Diagnostic, Job, Layout, RawObject, RawSource, SetRead, Severity};
use onec_model::Ref;

use crate::ports::onec::{CachedRow, RawCacheStore};
use crate::ports::{publication_diagnostics, OnecPort, OnecRead, PortError, UnreadKind};

/// Fresh rows written to the cache in one transaction: large enough that commits do not
/// dominate, small enough that the batch is a few megabytes at most.
const STORE_BATCH: usize = 500;

/// Cached objects loaded for mapping at once.
const LOAD_BATCH: usize = 256;

/// An adapter (with an optional custom layout) reading over OData.
pub struct OdataOnecPort {
    adapter: Arc<dyn Adapter>,
    layout: Option<Layout>,
    client: OdataClient,
}

/// What one entity set left for mapping.
enum SetObjects {
    /// The references alive in 1C, in the order the scan listed them; the objects are in the
    /// cache.
    Cached(Vec<Ref>),
    /// A register read whole (no versions, so nothing is cached).
    Whole(Vec<RawObject>),
}

impl OdataOnecPort {
    /// A port reading with `adapter`'s own layout.
    pub fn new(adapter: Arc<dyn Adapter>, client: OdataClient) -> Self {
        OdataOnecPort {
            adapter,
            layout: None,
            client,
        }
    }

    /// Uses a custom layout over the adapter's quirks (`base = "ut11"` plus renamed sets).
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = Some(layout);
        self
    }

    fn layout(&self) -> &Layout {
        self.layout
            .as_ref()
            .unwrap_or_else(|| self.adapter.layout())
    }

    /// Reads one entity set: a register whole; a catalog by the version scan, then changed rows
    /// only, each page written to the cache as it arrives, and the rows deleted in 1C dropped
    /// from it.
    async fn read_set(
        &self,
        read: &SetRead,
        cache: &dyn RawCacheStore,
    ) -> Result<SetObjects, PortError> {
        let select: Vec<&str> = read.select.iter().map(String::as_str).collect();
        if read.register {
            let rows = self
                .client
                .query(&read.set)
                .select(&select)
                .unordered()
                .fetch()
                .await
                .map_err(port_error)?;
            return Ok(SetObjects::Whole(rows));
        }
        let versions = self.client.versions(&read.set).await.map_err(port_error)?;
        let changed: HashMap<Ref, &str> = {
            let cached = cache.versions(&read.set)?;
            versions
                .iter()
                .filter(|v| {
                    cached.get(&v.reference).is_none_or(|version| {
                        *version != v.data_version || v.data_version.is_empty()
                    })
                })
                .map(|v| (v.reference, v.data_version.as_str()))
                .collect()
        };
        let mut received = HashSet::new();
        if !changed.is_empty() {
            let refs: Vec<Ref> = changed.keys().copied().collect();
            let mut pages = pin!(self.client.pages_by_refs(&read.set, &refs, &select));
            let mut batch: Vec<CachedRow> = Vec::new();
            while let Some(page) = pages.next().await {
                for obj in page.map_err(port_error)? {
                    // Rows 1C sends that were not asked for (or have no usable key) are not
                    // cached: the scan decides what exists.
                    let Ok(Some(r)) = obj.ref_key() else { continue };
                    let Some(version) = changed.get(&r) else {
                        continue;
                    };
                    if received.insert(r) {
                        batch.push((r, (*version).to_owned(), obj));
                    }
                }
                if batch.len() >= STORE_BATCH {
                    cache.store(&read.set, &batch)?;
                    batch.clear();
                }
            }
            if !batch.is_empty() {
                cache.store(&read.set, &batch)?;
            }
        }
        // Unchanged keys are in the cache; a changed key whose row did not come was deleted
        // between the scan and the fetch: it is left out and the next run sees it gone.
        let mut listed = HashSet::with_capacity(versions.len());
        let alive: Vec<Ref> = versions
            .iter()
            .map(|v| v.reference)
            .filter(|r| !changed.contains_key(r) || received.contains(r))
            .filter(|r| listed.insert(*r))
            .collect();
        cache.retain(&read.set, &alive)?;
        Ok(SetObjects::Cached(alive))
    }

    /// Maps what the read left, from the cache one object at a time.
    fn map(
        &self,
        sets: HashMap<String, SetObjects>,
        cache: &dyn RawCacheStore,
    ) -> Result<OnecRead, PortError> {
        let source = CacheSource {
            cache,
            sets,
            failure: RefCell::new(None),
        };
        let mapped = self.adapter.map_source(self.layout(), &source);
        if let Some(e) = source.failure.into_inner() {
            return Err(e);
        }
        Ok(OnecRead {
            snapshot: mapped.value,
            diagnostics: mapped.diagnostics,
            unread: Vec::new(),
        })
    }
}

/// The objects of one read as the adapter maps them: cached sets are loaded from the cache a
/// batch at a time in scan order, registers come from memory. The first cache failure stops
/// every further hand-out and fails the read.
struct CacheSource<'c> {
    cache: &'c dyn RawCacheStore,
    sets: HashMap<String, SetObjects>,
    failure: RefCell<Option<PortError>>,
}

impl CacheSource<'_> {
    fn failed(&self) -> bool {
        self.failure.borrow().is_some()
    }

    fn fail(&self, e: PortError) {
        self.failure.borrow_mut().get_or_insert(e);
    }
}

impl RawSource for CacheSource<'_> {
    fn each(&self, set: &str, f: &mut dyn FnMut(&RawObject)) {
        match self.sets.get(set) {
            None => {}
            Some(SetObjects::Whole(objects)) => objects.iter().for_each(f),
            Some(SetObjects::Cached(refs)) => {
                for chunk in refs.chunks(LOAD_BATCH) {
                    if self.failed() {
                        return;
                    }
                    match self.cache.load(set, chunk) {
                        Ok(objects) => objects.iter().for_each(&mut *f),
                        Err(e) => self.fail(e),
                    }
                }
            }
        }
    }

    fn find(&self, set: &str, key: Ref) -> Option<Cow<'_, RawObject>> {
        if self.failed() {
            return None;
        }
        match self.sets.get(set)? {
            SetObjects::Whole(objects) => objects
                .iter()
                .rev()
                .find(|o| o.ref_key().ok().flatten() == Some(key))
                .map(Cow::Borrowed),
            // After the read the cache of a set holds exactly its live objects.
            SetObjects::Cached(_) => match self.cache.load(set, &[key]) {
                Ok(mut found) => found.pop().map(Cow::Owned),
                Err(e) => {
                    self.fail(e);
                    None
                }
            },
        }
    }
}

/// Reads only: a failed read never leaves anything written.
fn port_error(e: OdataError) -> PortError {
    crate::errors::onec(&e, false)
}

#[async_trait]
impl OnecPort for OdataOnecPort {
    fn configuration(&self) -> &str {
        &self.adapter.info().id
    }

    async fn read(&self, cache: &dyn RawCacheStore) -> Result<OnecRead, PortError> {
        let layout = self.layout();
        // `$metadata` first: a real publication rarely holds every object, and a `$select` naming
        // a property the base lacks fails the whole set (1C's error 10). Push reads only what it
        // needs and what is published; a kind whose set is missing is reported, the rest syncs.
        let (reads, mut diagnostics, unread) = match self.client.metadata().await {
            Ok(meta) => {
                let publication = layout.publication(&meta, Job::Push);
                let unread = publication
                    .skipped
                    .iter()
                    .filter_map(|s| UnreadKind::from_skipped(layout, s))
                    .collect();
                let diagnostics = publication_diagnostics(layout, &publication);
                (publication.reads, diagnostics, unread)
            }
            // Without `$metadata` the read goes on with what the layout names: a base that
            // answers the data but not its description should not stop the push.
            Err(e)
                if !matches!(
                    e,
                    OdataError::Unauthorized { .. } | OdataError::Unreachable { .. }
                ) =>
            {
                let warning = Diagnostic {
                    set: "$metadata".into(),
                    key: None,
                    field: None,
                    value: None,
                    message: format!(
                        "не удалось прочитать $metadata ({e}); читается всё, что названо в раскладке"
                    ),
                    severity: Severity::Warning,
                };
                (
                    layout.publication_unchecked(Job::Push),
                    vec![warning],
                    Vec::new(),
                )
            }
            Err(e) => return Err(port_error(e)),
        };
        // Sets are read one after another: the client already runs the chunks of one set
        // concurrently, and 1C servers are rarely sized for more.
        let mut sets = HashMap::new();
        for read in reads {
            let objects = self.read_set(&read, cache).await?;
            sets.insert(read.set, objects);
        }
        let mut out = self.map(sets, cache)?;
        diagnostics.append(&mut out.diagnostics);
        out.diagnostics = diagnostics;
        out.unread = unread;
        Ok(out)
    }

    fn requests(&self) -> u64 {
        self.client.stats().requests
    }
}
