//! Typed, rate-aware async client for the Okdesk REST API v1.
//!
//! It knows nothing of 1C: every type here is shaped like Okdesk's wire format.
//!
//! Module map:
//! - [`OkdeskClient`] (`client`): configuration, the shared rate limiter and concurrency bound,
//!   retries ([`RetryPolicy`]), request statistics ([`RequestStats`]).
//! - [`api`]: one handler per area (`client.companies()`, `.contacts()`, `.agreements()`,
//!   `.maintenance_entities()`, `.equipment()`, `.employees()`, `.issues()`, `.issue_statuses()`,
//!   `.parameters()`), with builders whose fields are the request body.
//! - [`models`]: tolerant response types.
//! - [`Error`]: what failed, where, and whether a retry can help.
//! - Pagination: listings are `futures::Stream`s ([`RecordStream`]) for both of Okdesk's schemes.
//! - [`ApiToken`]: the redacting token type; no error, log line or `Debug` output carries the token.
//!
//! ```no_run
//! # async fn run() -> okdesk_client::Result<()> {
//! use okdesk_client::{ApiToken, OkdeskClient};
//! let client = OkdeskClient::builder("https://acme.okdesk.ru", ApiToken::new("token")).build()?;
//! for company in client.companies().search().search_string("Ромашка").send().await? {
//!     println!("{} {}", company.id, company.name);
//! }
//! # Ok(()) }
//! ```

pub mod api;
mod client;
mod de;
mod error;
mod errors_body;
mod ids;
pub mod models;
mod page;
mod query;
mod retry;
pub mod time;
mod token;

pub use client::{ClientBuilder, OkdeskClient, RequestStats, DEFAULT_MAX_RESPONSE_BYTES};
pub use error::{Error, Result};
pub use ids::{
    AgreementId, AttachmentId, CommentId, CompanyId, ContactId, EmployeeId, EquipmentId,
    EquipmentKindId, EquipmentModelId, GroupId, IssueId, IssueServiceId, MaintenanceEntityId,
    ManufacturerId, PriceListId, TimeEntryId,
};
pub use page::{HasId, RecordStream, MAX_ISSUES_PAGE, MAX_KEYSET_PAGE};
pub use query::{CustomParameterFilter, Query};
pub use retry::RetryPolicy;
pub use time::{AccountTimeZone, FilterTime};
pub use token::ApiToken;
