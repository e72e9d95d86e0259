//! Lists saved from 1C as XLSX: the same counterparties and contracts as the OData fixture of the
//! same data, header rows found by Russian titles, problems reported by sheet, row and column.
//! The workbooks are generated here with rust_xlsxwriter.

use std::fs;
use std::io::Cursor;
use std::path::PathBuf;

use onec_adapter::odata::json::parse_feed;
use onec_adapter::xlsx::{import_reader, Columns, ListKind, XlsxError, XlsxImport};
use onec_adapter::{RawDataset, Severity};
use onec_model::{LegalForm, Snapshot};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

fn ut11_snapshot() -> Snapshot {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ut11/tests/fixtures/normal");
    let mut data = RawDataset::default();
    for e in fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let set = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_some_and(|x| x == "json") && set.starts_with("Catalog_") {
            let objects = parse_feed(&fs::read(&path).unwrap(), &set).unwrap();
            data.sets.insert(set, objects);
        }
    }
    onec_adapter_ut11::adapter().map(&data).value
}

fn legal_form_title(f: Option<LegalForm>) -> &'static str {
    match f {
        Some(LegalForm::Legal) => "Юридическое лицо",
        Some(LegalForm::Individual) => "Физическое лицо",
        Some(LegalForm::Entrepreneur) => "Индивидуальный предприниматель",
        None => "",
    }
}

/// Writes a 1C-style list: a title row, a blank row, the header on row 3, then the data.
fn list(ws: &mut Worksheet, title: &str, header: &[&str]) {
    ws.write_string(0, 0, title).unwrap();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(2, i as u16, *h).unwrap();
    }
}

fn import(wb: &mut Workbook, columns: &Columns) -> Result<XlsxImport, XlsxError> {
    import_reader(Cursor::new(wb.save_to_buffer().unwrap()), columns)
}

fn date(d: chrono::NaiveDate) -> ExcelDateTime {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap()
}

