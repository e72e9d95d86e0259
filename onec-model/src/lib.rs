//! The neutral 1C:Enterprise domain model: typed ids, reference data, documents and validation.
//!
//! Every configuration adapter maps its 1C objects into these types, and the sync engine works
//! only with them, so a new configuration never changes the engine.
//!
//! - [`ids`]: `Ref`, the 1C GUID (the zero GUID is `None`).
//! - [`reference`] and [`documents`]: the entities read from and written into 1C.
//! - [`money`]: VAT rates and modes, kopeck rounding, line and invoice amounts.
//! - [`words`]: amounts in words for invoices («Одна тысяча двести рублей 50 копеек»).
//! - [`validate`]: INN, KPP, e-mail and phone normalisation, and field errors for reports.
//! - [`wire`]: 1C's empty date, reference and enum values mapped to `None`.
//!
//! Architecture invariant: this crate depends on no workspace crate and does no IO. It derives
//! `Serialize` so that snapshots can render it; it is not a wire or state-file format.

pub mod documents;
pub mod ids;
pub mod money;
pub mod reference;
pub mod validate;
pub mod wire;
pub mod words;

pub use documents::{
    EmployeeTask, Invoice, InvoiceLine, TaskAttachment, TaskComment, TimeEntry, TimeSheet,
};
pub use ids::{Ref, RefError};
pub use money::{
    invoice_totals, line_amounts, round_kopecks, LineAmounts, MoneyError, Totals, VatMode, VatRate,
    VatRateError,
};
pub use reference::{
    Address, AddressKind, BankAccount, ContactPerson, ContactState, Contract, Counterparty,
    Employee, Equipment, EquipmentKind, EquipmentModel, Item, LegalForm, Manufacturer,
    Organization, ServiceObject, Snapshot,
};
pub use validate::{
    EmailError, FieldError, Inn, InnError, InnKind, Kpp, KppError, NormalizedEmail, RecordCheck,
};
pub use words::amount_in_words;
