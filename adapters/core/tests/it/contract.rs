//! The adapter contract without a configuration crate: layout loading and overrides, `$select`
//! needs, `$metadata` checks, detection over several adapters, and document placeholders.

use onec_adapter::documents::{issue_id_in_text, ref_placeholder, task_lookup, DocumentWrite};
use onec_adapter::layout::LayoutError;
use onec_adapter::{
    detect_best, Adapter, AdapterInfo, CustomAdapter, DetectError, Detection, EntitySet, Layout,
    Metadata, Property, RawObject, RawValue,
};
use onec_model::Ref;

const BASE: &str = r#"
[detect]
requires = ["Catalog_Контрагенты"]
markers = ["Catalog_Контрагенты.Партнер_Key"]

[counterparties]
set = "Catalog_Контрагенты"
inn = "ИНН"
partner = "Партнер_Key"
contact_table = "КонтактнаяИнформация"

[contracts]
set = "Catalog_ДоговорыКонтрагентов"
owner = "Owner"

[contact_info_register]
set = "InformationRegister_КонтактнаяИнформация"

[task]
set = "Document_Задание"
comment = "Комментарий"

[task.header]
"ВидОперации" = "Внешнее"
"#;

#[derive(Debug)]
struct Test {
    info: AdapterInfo,
    layout: Layout,
}

impl Adapter for Test {
    fn info(&self) -> &AdapterInfo {
        &self.info
    }
    fn layout(&self) -> &Layout {
        &self.layout
    }
}

fn adapter(id: &str, toml: &str) -> &'static Test {
    Box::leak(Box::new(Test {
        info: AdapterInfo {
            id: id.into(),
            title: id.into(),
            configuration_names: vec![],
        },
        layout: Layout::from_toml(toml).unwrap(),
    }))
}

fn meta(sets: &[(&str, &[&str])]) -> Metadata {
    Metadata {
        entity_sets: sets
            .iter()
            .map(|(name, props)| {
                let set = EntitySet {
                    name: (*name).into(),
                    entity_type: (*name).into(),
                    properties: props
                        .iter()
                        .map(|p| Property {
                            name: (*p).into(),
                            edm_type: "Edm.String".into(),
                            nullable: true,
                        })
                        .collect(),
                    tables: Default::default(),
                };
                ((*name).to_owned(), set)
            })
            .collect(),
        ..Metadata::default()
    }
}

#[test]
fn a_layout_file_with_a_typo_names_the_key() {
    let err = Layout::from_toml(&BASE.replace("inn =", "inm =")).unwrap_err();
    assert!(
        matches!(&err, LayoutError::UnknownKeys(k) if k == &["counterparties.inm"]),
        "{err}"
    );
}

#[test]
fn overrides_merge_and_every_unknown_key_is_reported() {
    let base = Layout::from_toml(BASE).unwrap();
    let custom = Layout::from_toml_with_base(
        "base = \"x\"\n[counterparties]\nset = \"Catalog_Клиенты\"\n[task.header]\n\"Новое\" = 1\n",
        &base,
    )
    .unwrap();
    assert_eq!(custom.counterparties.set, "Catalog_Клиенты");
    assert_eq!(
        custom.counterparties.inn.as_deref(),
        Some("ИНН"),
        "untouched keys stay"
    );
    let header = &custom.task.as_ref().unwrap().header;
    assert_eq!(header.len(), 2, "free maps merge: {header:?}");

    let err = Layout::from_toml_with_base(
        "base = \"x\"\nbogus = 1\n[counterparties]\ninm = \"ИНН\"\n[contracts]\nowner_kind = \"x\"\n",
        &base,
    )
    .unwrap_err();
    match err {
        LayoutError::UnknownKeys(keys) => assert_eq!(
            keys,
            vec!["bogus", "contracts.owner_kind", "counterparties.inm"]
        ),
        other => panic!("{other}"),
    }
}

#[test]
fn a_wrong_value_names_its_path() {
    let base = Layout::from_toml(BASE).unwrap();
    let err = Layout::from_toml_with_base("[counterparties]\nset = 5\n", &base).unwrap_err();
    assert!(err.to_string().contains("counterparties.set"), "{err}");
}

