//! The real `OnecPort`: a configuration adapter over the OData transport.
//!
//! Reading costs what changed: for every entity set the layout needs, a `Ref_Key` + `DataVersion`
//! scan, then full rows (only the `$select`ed fields) for keys whose version differs from the raw
//! cache in the state store; unchanged objects come from the cache. Information registers have no
//! versions and are read whole. The whole `RawDataset` is then mapped by the adapter, which stays
//! pure.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use onec_adapter::odata::{OdataClient, OdataError};
use onec_adapter::{Adapter, Layout, RawDataset, RawObject, SetRead};
use onec_model::Ref;

use crate::ports::{CacheUpdate, ErrorClass, OnecPort, OnecRead, PortError, RawCache, SetUpdate};

/// An adapter (with an optional custom layout) reading over OData.
pub struct OdataOnecPort {
    adapter: Arc<dyn Adapter>,
    layout: Option<Layout>,
    client: OdataClient,
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

    /// Reads one entity set: the version scan, then changed rows only.
    async fn read_set(
        &self,
        read: &SetRead,
        cached: Option<&BTreeMap<String, (String, RawObject)>>,
    ) -> Result<(Vec<RawObject>, Option<SetUpdate>), OdataError> {
        let select: Vec<&str> = read.select.iter().map(String::as_str).collect();
        if read.register {
            let rows = self
                .client
                .query(&read.set)
                .select(&select)
                .unordered()
                .fetch()
                .await?;
            return Ok((rows, None));
        }
        let versions = self.client.versions(&read.set).await?;
        let changed: Vec<Ref> = versions
            .iter()
            .filter(|v| {
                cached
                    .and_then(|c| c.get(&v.reference.to_string()))
                    .is_none_or(|(version, _)| {
                        *version != v.data_version || v.data_version.is_empty()
                    })
            })
            .map(|v| v.reference)
            .collect();
        let mut fresh_by_ref: BTreeMap<String, RawObject> = BTreeMap::new();
        if !changed.is_empty() {
            for obj in self
                .client
                .get_by_refs(&read.set, &changed, &select)
                .await?
            {
                if let Ok(Some(r)) = obj.ref_key() {
                    fresh_by_ref.insert(r.to_string(), obj);
                }
            }
        }
        let mut objects = Vec::with_capacity(versions.len());
        let mut update = SetUpdate::default();
        for v in &versions {
            let key = v.reference.to_string();
            if let Some(obj) = fresh_by_ref.remove(&key) {
                update
                    .fresh
                    .push((key.clone(), v.data_version.clone(), obj.clone()));
                objects.push(obj);
                update.alive.push(key);
            } else if let Some((_, obj)) = cached.and_then(|c| c.get(&key)) {
                objects.push(obj.clone());
                update.alive.push(key);
            }
            // A key listed by the scan but gone by the time its row was fetched was deleted in
            // between; it is left out and the next run sees it gone.
        }
        Ok((objects, Some(update)))
    }
}

fn port_error(e: OdataError) -> PortError {
    let class = match &e {
        OdataError::Unauthorized { .. } => ErrorClass::Auth,
        OdataError::Unreachable { .. } | OdataError::Transport { .. } => ErrorClass::Transport,
        OdataError::NotFound { .. } => ErrorClass::NotFound,
        OdataError::Decode { .. } => ErrorClass::Decode,
        _ => ErrorClass::Server,
    };
    PortError::new(class, e.to_string())
}

#[async_trait]
impl OnecPort for OdataOnecPort {
    fn configuration(&self) -> &str {
        &self.adapter.info().id
    }

    async fn read(&self, cache: &RawCache) -> Result<OnecRead, PortError> {
        let sets = self.layout().entity_sets_to_read();
        // Sets are read one after another: the client already runs the chunks of one set
        // concurrently, and 1C servers are rarely sized for more.
        let mut results = Vec::with_capacity(sets.len());
        for read in &sets {
            let (objects, update) = self
                .read_set(read, cache.get(&read.set))
                .await
                .map_err(port_error)?;
            results.push((read.set.clone(), objects, update));
        }
        let mut data = RawDataset::default();
        let mut update = CacheUpdate::default();
        for (set, objects, set_update) in results {
            data.sets.entry(set.clone()).or_default().extend(objects);
            if let Some(u) = set_update {
                update.sets.insert(set, u);
            }
        }
        let mapped = match &self.layout {
            Some(layout) => self.adapter.map_with(layout, &data),
            None => self.adapter.map(&data),
        };
        Ok(OnecRead {
            snapshot: mapped.value,
            diagnostics: mapped.diagnostics,
            cache: update,
        })
    }

    fn requests(&self) -> u64 {
        self.client.stats().requests
    }
}
