//! Issues (Заявки) in their two shapes, and what hangs off them: comments, time entries,
//! specification lines, statuses and types.
//!
//! The card (`GET issues/{id}`) has flat ids (`company_id`, `service_object_id`, `equipment_ids`) and
//! a description; an `issues/list` item nests `company`, `contact`, `service_object` and `equipments`
//! and has neither description nor spent time. They are separate types so nobody reads a field the
//! shape does not have.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{find_parameter, AgreementRef, Attachment, CodeName, Named, Parameter, Person};
use super::equipment::DirectoryRef;
use crate::ids::{
    CommentId, CompanyId, ContactId, EquipmentId, GroupId, IssueId, IssueServiceId,
    MaintenanceEntityId, PriceListId, TimeEntryId,
};
use crate::page::HasId;

/// A node of the issue-type tree `GET /dictionaries/issues/types` answers: a group
/// (`type: "group"`, with `children`) or a type. Seen in three public C# integrations and
/// go-okdesk (okdesk-api.md, corrections); the fields past `children` are tolerated if absent.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct IssueTypeNode {
    /// The id.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<u64>,
    /// The account-specific code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// `group` for a group; a type otherwise.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Whether this is the account's default type.
    #[serde(default)]
    pub default: Option<bool>,
    /// Whether the type is internal (not for clients).
    #[serde(default)]
    pub inner: Option<bool>,
    /// Whether clients may pick it.
    #[serde(default)]
    pub available_for_client: Option<bool>,
    /// The nodes inside a group.
    #[serde(default)]
    pub children: Vec<IssueTypeNode>,
}

impl IssueTypeNode {
    /// Whether the node is a group of types rather than a type.
    pub fn is_group(&self) -> bool {
        self.kind.as_deref() == Some("group") || !self.children.is_empty()
    }
}

/// An issue type `{id, code, name, available_for_client}`, with the group it sits in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct IssueType {
    /// The id.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<u64>,
    /// The account-specific code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether clients may pick it.
    #[serde(default)]
    pub available_for_client: Option<bool>,
    /// The code of the group the type sits in, when the tree has groups.
    #[serde(default)]
    pub group: Option<String>,
}

/// `comments: {count, last_at}` on the card.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CommentsSummary {
    /// How many comments there are.
    #[serde(default)]
    pub count: u64,
    /// When the last one was posted.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub last_at: Option<DateTime<FixedOffset>>,
}

/// The issue card.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Issue {
    /// The id.
    pub id: IssueId,
    /// The title.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub title: String,
    /// The description (HTML).
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub description: Option<String>,
    /// When it was created.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When it last changed.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// When it was completed.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// The deadline.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub deadline_at: Option<DateTime<FixedOffset>>,
    /// "Назначена на".
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub start_execution_until: Option<DateTime<FixedOffset>>,
    /// Postponed until.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub delayed_to: Option<DateTime<FixedOffset>>,
    /// Planned reaction time.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub planned_reaction_at: Option<DateTime<FixedOffset>>,
    /// Actual reaction time.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub reacted_at: Option<DateTime<FixedOffset>>,
    /// `from_employee`, `from_contact`, `from_email`, …
    #[serde(default)]
    pub source: Option<String>,
    /// Time spent, in hours.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub spent_time_total: Option<f64>,
    /// Planned time, in hours.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub planned_execution_in_hours: Option<f64>,
    /// The client company.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub company_id: Option<CompanyId>,
    /// The assignee group.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub group_id: Option<GroupId>,
    /// The maintenance entity ("service object").
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub service_object_id: Option<MaintenanceEntityId>,
    /// The equipment.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub equipment_ids: Vec<EquipmentId>,
    /// The parent issue.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub parent_id: Option<IssueId>,
    /// Child issues.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub child_ids: Vec<IssueId>,
    /// The type.
    #[serde(default, rename = "type")]
    pub issue_type: Option<IssueType>,
    /// The priority.
    #[serde(default)]
    pub priority: Option<CodeName>,
    /// The status.
    #[serde(default)]
    pub status: Option<CodeName>,
    /// The previous status.
    #[serde(default)]
    pub old_status: Option<CodeName>,
    /// The client's rating (`{id, value: bad|normal|good}`), raw.
    #[serde(default)]
    pub rate: Option<Value>,
    /// The address (`{value, coordinates}`), raw.
    #[serde(default)]
    pub address: Option<Value>,
    /// The contact.
    #[serde(default)]
    pub contact: Option<Named<ContactId>>,
    /// The agreement.
    #[serde(default)]
    pub agreement: Option<AgreementRef>,
    /// The assignee.
    #[serde(default)]
    pub assignee: Option<Person>,
    /// The author.
    #[serde(default)]
    pub author: Option<Person>,
    /// Co-executors (`{id, name, group}`), raw.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub coexecutors: Vec<Value>,
    /// Observers.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub observers: Vec<Person>,
    /// Observer groups.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub observer_groups: Vec<Named<GroupId>>,
    /// Attached files (metadata; download through the issues handler).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attachments: Vec<Attachment>,
    /// Custom parameters.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<Parameter>,
    /// Comment count and last time.
    #[serde(default)]
    pub comments: Option<CommentsSummary>,
    /// Time per status (preformatted Russian strings), raw.
    #[serde(default)]
    pub status_times: Option<Value>,
}

