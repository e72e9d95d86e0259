//! The OData readers against the real УТ 11 capture in `conformance/onec` (its `$metadata` and
//! `SelectChanges` Atom feeds) and against JSON fixtures written in 1C's shape.

use std::path::PathBuf;

use onec_adapter::odata::{atom, edmx, json, OdataError};
use onec_adapter::RawValue;

fn capture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/onec/ut11-trade-demo")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/odata")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn real_metadata_has_counterparties_with_inn_kpp_and_contact_info() {
    let meta = edmx::parse(&capture("msg001_metadata.xml")).unwrap();
    assert_eq!(meta.namespace, "StandardODATA");
    assert_eq!(meta.container, "EnterpriseV8");
    assert_eq!(meta.entity_sets.len(), 38);

    let kontr = meta.entity_set("Catalog_Контрагенты").unwrap();
    assert_eq!(kontr.entity_type, "Catalog_Контрагенты");
    for p in [
        "Ref_Key",
        "DataVersion",
        "DeletionMark",
        "Description",
        "ИНН",
        "КПП",
        "Партнер_Key",
    ] {
        assert!(kontr.has_property(p), "Catalog_Контрагенты lacks {p}");
    }
    assert!(
        !kontr.has_property("Code"),
        "УТ 11 counterparties have no Code"
    );
    let ref_key = kontr
        .properties
        .iter()
        .find(|p| p.name == "Ref_Key")
        .unwrap();
    assert_eq!(ref_key.edm_type, "Edm.Guid");
    assert!(!ref_key.nullable);

    let ci = &kontr.tables["КонтактнаяИнформация"];
    for p in [
        "Ref_Key",
        "LineNumber",
        "Тип",
        "Вид_Key",
        "Представление",
        "АдресЭП",
    ] {
        assert!(
            ci.iter().any(|c| c.name == p),
            "КонтактнаяИнформация lacks {p}"
        );
    }
    let line = ci.iter().find(|c| c.name == "LineNumber").unwrap();
    assert_eq!(line.edm_type, "Edm.Int64");
    assert!(kontr.tables.contains_key("ИсторияКПП"));

    let order = meta.entity_set("Document_ЗаказКлиента").unwrap();
    assert!(order.has_property("Number") && order.has_property("Posted"));
    assert!(order.tables.contains_key("Товары"));
    let register = meta
        .entity_set("AccumulationRegister_ЗаказыКлиентов")
        .unwrap();
    assert!(register.tables.contains_key("RecordSet"));
    let plan = meta.entity_set("ExchangePlan_ДляODATA").unwrap();
    assert!(plan.has_property("ReceivedNo") && plan.has_property("Code"));
}

#[test]
fn real_counterparty_feed_reads_inn_kpp() {
    let objects = atom::parse_feed(&capture("msg004_kontragenti.xml")).unwrap();
    assert_eq!(objects.len(), 5);
    assert!(objects.iter().all(|o| o.set == "Catalog_Контрагенты"));
    let avika = objects
        .iter()
        .find(|o| o.text("Description").as_deref() == Some("АВИКА1"))
        .unwrap();
    assert_eq!(avika.text("ИНН").as_deref(), Some("4825005381"));
    assert_eq!(avika.text("КПП").as_deref(), Some("482201001"));
    assert_eq!(
        avika.ref_key().unwrap().unwrap().to_string(),
        "ff564c10-a268-11e5-92f1-0050568b35ac"
    );
    assert_eq!(avika.boolean("DeletionMark").unwrap(), Some(false));
    assert_eq!(
        avika.get("PredefinedDataName"),
        Some(&RawValue::Text(String::new()))
    );
    assert!(avika.tables.contains_key("КонтактнаяИнформация"));
    assert!(avika.table("КонтактнаяИнформация").is_empty());
    assert_eq!(
        avika.text("ДополнительнаяИнформация").unwrap(),
        "Исполнитель четвертого уровня кооперации по государственному контракту ДУК-15\nг. Липецк",
        "multi-line text keeps its line break"
    );
    let deleted = objects
        .iter()
        .filter(|o| o.boolean("DeletionMark").unwrap() == Some(true))
        .count();
    assert!(deleted >= 1);
}

