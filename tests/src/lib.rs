//! End-to-end scenarios across crates live in `tests/`; this library is intentionally empty.
