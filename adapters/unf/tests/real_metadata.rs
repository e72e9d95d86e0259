//! The layout held against the real configuration: every name it reads or writes exists in the
//! `$metadata` derived from the public dump in `conformance/onec/unf-dump`, and every enum value it
//! writes is one the configuration has.

#[test]
fn layout_names_exist_in_the_real_configuration() {
    let dump =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/onec/unf-dump");
    onec_adapter::testing::assert_conforms(onec_adapter_unf::adapter(), &dump);
}
