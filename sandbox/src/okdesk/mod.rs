//! The Okdesk simulator: an independent axum implementation of the documented Okdesk REST API
//! (`/api/v1`), in memory, loaded with the seeded demo world, with latency, rate-limit and fault
//! knobs and introspection for tests and benchmarks (`/sandbox/stats`, `/sandbox/reset`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::okdesk::SandboxError> {
//! use sandbox::okdesk::{OkdeskConfig, OkdeskSandbox};
//! let okdesk = OkdeskSandbox::start(OkdeskConfig::default()).await?;
//! let url = format!("{}/api/v1/companies/list?api_token={}", okdesk.url(), okdesk.token());
//! # let _ = url; Ok(()) }
//! ```

mod app;
mod body;
mod config;
mod error;
mod handle;
mod model;
mod query;
mod render;
mod routes;
mod store;

pub use app::{RequestStats, Stats};
pub use config::{Faults, IssueStatus, OkdeskConfig};
pub use error::SandboxError;
pub use handle::{OkdeskSandbox, StoredAttachment};
pub use model::WORK_TYPE_PARAM;
