//! The 1C adapter contract: raw 1C values, the `Layout` data, the `Adapter` trait and the transports.
//!
//! Transports (OData, XML exchange files, XLSX) produce [`raw::RawObject`]s; adapters map them into
//! the neutral `onec-model`. Adapters never touch the network.

pub mod metadata;
pub mod raw;

pub use metadata::{EntitySet, Metadata, Property};
pub use raw::{RawDataset, RawObject, RawRow, RawValue, ValueError};
