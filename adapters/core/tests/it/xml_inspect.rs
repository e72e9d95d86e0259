//! `xml::inspect` on exports in the platform's shape: the style, the encoding, every object by type,
//! and a shape a configuration can be detected from and a layout checked against.

use std::path::Path;

use onec_adapter::xml::{inspect, russian_type, Style};
use onec_adapter::{Detection, Job};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/xml")
            .join(name),
    )
    .unwrap()
}

#[test]
fn an_83_export_is_counted_detected_and_checked_against_the_layout() {
    let ut11 = onec_adapter_ut11::adapter();
    let s = inspect(fixture("ut11.xml").as_slice(), Some(ut11.layout())).unwrap();
    assert_eq!(s.style, Style::Prefixed);
    assert_eq!(s.encoding, "UTF-8");
    assert_eq!(s.objects["Catalog_Контрагенты"], 3);
    assert!(
        s.objects_text().contains("3 × Справочник.Контрагенты"),
        "{}",
        s.objects_text()
    );
    assert_eq!(ut11.detect(&s.metadata), Detection::Yes);
    let publication = ut11.layout().publication(&s.metadata, Job::Push);
    assert!(
        !publication.is_skipped("counterparties"),
        "{:?}",
        publication.skipped
    );
}

#[test]
fn an_82_export_in_windows_1251_reads_the_same() {
    let text = String::from_utf8(fixture("ut103.xml")).unwrap();
    let declared = text.replacen("encoding=\"UTF-8\"", "encoding=\"windows-1251\"", 1);
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&declared);
    let ut103 = onec_adapter_ut103::adapter();
    let s = inspect(&bytes[..], Some(ut103.layout())).unwrap();
    assert_eq!(s.style, Style::Unprefixed);
    assert_eq!(s.encoding, "windows-1251");
    assert_eq!(s.objects["Catalog_Контрагенты"], 3);
    assert_eq!(ut103.detect(&s.metadata), Detection::Yes);
}

#[test]
fn russian_type_names() {
    assert_eq!(
        russian_type("Catalog_Контрагенты"),
        "Справочник.Контрагенты"
    );
    assert_eq!(
        russian_type("Document_ЗаказКлиента"),
        "Документ.ЗаказКлиента"
    );
    assert_eq!(
        russian_type("InformationRegister_КонтактнаяИнформация"),
        "РегистрСведений.КонтактнаяИнформация"
    );
}
