//! EnterpriseData messages read into the neutral model: the fixtures follow the structure of formats
//! 1.19 and 1.17 (see `src/enterprise_data/objects.rs` for the evidence), and every broken kind of
//! input gives an error naming its place.

use std::path::Path;

use chrono::NaiveDate;
use onec_adapter::enterprise_data::{
    is_enterprise_data, read, EnterpriseDataError, EnterpriseDataRead,
};
use onec_adapter::Severity;
use onec_model::{AddressKind, LegalForm, Ref};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/enterprise_data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_str(text: &str) -> Result<EnterpriseDataRead, EnterpriseDataError> {
    read(text.as_bytes())
}

fn r(text: &str) -> Ref {
    Ref::parse(text).unwrap().unwrap()
}

const ALFA: &str = "a1f0c3e2-6b2c-11ee-8c99-0242ac120002";
const IVANOV: &str = "b2e1d4f3-6b2c-11ee-8c99-0242ac120002";
const BETA: &str = "c3d2e5a4-6b2c-11ee-8c99-0242ac120002";

#[test]
fn format_1_19_reads_counterparties_with_contact_information() {
    let read = read_str(&fixture("ut11_format_1_19.xml")).unwrap();
    assert_eq!(read.format, "EnterpriseData 1.19");
    let cps = &read.snapshot.counterparties;
    assert_eq!(cps.len(), 4);

    let alfa = &cps[0];
    assert_eq!(alfa.r#ref, r(ALFA));
    assert_eq!(alfa.name, "Альфа ООО");
    assert_eq!(
        alfa.full_name.as_deref(),
        Some("Общество с ограниченной ответственностью «Альфа» & партнёры")
    );
    assert_eq!(alfa.inn.as_deref(), Some("7707083893"));
    assert_eq!(alfa.kpp.as_deref(), Some("773601001"));
    assert_eq!(alfa.legal_form, Some(LegalForm::Legal));
    assert_eq!(alfa.emails, ["info@alfa.ru"]);
    // The fax row is not a phone push sends.
    assert_eq!(alfa.phones, ["+7 (495) 500-55-50"]);
    let kinds: Vec<_> = alfa
        .addresses
        .iter()
        .map(|a| (a.kind, a.text.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (AddressKind::Legal, "117312, Москва г, Вавилова ул, дом 19"),
            (
                AddressKind::Actual,
                "170100, Тверь г, Советская ул, дом 5, офис 12"
            ),
        ]
    );
    assert_eq!(alfa.comment.as_deref(), Some("Ключевой клиент"));
    assert!(!alfa.deletion_mark);
    assert_eq!(
        (alfa.partner, alfa.head, alfa.upload, &alfa.version),
        (None, None, None, &None)
    );

    let ip = &cps[1];
    assert_eq!(ip.r#ref, r(IVANOV));
    assert_eq!(ip.legal_form, Some(LegalForm::Entrepreneur));
    assert_eq!(ip.inn.as_deref(), Some("690212345650"));
    assert_eq!(ip.kpp, None);
    assert_eq!(ip.phones, ["8 (4822) 33-44-55"]);
    // A Cyrillic «а» in the domain: kept as written, reported.
    assert_eq!(ip.emails, ["ivanov@mаil.ru"]);

    let branch = &cps[3];
    assert_eq!(branch.head, Some(r(ALFA)));
    assert_eq!(branch.full_name, None);
}

#[test]
fn format_1_19_reads_contacts_and_contracts_with_their_owners() {
    let read = read_str(&fixture("ut11_format_1_19.xml")).unwrap();
    let contacts = &read.snapshot.contacts;
    assert_eq!(contacts.len(), 3);
    let petrov = &contacts[0];
    assert_eq!(petrov.owner, Some(r(ALFA)));
    assert_eq!(petrov.name, "Петров Пётр Петрович");
    assert_eq!(
        (
            petrov.last_name.as_deref(),
            petrov.first_name.as_deref(),
            petrov.patronymic.as_deref()
        ),
        (Some("Петров"), Some("Пётр"), Some("Петрович"))
    );
    assert_eq!(petrov.position.as_deref(), Some("Главный инженер"));
    assert_eq!(petrov.emails, ["p.petrov@alfa.ru"]);
    assert_eq!(petrov.phones, ["+7 (916) 123-45-67"]);
    assert_eq!(petrov.comment.as_deref(), Some("Звонить после 10:00"));
    // The owner of this contact is not in the message: its reference is kept.
    assert_eq!(
        contacts[1].owner,
        Some(r("f6a5b8d7-6b2c-11ee-8c99-0242ac120002"))
    );
    // A contact of a private person has no counterparty owner.
    assert_eq!(contacts[2].owner, None);

    let contracts = &read.snapshot.contracts;
    assert_eq!(contracts.len(), 3);
    let c = &contracts[0];
    assert_eq!(c.owner, Some(r(ALFA)));
    assert_eq!(c.number.as_deref(), Some("15/24"));
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2024, 1, 15));
    assert_eq!(c.end, NaiveDate::from_ymd_opt(2024, 12, 31));
    assert_eq!(c.title, "Договор обслуживания № 15/24 от 15.01.2024");
    assert_eq!(c.kind.as_deref(), Some("СПокупателем"));
    assert_eq!(c.comment.as_deref(), Some("Абонентское обслуживание"));
    assert!(!c.deletion_mark);
    // The counterparty is given only by its key properties (no Ссылка) and is matched by INN.
    assert_eq!(contracts[1].owner, Some(r(IVANOV)));
    // `УдалениеОбъекта` of a contract in the message marks it.
    assert_eq!(contracts[2].owner, Some(r(BETA)));
    assert!(contracts[2].deletion_mark);
    assert_eq!(read.deletions.len(), 2);
    assert_eq!(read.deletions[1].set, "Справочник.Контрагенты");
}