#[test]
fn ut11_lists_import_to_the_same_counterparties_and_contracts() {
    let snap = ut11_snapshot();
    let day = Format::new().set_num_format("dd.mm.yyyy");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Контрагенты").unwrap();
    let header = [
        "Наименование",
        "Полное наименование",
        "ИНН",
        "КПП",
        "Юр./физ. лицо",
    ];
    list(ws, "Контрагенты", &header);
    for (i, c) in snap.counterparties.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, &c.name).unwrap();
        ws.write_string(r, 1, c.full_name.as_deref().unwrap_or(""))
            .unwrap();
        // Spreadsheets keep codes as numbers when users retype them.
        if let Some(inn) = &c.inn {
            ws.write_number(r, 2, inn.parse::<f64>().unwrap()).unwrap();
        }
        ws.write_string(r, 3, c.kpp.as_deref().unwrap_or(""))
            .unwrap();
        ws.write_string(r, 4, legal_form_title(c.legal_form))
            .unwrap();
    }
    let ws = wb.add_worksheet();
    ws.set_name("Договоры").unwrap();
    let header = [
        "Наименование",
        "Контрагент",
        "Номер",
        "Дата",
        "Дата начала действия",
        "Дата окончания действия",
        "Статус",
    ];
    list(ws, "Договоры контрагентов", &header);
    let linked: Vec<_> = snap
        .contracts
        .iter()
        .filter(|c| c.owner.is_some())
        .collect();
    assert!(!linked.is_empty() && !snap.counterparties.is_empty());
    for (i, k) in linked.iter().enumerate() {
        let r = 3 + i as u32;
        let owner = snap
            .counterparties
            .iter()
            .find(|c| Some(c.r#ref) == k.owner)
            .unwrap();
        ws.write_string(r, 0, &k.title).unwrap();
        ws.write_string(r, 1, &owner.name).unwrap();
        ws.write_string(r, 2, k.number.as_deref().unwrap_or(""))
            .unwrap();
        if let Some(d) = k.date {
            ws.write_datetime_with_format(r, 3, date(d), &day).unwrap();
        }
        // 1C's «Сохранить как» also writes dates as text.
        if let Some(d) = k.start {
            ws.write_string(r, 4, d.format("%d.%m.%Y").to_string())
                .unwrap();
        }
        if let Some(d) = k.end {
            ws.write_string(r, 5, d.format("%d.%m.%Y 0:00:00").to_string())
                .unwrap();
        }
        ws.write_string(r, 6, k.status.as_deref().unwrap_or(""))
            .unwrap();
    }

    let got = import(&mut wb, &Columns::default()).unwrap();
    assert_eq!(got.sheets.len(), 2);
    assert_eq!(got.sheets[0].header_row, 3);
    assert_eq!(got.sheets[1].list, ListKind::Contracts);
    let errors: Vec<_> = got
        .problems
        .iter()
        .filter(|p| p.severity != Severity::Info)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    assert_eq!(got.snapshot.counterparties.len(), snap.counterparties.len());
    for (a, b) in got.snapshot.counterparties.iter().zip(&snap.counterparties) {
        assert_eq!(
            (&a.name, &a.full_name, &a.inn, &a.kpp, a.legal_form),
            (&b.name, &b.full_name, &b.inn, &b.kpp, b.legal_form)
        );
    }
    assert_eq!(got.snapshot.contracts.len(), linked.len());
    for (a, b) in got.snapshot.contracts.iter().zip(&linked) {
        assert_eq!(
            (&a.title, &a.number, a.date, a.start, a.end, &a.status),
            (&b.title, &b.number, b.date, b.start, b.end, &b.status)
        );
        let owner_a = got
            .snapshot
            .counterparties
            .iter()
            .find(|c| Some(c.r#ref) == a.owner);
        let owner_b = snap
            .counterparties
            .iter()
            .find(|c| Some(c.r#ref) == b.owner);
        assert_eq!(owner_a.map(|c| &c.name), owner_b.map(|c| &c.name));
    }

    // Refs are derived from natural keys, so importing the same lists again gives the same refs.
    let again = import(&mut wb, &Columns::default()).unwrap();
    assert_eq!(again.snapshot, got.snapshot);
}

#[test]
fn bad_rows_are_reported_with_sheet_row_and_column() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Контрагенты").unwrap();
    list(
        ws,
        "Контрагенты",
        &["Наименование", "ИНН", "КПП", "Электронная почта"],
    );
    ws.write_string(3, 0, "Альфа").unwrap();
    ws.write_number(3, 1, 105012346.0).unwrap(); // 0105012346 lost its leading zero
    ws.write_string(3, 2, "010501001").unwrap();
    ws.write_string(3, 3, "info@alfa.example").unwrap();
    ws.write_string(4, 1, "7701234567").unwrap(); // no name
    ws.write_string(5, 0, "Альфа дубль").unwrap();
    ws.write_string(5, 1, "0105012346").unwrap(); // same INN and KPP as row 4
    ws.write_string(5, 2, "010501001").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Контактные лица").unwrap();
    list(
        ws,
        "Контактные лица",
        &["Наименование", "Контрагент", "Должность", "Телефон"],
    );
    ws.write_string(3, 0, "Иванов Иван").unwrap();
    ws.write_string(3, 1, "альфа").unwrap();
    ws.write_string(3, 2, "Директор").unwrap();
    ws.write_string(3, 3, "+7 495 111-22-33").unwrap();
    ws.write_string(4, 0, "Петров Пётр").unwrap();
    ws.write_string(4, 1, "Гамма").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Договоры").unwrap();
    list(
        ws,
        "Договоры",
        &["Наименование", "Контрагент", "Номер", "Дата"],
    );
    ws.write_string(3, 0, "Договор 1").unwrap();
    ws.write_string(3, 1, "Альфа").unwrap();
    ws.write_string(3, 2, "1").unwrap();
    ws.write_string(3, 3, "32.13.2024").unwrap();

    let got = import(&mut wb, &Columns::default()).unwrap();
    let at = |sheet: &str, row: u32| {
        got.problems
            .iter()
            .find(|p| p.sheet == sheet && p.row == row)
            .unwrap_or_else(|| panic!("no problem at {sheet}:{row}: {:#?}", got.problems))
    };
    let p = at("Контрагенты", 4);
    assert_eq!(
        (p.column.as_deref(), p.severity),
        (Some("B"), Severity::Info)
    );
    assert_eq!(
        got.snapshot.counterparties[0].inn.as_deref(),
        Some("0105012346")
    );
    let p = at("Контрагенты", 5);
    assert_eq!(
        (p.column.as_deref(), p.title.as_deref()),
        (Some("A"), Some("Наименование"))
    );
    assert_eq!(p.severity, Severity::Error);
    let p = at("Контрагенты", 6);
    assert!(p.message.contains("row 4"), "{p}");
    assert_eq!(got.snapshot.counterparties.len(), 1);

    // Owners are found by name, ignoring case; an unknown owner keeps the contact unlinked.
    let alfa = got.snapshot.counterparties[0].r#ref;
    assert_eq!(got.snapshot.contacts[0].owner, Some(alfa));
    assert_eq!(
        got.snapshot.contacts[0].position.as_deref(),
        Some("Директор")
    );
    let p = at("Контактные лица", 5);
    assert_eq!(
        (p.column.as_deref(), p.value.as_deref()),
        (Some("B"), Some("Гамма"))
    );
    assert_eq!(got.snapshot.contacts[1].owner, None);

    let p = at("Договоры", 4);
    assert_eq!(
        (p.column.as_deref(), p.severity),
        (Some("D"), Severity::Warning)
    );
    assert_eq!(
        p.to_string(),
        "Warning sheet «Договоры», row 4, column D «Дата» = `32.13.2024`: not a date (expected ДД.ММ.ГГГГ); the date is left empty"
    );
    assert_eq!(got.snapshot.contracts[0].owner, Some(alfa));
    assert_eq!(got.snapshot.contracts[0].date, None);
}

#[test]
fn a_list_sheet_without_its_name_column_is_an_error_naming_the_place() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Контрагенты").unwrap();
    list(ws, "Контрагенты", &["Название", "ИНН", "КПП"]);
    ws.write_string(3, 0, "Альфа").unwrap();
    let err = import(&mut wb, &Columns::default()).unwrap_err();
    let XlsxError::MissingColumn { sheet, row, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!((sheet.as_str(), *row), ("Контрагенты", 3));
    let msg = err.to_string();
    assert!(
        msg.contains("«Наименование»") && msg.contains("«Название»"),
        "{msg}"
    );

    // The same sheet imports once config names the column.
    let columns: Columns = toml::from_str("[counterparties]\nname = \"Название\"").unwrap();
    let got = import(&mut wb, &columns).unwrap();
    assert_eq!(got.snapshot.counterparties[0].name, "Альфа");
}

#[test]
fn sheets_are_recognised_by_header_and_junk_is_refused() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Лист1").unwrap();
    list(
        ws,
        "Договоры",
        &["Номер", "Дата", "Контрагент", "Наименование"],
    );
    ws.write_string(3, 3, "Договор без контрагента").unwrap();
    let got = import(&mut wb, &Columns::default()).unwrap();
    assert_eq!(got.sheets[0].list, ListKind::Contracts);
    assert_eq!(got.problems[0].severity, Severity::Warning);

    let mut wb = Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "Отчет о продажах")
        .unwrap();
    let err = import(&mut wb, &Columns::default()).unwrap_err();
    assert!(matches!(err, XlsxError::NoLists { .. }), "{err:?}");

    let err =
        import_reader(Cursor::new(b"not a workbook".to_vec()), &Columns::default()).unwrap_err();
    assert!(matches!(err, XlsxError::Open(_)), "{err:?}");
}
