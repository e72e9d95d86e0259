//! What the invoice form prints: the 1C invoice plus the supplier, its bank account, the buyer,
//! the contract and a note, gathered by the caller from the 1C snapshot.

use onec_model::{BankAccount, Counterparty, Invoice, Organization};

use crate::RenderError;

/// Everything the «Счет на оплату» form needs, in the neutral 1C model.
#[derive(Clone, Debug, PartialEq)]
pub struct InvoiceDocument {
    /// The invoice as 1C holds it: number, date, VAT mode and lines with their stored amounts.
    pub invoice: Invoice,
    /// The supplier: our organization, with INN/KPP, address, director and accountant.
    pub supplier: Organization,
    /// The supplier's account the buyer pays to.
    pub bank_account: BankAccount,
    /// The buyer.
    pub buyer: Counterparty,
    /// The contract title printed as «Основание»; `None` prints no such line.
    pub contract: Option<String>,
    /// A note under the amount in words, e.g. the Okdesk issue number and link.
    pub note: Option<String>,
}

impl InvoiceDocument {
    /// Gathers a document, taking the bank account the invoice names, or else the supplier's
    /// first (main) account.
    ///
    /// Fails when the supplier has no bank account at all, or when the invoice names an account
    /// the supplier does not have.
    pub fn new(
        invoice: Invoice,
        supplier: Organization,
        buyer: Counterparty,
    ) -> Result<InvoiceDocument, RenderError> {
        let bank_account = match invoice.bank_account {
            Some(wanted) => supplier
                .bank_accounts
                .iter()
                .find(|account| account.r#ref == wanted)
                .ok_or_else(|| RenderError::UnknownBankAccount {
                    organization: supplier.name.clone(),
                    account: wanted.to_string(),
                })?,
            None => supplier
                .bank_accounts
                .first()
                .ok_or_else(|| RenderError::NoBankAccount {
                    organization: supplier.name.clone(),
                })?,
        }
        .clone();
        Ok(InvoiceDocument {
            invoice,
            supplier,
            bank_account,
            buyer,
            contract: None,
            note: None,
        })
    }

    /// Sets the contract title printed as «Основание».
    pub fn with_contract(mut self, title: impl Into<String>) -> InvoiceDocument {
        self.contract = Some(title.into());
        self
    }

    /// Sets the note printed under the amount in words.
    pub fn with_note(mut self, note: impl Into<String>) -> InvoiceDocument {
        self.note = Some(note.into());
        self
    }
}

impl InvoiceDocument {
    /// Checks what the form cannot do without and returns the invoice number as printed.
    pub(crate) fn check(&self) -> Result<&str, RenderError> {
        let number = self
            .invoice
            .number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| RenderError::MissingNumber {
                date: self.invoice.date.format("%d.%m.%Y").to_string(),
            })?;
        if self.invoice.lines.is_empty() {
            return Err(RenderError::NoLines {
                number: number.to_owned(),
            });
        }
        let missing = |owner: String, field: &'static str| RenderError::MissingField {
            number: number.to_owned(),
            owner,
            field,
        };
        let blank = |value: Option<&str>| value.is_none_or(|v| v.trim().is_empty());
        let organization = format!("организации «{}»", self.supplier.name);
        if blank(self.supplier.inn.as_deref()) {
            return Err(missing(organization, "ИНН"));
        }
        let account = format!(
            "банковского счета организации «{}» ({})",
            self.supplier.name, self.bank_account.r#ref
        );
        for (field, value) in [
            ("Номер счета", &self.bank_account.number),
            ("БИК", &self.bank_account.bik),
            ("Банк", &self.bank_account.bank_name),
        ] {
            if blank(Some(value)) {
                return Err(missing(account, field));
            }
        }
        Ok(number)
    }
}