#[test]
fn format_1_19_counts_read_and_skipped_objects() {
    let read = read_str(&fixture("ut11_format_1_19.xml")).unwrap();
    let counts: Vec<_> = read.counts.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        counts,
        [
            ("Справочник.Договоры", 3),
            ("Справочник.КонтактныеЛица", 3),
            ("Справочник.Контрагенты", 4),
            ("УдалениеОбъекта", 3),
        ]
    );
    let skipped: Vec<_> = read.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        skipped,
        [
            ("Документ.ЗаказКлиента", 1),
            ("Справочник.Номенклатура", 1),
            ("Справочник.Организации", 1),
        ]
    );
}

#[test]
fn format_1_19_diagnostics_name_object_field_and_value() {
    let read = read_str(&fixture("ut11_format_1_19.xml")).unwrap();
    let d = &read.diagnostics;
    let bad_inn = d
        .iter()
        .find(|d| d.field.as_deref() == Some("КлючевыеСвойства.ИНН"))
        .expect("a diagnostic for the bad INN");
    assert_eq!(bad_inn.set, "Справочник.Контрагенты");
    assert_eq!(bad_inn.key, Some(r(BETA)));
    assert_eq!(bad_inn.value.as_deref(), Some("7707083894"));
    assert_eq!(bad_inn.severity, Severity::Warning);
    assert!(bad_inn.message.contains("контрольная цифра"), "{bad_inn}");

    let email = d.iter().find(|d| d.key == Some(r(IVANOV))).unwrap();
    assert_eq!(email.value.as_deref(), Some("ivanov@mаil.ru"));
    assert!(email.message.starts_with("invalid e-mail"), "{email}");

    let missing_owner = d
        .iter()
        .find(|d| d.set == "Справочник.КонтактныеЛица" && d.severity == Severity::Warning)
        .unwrap();
    assert!(
        missing_owner.message.contains("not in the message"),
        "{missing_owner}"
    );
    assert!(missing_owner.message.contains("«Омега»"), "{missing_owner}");

    let matched = d.iter().find(|d| d.set == "Справочник.Договоры").unwrap();
    assert_eq!(matched.severity, Severity::Info);
    assert!(
        matched.message.contains("only by key properties"),
        "{matched}"
    );
    assert_eq!(d.len(), 6, "{d:#?}");
}

