//! Older УТ 10.3 releases have no `Catalog_Контрагенты.АдресЭП` (10.3.88 has it): read against such a
//! base, push leaves the property out of `$select` with one warning and still finds the e-mails in
//! the contact-information register.

use std::path::Path;

use onec_adapter::odata::edmx;
use onec_adapter::testing::dataset_from_dir;
use onec_adapter::Job;

#[test]
fn without_the_email_property_emails_come_from_the_contact_register() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let xml = std::fs::read(root.join("../../conformance/onec/ut103-dump/metadata.xml")).unwrap();
    let mut meta = edmx::parse(&xml).unwrap();
    let counterparties = meta.entity_sets.get_mut("Catalog_Контрагенты").unwrap();
    assert!(counterparties.has_property("АдресЭП"), "10.3.88 has it");
    counterparties.properties.retain(|p| p.name != "АдресЭП");

    let adapter = onec_adapter_ut103::adapter();
    let publication = adapter.layout().publication(&meta, Job::Push);
    assert!(publication.skipped.is_empty(), "{:?}", publication.skipped);
    let read = publication
        .reads
        .iter()
        .find(|r| r.set == "Catalog_Контрагенты")
        .unwrap();
    assert!(
        !read.select.iter().any(|s| s == "АдресЭП"),
        "{:?}",
        read.select
    );
    assert!(read.select.iter().any(|s| s == "ИНН"));
    let warned: Vec<_> = publication
        .warnings
        .iter()
        .filter(|w| w.field.as_deref() == Some("АдресЭП"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", publication.warnings);
    assert!(publication
        .reads
        .iter()
        .any(|r| r.set == "InformationRegister_КонтактнаяИнформация"));

    // The same data as an older base answers it: no АдресЭП on the counterparty.
    let mut data = dataset_from_dir(&root.join("tests/fixtures/normal"));
    for obj in data.sets.get_mut("Catalog_Контрагенты").unwrap() {
        obj.props.remove("АдресЭП");
    }
    let mapped = adapter.map(&data);
    let alfa = mapped
        .value
        .counterparties
        .iter()
        .find(|c| c.inn.as_deref() == Some("7701234567"))
        .expect("the fixture's first counterparty");
    assert!(
        alfa.emails.iter().any(|e| e.contains("info@alfa.example")),
        "{:?}",
        alfa.emails
    );
}
