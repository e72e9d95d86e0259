//! Documents the product writes into 1C: invoices for paid issues, and for configurations that have
//! them, employee tasks and time sheets pulled from Okdesk issues.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::Ref;
use crate::money::{VatMode, VatRate};

/// One line of an invoice. Amounts are in roubles with kopecks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The item (service or goods) in 1C; `None` only before the engine resolved it.
    pub item: Option<Ref>,
    /// The line text («Содержание»), printed on the invoice.
    pub text: String,
    /// The quantity.
    pub quantity: Decimal,
    /// The unit of measure as printed.
    pub unit: Option<String>,
    /// The item's unit of measure in 1C, for configurations whose line needs the reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_ref: Option<Ref>,
    /// The price of one unit, in the invoice's [`VatMode`].
    pub price: Decimal,
    /// The VAT rate of the line.
    pub vat_rate: VatRate,
    /// The VAT amount of the line.
    pub vat_amount: Decimal,
    /// The line total, in the invoice's [`VatMode`] (with VAT when it is included).
    pub total: Decimal,
}

/// An invoice («Счет на оплату») for a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    /// `Ref_Key` once 1C created it.
    pub r#ref: Option<Ref>,
    /// The number 1C gave it, read back after the write.
    pub number: Option<String>,
    /// The document date.
    pub date: NaiveDateTime,
    /// The supplier: our organization.
    pub organization: Ref,
    /// The organization's bank account printed on the invoice.
    pub bank_account: Option<Ref>,
    /// The buyer.
    pub counterparty: Ref,
    /// The buyer's business partner, where the configuration splits partners from counterparties.
    pub partner: Option<Ref>,
    /// The contract the invoice is issued under.
    pub contract: Option<Ref>,
    /// Whether prices include VAT or VAT is added on top.
    pub vat_mode: VatMode,
    /// The lines.
    pub lines: Vec<InvoiceLine>,
    /// «Комментарий»: the product writes the Okdesk issue id and link here.
    pub comment: Option<String>,
}

/// A comment of an Okdesk issue, carried into a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskComment {
    /// The Okdesk comment id.
    pub id: u64,
    /// When it was written, in the account's time zone.
    pub at: NaiveDateTime,
    /// Who wrote it, as Okdesk names the author.
    pub author: String,
    /// The text.
    pub text: String,
    /// False for private (internal) comments, which are carried too.
    pub public: bool,
}

/// A file attached to an issue or one of its comments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskAttachment {
    /// The Okdesk attachment id.
    pub id: u64,
    /// The file name.
    pub name: String,
    /// The size in bytes.
    pub size: u64,
    /// A digest of the content (hex SHA-256), so that a re-pull detects a changed file.
    pub sha256: Option<String>,
}

/// An employee task («Задание сотруднику» in ЭСТИ, «Задание на работу» in УНФ) made from an Okdesk issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmployeeTask {
    /// `Ref_Key` once 1C has it.
    pub r#ref: Option<Ref>,
    /// The Okdesk issue id.
    pub issue_id: u64,
    /// The issue's web link, shown in the document header.
    pub issue_url: String,
    /// The document date: when the issue was created.
    pub date: NaiveDateTime,
    /// The issue title.
    pub title: String,
    /// The issue description, with nested issues and checklists carried as text.
    pub description: String,
    /// The issue status code («opened», «completed», …).
    pub status: String,
    /// The issue status name as Okdesk shows it.
    pub status_name: Option<String>,
    /// The assignee, matched to a 1C user by e-mail.
    pub assignee: Option<Ref>,
    /// The author, matched to a 1C user by e-mail where the author is an employee.
    pub author: Option<Ref>,
    /// The author as Okdesk names them, kept when no 1C user matches.
    pub author_name: Option<String>,
    /// The client.
    pub counterparty: Option<Ref>,
    /// The client's contact person.
    pub contact: Option<Ref>,
    /// The contract.
    pub contract: Option<Ref>,
    /// The service object.
    pub object: Option<Ref>,
    /// The equipment.
    pub equipment: Option<Ref>,
    /// All comments, private ones included, oldest first.
    pub comments: Vec<TaskComment>,
    /// Attachments of the issue and its comments.
    pub attachments: Vec<TaskAttachment>,
    /// When the issue was last updated in Okdesk.
    pub updated_at: Option<NaiveDateTime>,
}

/// One time entry of an employee on an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeEntry {
    /// The Okdesk time entry id.
    pub id: u64,
    /// The employee, matched to a 1C user by e-mail.
    pub employee: Option<Ref>,
    /// The day the work was done.
    pub date: NaiveDate,
    /// Hours spent.
    pub hours: Decimal,
    /// The kind of work (Okdesk's `TypeOfService` parameter or «Тип работ»).
    pub work_kind: Option<String>,
    /// Where the work was done (Okdesk's `workPlace` parameter).
    pub place: Option<String>,
    /// The comment of the entry.
    pub comment: Option<String>,
}

/// A time sheet («Лист учета рабочего времени») subordinate to a task: one per employee and issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimeSheet {
    /// `Ref_Key` once 1C has it.
    pub r#ref: Option<Ref>,
    /// The task this sheet is subordinate to.
    pub task: Option<Ref>,
    /// The Okdesk issue id.
    pub issue_id: u64,
    /// The issue's web link.
    pub issue_url: String,
    /// The employee whose time this is.
    pub employee: Option<Ref>,
    /// The document date: the latest entry's day.
    pub date: NaiveDate,
    /// The entries.
    pub entries: Vec<TimeEntry>,
}
