//! The neutral 1C:Enterprise domain model: typed ids, reference data, documents and validation.
//!
//! Every configuration adapter maps its 1C objects into these types, and the sync engine works
//! only with them, so a new configuration never changes the engine.
//!
//! Architecture invariant: this crate depends on no workspace crate and does no IO. It derives
//! `Serialize` so that snapshots can render it; it is not a wire or state-file format.

pub mod documents;
pub mod ids;
pub mod money;
pub mod reference;

pub use documents::{
    EmployeeTask, Invoice, InvoiceLine, TaskAttachment, TaskComment, TimeEntry, TimeSheet,
};
pub use ids::{Ref, RefError};
pub use money::{VatMode, VatRate};
pub use reference::{
    Address, AddressKind, BankAccount, ContactPerson, ContactState, Contract, Counterparty,
    Employee, Equipment, EquipmentKind, EquipmentModel, Item, LegalForm, Manufacturer,
    Organization, ServiceObject, Snapshot,
};
