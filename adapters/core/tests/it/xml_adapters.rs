//! Universal XML exports of every configuration map to the same neutral model as the OData JSON
//! fixtures of the same data (the configuration crates' `tests/fixtures/normal` folders).
//!
//! Exports carry no `DataVersion` (XDTO does not serialise it), so versions are compared blank.

use std::fs;
use std::path::{Path, PathBuf};

use onec_adapter::odata::json::parse_feed;
use onec_adapter::xml::{read_for_layout, XmlRead};
use onec_adapter::{Adapter, RawDataset};
use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The JSON fixture folder of a configuration crate read through the OData JSON reader.
fn json_dataset(config: &str) -> RawDataset {
    let dir = crate_dir().join(format!("../{config}/tests/fixtures/normal"));
    let mut data = RawDataset::default();
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for path in files {
        let set = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if !set.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let objects = parse_feed(&fs::read(&path).unwrap(), &set).unwrap();
        data.sets.insert(set, objects);
    }
    data
}

fn xml_read(config: &str, adapter: &dyn Adapter) -> XmlRead {
    let path = crate_dir().join(format!("tests/fixtures/xml/{config}.xml"));
    let file = fs::File::open(&path).unwrap();
    read_for_layout(std::io::BufReader::new(file), adapter.layout())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The mapped snapshot and diagnostics as JSON, with every `version` blanked.
fn mapped(adapter: &dyn Adapter, data: &RawDataset) -> Value {
    let m = adapter.map(data);
    let mut v = serde_json::json!({"snapshot": m.value, "diagnostics": m.diagnostics});
    blank_versions(&mut v);
    v
}

fn blank_versions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if k == "version" {
                    *x = Value::Null;
                } else {
                    blank_versions(x);
                }
            }
        }
        Value::Array(xs) => xs.iter_mut().for_each(blank_versions),
        _ => {}
    }
}

fn same_model(config: &str, adapter: &dyn Adapter) -> XmlRead {
    let read = xml_read(config, adapter);
    let from_json = mapped(adapter, &json_dataset(config));
    let from_xml = mapped(adapter, &read.dataset);
    assert_eq!(
        from_xml, from_json,
        "{config}: the XML export maps differently from the OData JSON of the same data"
    );
    let counterparties = from_json["snapshot"]["counterparties"].as_array().unwrap();
    assert!(
        !counterparties.is_empty(),
        "{config}: the fixture maps no counterparties"
    );
    read
}

#[test]
fn ut11_export_maps_like_odata_and_skips_what_the_layout_does_not_read() {
    let read = same_model("ut11", onec_adapter_ut11::adapter());
    let skipped: Vec<(&str, usize)> = read.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        skipped,
        [
            ("AccumulationRegister_ВыручкаИСебестоимостьПродаж", 1),
            ("Document_РеализацияТоваровУслуг", 1),
            ("ObjectDeletion", 1),
        ]
    );
    // Values come through exactly: CDATA, entities, references without xsi:type, row numbers.
    let c = &read.dataset.sets["Catalog_Контрагенты"];
    assert_eq!(
        c[0].text("НаименованиеПолное").as_deref(),
        Some("ООО \"Альфа\"")
    );
    let contracts = &read.dataset.sets["Catalog_ДоговорыКонтрагентов"];
    assert!(contracts[1].reference("Партнер").unwrap().is_some());
    let rows = c[1].table("КонтактнаяИнформация");
    assert_eq!(
        rows[1]
            .get("LineNumber")
            .and_then(|v| v.as_text())
            .as_deref(),
        Some("2")
    );
}

#[test]
fn ka_export_maps_like_odata() {
    same_model("ka", onec_adapter_ka::adapter());
}

#[test]
fn unf_export_maps_like_odata_with_composite_owners_and_a_register() {
    let read = same_model("unf", onec_adapter_unf::adapter());
    let contract = &read.dataset.sets["Catalog_ДоговорыКонтрагентов"][0];
    assert_eq!(
        contract.text("Owner_Type").as_deref(),
        Some("StandardODATA.Catalog_Контрагенты")
    );
    assert!(!read.dataset.sets["InformationRegister_СвязиКонтрагентКонтакт"].is_empty());
}

#[test]
fn ut103_export_maps_like_odata_with_the_contact_register() {
    let read = same_model("ut103", onec_adapter_ut103::adapter());
    let records = &read.dataset.sets["InformationRegister_КонтактнаяИнформация"];
    assert_eq!(
        records[0].text("Объект_Type").as_deref(),
        Some("StandardODATA.Catalog_Контрагенты")
    );
}

#[test]
fn esti_export_maps_like_odata() {
    same_model("esti", onec_adapter_esti::adapter());
}

#[test]
fn a_plain_filter_keeps_only_the_named_sets() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xml/ut11.xml");
    let file = fs::File::open(path).unwrap();
    let read = onec_adapter::xml::read(file, &|set| set == "Catalog_Партнеры").unwrap();
    assert_eq!(
        read.dataset.sets.keys().collect::<Vec<_>>(),
        ["Catalog_Партнеры"]
    );
    assert_eq!(read.skipped["Catalog_Контрагенты"], 3);
}