#[test]
fn format_1_17_reads_the_same_objects_without_the_1_19_additions() {
    let read = read_str(&fixture("bp30_format_1_17.xml")).unwrap();
    assert_eq!(read.format, "EnterpriseData 1.17");
    let cps = &read.snapshot.counterparties;
    assert_eq!(cps.len(), 2);
    assert_eq!(cps[0].emails, ["Бухгалтерия <buh@alfa.ru>"]);
    assert_eq!(cps[0].addresses[0].kind, AddressKind::Postal);
    assert_eq!(cps[1].legal_form, Some(LegalForm::Individual));
    let contact = &read.snapshot.contacts[0];
    assert_eq!(contact.owner, Some(r(ALFA)));
    assert_eq!(contact.position, None);
    assert_eq!(contact.phones, ["+7 (495) 500-55-52"]);
    assert_eq!(read.snapshot.contracts[0].owner, Some(r(ALFA)));
    assert_eq!(read.snapshot.contracts[0].number.as_deref(), Some("б/н"));
    assert!(read.diagnostics.is_empty(), "{:#?}", read.diagnostics);
    assert_eq!(read.skipped.len(), 3);
    assert_eq!(read.skipped["Справочник.ФизическиеЛица"], 1);
}

#[test]
fn the_same_file_gives_the_same_result() {
    let text = fixture("ut11_format_1_19.xml");
    assert_eq!(read_str(&text).unwrap(), read_str(&text).unwrap());
}

