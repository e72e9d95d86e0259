//! The Okdesk side of pull and bill: issues changed since a day, their cards, comments (private
//! ones too), checklists, time entries, specifications and attachments, the employee list for
//! matching by e-mail, and a comment with a file for uploading invoices.
//!
//! The DTOs here are engine-native, like [`super::records`]: the real port converts the client's
//! wire types, the fakes build them directly.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::PortError;

/// An issue id and when it last changed, as the changed-issues listing gives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueStamp {
    /// The issue id.
    pub id: u64,
    /// `updated_at` with the account's offset.
    pub updated_at: DateTime<FixedOffset>,
}

/// Who a person on an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    /// An Okdesk employee (a user of the service company).
    Employee,
    /// A client's contact person.
    Contact,
    /// Okdesk did not say: the issue card's `author` comes as `{id, name}` without `type` (the
    /// documentation's own sample). The id may be an employee's or a contact's; it is never taken
    /// for a contact by id alone.
    Unknown,
}

/// A person named on an issue or comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    /// The Okdesk id (an employee id or a contact id, by `kind`).
    pub id: u64,
    /// The name as Okdesk shows it.
    pub name: String,
    /// Employee or contact.
    pub kind: PersonKind,
}

/// A file attached to an issue or a comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    /// The attachment id.
    pub id: u64,
    /// The file name.
    pub file_name: String,
    /// The size in bytes, when Okdesk says.
    pub size: Option<u64>,
    /// Whether the client sees it.
    pub public: bool,
}

/// An issue card (`GET /issues/{id}`) with the fields pull needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueCard {
    /// The id.
    pub id: u64,
    /// The title.
    pub title: String,
    /// The description (HTML or text as Okdesk holds it).
    pub description: String,
    /// When it was created.
    pub created_at: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_at: DateTime<FixedOffset>,
    /// The status code (`opened`, `completed`, …).
    pub status_code: String,
    /// The status name.
    pub status_name: Option<String>,
    /// The assignee.
    pub assignee: Option<PersonRef>,
    /// The author.
    pub author: Option<PersonRef>,
    /// The client company.
    pub company_id: Option<u64>,
    /// The client's contact.
    pub contact_id: Option<u64>,
    /// The agreement.
    pub agreement_id: Option<u64>,
    /// The maintenance entity (service object).
    pub service_object_id: Option<u64>,
    /// The equipment.
    pub equipment_ids: Vec<u64>,
    /// The parent issue.
    pub parent_id: Option<u64>,
    /// The child issues.
    pub child_ids: Vec<u64>,
    /// Files attached to the issue itself.
    pub attachments: Vec<AttachmentMeta>,
}

/// A comment of an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueComment {
    /// The id.
    pub id: u64,
    /// The content (HTML as Okdesk holds it).
    pub content: String,
    /// False for private (internal) comments.
    pub public: bool,
    /// When it was published.
    pub published_at: DateTime<FixedOffset>,
    /// Who wrote it.
    pub author: Option<PersonRef>,
    /// Its files.
    pub attachments: Vec<AttachmentMeta>,
}

/// A checklist item of an issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// The id.
    pub id: u64,
    /// The text.
    pub name: String,
    /// Whether it is ticked.
    pub checked: bool,
    /// True for a header (a group of points).
    pub header: bool,
    /// The header it sits under.
    pub parent_id: Option<u64>,
}

/// A time entry of an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeEntryRecord {
    /// The id.
    pub id: u64,
    /// Hours spent.
    pub spent_hours: Decimal,
    /// When the time was logged.
    pub logged_at: DateTime<FixedOffset>,
    /// The employee's id.
    pub employee_id: u64,
    /// The employee's login (an e-mail in most accounts).
    pub employee_login: Option<String>,
    /// The employee's name.
    pub employee_name: String,
    /// The comment.
    pub comment: Option<String>,
    /// Custom parameters by code (`workPlace`, `TypeOfService`, …), values as text.
    pub parameters: BTreeMap<String, String>,
}

/// An Okdesk employee, for matching with 1C users by e-mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OkdeskEmployee {
    /// The id.
    pub id: u64,
    /// The full name.
    pub name: String,
    /// The e-mail.
    pub email: Option<String>,
    /// The login.
    pub login: Option<String>,
    /// Whether the employee is active.
    pub active: bool,
}

/// A line of an issue's specification (`GET /issues/{id}/services`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    /// The line id.
    pub id: u64,
    /// The price-list code of the service.
    pub code: String,
    /// The name.
    pub name: String,
    /// `service`, `work` or `product`.
    pub kind: Option<String>,
    /// The unit.
    pub unit: Option<String>,
    /// The quantity.
    pub quantity: Decimal,
    /// The line total after the discount, VAT included.
    pub total: Decimal,
    /// The VAT inside `total`, when Okdesk gives it.
    pub total_vat: Option<Decimal>,
    /// The VAT rate in percent, when the price-list line names one (`None` for «без НДС» or unknown).
    pub vat_percent: Option<Decimal>,
}

/// A file to upload with a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadFile {
    /// The file name.
    pub file_name: String,
    /// The MIME type.
    pub content_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// A comment to post with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewComment {
    /// The text.
    pub content: String,
    /// Whether the client sees it.
    pub public: bool,
    /// The employee the comment is written as (Okdesk requires an author).
    pub author_id: u64,
    /// The file.
    pub file: UploadFile,
}

/// The Okdesk side of pull and bill.
#[async_trait]
pub trait IssuesPort: Send + Sync {
    /// Issues changed on or after `since` (a day: Okdesk's `updated_since` is day-granular), or
    /// every issue when `since` is `None`, with their `updated_at`.
    async fn changed_issues(&self, since: Option<NaiveDate>) -> Result<Vec<IssueStamp>, PortError>;

    /// Ids of issues in any of `statuses` (every issue when empty) changed on or after `since`.
    async fn issue_ids(
        &self,
        statuses: &[String],
        since: Option<NaiveDate>,
    ) -> Result<Vec<u64>, PortError>;

    /// One issue card.
    async fn issue(&self, id: u64) -> Result<IssueCard, PortError>;

    /// Every comment of an issue, private ones included, oldest first.
    async fn comments(&self, id: u64) -> Result<Vec<IssueComment>, PortError>;

    /// The checklist of an issue.
    async fn checklist(&self, id: u64) -> Result<Vec<ChecklistItem>, PortError>;

    /// The time entries of an issue.
    async fn time_entries(&self, id: u64) -> Result<Vec<TimeEntryRecord>, PortError>;

    /// The specification of an issue.
    async fn services(&self, id: u64) -> Result<Vec<ServiceLine>, PortError>;

    /// Downloads an attachment at once through its temporary link (valid about 30 s).
    async fn download_attachment(
        &self,
        issue_id: u64,
        attachment_id: u64,
    ) -> Result<Vec<u8>, PortError>;

    /// Every employee, inactive ones too.
    async fn employees(&self) -> Result<Vec<OkdeskEmployee>, PortError>;

    /// Posts a comment with a file to an issue; returns the comment id.
    async fn add_comment(&self, issue_id: u64, comment: &NewComment) -> Result<u64, PortError>;

    /// How many HTTP requests this port has made so far.
    fn requests(&self) -> u64;
}
