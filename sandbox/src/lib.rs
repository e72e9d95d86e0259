//! Local simulators of Okdesk and of 1C OData with seeded, coherent demo data and fault knobs.
//!
//! Architecture invariant: the Okdesk simulator is an independent implementation of the documented
//! API and never imports `okdesk-client`, so that client and server cannot share a misunderstanding.
//! This crate is never a dependency of a library crate (only of cli, tests, bench and dev-dependencies).

pub mod demo;
pub mod okdesk;
pub mod onec;
