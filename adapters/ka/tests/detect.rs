//! Detection: КА 2 claims a base only when its own HR objects are published; the real УТ 11
//! capture is only a "maybe" for it.

use std::path::PathBuf;

use onec_adapter::odata::edmx;
use onec_adapter::{Detection, EntitySet, Metadata, Property};

fn set(name: &str, props: &[&str]) -> (String, EntitySet) {
    (
        name.to_owned(),
        EntitySet {
            name: name.to_owned(),
            entity_type: name.to_owned(),
            properties: props
                .iter()
                .map(|p| Property {
                    name: (*p).to_owned(),
                    edm_type: "Edm.String".into(),
                    nullable: true,
                })
                .collect(),
            tables: Default::default(),
        },
    )
}

#[test]
fn ka_objects_make_it_yes() {
    let meta = Metadata {
        entity_sets: [
            set("Catalog_Контрагенты", &["Ref_Key", "Партнер_Key"]),
            set(
                "Catalog_Сотрудники",
                &["Ref_Key", "ГоловнаяОрганизация_Key"],
            ),
        ]
        .into_iter()
        .collect(),
        ..Metadata::default()
    };
    assert_eq!(onec_adapter_ka::adapter().detect(&meta), Detection::Yes);
}

#[test]
fn the_ut11_capture_is_only_maybe() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/onec/ut11-trade-demo/msg001_metadata.xml");
    let meta = edmx::parse(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(onec_adapter_ka::adapter().detect(&meta), Detection::Maybe);
}
