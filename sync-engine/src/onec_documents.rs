//! The real `OnecDocuments`: pull's and bill's 1C side, an adapter over the OData transport.
//!
//! Reference data (users, organizations with bank accounts, items, the VAT catalog) is read whole
//! with the layout's `$select`s once per run; documents are found with one `$filter`ed query,
//! created with POST or updated with PATCH (tabular sections replaced whole), then posted. Writes
//! are never retried by the transport; a create whose answer was lost is found again by the
//! engine with [`OnecDocuments::find`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use async_trait::async_trait;
use onec_adapter::documents::LookupMatch;
use onec_adapter::odata::{Filter, OdataClient, OdataError};
use onec_adapter::{
    Adapter, Diagnostic, DocumentWrite, Job, Layout, RawDataset, RawObject, SetRead,
};
use onec_model::Ref;

use crate::ports::documents::{DocQuery, OnecDocuments, OnecReference};
use crate::ports::{publication_diagnostics, PortError};

/// The adapter a port builds with: a configuration crate's static one or a shared custom one.
#[derive(Clone)]
pub enum AdapterRef {
    /// `onec_adapter_<x>::adapter()`.
    Static(&'static dyn Adapter),
    /// A custom adapter (a layout file over a base).
    Shared(Arc<dyn Adapter>),
}

impl AdapterRef {
    fn get(&self) -> &dyn Adapter {
        match self {
            AdapterRef::Static(a) => *a,
            AdapterRef::Shared(a) => a.as_ref(),
        }
    }
}

/// Pull's and bill's 1C side over OData.
pub struct OdataDocuments {
    adapter: AdapterRef,
    layout: Option<Layout>,
    client: OdataClient,
}

impl OdataDocuments {
    /// A port writing with `adapter`'s own layout.
    pub fn new(adapter: AdapterRef, client: OdataClient) -> Self {
        OdataDocuments {
            adapter,
            layout: None,
            client,
        }
    }

    /// Uses a custom layout over the adapter's quirks.
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = Some(layout);
        self
    }
}

/// Maps a transport error of a read to a port error ([`crate::errors::onec`]).
pub fn port_error(e: OdataError) -> PortError {
    crate::errors::onec(&e, false)
}

/// The same for a write, whose broken connection may have left the document in 1C.
fn write_error(e: OdataError) -> PortError {
    crate::errors::onec(&e, true)
}

impl OdataDocuments {
    /// The sets pull and bill read, from `$metadata` when the base answers it.
    async fn reads(&self) -> Result<(Vec<SetRead>, Vec<Diagnostic>), PortError> {
        let layout = self.layout();
        let meta = match self.client.metadata().await {
            Ok(meta) => meta,
            Err(e @ (OdataError::Unauthorized { .. } | OdataError::Unreachable { .. })) => {
                return Err(port_error(e))
            }
            // A base that answers data but not its description: read what the layout names.
            Err(_) => return Ok((layout.entity_sets_to_read(), Vec::new())),
        };
        let mut merged: BTreeMap<String, SetRead> = BTreeMap::new();
        let mut warnings = Vec::new();
        for job in [Job::Pull, Job::Bill] {
            let publication = layout.publication(&meta, job);
            warnings.extend(publication_diagnostics(layout, &publication));
            for read in publication.reads {
                match merged.get_mut(&read.set) {
                    Some(have) => {
                        let mut select: BTreeSet<String> = have.select.drain(..).collect();
                        select.extend(read.select);
                        have.select = select.into_iter().collect();
                    }
                    None => {
                        merged.insert(read.set.clone(), read);
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        warnings.retain(|d| seen.insert((d.set.clone(), d.field.clone(), d.message.clone())));
        Ok((merged.into_values().collect(), warnings))
    }
}

#[async_trait]
impl OnecDocuments for OdataDocuments {
    fn configuration(&self) -> &str {
        &self.adapter.get().info().id
    }

    fn adapter(&self) -> &dyn Adapter {
        self.adapter.get()
    }

    fn layout(&self) -> &Layout {
        self.layout
            .as_ref()
            .unwrap_or_else(|| self.adapter.get().layout())
    }

    async fn reference(&self) -> Result<OnecReference, PortError> {
        let mut data = RawDataset::default();
        // Pull and bill read the reference data their documents refer to; what the base does
        // not publish is left out with a warning instead of failing the read (1C answers a
        // `$select` naming an unknown property with error 10 for the whole set).
        let (reads, mut warnings) = self.reads().await?;
        for read in reads {
            let select: Vec<&str> = read.select.iter().map(String::as_str).collect();
            let mut query = self.client.query(&read.set).select(&select);
            if read.register {
                query = query.unordered();
            }
            let rows = query.fetch().await.map_err(port_error)?;
            data.sets.entry(read.set.clone()).or_default().extend(rows);
        }
        let adapter = self.adapter.get();
        let mapped = match &self.layout {
            Some(layout) => adapter.map_with(layout, &data),
            None => adapter.map(&data),
        };
        let vat = adapter.vat_rates(&data);
        let mut diagnostics = mapped.diagnostics;
        diagnostics.append(&mut warnings);
        diagnostics.extend(vat.diagnostics);
        // The national currency, found by its code, where the document needs a currency.
        let currency = self.layout().invoice.as_ref().and_then(|i| {
            let set = i.currency_set.as_ref()?;
            data.sets.get(set)?.iter().find_map(|o| {
                let code = o.text("Code")?;
                (code.trim() == i.currency_code)
                    .then(|| o.ref_key().ok().flatten())
                    .flatten()
            })
        });
        Ok(OnecReference {
            snapshot: mapped.value,
            vat_rates: vat.value,
            diagnostics,
            currency,
        })
    }

    async fn find(&self, query: &DocQuery) -> Result<Vec<RawObject>, PortError> {
        let filter = match &query.matches {
            LookupMatch::Equals(v) => Filter::eq(query.field.clone(), v.as_str()),
            LookupMatch::Contains(v) => Filter::substring_of(v.clone(), query.field.clone()),
        };
        self.client
            .query(&query.set)
            .filter(filter)
            .fetch()
            .await
            .map_err(port_error)
    }

    async fn get(&self, set: &str, r#ref: Ref) -> Result<RawObject, PortError> {
        self.client.get(set, r#ref).await.map_err(port_error)
    }

    async fn write(&self, write: &DocumentWrite) -> Result<RawObject, PortError> {
        let result = match write.r#ref {
            Some(r) => self.client.patch(&write.object.set, r, &write.object).await,
            None => self.client.create(&write.object).await,
        };
        // A create whose connection broke may have been committed by 1C; a PATCH of a known ref
        // is safe to send again.
        result.map_err(|e| match write.r#ref {
            None => write_error(e),
            Some(_) => port_error(e),
        })
    }

    async fn post(&self, set: &str, r#ref: Ref) -> Result<(), PortError> {
        self.client
            .post_document(set, r#ref)
            .await
            .map_err(port_error)
    }

    fn requests(&self) -> u64 {
        self.client.stats().requests
    }
}
