//! Push, pull and bill between Okdesk and 1C: pure plans, idempotent apply, a SQLite state store.