#[test]
fn real_order_feed_has_documents_rows_and_register_record_sets() {
    let feed = atom::parse(&capture("msg003_zakaz_klienta.xml")).unwrap();
    assert_eq!(feed.entries.len(), 9);
    let orders: Vec<_> = feed
        .entries
        .iter()
        .filter(|o| o.set == "Document_ЗаказКлиента")
        .collect();
    assert_eq!(orders.len(), 3);
    let rows: usize = orders.iter().map(|o| o.table("Товары").len()).sum();
    assert!(rows > 0);
    for o in &orders {
        for (i, row) in o.table("Товары").iter().enumerate() {
            assert_eq!(row["LineNumber"], RawValue::Text((i + 1).to_string()));
        }
    }
    let register = feed
        .entries
        .iter()
        .find(|o| o.set == "AccumulationRegister_ЗаказыКлиентов")
        .unwrap();
    assert!(!register.table("RecordSet").is_empty());
    assert_eq!(
        register.text("Recorder_Type").as_deref(),
        Some("StandardODATA.Document_ЗаказКлиента")
    );
}

#[test]
fn every_real_feed_parses() {
    for (name, entries) in [
        ("msg002_nomenklatura.xml", 5),
        ("msg005_zakaz_klienta_2.xml", 3),
        ("msg006_realizatsiya.xml", 6),
    ] {
        let objects = atom::parse_feed(&capture(name)).unwrap();
        assert_eq!(objects.len(), entries, "{name}");
        assert!(objects
            .iter()
            .all(|o| !o.set.is_empty() && !o.props.is_empty()));
    }
}

#[test]
fn json_page_with_bom_keeps_values_as_1c_sent_them() {
    let objects =
        json::parse_feed(&fixture("kontragenti_page_bom.json"), "Catalog_Контрагенты").unwrap();
    assert_eq!(objects.len(), 2);
    let avika = &objects[0];
    assert_eq!(avika.set, "Catalog_Контрагенты");
    assert_eq!(avika.text("ИНН").as_deref(), Some("4825005381"));
    assert_eq!(
        avika.get("КоличествоСотрудников"),
        Some(&RawValue::Text("120".into())),
        "Int64 stays text"
    );
    assert_eq!(
        avika
            .decimal("КоличествоСотрудников")
            .unwrap()
            .unwrap()
            .to_string(),
        "120"
    );
    assert_eq!(
        avika.get("ДолгПокупателя"),
        Some(&RawValue::Number(3333.33))
    );
    assert_eq!(
        avika.reference("ГоловнойКонтрагент").unwrap(),
        None,
        "zero GUID"
    );
    assert_eq!(avika.datetime("ДатаСоздания").unwrap(), None, "empty date");
    assert_eq!(avika.get("СерийныйУчет"), Some(&RawValue::Null));
    assert!(avika.get("Партнер@navigationLinkUrl").is_none());
    assert!(avika.get("КонтактнаяИнформация@odata.type").is_none());
    let ci = avika.table("КонтактнаяИнформация");
    assert_eq!(ci.len(), 2);
    assert_eq!(ci[1]["АдресЭП"], RawValue::Text("info@avika.ru".into()));
    assert_eq!(ci[1]["LineNumber"], RawValue::Text("2".into()));
    assert!(avika.table("ДополнительныеРеквизиты").is_empty());

    let altair = &objects[1];
    assert_eq!(altair.boolean("DeletionMark").unwrap(), Some(true));
    assert_eq!(altair.text("КПП"), None);
    assert_eq!(
        altair
            .datetime("ДатаСоздания")
            .unwrap()
            .unwrap()
            .to_string(),
        "2015-12-15 10:20:30"
    );
}

#[test]
fn json_single_entity_is_one_object() {
    let objects = json::parse_feed(&fixture("document_single.json"), "").unwrap();
    assert_eq!(objects.len(), 1);
    let doc = &objects[0];
    assert_eq!(doc.set, "Document_ЗаказКлиента");
    assert_eq!(doc.text("Number").as_deref(), Some("ТД00-000012"));
    assert_eq!(
        doc.table("Товары")[0]["LineNumber"],
        RawValue::Text("1".into())
    );
}

#[test]
fn error_bodies_become_typed_errors() {
    assert_eq!(
        json::parse_feed(&fixture("error_in_200.json"), "Catalog_X").unwrap_err(),
        OdataError::OData {
            status: 200,
            code: "14".into(),
            message: "Ошибка разбора параметра запроса \"$filter\"".into()
        }
    );
    let html = fixture("auth_page.html");
    let expected = OdataError::Html {
        status: 200,
        title: "Ошибка: не удалось выполнить аутентификацию".into(),
    };
    assert_eq!(json::parse_feed(&html, "Catalog_X").unwrap_err(), expected);
    assert_eq!(atom::parse_feed(&html).unwrap_err(), expected);
    assert!(matches!(
        edmx::parse(&html),
        Err(edmx::EdmxError::NotEdmx { .. })
    ));
    let err = json::parse_feed(b"{\"value\": [1]}", "Catalog_X").unwrap_err();
    assert!(err.to_string().contains("Catalog_X"), "{err}");
}
