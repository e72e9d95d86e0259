//! The 1C standard OData interface (`/odata/standard.odata`, OData v3): the `$metadata` (EDMX)
//! parser, the JSON and Atom feed readers, the `$filter` builder and the async HTTP client.
//!
//! Everything here produces the shared [`crate::raw::RawObject`] and [`crate::metadata::Metadata`]
//! types, so adapters never see which wire format or transport a base was read with.

pub mod atom;
mod body;
pub mod edmx;
pub mod error;
pub mod filter;
pub mod json;

pub use atom::{AtomFeed, DeletedEntry};
pub use edmx::EdmxError;
pub use error::OdataError;
pub use filter::Filter;
