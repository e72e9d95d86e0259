//! The real УТ 11 capture in `conformance/onec/ut11-trade-demo`: its `$metadata` is detected
//! as УТ 11 and its `Catalog_Контрагенты` Atom feed maps to counterparties with the right INN and KPP,
//! read with the OData transport's own EDMX and Atom parsers.

use std::path::PathBuf;

use onec_adapter::odata::{atom, edmx};
use onec_adapter::{Detection, RawDataset};

fn capture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/onec/ut11-trade-demo")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn real_metadata_is_detected_as_ut11() {
    let meta = edmx::parse(capture("msg001_metadata.xml").as_bytes()).unwrap();
    assert!(meta.has_set("Catalog_Контрагенты"));
    assert_eq!(onec_adapter_ut11::adapter().detect(&meta), Detection::Yes);
    let problems = onec_adapter_ut11::adapter().layout().check(&meta);
    // The demo publishes only a few objects: the layout's other catalogs are reported, the
    // counterparty fields it does publish are not.
    assert!(problems
        .iter()
        .any(|p| p.set == "Catalog_Партнеры" && p.field.is_none()));
    assert!(
        !problems.iter().any(|p| p.set == "Catalog_Контрагенты"),
        "{problems:#?}"
    );
}

#[test]
fn real_counterparty_feed_maps_inn_and_kpp() {
    let objects = atom::parse_feed(capture("msg004_kontragenti.xml").as_bytes()).unwrap();
    assert_eq!(objects.len(), 5);
    let mut data = RawDataset::default();
    data.sets.insert("Catalog_Контрагенты".into(), objects);
    let mapped = onec_adapter_ut11::adapter().map(&data);
    let avika = mapped
        .value
        .counterparties
        .iter()
        .find(|c| c.name == "АВИКА1")
        .expect("АВИКА1 is in the feed");
    assert_eq!(avika.inn.as_deref(), Some("4825005381"));
    assert_eq!(avika.kpp.as_deref(), Some("482201001"));
    assert_eq!(avika.full_name.as_deref(), Some("АВИКА"));
    assert!(avika.partner.is_some());
    assert_eq!(
        avika.head, None,
        "a head counterparty pointing to itself is no head"
    );
    insta::assert_yaml_snapshot!("ut11_real_kontragenti", mapped);
}
