//! Deterministic demo data shared by both simulators, so that the 1C side and the Okdesk side agree:
//! the same INNs, the same e-mails, issues of clients that exist in 1C.
//!
//! The 1C side is a neutral [`onec_model::Snapshot`] that the 1C simulator lays out per
//! configuration; the Okdesk side is a seed of what already exists in the help desk before the first
//! push (companies created "by hand" with the INN in a custom attribute, employees, issues).

use chrono::{NaiveDate, NaiveDateTime};
use onec_model::Snapshot;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How much demo data to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemoSize {
    /// A handful of records of every kind: fast tests and the demo.
    Small,
    /// Hundreds of records: a realistic trial.
    Large,
    /// Exactly `n` counterparties, with contacts, contracts, objects and equipment in proportion
    /// (3n contacts, n contracts, n/2 objects, 2n equipment): benchmarks.
    Counterparties(usize),
}

/// A company that exists in Okdesk before the first push, created "by hand".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedCompany {
    /// The company name as typed in Okdesk (may differ from 1C's).
    pub name: String,
    /// The INN, stored in the company's string custom parameter (and sometimes `additional_name`).
    pub inn: String,
    /// `additional_name`, where the INN was typed there instead.
    pub additional_name: Option<String>,
}

/// An Okdesk employee; most e-mails match 1C users, one deliberately does not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedEmployee {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Patronymic.
    pub patronymic: Option<String>,
    /// Login e-mail.
    pub email: String,
}

/// A comment of a seeded issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedComment {
    /// The author's e-mail (an employee's, or the contact's for client comments).
    pub author_email: String,
    /// The text.
    pub content: String,
    /// False for private comments.
    pub public: bool,
    /// When it was written (account time zone).
    pub at: NaiveDateTime,
    /// Files attached to the comment.
    pub attachments: Vec<SeedAttachment>,
}

/// A file attached to a seeded issue or comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedAttachment {
    /// The file name.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A time entry of a seeded issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedTimeEntry {
    /// The employee's e-mail.
    pub employee_email: String,
    /// Hours spent.
    pub hours: Decimal,
    /// The day of the work.
    pub date: NaiveDate,
    /// The `workPlace` parameter.
    pub work_place: Option<String>,
    /// The `TypeOfService` parameter.
    pub type_of_service: Option<String>,
    /// The comment.
    pub comment: Option<String>,
}

/// A line of a seeded issue's specification (paid services).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedService {
    /// The price-list code, which matches a 1C item's article or code (one deliberately does not).
    pub code: String,
    /// The service name.
    pub name: String,
    /// The quantity.
    pub quantity: Decimal,
    /// The unit price.
    pub price: Decimal,
    /// VAT in percent; `None` for «без НДС».
    pub vat_percent: Option<u8>,
}

/// An issue that exists in Okdesk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeedIssue {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The INN of the client company (one of [`OkdeskSeed::companies`]).
    pub company_inn: Option<String>,
    /// The status code (`opened`, `in_progress`, `completed`, `closed`, …).
    pub status: String,
    /// The assignee's e-mail.
    pub assignee_email: Option<String>,
    /// The author's e-mail.
    pub author_email: Option<String>,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// Comments, public and private.
    pub comments: Vec<SeedComment>,
    /// Files attached to the issue itself.
    pub attachments: Vec<SeedAttachment>,
    /// Time entries.
    pub time_entries: Vec<SeedTimeEntry>,
    /// The specification; non-empty makes it a paid issue.
    pub services: Vec<SeedService>,
    /// Index of the parent issue in [`OkdeskSeed::issues`], for nested issues.
    pub parent: Option<usize>,
    /// Checklist items: (text, done).
    pub checklist: Vec<(String, bool)>,
}

/// What exists in Okdesk before the first push.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OkdeskSeed {
    /// Companies created by hand, with the INN in a custom parameter.
    pub companies: Vec<SeedCompany>,
    /// Employees.
    pub employees: Vec<SeedEmployee>,
    /// Issues.
    pub issues: Vec<SeedIssue>,
}

/// Both sides of the demo world.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DemoWorld {
    /// The 1C base, in the neutral model (the 1C simulator lays it out per configuration).
    pub onec: Snapshot,
    /// The Okdesk account.
    pub okdesk: OkdeskSeed,
}
