//! Validation and normalisation of the values real 1C data holds: INN, KPP, e-mail and phone,
//! plus [`FieldError`] and [`RecordCheck`] for reporting a bad value as «object, field, value,
//! reason».

pub mod email;
mod field;
mod inn;
mod kpp;
pub mod phone;

pub use email::{EmailError, NormalizedEmail};
pub use field::{FieldError, RecordCheck};
pub use inn::{Inn, InnError, InnKind};
pub use kpp::{Kpp, KppError};
