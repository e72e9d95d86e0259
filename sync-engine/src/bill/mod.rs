//! The bill job: paid Okdesk issues (with a specification) into invoices in 1C, rendered to a
//! PDF «Счет на оплату» and uploaded back to the issue, exactly once through the invoice outbox.

pub mod build;
pub mod job;
pub mod policy;

pub use build::{build_invoice, BillError, BuiltInvoice};
pub use job::{pdf_file_name, BillJob};
pub use policy::{BillPolicy, ItemKey};
