//! Push, pull and bill between Okdesk and 1C: pure plans, idempotent apply, a SQLite state store.
//!
//! The engine talks to both sides only through the port traits in [`ports`]; the real
//! implementations wrap `okdesk-client` ([`okdesk`]) and a 1C adapter over OData ([`onec`]), and
//! [`fake`] (feature `testing`) holds in-memory ones for tests. A job reads the 1C snapshot, plans
//! against the [`state`] store and what Okdesk already holds ([`push::plan`], pure and
//! deterministic), then applies the plan ([`push::apply`]) and returns a [`report::RunReport`].
//!
//! Module map for the jobs built on top of this crate (pull, bill): reuse [`state`] (journal,
//! cursors, invoice outbox, run lock), [`ports`] (extend the traits), [`report`] (the JSON shape of `docs/design.md` §6)
//! and [`kinds`] (entity kinds and keys).

pub mod bill;
pub mod error;
pub mod errors;
#[cfg(any(test, feature = "testing"))]
pub mod fake;
#[cfg(any(test, feature = "testing"))]
pub mod fake_docs;
pub mod job;
pub mod kinds;
pub mod okdesk;
pub mod okdesk_issues;
pub mod onec;
pub mod onec_documents;
pub mod ports;
pub mod pull;
pub mod push;
pub mod report;
mod run;
pub mod state;

pub use bill::{BillJob, BillPolicy};
pub use error::{Error, Result};
pub use kinds::{EntityKind, OkdeskId, SyncKey};
pub use okdesk::OkdeskApiPort;
pub use ports::{OkdeskPort, OnecPort, PortError};
pub use pull::{PullJob, PullPolicy};
pub use push::{Mode, Policy, PushJob, PushPlan};
pub use report::RunReport;
pub use state::StateStore;