#[test]
fn sniffing_recognises_messages_and_nothing_else() {
    let head = &fixture("ut11_format_1_19.xml").into_bytes()[..2048];
    assert_eq!(
        is_enterprise_data(head).as_deref(),
        Some("EnterpriseData 1.19")
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            fixture("bp30_format_1_17.xml")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .take(2048)
        .collect();
    assert_eq!(
        is_enterprise_data(&utf16).as_deref(),
        Some("EnterpriseData 1.17")
    );
    let envelope_only = "<?xml version=\"1.0\"?>\n<Message xmlns:msg=\"http://www.1c.ru/SSL/Exchange/Message\">\n<msg:Header>";
    assert_eq!(
        is_enterprise_data(envelope_only.as_bytes()).as_deref(),
        Some("http://www.1c.ru/SSL/Exchange/Message")
    );
    assert_eq!(is_enterprise_data(UNIVERSAL.as_bytes()), None);
    assert_eq!(is_enterprise_data(b"INN;Name\n"), None);
    assert_eq!(is_enterprise_data(b""), None);
}

const UNIVERSAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/" xmlns:v8="http://v8.1c.ru/8.1/data/enterprise/current-config">
	<V8Exch:Data>
	</V8Exch:Data>
</V8Exch:_1CV8DtUD>
"#;

#[test]
fn an_empty_file_is_not_xml() {
    let err = read_str("").unwrap_err();
    let EnterpriseDataError::NotXml { at, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((at.line, at.column), (1, 1));
    assert!(message.contains("empty"), "{err}");
    assert!(err.to_string().contains("выгрузите данные заново"), "{err}");
}

#[test]
fn a_csv_file_is_not_xml() {
    let err = read_str("ИНН;Наименование\n7707083893;Альфа\n").unwrap_err();
    let EnterpriseDataError::NotXml { at, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((at.line, at.column), (1, 1));
    assert!(
        err.to_string().starts_with("line 1, column 1: not XML"),
        "{err}"
    );
}

#[test]
fn a_universal_exchange_file_is_named_as_such() {
    let err = read_str(UNIVERSAL).unwrap_err();
    let EnterpriseDataError::NotEnterpriseData { at, found } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((at.line, at.column), (2, 1));
    assert!(found.contains("V8Exch:_1CV8DtUD"), "{err}");
    assert!(found.contains("universal XML exchange file"), "{err}");
}

#[test]
fn a_body_in_another_namespace_is_not_enterprise_data() {
    let text = fixture("bp30_format_1_17.xml").replace(
        "<Body xmlns=\"http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.17\">",
        "<Body xmlns=\"urn:1C.ru:commerceml_2\">",
    );
    let err = read_str(&text).unwrap_err();
    let EnterpriseDataError::NotEnterpriseData { at, found } = &err else {
        panic!("{err:?}")
    };
    let line = text.lines().position(|l| l.contains("<Body")).unwrap() as u64 + 1;
    assert_eq!((at.line, at.column), (line, 2));
    assert!(found.contains("urn:1C.ru:commerceml_2"), "{err}");
}

/// The line and column just after the last character of `text`.
fn end_of(text: &str) -> (u64, u64) {
    let line = text.matches('\n').count() as u64 + 1;
    let column = text.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (line, column)
}

#[test]
fn a_file_cut_inside_an_object_is_truncated() {
    let text = fixture("ut11_format_1_19.xml");
    let cut = &text[..text.find("<ИНН>7707083894").unwrap() + "<ИНН>7707".len()];
    let err = read_str(cut).unwrap_err();
    let EnterpriseDataError::Truncated {
        at,
        element,
        opened_line,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(element, "ИНН");
    assert_eq!(*opened_line, end_of(cut).0);
    assert_eq!((at.line, at.column), end_of(cut));
    assert!(err.to_string().contains("is it truncated?"), "{err}");
}

#[test]
fn a_file_cut_inside_a_tag_is_truncated() {
    let text = fixture("bp30_format_1_17.xml");
    let cut = &text[..text.find("<НаименованиеПолное>").unwrap() + "<Наименов".len()];
    let err = read_str(cut).unwrap_err();
    let EnterpriseDataError::Truncated { at, element, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(element, "КлючевыеСвойства");
    assert_eq!((at.line, at.column), end_of(cut));
}

#[test]
fn a_mismatched_end_tag_is_malformed_and_names_the_object() {
    let text = fixture("bp30_format_1_17.xml").replacen("</ОКПО>", "</ОКП>", 1);
    let err = read_str(&text).unwrap_err();
    let EnterpriseDataError::Malformed { at, context, .. } = &err else {
        panic!("{err:?}")
    };
    let line = text.lines().position(|l| l.contains("</ОКП>")).unwrap() as u64 + 1;
    assert_eq!(at.line, line);
    assert!(
        context.contains("<Справочник.Контрагенты> opened on line"),
        "{err}"
    );
}

#[test]
fn utf16_with_a_bom_reads_like_utf8() {
    let text = fixture("bp30_format_1_17.xml");
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let utf8 = read_str(&text).unwrap();
    assert_eq!(read(&le[..]).unwrap(), utf8);
    assert_eq!(read(&be[..]).unwrap(), utf8);
    // A lone surrogate is not UTF-16: the error says so and where reading had got to.
    let at = text.find("<ОКПО>").unwrap();
    let expected = end_of(&text[..at]);
    let mut broken: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text[..at].encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    broken.extend_from_slice(&[0x00, 0xD8, 0x41, 0x00]);
    broken.extend(text[at..].encode_utf16().flat_map(u16::to_le_bytes));
    let err = read(&broken[..]).unwrap_err();
    let EnterpriseDataError::Encoding { message, at } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("surrogate"), "{err}");
    assert_eq!((at.line, at.column), expected);
}

/// windows-1251 for the characters the fixtures use.
fn cp1251(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\0'..='\x7F' => c as u8,
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '«' => 0xAB,
            '»' => 0xBB,
            '№' => 0xB9,
            _ => panic!("no windows-1251 byte for {c:?} in this test"),
        })
        .collect()
}

#[test]
fn windows_1251_by_declaration_reads_like_utf8() {
    let text = fixture("bp30_format_1_17.xml");
    let declared = text.replacen("encoding=\"UTF-8\"", "encoding=\"windows-1251\"", 1);
    let bytes = cp1251(&declared);
    assert_eq!(read(&bytes[..]).unwrap(), read_str(&text).unwrap());
    // Every encoding the WHATWG list knows is decoded (KOI8-R included); an unknown label is named.
    let unknown = text.replacen("encoding=\"UTF-8\"", "encoding=\"klingon-8\"", 1);
    let err = read_str(&unknown).unwrap_err();
    let EnterpriseDataError::Encoding { at, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((at.line, at.column), (1, 1));
    assert!(message.contains("klingon-8"), "{err}");
}
