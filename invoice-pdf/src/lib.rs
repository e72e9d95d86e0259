//! Renders a Russian «Счет на оплату» invoice into a PDF with an embedded Cyrillic font.
//!
//! The form follows the one 1C prints: the bank details box (Банк получателя, БИК, Сч. №, ИНН,
//! КПП, Получатель), the title «Счет на оплату № N от D месяца YYYY г.», Поставщик / Покупатель /
//! Основание, the table (№, Товары (работы, услуги), Кол-во, Ед., Цена, Сумма), totals with VAT
//! per rate or «Без налога (НДС)», «Всего наименований N, на сумму X руб.», the amount in words
//! and signatures. Long item names wrap; many lines flow onto more pages with the table header
//! repeated.
//!
//! Text is set in DejaVu Sans Condensed, embedded as a subset (Type0 / CIDFontType2 with
//! `Identity-H` and a `ToUnicode` map), so the PDF shows the same on every machine and its text
//! can be searched and extracted as Cyrillic. The output is deterministic: the same document
//! gives the same bytes.
//!
//! ```no_run
//! # fn demo(doc: invoice_pdf::InvoiceDocument) -> Result<(), invoice_pdf::RenderError> {
//! let pdf: Vec<u8> = invoice_pdf::render_invoice(&doc)?;
//! assert!(pdf.starts_with(b"%PDF-"));
//! # Ok(())
//! # }
//! ```

mod canvas;
mod document;
mod error;
mod font;
mod form;
mod format;
mod summary;
mod writer;

pub use document::InvoiceDocument;
pub use error::RenderError;

/// Renders the invoice form as PDF bytes.
///
/// Fails, naming the invoice and the field, when the invoice has no number or no lines, when the
/// supplier's INN or the bank account's number, BIK or bank name is empty, or when the amounts
/// are beyond computing.
pub fn render_invoice(doc: &InvoiceDocument) -> Result<Vec<u8>, RenderError> {
    let number = doc.check()?;
    let summary = summary::summarize(&doc.invoice, number)?;
    let title = format!(
        "Счет на оплату №{}{number} от {}",
        font::NO_BREAK_SPACE,
        format::date_long(doc.invoice.date.date())
    );
    let mut fonts = font::Fonts::load()?;
    let pages = form::compose(
        doc,
        &form::Texts {
            title: &title,
            summary: &summary,
        },
        &fonts,
    );
    writer::write_pdf(&pages, &mut fonts, &title)
}
