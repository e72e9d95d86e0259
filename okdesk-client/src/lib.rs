//! Typed, rate-aware async client for the Okdesk REST API v1.
//!
//! It knows nothing of 1C: every type here is shaped like Okdesk's wire format.
