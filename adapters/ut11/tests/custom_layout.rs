//! A custom configuration without code: УТ 11 whose catalogs and a field were renamed maps the
//! same data to the same model, through a layout file with `base = "ut11"`.

use std::path::Path;

use onec_adapter::testing::dataset_from_dir;
use onec_adapter::{Adapter, CustomAdapter, LayoutError, RawDataset};

const CUSTOM: &str = r#"
base = "ut11"

[counterparties]
set = "Catalog_КлиентыЮрЛица"
inn = "ИННКлиента"

[partners]
set = "Catalog_Клиенты"

[contacts]
set = "Catalog_ЛюдиКлиентов"

[contracts]
set = "Catalog_Договоры"
"#;

fn renamed(data: &RawDataset) -> RawDataset {
    let renames = [
        ("Catalog_Контрагенты", "Catalog_КлиентыЮрЛица"),
        ("Catalog_Партнеры", "Catalog_Клиенты"),
        ("Catalog_КонтактныеЛицаПартнеров", "Catalog_ЛюдиКлиентов"),
        ("Catalog_ДоговорыКонтрагентов", "Catalog_Договоры"),
    ];
    let mut out = RawDataset::default();
    for (set, objects) in &data.sets {
        let new = renames
            .iter()
            .find(|(from, _)| from == set)
            .map_or(set.as_str(), |(_, to)| to);
        let objects = objects
            .iter()
            .cloned()
            .map(|mut o| {
                o.set = new.to_owned();
                let is_counterparty = set == "Catalog_Контрагенты";
                if let Some(v) = o.props.remove("ИНН").filter(|_| is_counterparty) {
                    o.props.insert("ИННКлиента".into(), v);
                } else if let Some(v) = data.sets[set]
                    .iter()
                    .find(|x| x.props.get("Ref_Key") == o.props.get("Ref_Key"))
                    .and_then(|x| x.props.get("ИНН"))
                {
                    o.props.insert("ИНН".into(), v.clone());
                }
                o
            })
            .collect();
        out.sets.insert(new.to_owned(), objects);
    }
    out
}

#[test]
fn renamed_catalogs_map_the_same_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normal");
    let data = dataset_from_dir(&dir);
    let custom = CustomAdapter::from_toml(CUSTOM, &[onec_adapter_ut11::adapter()]).unwrap();
    let base = onec_adapter_ut11::adapter().map(&data);
    let mapped = custom.map(&renamed(&data));
    assert!(!base.value.counterparties.is_empty() && !base.value.contacts.is_empty());
    assert_eq!(mapped.value, base.value);
    assert_eq!(mapped.diagnostics.len(), base.diagnostics.len());
    // The original names are not read any more: a dataset under the old names maps to nothing.
    assert!(custom.map(&data).value.counterparties.is_empty());
    // The reader is told to fetch the renamed sets and field.
    let reads = custom.layout().entity_sets_to_read();
    let cp = reads
        .iter()
        .find(|r| r.set == "Catalog_КлиентыЮрЛица")
        .unwrap();
    assert!(cp.select.contains(&"ИННКлиента".to_owned()));
    assert!(!reads.iter().any(|r| r.set == "Catalog_Контрагенты"));
}

#[test]
fn unknown_keys_in_a_custom_layout_are_reported() {
    let text = format!("{CUSTOM}\n[contacts.person]\nfield = \"x\"\nset = \"y\"\nname = \"z\"\n[partnerz]\nset = \"q\"\n");
    let err = CustomAdapter::from_toml(&text, &[onec_adapter_ut11::adapter()]).unwrap_err();
    match err {
        LayoutError::UnknownKeys(keys) => {
            assert!(keys.contains(&"partnerz".to_owned()), "{keys:?}")
        }
        other => panic!("{other}"),
    }
    let typo = CUSTOM.replace("inn = ", "innn = ");
    let err = CustomAdapter::from_toml(&typo, &[onec_adapter_ut11::adapter()]).unwrap_err();
    assert!(err.to_string().contains("counterparties.innn"), "{err}");
}
