//! The simulators' tests in one binary (one link step instead of eleven on a two-core machine):
//! the Okdesk simulator's API, knobs and what it ignores, and the 1C simulator's API, metadata
//! against the real configurations, names, write rules, exchange plan and knobs.

mod okdesk_support;
mod onec_support;

mod okdesk_api;
mod okdesk_ignored;
mod okdesk_knobs;
mod onec_api;
mod onec_conformance;
mod onec_exchange;
mod onec_knobs;
mod onec_metadata;
mod onec_names;
mod onec_rules;
mod onec_writes;