impl Issue {
    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }

    /// The status code, `""` when absent.
    pub fn status_code(&self) -> &str {
        self.status.as_ref().map_or("", |s| s.code.as_str())
    }
}

impl HasId for Issue {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// An equipment entry nested in an `issues/list` item.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct IssueEquipment {
    /// The id.
    pub id: EquipmentId,
    /// The serial number.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub serial_number: Option<String>,
    /// The inventory number.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub inventory_number: Option<String>,
    /// The kind.
    #[serde(default)]
    pub equipment_kind: Option<DirectoryRef>,
}

/// An item of `issues/list`: nested references, no description, no spent time.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct IssueListItem {
    /// The id.
    pub id: IssueId,
    /// The title.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub title: String,
    /// When it was created.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// When it last changed.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// When it was completed.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// The deadline.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub deadline_at: Option<DateTime<FixedOffset>>,
    /// The status.
    #[serde(default)]
    pub status: Option<CodeName>,
    /// The priority.
    #[serde(default)]
    pub priority: Option<CodeName>,
    /// The type.
    #[serde(default, rename = "type")]
    pub issue_type: Option<IssueType>,
    /// The client company.
    #[serde(default)]
    pub company: Option<Named<CompanyId>>,
    /// The contact.
    #[serde(default)]
    pub contact: Option<Named<ContactId>>,
    /// The maintenance entity.
    #[serde(default)]
    pub service_object: Option<Named<MaintenanceEntityId>>,
    /// The agreement.
    #[serde(default)]
    pub agreement: Option<AgreementRef>,
    /// The equipment.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub equipments: Vec<IssueEquipment>,
    /// The assignee.
    #[serde(default)]
    pub assignee: Option<Person>,
    /// The author.
    #[serde(default)]
    pub author: Option<Person>,
    /// Custom parameters.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<Parameter>,
}

impl HasId for IssueListItem {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// A comment on an issue (`content` is HTML).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Comment {
    /// The id.
    pub id: CommentId,
    /// The HTML content.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub content: String,
    /// Whether the client sees it.
    #[serde(default)]
    pub public: Option<bool>,
    /// When it was posted.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub published_at: Option<DateTime<FixedOffset>>,
    /// The author (`type` is `employee` or `contact`).
    #[serde(default)]
    pub author: Option<Person>,
    /// Attached files.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attachments: Vec<Attachment>,
}

/// A time entry (Трудозатраты).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct TimeEntry {
    /// The id.
    pub id: TimeEntryId,
    /// The comment.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub comment: Option<String>,
    /// Time spent, in hours.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub spent_time: Option<f64>,
    /// The moment it is booked on.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub logged_at: Option<DateTime<FixedOffset>>,
    /// The employee (`{id, login, name}`).
    #[serde(default)]
    pub employee: Option<Person>,
    /// Custom time-entry parameters (place of work, type of service, …).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<Parameter>,
}

impl TimeEntry {
    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }
}

/// `service: {type, code, unit}` on a specification line.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct ServiceInfo {
    /// `service`, `work` or `product`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The price-list line code.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub code: Option<String>,
    /// The unit.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub unit: Option<String>,
}

/// A line of an issue's specification (paid services, works, products).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct IssueService {
    /// The id.
    pub id: IssueServiceId,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The quantity.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub quantity: Option<f64>,
    /// The discount, percent.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub discount: Option<f64>,
    /// The line total.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub total: Option<f64>,
    /// The VAT included in the total.
    #[serde(default, deserialize_with = "crate::de::opt_f64")]
    pub total_vat: Option<f64>,
    /// The comment.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub comment: Option<String>,
    /// The price-list line.
    #[serde(default)]
    pub service: Option<ServiceInfo>,
    /// The price list.
    #[serde(default)]
    pub price_list: Option<Named<PriceListId>>,
    /// Who performed it.
    #[serde(default)]
    pub performer: Option<Person>,
}

/// An issue status of the account.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct IssueStatus {
    /// The account-specific code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Whether issues in it count as done (field name unverified).
    #[serde(default, rename = "final")]
    pub is_final: Option<bool>,
}
