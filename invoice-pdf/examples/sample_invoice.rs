//! Renders a sample «Счет на оплату» to a file, to look at the form:
//! `cargo run -p invoice-pdf --example sample_invoice -- target/invoice.pdf [lines]`.

use chrono::NaiveDate;
use invoice_pdf::{render_invoice, InvoiceDocument};
use onec_model::{
    Address, AddressKind, BankAccount, Counterparty, Invoice, InvoiceLine, LegalForm, Organization,
    Ref, VatMode, VatRate,
};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "invoice.pdf".to_owned());
    let count: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(3);

    let organization = Organization {
        r#ref: Ref::derived("sample", "org"),
        name: "ООО \"Сервис-Плюс\"".to_owned(),
        full_name: Some("Общество с ограниченной ответственностью \"Сервис-Плюс\"".to_owned()),
        inn: Some("7707083893".to_owned()),
        kpp: Some("770701001".to_owned()),
        address: Some("125009, г. Москва, ул. Тверская, д. 7, офис 12".to_owned()),
        phone: Some("+7 (495) 123-45-67".to_owned()),
        director: Some("Смирнов А. В.".to_owned()),
        accountant: Some("Кузнецова Е. П.".to_owned()),
        bank_accounts: vec![BankAccount {
            r#ref: Ref::derived("sample", "account"),
            number: "40702810938000012345".to_owned(),
            bank_name: "ПАО СБЕРБАНК".to_owned(),
            bik: "044525225".to_owned(),
            correspondent_account: Some("30101810400000000225".to_owned()),
            city: Some("Москва".to_owned()),
        }],
    };
    let buyer = Counterparty {
        r#ref: Ref::derived("sample", "buyer"),
        name: "Ромашка".to_owned(),
        full_name: Some("ООО \"Ромашка\"".to_owned()),
        inn: Some("5001012345".to_owned()),
        kpp: Some("500101001".to_owned()),
        legal_form: Some(LegalForm::Legal),
        emails: vec![],
        phones: vec!["8 800 555-35-35".to_owned()],
        addresses: vec![Address {
            kind: AddressKind::Legal,
            text: "141400, Московская обл., г. Химки, ул. Юридическая, д. 2".to_owned(),
        }],
        partner: None,
        head: None,
        comment: None,
        upload: None,
        deletion_mark: false,
        version: None,
    };
    let texts = [
        "Абонентское обслуживание ККТ за март 2025 г.",
        "Выезд инженера на объект клиента",
        "Замена фискального накопителя ФН-1.1М на 15 месяцев с перерегистрацией ККТ в ФНС \
         и настройкой передачи данных оператору фискальных данных",
    ];
    let mode = VatMode::Included;
    let lines = (0..count)
        .map(|i| {
            let price = Decimal::new(150_000 + 36_050 * i64::try_from(i % 7)?, 2);
            let quantity = Decimal::from(1 + i % 3);
            Ok(InvoiceLine::new_computed(
                None,
                texts[i % texts.len()],
                quantity,
                Some("усл".to_owned()),
                price,
                VatRate::Twenty,
                mode,
            )?)
        })
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    let invoice = Invoice {
        r#ref: None,
        number: Some("УТ-000123".to_owned()),
        date: NaiveDate::from_ymd_opt(2025, 3, 5)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .ok_or("bad date")?,
        organization: organization.r#ref,
        bank_account: None,
        counterparty: buyer.r#ref,
        partner: None,
        contract: None,
        vat_mode: mode,
        lines,
        comment: None,
    };
    let doc = InvoiceDocument::new(invoice, organization, buyer)?
        .with_contract("Договор № 15/2025 от 10 января 2025 г.")
        .with_note("Заявка Okdesk № 4821: https://acme.okdesk.ru/issues/4821");
    let pdf = render_invoice(&doc)?;
    std::fs::write(&path, &pdf)?;
    println!("{path}: {} bytes", pdf.len());
    Ok(())
}
