//! Renders invoices and reads them back with `pdf-extract`: the number, totals, VAT and the
//! amount in words must come out of the PDF as Cyrillic text, and long invoices must paginate.

use chrono::NaiveDate;
use invoice_pdf::{render_invoice, InvoiceDocument, RenderError};
use onec_model::{
    amount_in_words, Address, AddressKind, BankAccount, Counterparty, Invoice, InvoiceLine,
    LegalForm, Organization, Ref, VatMode, VatRate,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

type Line = (&'static str, Decimal, &'static str, Decimal, VatRate);

fn organization() -> Organization {
    Organization {
        r#ref: Ref::derived("invoice-pdf-test", "org"),
        name: "ООО \"Сервис-Плюс\"".to_owned(),
        full_name: Some("Общество с ограниченной ответственностью \"Сервис-Плюс\"".to_owned()),
        inn: Some("7707083893".to_owned()),
        kpp: Some("770701001".to_owned()),
        address: Some("125009, г. Москва, ул. Тверская, д. 7, офис 12".to_owned()),
        phone: Some("+7 (495) 123-45-67".to_owned()),
        director: Some("Смирнов А. В.".to_owned()),
        accountant: Some("Кузнецова Е. П.".to_owned()),
        bank_accounts: vec![BankAccount {
            r#ref: Ref::derived("invoice-pdf-test", "account"),
            number: "40702810938000012345".to_owned(),
            bank_name: "ПАО СБЕРБАНК".to_owned(),
            bik: "044525225".to_owned(),
            correspondent_account: Some("30101810400000000225".to_owned()),
            city: Some("Москва".to_owned()),
        }],
    }
}

fn buyer() -> Counterparty {
    Counterparty {
        r#ref: Ref::derived("invoice-pdf-test", "buyer"),
        name: "Ромашка".to_owned(),
        full_name: Some("ООО \"Ромашка\"".to_owned()),
        inn: Some("5001012345".to_owned()),
        kpp: Some("500101001".to_owned()),
        legal_form: Some(LegalForm::Legal),
        emails: vec![],
        phones: vec!["8 800 555-35-35".to_owned()],
        addresses: vec![
            Address {
                kind: AddressKind::Actual,
                text: "г. Химки, ул. Фактическая, 1".to_owned(),
            },
            Address {
                kind: AddressKind::Legal,
                text: "141400, Московская обл., г. Химки, ул. Юридическая, д. 2".to_owned(),
            },
        ],
        partner: None,
        head: None,
        comment: None,
        upload: Some(true),
        deletion_mark: false,
        version: None,
    }
}

fn document(number: &str, mode: VatMode, lines: &[Line]) -> InvoiceDocument {
    let org = organization();
    let invoice = Invoice {
        r#ref: None,
        number: Some(number.to_owned()),
        date: NaiveDate::from_ymd_opt(2025, 3, 5)
            .unwrap()
            .and_hms_opt(12, 30, 0)
            .unwrap(),
        organization: org.r#ref,
        bank_account: None,
        counterparty: buyer().r#ref,
        partner: None,
        contract: None,
        vat_mode: mode,
        lines: lines
            .iter()
            .map(|&(text, quantity, unit, price, rate)| {
                InvoiceLine::new_computed(
                    None,
                    text,
                    quantity,
                    Some(unit.to_owned()),
                    price,
                    rate,
                    mode,
                )
                .unwrap()
            })
            .collect(),
        comment: None,
    };
    InvoiceDocument::new(invoice, org, buyer())
        .unwrap()
        .with_contract("Договор № 15/2025 от 10 января 2025 г.")
        .with_note("Заявка Okdesk № 4821: https://acme.okdesk.ru/issues/4821")
}

const THREE_LINES: [Line; 3] = [
    (
        "Абонентское обслуживание ККТ за март 2025 г.",
        dec!(1),
        "мес",
        dec!(3000),
        VatRate::Twenty,
    ),
    (
        "Выезд инженера на объект клиента",
        dec!(2),
        "усл",
        dec!(1500),
        VatRate::Twenty,
    ),
    (
        "Замена фискального накопителя ФН-1.1М на 15 месяцев с перерегистрацией ККТ в ФНС",
        dec!(1),
        "шт",
        dec!(3360.50),
        VatRate::Twenty,
    ),
];

/// The PDF's text with every run of whitespace collapsed to one space: the extractor separates
/// positioned pieces of text by spaces or line breaks depending on their distance.
fn text_of(pdf: &[u8]) -> String {
    let raw = pdf_extract::extract_text_from_mem(pdf).expect("the PDF parses");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_count(pdf: &[u8]) -> usize {
    pdf_extract::Document::load_mem(pdf)
        .expect("the PDF parses")
        .get_pages()
        .len()
}

#[track_caller]
fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "«{needle}» is not in:\n{text}");
}

