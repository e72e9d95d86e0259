//! The 1C adapter contract: raw 1C values, the `Layout` data, the `Adapter` trait and the transports.
//!
//! Transports (OData, XML exchange files, XLSX) produce [`raw::RawObject`]s; adapters map them into
//! the neutral `onec-model`. Adapters never touch the network.

pub mod adapter;
pub mod documents;
pub mod enterprise_data;
pub mod layout;
pub mod mapping;
pub mod metadata;
pub mod odata;
pub mod raw;
pub mod registry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod xlsx;
pub mod xml;

pub use adapter::{Adapter, AdapterInfo, Detection, Diagnostic, Mapped, Severity};
pub use documents::{BuildError, DocumentWrite, ExistingTask, InvoiceContext, TaskLookup};
pub use layout::{Job, Layout, LayoutError, LayoutProblem, Publication, SetRead, SkippedSection};
pub use mapping::{MapCx, RawSource};
pub use metadata::{EntitySet, Metadata, Property};
pub use raw::{RawDataset, RawObject, RawRow, RawValue, ValueError};
pub use registry::{detect_best, CustomAdapter, DetectError, Detected};