#[test]
fn sets_to_read_select_only_what_mapping_uses() {
    let layout = Layout::from_toml(BASE).unwrap();
    let reads = layout.entity_sets_to_read();
    let cp = reads
        .iter()
        .find(|r| r.set == "Catalog_Контрагенты")
        .unwrap();
    for f in [
        "Ref_Key",
        "DataVersion",
        "DeletionMark",
        "Description",
        "ИНН",
        "Партнер_Key",
        "КонтактнаяИнформация",
    ] {
        assert!(cp.select.contains(&f.to_owned()), "{f} in {:?}", cp.select);
    }
    let contracts = reads
        .iter()
        .find(|r| r.set == "Catalog_ДоговорыКонтрагентов")
        .unwrap();
    assert!(
        contracts.select.contains(&"Owner_Type".to_owned()),
        "composites bring their type"
    );
    let register = reads
        .iter()
        .find(|r| r.set == "InformationRegister_КонтактнаяИнформация")
        .unwrap();
    assert!(register.register && !register.select.contains(&"Ref_Key".to_owned()));
    assert!(
        !reads.iter().any(|r| r.set == "Document_Задание"),
        "documents are written, not read"
    );
}

#[test]
fn check_names_missing_sets_and_fields() {
    let layout = Layout::from_toml(BASE).unwrap();
    let m = meta(&[
        (
            "Catalog_Контрагенты",
            &[
                "Ref_Key",
                "Description",
                "Партнер_Key",
                "КонтактнаяИнформация",
            ],
        ),
        ("Document_Задание", &["Ref_Key", "Date", "Комментарий"]),
    ]);
    let problems = layout.check(&m);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("counterparties.inn:") && t.contains("ИНН")),
        "{text:#?}"
    );
    assert!(text
        .iter()
        .any(|t| t.contains("Catalog_ДоговорыКонтрагентов") && t.contains("not in $metadata")));
    assert!(text
        .iter()
        .any(|t| t.starts_with("task.header") && t.contains("ВидОперации")));
    assert!(!text.iter().any(|t| t.contains("Партнер_Key")));
}

#[test]
fn detection_prefers_yes_and_refuses_two_yeses() {
    let a = adapter("a", BASE);
    let b = adapter(
        "b",
        &BASE.replace(
            "markers = [\"Catalog_Контрагенты.Партнер_Key\"]",
            "markers = []",
        ),
    );
    let m = meta(&[("Catalog_Контрагенты", &["Ref_Key", "Партнер_Key"])]);
    assert_eq!(a.detect(&m), Detection::Yes);
    assert_eq!(b.detect(&m), Detection::Maybe);
    let found = detect_best(&[b as &dyn Adapter, a], &m).unwrap();
    assert_eq!(found.adapter.info().id, "a");

    let a2 = adapter("a2", BASE);
    let err = detect_best(&[a as &dyn Adapter, a2], &m).unwrap_err();
    assert_eq!(err, DetectError::Ambiguous(vec!["a".into(), "a2".into()]));
    assert!(err.to_string().contains("a, a2"));

    let none = meta(&[("Catalog_Номенклатура", &["Ref_Key"])]);
    assert!(matches!(
        detect_best(&[a as &dyn Adapter], &none),
        Err(DetectError::NoMatch { .. })
    ));
}

#[test]
fn custom_adapter_needs_a_known_base() {
    let a: &'static dyn Adapter = adapter("a", BASE);
    let err = CustomAdapter::from_toml("[counterparties]\nset = \"X\"\n", &[a]).unwrap_err();
    assert!(matches!(err, LayoutError::MissingBase { .. }), "{err}");
    let err = CustomAdapter::from_toml("base = \"zz\"\n", &[a]).unwrap_err();
    assert!(
        err.to_string().contains("`zz`") && err.to_string().contains("a"),
        "{err}"
    );
    let custom =
        CustomAdapter::from_toml("base = \"a\"\n[counterparties]\nset = \"X\"\n", &[a]).unwrap();
    assert_eq!(custom.info().id, "custom-a");
    assert_eq!(custom.layout().counterparties.set, "X");
}

#[test]
fn placeholders_are_filled_with_created_refs() {
    let first: Ref = "8d04ce3c-0b8c-11e5-80c6-0050568b35ac".parse().unwrap();
    let mut w = DocumentWrite {
        object: RawObject::new("Document_СчетНаОплатуКлиенту")
            .with("ДокументОснование", ref_placeholder(0)),
        r#ref: None,
        post: true,
    };
    assert!(w.has_placeholders());
    assert!(w.clone().fill_placeholders(&[]).is_err());
    w.fill_placeholders(&[first]).unwrap();
    assert_eq!(
        w.object.get("ДокументОснование"),
        Some(&RawValue::Text(first.to_string()))
    );
}

#[test]
fn task_lookup_by_comment_marker_is_confirmed_exactly() {
    let layout = Layout::from_toml(BASE).unwrap();
    let lookup = task_lookup(&layout, 12).unwrap();
    assert_eq!(
        lookup.odata_filter(),
        "substringof('Okdesk #12', Комментарий)"
    );
    assert_eq!(issue_id_in_text("Заявка Okdesk #123: x"), Some(123));
    assert_eq!(issue_id_in_text("нет заявки"), None);
}
