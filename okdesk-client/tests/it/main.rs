//! Integration tests of the Okdesk client against wiremock servers on 127.0.0.1.
//!
//! One `MockServer` per test; fixtures in `tests/fixtures/` follow the reference document's samples.

mod common;
mod companies;
mod contacts;
mod errors;
mod issues;
mod logging;
mod other_endpoints;
mod pagination;
mod retries;
