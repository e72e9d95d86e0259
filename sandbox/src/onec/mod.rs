//! The 1C OData simulator: an in-memory infobase per configuration (УНФ, КА 2, УТ 11, УТ 10.3,
//! ЭСТИ) laid out from the shared demo world with each configuration's real metadata names, served
//! over the standard OData interface (`/<base>/odata/standard.odata`) with 1C's rough edges: Atom by
//! default and JSON on `$format=json`, `$metadata` with `StandardODATA`/`EnterpriseV8` and roles
//! `Begin`/`End`, Int64 as strings, `0001-01-01T00:00:00` and zero GUIDs for empty values,
//! `DataVersion` changing on every write, unstable property order, `odata.error` bodies, 401 on bad
//! Basic auth, the `$filter` subset, `$top`/`$skip` paging with a fat-page 500 knob, writes with
//! `LineNumber` and reference checks, `Post`, and for ЭСТИ an exchange plan with `SelectChanges`.
//!
//! Architecture invariant: this is an independent implementation of 1C's documented behaviour and
//! never imports `onec-adapter`, so that the client and the simulator cannot share a misunderstanding.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sandbox::onec::OnecSandboxError> {
//! use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
//! let onec = OnecSandbox::start(OnecConfig::new(Configuration::Esti)).await?;
//! let url = format!("{}/Catalog_Партнеры?$format=json", onec.url());
//! # let _ = url; Ok(()) }
//! ```

mod app;
mod config;
mod error;
mod exchange;
mod filter;
mod handle;
mod populate;
mod query;
mod render;
mod routes;
mod rules;
mod schema;
mod store;
mod value;
mod view;
mod write;

pub use app::Stats;
pub use config::{Configuration, Faults, OnecConfig, UnknownConfiguration};
pub use error::OnecSandboxError;
pub use handle::{OnecSandbox, StoredObject};