#[test]
fn three_line_invoice_has_number_total_and_words_as_text() {
    let doc = document("УТ-000123", VatMode::Included, &THREE_LINES);
    let pdf = render_invoice(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(page_count(&pdf), 1);
    // The subset fonts keep a one-page invoice small; the full fonts alone are 1.3 MB.
    assert!(pdf.len() < 80_000, "{} bytes", pdf.len());

    let text = text_of(&pdf);
    assert_contains(&text, "Счет на оплату № УТ-000123 от 5 марта 2025 г.");
    assert_eq!(doc.invoice.totals().total, dec!(9360.50));
    assert_contains(&text, "Всего к оплате: 9 360,50");
    assert_contains(&text, "Всего наименований 3, на сумму 9 360,50 руб.");
    let words = amount_in_words(dec!(9360.50));
    assert_eq!(words, "Девять тысяч триста шестьдесят рублей 50 копеек");
    assert_contains(&text, &words);
    // Bank details, parties, basis, the table and signatures.
    for needle in [
        "ПАО СБЕРБАНК г. Москва",
        "БИК 044525225",
        "30101810400000000225",
        "40702810938000012345",
        "ИНН 7707083893",
        "КПП 770701001",
        "Банк получателя",
        "Получатель",
        "Поставщик (Исполнитель):",
        "Покупатель (Заказчик):",
        "ООО \"Ромашка\", ИНН 5001012345, КПП 500101001, 141400, Московская обл.",
        "Основание: Договор № 15/2025 от 10 января 2025 г.",
        "№ Товары (работы, услуги) Кол-во Ед. Цена Сумма",
        "Выезд инженера на объект клиента 2 усл 1 500,00 3 000,00",
        "В том числе НДС 20%: 1 560,08",
        "Заявка Okdesk № 4821: https://acme.okdesk.ru/issues/4821",
        "Руководитель",
        "Смирнов А. В.",
        "Бухгалтер",
        "Кузнецова Е. П.",
    ] {
        assert_contains(&text, needle);
    }
}

#[test]
fn rendering_is_deterministic() {
    let doc = document("42", VatMode::Included, &THREE_LINES);
    assert_eq!(render_invoice(&doc).unwrap(), render_invoice(&doc).unwrap());
}

#[test]
fn sixty_lines_flow_onto_more_pages_with_the_header_repeated() {
    let names: Vec<String> = (1..=60)
        .map(|i| format!("Позиция {i}: консультация по настройке обмена 1С и Okdesk"))
        .collect();
    let lines: Vec<Line> = names
        .iter()
        .map(|name| {
            let name: &'static str = Box::leak(name.clone().into_boxed_str());
            (name, dec!(1.5), "час", dec!(2000), VatRate::Twenty)
        })
        .collect();
    let doc = document("0000-000777", VatMode::OnTop, &lines);
    let pdf = render_invoice(&doc).unwrap();
    let pages = page_count(&pdf);
    assert!(pages > 1, "{pages} page(s)");

    let text = text_of(&pdf);
    for i in [1, 30, 59, 60] {
        assert_contains(&text, &format!("Позиция {i}: консультация"));
    }
    assert_eq!(
        text.matches("Товары (работы, услуги)").count(),
        pages,
        "the table header is repeated on every page"
    );
    assert_contains(&text, &format!("страница {pages} из {pages}"));
    // 60 × 1.5 h × 2 000 = 180 000 net, 36 000 VAT on top.
    assert_contains(&text, "Итого: 180 000,00");
    assert_contains(&text, "НДС 20%: 36 000,00");
    assert_contains(&text, "Всего к оплате: 216 000,00");
    assert_contains(&text, "Всего наименований 60, на сумму 216 000,00 руб.");
    assert_contains(&text, "Двести шестнадцать тысяч рублей 00 копеек");
}

#[test]
fn vat_included_on_top_and_without_print_their_totals() {
    let line = |rate| [("Сопровождение", dec!(1), "мес", dec!(12000), rate)];

    let text = text_of(
        &render_invoice(&document("1", VatMode::Included, &line(VatRate::Twenty))).unwrap(),
    );
    assert_contains(&text, "Итого: 12 000,00");
    assert_contains(&text, "В том числе НДС 20%: 2 000,00");
    assert_contains(&text, "Всего к оплате: 12 000,00");
    assert_contains(&text, "Двенадцать тысяч рублей 00 копеек");

    let text =
        text_of(&render_invoice(&document("2", VatMode::OnTop, &line(VatRate::Twenty))).unwrap());
    assert_contains(&text, "Итого: 12 000,00");
    assert_contains(&text, "НДС 20%: 2 400,00");
    assert!(!text.contains("В том числе"), "{text}");
    assert_contains(&text, "Всего к оплате: 14 400,00");
    assert_contains(&text, "Четырнадцать тысяч четыреста рублей 00 копеек");

    let text = text_of(
        &render_invoice(&document("3", VatMode::Included, &line(VatRate::Without))).unwrap(),
    );
    assert_contains(&text, "Итого: 12 000,00");
    assert_contains(&text, "Без налога (НДС): -");
    assert!(!text.contains("НДС 20%"), "{text}");
    assert_contains(&text, "Всего к оплате: 12 000,00");
}

#[test]
fn mixed_rates_print_vat_per_rate() {
    let lines = [
        ("Работы", dec!(1), "усл", dec!(1100), VatRate::Ten),
        ("Запчасти", dec!(1), "шт", dec!(1200), VatRate::Twenty),
        ("Госпошлина", dec!(1), "шт", dec!(500), VatRate::Without),
    ];
    let text = text_of(&render_invoice(&document("5", VatMode::Included, &lines)).unwrap());
    assert_contains(&text, "Итого: 2 800,00");
    assert_contains(&text, "В том числе НДС 10%: 100,00");
    assert_contains(&text, "В том числе НДС 20%: 200,00");
    assert_contains(&text, "Всего к оплате: 2 800,00");
}

#[test]
fn a_very_long_item_name_wraps_and_is_printed_whole() {
    let long: &'static str = "Комплексное техническое обслуживание контрольно-кассовой техники \
        и программного обеспечения на объектах клиента, включая выезд специалиста, диагностику, \
        замену расходных материалов, обновление прошивки и консультации персонала по работе с \
        маркированными товарами в соответствии с регламентом сервисного договора";
    let doc = document(
        "6",
        VatMode::Included,
        &[(long, dec!(1), "усл", dec!(5000), VatRate::Twenty)],
    );
    let text = text_of(&render_invoice(&doc).unwrap());
    let words: Vec<&str> = long.split_whitespace().collect();
    assert_contains(&text, &words[..8].join(" "));
    assert_contains(&text, &words[words.len() - 6..].join(" "));
}

#[test]
fn an_item_name_longer_than_a_page_is_split_across_pages() {
    let sentence = "Перечень выполненных работ по заявке с подробным описанием каждого шага. ";
    let long: &'static str =
        Box::leak(format!("{}Конец перечня.", sentence.repeat(120)).into_boxed_str());
    let doc = document(
        "12",
        VatMode::Included,
        &[(long, dec!(1), "усл", dec!(700), VatRate::Twenty)],
    );
    let pdf = render_invoice(&doc).unwrap();
    assert!(page_count(&pdf) > 1);
    let text = text_of(&pdf);
    assert_eq!(text.matches("подробным описанием").count(), 120);
    assert_contains(&text, "Конец перечня.");
    assert_contains(&text, "Всего к оплате: 700,00");
}

#[test]
fn characters_the_font_lacks_become_question_marks() {
    let doc = document(
        "7",
        VatMode::Included,
        &[(
            "Ремонт 🛠 принтера",
            dec!(1),
            "шт",
            dec!(100),
            VatRate::Without,
        )],
    );
    let text = text_of(&render_invoice(&doc).unwrap());
    assert_contains(&text, "Ремонт ? принтера");
}

#[test]
fn an_invoice_without_number_is_refused() {
    let mut doc = document("8", VatMode::Included, &THREE_LINES);
    doc.invoice.number = Some("  ".to_owned());
    let err = render_invoice(&doc).unwrap_err();
    assert_eq!(
        err,
        RenderError::MissingNumber {
            date: "05.03.2025".to_owned()
        }
    );
    assert!(err.to_string().contains("нет номера"), "{err}");
}

#[test]
fn an_invoice_without_lines_is_refused() {
    let doc = document("9", VatMode::Included, &[]);
    let err = render_invoice(&doc).unwrap_err();
    assert_eq!(
        err,
        RenderError::NoLines {
            number: "9".to_owned()
        }
    );
}

#[test]
fn an_empty_bik_is_named_in_the_error() {
    let mut doc = document("10", VatMode::Included, &THREE_LINES);
    doc.bank_account.bik = String::new();
    let err = render_invoice(&doc).unwrap_err();
    assert!(
        matches!(
            err,
            RenderError::MissingField {
                field: "БИК", ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("счет № 10") && message.contains("«БИК»"),
        "{message}"
    );
    assert!(message.contains("Сервис-Плюс"), "{message}");
}

#[test]
fn the_bank_account_is_the_one_the_invoice_names() {
    let mut org = organization();
    let second = BankAccount {
        r#ref: Ref::derived("invoice-pdf-test", "second"),
        number: "40702810100000099999".to_owned(),
        bank_name: "АО \"АЛЬФА-БАНК\"".to_owned(),
        bik: "044525593".to_owned(),
        correspondent_account: Some("30101810200000000593".to_owned()),
        city: None,
    };
    org.bank_accounts.push(second.clone());
    let mut invoice = document("11", VatMode::Included, &THREE_LINES).invoice;
    invoice.bank_account = Some(second.r#ref);
    let doc = InvoiceDocument::new(invoice.clone(), org.clone(), buyer()).unwrap();
    assert_eq!(doc.bank_account, second);
    let text = text_of(&render_invoice(&doc).unwrap());
    assert_contains(&text, "40702810100000099999");

    invoice.bank_account = Some(Ref::derived("invoice-pdf-test", "unknown"));
    let err = InvoiceDocument::new(invoice.clone(), org.clone(), buyer()).unwrap_err();
    assert!(
        matches!(err, RenderError::UnknownBankAccount { .. }),
        "{err:?}"
    );

    org.bank_accounts.clear();
    invoice.bank_account = None;
    let err = InvoiceDocument::new(invoice, org, buyer()).unwrap_err();
    assert!(matches!(err, RenderError::NoBankAccount { .. }), "{err:?}");
}
