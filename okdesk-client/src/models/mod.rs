//! Okdesk's resources as tolerant Rust types.
//!
//! Unknown fields are ignored, fields the API may omit are `Option` (or an empty `Vec` when `null`),
//! ids accept numbers or strings, timestamps keep the account's offset, and custom parameters keep
//! their value as raw JSON because its type depends on the account's schema.

mod agreement;
mod common;
mod company;
mod contact;
mod employee;
mod equipment;
mod issue;
mod maintenance_entity;

pub use agreement::Agreement;
pub use common::{
    AgreementRef, Attachment, Category, CodeName, Named, Parameter, ParameterSchema, Person,
};
pub use company::Company;
pub use contact::Contact;
pub use employee::Employee;
pub use equipment::{DirectoryRef, Equipment, EquipmentKind, EquipmentModel, Manufacturer};
pub use issue::{
    Comment, CommentsSummary, Issue, IssueEquipment, IssueListItem, IssueService, IssueStatus,
    IssueType, IssueTypeNode, ServiceInfo, TimeEntry,
};
pub use maintenance_entity::{MaintenanceEntity, TimeZoneRef};
