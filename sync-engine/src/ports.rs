//! The ports: the only way the engine talks to Okdesk and to 1C.
//!
//! Both traits are `#[async_trait]` and object-safe, so a job holds `Arc<dyn OkdeskPort>`; the real
//! implementations live in [`crate::okdesk`] and [`crate::onec`], in-memory ones in `fake`.
//! Records cross the Okdesk port as engine-native DTOs ([`records`]), so the planner does not
//! depend on the client's wire types.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::kinds::{EntityKind, OkdeskId};

pub mod documents;
pub mod issues;
pub mod onec;
pub mod records;

pub use onec::{
    publication_diagnostics, CachedRow, OnecPort, OnecRead, RawCache, RawCacheStore, UnreadKind,
};

pub use records::{
    AgreementFields, CompanyFields, ContactFields, DirectoryFields, EquipmentFields, Lookup,
    ModelFields, ObjectFields, Parent, Record,
};

/// What kind of failure a port call met; decides whether the run goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The server rejected the record (422, 400): a record-level failure.
    Validation,
    /// The record is gone (404).
    NotFound,
    /// The token is wrong or lacks rights (401, 403): the run aborts.
    Auth,
    /// Still throttled after the client's retries (429).
    RateLimited,
    /// The server failed (5xx) after retries.
    Server,
    /// The connection failed or timed out.
    Transport,
    /// The answer could not be read.
    Decode,
    /// The request could not even be built (an unresolved parent, a bad URL): a bug or config.
    Config,
}

/// A failed port call: the HTTP status, the server's message, the request body with secrets
/// removed, and whether a POST may have been committed despite the error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortError {
    /// The class of failure.
    pub class: ErrorClass,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The server's message as it came (Okdesk: the `{"errors":…}` body), or the transport error.
    pub message: String,
    /// The field at fault, when the server named exactly one.
    pub field: Option<String>,
    /// The request body that caused it, secrets removed.
    pub request_body: Option<serde_json::Value>,
    /// True when a create may have reached the server (timeout or reset after sending): the next
    /// run must look the record up by key before creating it again.
    pub maybe_committed: bool,
}

impl PortError {
    /// A new error of a class with a message.
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        PortError {
            class,
            status: None,
            message: message.into(),
            field: None,
            request_body: None,
            maybe_committed: false,
        }
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the request body (already redacted).
    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.request_body = Some(body);
        self
    }

    /// Whether this failure must stop the whole run (bad credentials, a broken request builder).
    pub fn aborts_run(&self) -> bool {
        matches!(self.class, ErrorClass::Auth | ErrorClass::Config)
    }
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(s) => write!(f, "HTTP {s}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PortError {}

/// A company as Okdesk holds it, with the string attributes matching looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedCompany {
    /// The id.
    pub id: OkdeskId,
    /// The name.
    pub name: String,
    /// `additional_name`.
    pub additional_name: Option<String>,
    /// `crm_1c_id`.
    pub crm_1c_id: Option<String>,
    /// Whether the company is active (not archived).
    pub active: bool,
    /// String-valued custom parameters by code.
    pub parameters: BTreeMap<String, String>,
}

/// A contact as Okdesk holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedContact {
    /// The id.
    pub id: OkdeskId,
    /// The full name.
    pub name: String,
    /// The e-mail.
    pub email: Option<String>,
    /// `crm_1c_id`.
    pub crm_1c_id: Option<String>,
    /// The company.
    pub company_id: Option<OkdeskId>,
}

/// An item of an equipment directory (kind, manufacturer, model), keyed by its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedDirectoryItem {
    /// The id.
    pub id: OkdeskId,
    /// The code.
    pub code: String,
    /// The name.
    pub name: String,
}

/// Everything read from Okdesk to match records on first contact. A `None` list was not read
/// because every record of that kind already has a mapping (which keeps later runs at zero reads).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// Companies, if read.
    pub companies: Option<Vec<ObservedCompany>>,
    /// Contacts, if read.
    pub contacts: Option<Vec<ObservedContact>>,
    /// Directory items by kind (`equipment_kinds`, `manufacturers`, `models`), if read.
    pub directories: BTreeMap<EntityKind, Vec<ObservedDirectoryItem>>,
    /// Kinds whose list holds only some records (the candidates of remembered ambiguities): a
    /// record matching none of them is planned with a lookup, never as a plain create, and the
    /// job then reads the whole list.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub partial: BTreeSet<EntityKind>,
}

/// The Okdesk side of push.
#[async_trait]
pub trait OkdeskPort: Send + Sync {
    /// Every company with its string attributes (matching by INN on first contact).
    async fn list_companies(&self) -> Result<Vec<ObservedCompany>, PortError>;

    /// Every contact with its e-mail (matching by e-mail on first contact).
    async fn list_contacts(&self) -> Result<Vec<ObservedContact>, PortError>;

    /// Every item of an equipment directory (`EquipmentKinds`, `Manufacturers` or `Models`).
    async fn list_directory(
        &self,
        kind: EntityKind,
    ) -> Result<Vec<ObservedDirectoryItem>, PortError>;

    /// The companies with these ids, for re-checking a remembered ambiguity without listing the
    /// whole account; ids Okdesk no longer has are left out. The default filters the full list.
    async fn get_companies(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedCompany>, PortError> {
        let mut all = self.list_companies().await?;
        all.retain(|c| ids.contains(&c.id));
        Ok(all)
    }

    /// The contacts with these ids (see [`OkdeskPort::get_companies`]).
    async fn get_contacts(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedContact>, PortError> {
        let mut all = self.list_contacts().await?;
        all.retain(|c| ids.contains(&c.id));
        Ok(all)
    }

    /// Finds the records with a key, lowest id first: exact `crm_1c_id` (Okdesk searches it as a
    /// substring, so the implementation must compare; at most one, several are an error), or a
    /// natural key for resources without one. Every match is returned because a natural key is
    /// not unique (two contracts of one company may share a title) and the caller must skip the
    /// records already tied to other 1C records.
    async fn find(&self, lookup: &Lookup) -> Result<Vec<OkdeskId>, PortError>;

    /// Creates a record whose parents are resolved; returns its id.
    async fn create(&self, record: &Record) -> Result<OkdeskId, PortError>;

    /// Writes a record's fields over an existing one.
    async fn update(&self, id: OkdeskId, record: &Record) -> Result<(), PortError>;

    /// Writes only `crm_1c_id` on an existing company or contact (a link in add-only mode).
    async fn set_crm_1c_id(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        crm_1c_id: &str,
    ) -> Result<(), PortError>;

    /// Archives (`active = false`) or restores a company, deactivates or activates a contact.
    async fn set_active(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        active: bool,
    ) -> Result<(), PortError>;

    /// How many HTTP requests this port has made so far.
    fn requests(&self) -> u64;
}
