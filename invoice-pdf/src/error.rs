//! Why an invoice could not be rendered: each error names the invoice, the field and the reason,
//! so that the bill report tells the user what to fix in 1C.

/// An invoice that cannot be printed, or a failure of the embedded font.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The invoice has no number yet: the form is printed after 1C numbered the document.
    #[error("счет от {date}: нет номера; печатная форма делается после того, как 1С присвоила документу номер")]
    MissingNumber {
        /// The invoice date as printed.
        date: String,
    },
    /// The invoice has no lines.
    #[error("счет № {number}: нет ни одной строки (табличная часть «Товары/Услуги» пуста)")]
    NoLines {
        /// The invoice number.
        number: String,
    },
    /// A field the printed form cannot do without is empty.
    #[error(
        "счет № {number}: у {owner} не заполнено поле «{field}», без него счет нельзя оплатить"
    )]
    MissingField {
        /// The invoice number.
        number: String,
        /// Whose field it is, in the genitive: «организации «ООО Ромашка»», «банковского счета 4070…».
        owner: String,
        /// The field as 1C names it.
        field: &'static str,
    },
    /// The supplier has no bank account to print.
    #[error("организация «{organization}»: нет ни одного банковского счета, реквизиты для оплаты печатать неоткуда")]
    NoBankAccount {
        /// The organization's name.
        organization: String,
    },
    /// The invoice names a bank account the supplier does not have.
    #[error("организация «{organization}»: в счете указан банковский счет {account}, которого нет среди счетов организации")]
    UnknownBankAccount {
        /// The organization's name.
        organization: String,
        /// The `Ref_Key` the invoice names.
        account: String,
    },
    /// The amounts of the lines are too large to add up.
    #[error("счет № {number}: строка {line}: сумма {amount} слишком велика, итог не вычисляется")]
    AmountOverflow {
        /// The invoice number.
        number: String,
        /// The line number, from 1.
        line: usize,
        /// The line total as stored.
        amount: String,
    },
    /// The embedded font could not be read or subset (a defect of the build, not of the data).
    #[error("встроенный шрифт {font}: {reason}")]
    Font {
        /// The font's PostScript name.
        font: &'static str,
        /// What went wrong.
        reason: String,
    },
}
