//! The 1C side of pull and bill: the reference data documents are built against (users,
//! organizations, items, VAT catalog refs), finding documents written earlier by a field, and
//! writing (create or update, then post) one document.
//!
//! Building documents stays pure in the adapter ([`OnecDocuments::adapter`]); the port only moves
//! them, so one engine code path serves every configuration and the fakes.

use std::collections::BTreeMap;

use async_trait::async_trait;
use onec_adapter::documents::LookupMatch;
use onec_adapter::{Adapter, Diagnostic, DocumentWrite, Layout, RawObject};
use onec_model::{Ref, Snapshot, VatRate};

use super::PortError;

/// What documents are built against.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OnecReference {
    /// The reference data in the neutral model.
    pub snapshot: Snapshot,
    /// VAT catalog refs by rate, where VAT is a catalog reference.
    pub vat_rates: BTreeMap<VatRate, Ref>,
    /// What could not be mapped cleanly.
    pub diagnostics: Vec<Diagnostic>,
    /// The national currency's ref, where the layout names a currency catalog.
    pub currency: Option<Ref>,
}

/// A query for documents by one field: `field eq value` or `substringof(value, field)`.
#[derive(Clone, Debug, PartialEq)]
pub struct DocQuery {
    /// The entity set.
    pub set: String,
    /// The field.
    pub field: String,
    /// How it is matched.
    pub matches: LookupMatch,
}

/// The 1C side of pull and bill.
#[async_trait]
pub trait OnecDocuments: Send + Sync {
    /// The configuration id (`esti`, `ut11`, …).
    fn configuration(&self) -> &str;

    /// The adapter that builds the documents.
    fn adapter(&self) -> &dyn Adapter;

    /// The layout in force (the adapter's own or a custom one).
    fn layout(&self) -> &Layout;

    /// Reads the reference data.
    async fn reference(&self) -> Result<OnecReference, PortError>;

    /// Documents matching a query, as 1C stores them (with `Ref_Key`, `Number`, `Posted`, …).
    async fn find(&self, query: &DocQuery) -> Result<Vec<RawObject>, PortError>;

    /// Reads one document.
    async fn get(&self, set: &str, r#ref: Ref) -> Result<RawObject, PortError>;

    /// Creates (`write.ref` is `None`) or updates the document; returns it as 1C stored it. Never
    /// retried: a create whose answer was lost is found again with [`OnecDocuments::find`].
    async fn write(&self, write: &DocumentWrite) -> Result<RawObject, PortError>;

    /// Posts a document.
    async fn post(&self, set: &str, r#ref: Ref) -> Result<(), PortError>;

    /// How many requests this port has made so far.
    fn requests(&self) -> u64;
}
