//! Broken exchange files: each gives an error naming the place (line, column, element), and no
//! input makes the reader panic.

use onec_adapter::xml::{read, XmlError};

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/" xmlns:v8="http://v8.1c.ru/8.1/data/enterprise/current-config" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
	<V8Exch:Data>
"#;
const TAIL: &str = "\t</V8Exch:Data>\n</V8Exch:_1CV8DtUD>\n";

fn file(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn read_all(text: &str) -> Result<onec_adapter::xml::XmlRead, XmlError> {
    read(text.as_bytes(), &|_| true)
}

const GOOD: &str = r#"		<v8:CatalogObject.Контрагенты>
			<v8:Ref xsi:type="v8:CatalogRef.Контрагенты">00000022-0000-4000-8000-000000000001</v8:Ref>
			<v8:Description>Альфа</v8:Description>
		</v8:CatalogObject.Контрагенты>
"#;

#[test]
fn a_good_file_reads() {
    let r = read_all(&file(GOOD)).unwrap();
    let o = &r.dataset.sets["Catalog_Контрагенты"][0];
    assert_eq!(o.text("Description").as_deref(), Some("Альфа"));
}

#[test]
fn malformed_xml_names_line_and_column() {
    let body = GOOD.replace("</v8:Description>", "</v8:Descr>");
    let err = read_all(&file(&body)).unwrap_err();
    assert!(matches!(err, XmlError::Malformed { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with("line 6, column "), "{msg}");
    assert!(msg.contains("CatalogObject.Контрагенты"), "{msg}");
}

#[test]
fn an_unknown_element_in_data_is_named_with_its_place() {
    let body = format!("{GOOD}\t\t<v8:Контрагенты>\n\t\t</v8:Контрагенты>\n");
    let err = read_all(&file(&body)).unwrap_err();
    let XmlError::UnexpectedElement { at, element, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(element, "Контрагенты");
    assert_eq!((at.line, at.column), (8, 3));
    assert!(err.to_string().contains("line 8, column 3"), "{err}");
}

#[test]
fn a_column_holding_elements_is_skipped_and_the_rest_reads() {
    // Unknown or structured columns (a value storage, say) are not ours to read: skipped, never
    // fatal, in both the platform's `<Row>` shape and the older repeated-section shape.
    for body in [
        GOOD.replace(
            "<v8:Description>Альфа</v8:Description>",
            "<v8:Товары><v8:Row><v8:Цена><v8:Сумма>1</v8:Сумма></v8:Цена><v8:Количество>2</v8:Количество></v8:Row></v8:Товары><v8:Description>Альфа</v8:Description>",
        ),
        GOOD.replace(
            "<v8:Description>Альфа</v8:Description>",
            "<v8:Товары><v8:Цена><v8:Сумма>1</v8:Сумма></v8:Цена><v8:Количество>2</v8:Количество></v8:Товары><v8:Description>Альфа</v8:Description>",
        ),
    ] {
        let read = read_all(&file(&body)).unwrap();
        let o = &read.dataset.sets["Catalog_Контрагенты"][0];
        assert_eq!(o.text("Description").as_deref(), Some("Альфа"));
        let rows = o.table("Товары");
        assert_eq!(rows.len(), 1);
        assert!(!rows[0].contains_key("Цена"));
        assert_eq!(rows[0]["Количество"].as_text().as_deref(), Some("2"));
    }
}

#[test]
fn rows_in_the_platforms_shape_read_with_line_numbers() {
    let body = GOOD.replace(
        "<v8:Description>Альфа</v8:Description>",
        "<v8:Description>Альфа</v8:Description><v8:КонтактнаяИнформация><v8:Row><v8:Тип>Телефон</v8:Тип><v8:Представление>41-93-62</v8:Представление></v8:Row><v8:Row><v8:Тип>АдресЭлектроннойПочты</v8:Тип><v8:Представление>a@b.example</v8:Представление></v8:Row></v8:КонтактнаяИнформация><v8:Пустая/>",
    );
    let read = read_all(&file(&body)).unwrap();
    let rows = read.dataset.sets["Catalog_Контрагенты"][0].table("КонтактнаяИнформация");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["LineNumber"].as_text().as_deref(), Some("2"));
    assert_eq!(
        rows[0]["Представление"].as_text().as_deref(),
        Some("41-93-62")
    );
}

#[test]
fn stray_text_and_wrong_roots_are_reported() {
    let err = read_all(&file("\t\tмусор\n")).unwrap_err();
    assert!(matches!(err, XmlError::UnexpectedText { .. }), "{err:?}");
    let err = read_all("<?xml version=\"1.0\"?>\n<feed/>").unwrap_err();
    assert!(err.to_string().contains("root element is <feed>"), "{err}");
    assert!(err.to_string().starts_with("line 2, column 1"), "{err}");
    let err = read_all("").unwrap_err();
    assert!(matches!(err, XmlError::NotExchangeFile { .. }), "{err:?}");
}

#[test]
fn a_truncated_file_says_where_it_ends_and_what_is_open() {
    let text = file(GOOD);
    let cut = text.find("<v8:Description>").unwrap();
    let err = read_all(&text[..cut]).unwrap_err();
    let XmlError::Truncated {
        element,
        opened_line,
        at,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(element, "CatalogObject.Контрагенты");
    assert_eq!(*opened_line, 4);
    assert_eq!(at.line, 6);
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn no_truncation_point_panics_or_passes_silently() {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/xml/ut11.xml"
    ))
    .unwrap();
    let full = read(text.as_slice(), &|_| true).unwrap();
    let end_of_root = text.len() - 1;
    for cut in (0..end_of_root).step_by(29) {
        match read(&text[..cut], &|_| true) {
            Err(e) => assert!(e.location().byte <= cut as u64, "{cut}: {e}"),
            Ok(r) => panic!(
                "cut at {cut} of {} read without error ({} sets)",
                text.len(),
                r.dataset.sets.len()
            ),
        }
    }
    assert!(!full.dataset.sets.is_empty());
}

#[test]
fn the_reader_stops_at_the_first_error() {
    let body = format!("{GOOD}\t\t<v8:Непонятно/>\n{GOOD}");
    let text = file(&body);
    let mut objects =
        onec_adapter::xml::ObjectReader::new(text.as_bytes(), onec_adapter::xml::ReadPlan::all());
    assert!(objects.next().unwrap().is_ok());
    assert!(objects.next().unwrap().is_err());
    assert!(objects.next().is_none());
}

#[test]
fn messages_read_well() {
    let body = GOOD.replace("</v8:Description>", "</v8:Descr>");
    let err = read_all(&file(&body)).unwrap_err().to_string();
    assert_eq!(
        err,
        "line 6, column 25: malformed XML in <CatalogObject.Контрагенты> opened on line 4: ill-formed document: expected `</v8:Description>`, but `</v8:Descr>` was found"
    );
}

#[test]
fn windows_1251_and_utf16_files_read_like_utf8() {
    let utf8 = file(GOOD);
    let declared = utf8.replace("encoding=\"UTF-8\"", "encoding=\"windows-1251\"");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&declared);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in utf8.replace("UTF-8", "UTF-16").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    for bytes in [cp1251.into_owned(), utf16] {
        let r = read(bytes.as_slice(), &|_| true).unwrap();
        let o = &r.dataset.sets["Catalog_Контрагенты"][0];
        assert_eq!(o.text("Description").as_deref(), Some("Альфа"));
    }
    let unknown = utf8.replace("encoding=\"UTF-8\"", "encoding=\"klingon-8\"");
    let err = read_all(&unknown).unwrap_err();
    assert!(err.to_string().contains("klingon-8"), "{err}");
}
