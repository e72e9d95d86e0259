//! Fixture cases: every folder under `tests/fixtures` is one case with one snapshot
//! (`tests/snapshots/unf@<case>.snap`): the mapped model, its diagnostics and the built invoice.

#[test]
fn fixture_cases() {
    insta::glob!("fixtures/*", |dir| {
        onec_adapter::testing::check(onec_adapter_unf::adapter(), dir)
    });
}
