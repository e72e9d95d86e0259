//! The 1C standard OData interface (`/odata/standard.odata`, OData v3): the `$metadata` (EDMX)
//! parser, the JSON and Atom feed readers, the `$filter` builder and the async HTTP client with
//! paged reads, writes and exchange-plan change capture.
//!
//! Everything here produces the shared [`crate::raw::RawObject`] and [`crate::metadata::Metadata`]
//! types, so adapters never see which wire format or transport a base was read with.

pub mod atom;
mod body;
pub mod client;
pub mod edmx;
pub mod error;
pub mod exchange;
pub mod filter;
pub mod json;
pub mod query;
mod write;

pub use atom::{AtomFeed, DeletedEntry};
pub use client::{
    CheckOutcome, ClientOptions, Format, OdataClient, RequestStats, DEFAULT_MAX_RESPONSE_BYTES,
};
pub use edmx::EdmxError;
pub use error::OdataError;
pub use exchange::Changes;
pub use filter::{Filter, Literal, Op};
pub use query::{Query, VersionRow};
