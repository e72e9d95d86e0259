//! The simulator's own records of Okdesk objects (deliberately not `okdesk-client`'s types) and
//! the custom-attribute schemas of the account.

use std::collections::BTreeMap;

use axum::body::Bytes;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::demo::{SERVICE_TYPES, WORK_PLACES, WORK_TYPES};

/// Custom attribute values by code.
pub(crate) type Params = BTreeMap<String, Value>;

/// A custom attribute of the account: code, name, field type, and the allowed values of a select.
pub(crate) struct ParamDef {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) field_type: &'static str,
    pub(crate) values: &'static [&'static str],
    pub(crate) required: bool,
}

/// Company attributes: the INN and KPP that the initial match looks for.
pub(crate) const COMPANY_PARAMS: &[ParamDef] = &[
    ParamDef {
        code: "inn",
        name: "ИНН",
        field_type: "ftstring",
        values: &[],
        required: false,
    },
    ParamDef {
        code: "kpp",
        name: "КПП",
        field_type: "ftstring",
        values: &[],
        required: false,
    },
];

/// The code of the «Тип работ» issue attribute.
pub const WORK_TYPE_PARAM: &str = "work_type";

/// Issue attributes: «Тип работ» from the seed's settings.
pub(crate) const ISSUE_PARAMS: &[ParamDef] = &[ParamDef {
    code: WORK_TYPE_PARAM,
    name: "Тип работ",
    field_type: "ftselect",
    values: WORK_TYPES,
    required: false,
}];

/// Time-entry attributes from the seed's settings; both are lists and required.
pub(crate) const TIME_ENTRY_PARAMS: &[ParamDef] = &[
    ParamDef {
        code: "workPlace",
        name: "Место работы",
        field_type: "ftselect",
        values: WORK_PLACES,
        required: true,
    },
    ParamDef {
        code: "TypeOfService",
        name: "Вид работы",
        field_type: "ftselect",
        values: SERVICE_TYPES,
        required: true,
    },
];

/// Who wrote something: an employee or a contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Actor {
    Employee(u64),
    Contact(u64),
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Company {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) additional_name: Option<String>,
    pub(crate) site: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) comment: Option<String>,
    pub(crate) coordinates: Option<Value>,
    pub(crate) crm_1c_id: Option<String>,
    pub(crate) category_code: Option<String>,
    pub(crate) default_assignee_id: Option<u64>,
    pub(crate) observer_ids: Vec<u64>,
    pub(crate) active: bool,
    pub(crate) params: Params,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Contact {
    pub(crate) id: u64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) patronymic: Option<String>,
    pub(crate) position: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) mobile_phone: Option<String>,
    pub(crate) comment: Option<String>,
    pub(crate) login: Option<String>,
    pub(crate) company_id: Option<u64>,
    pub(crate) maintenance_entity_ids: Vec<u64>,
    pub(crate) crm_1c_id: Option<String>,
    pub(crate) active: bool,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

impl Contact {
    pub(crate) fn full_name(&self) -> String {
        join_name(
            &self.last_name,
            &self.first_name,
            self.patronymic.as_deref(),
        )
    }
}

pub(crate) fn join_name(last: &str, first: &str, patronymic: Option<&str>) -> String {
    [last, first, patronymic.unwrap_or("")]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Agreement {
    pub(crate) id: u64,
    pub(crate) title: String,
    pub(crate) company_ids: Vec<u64>,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) end_date: Option<NaiveDate>,
    pub(crate) cost: Option<Value>,
    pub(crate) active: bool,
    pub(crate) default_assignee_id: Option<u64>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct MaintenanceEntity {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) company_id: u64,
    pub(crate) agreement_ids: Vec<u64>,
    pub(crate) address: Option<String>,
    pub(crate) coordinates: Option<Value>,
    pub(crate) comment: Option<String>,
    pub(crate) default_assignee_id: Option<u64>,
    pub(crate) observer_ids: Vec<u64>,
    pub(crate) active: bool,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

/// A kind, manufacturer or model of equipment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Directory {
    pub(crate) id: u64,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) visible: bool,
    /// Models only.
    pub(crate) kind_id: Option<u64>,
    /// Models only.
    pub(crate) manufacturer_id: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Equipment {
    pub(crate) id: u64,
    pub(crate) kind_id: u64,
    pub(crate) manufacturer_id: Option<u64>,
    pub(crate) model_id: Option<u64>,
    pub(crate) serial_number: Option<String>,
    pub(crate) inventory_number: Option<String>,
    pub(crate) comment: Option<String>,
    pub(crate) company_id: Option<u64>,
    pub(crate) maintenance_entity_id: Option<u64>,
    pub(crate) parent_id: Option<u64>,
    pub(crate) agreement_ids: Vec<u64>,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Employee {
    pub(crate) id: u64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) patronymic: Option<String>,
    pub(crate) position: Option<String>,
    pub(crate) email: String,
    pub(crate) login: String,
    pub(crate) phone: Option<String>,
    pub(crate) active: bool,
}

impl Employee {
    pub(crate) fn full_name(&self) -> String {
        join_name(
            &self.last_name,
            &self.first_name,
            self.patronymic.as_deref(),
        )
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Attachment {
    pub(crate) id: u64,
    pub(crate) issue_id: u64,
    pub(crate) comment_id: Option<u64>,
    pub(crate) file_name: String,
    pub(crate) description: Option<String>,
    pub(crate) bytes: Bytes,
    pub(crate) is_public: bool,
    pub(crate) created_at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub(crate) struct Comment {
    pub(crate) id: u64,
    pub(crate) content: String,
    pub(crate) public: bool,
    pub(crate) author: Actor,
    pub(crate) published_at: NaiveDateTime,
    pub(crate) attachment_ids: Vec<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct TimeEntry {
    pub(crate) id: u64,
    pub(crate) employee_id: u64,
    /// Hours.
    pub(crate) spent_time: Decimal,
    pub(crate) logged_at: NaiveDateTime,
    pub(crate) comment: Option<String>,
    pub(crate) params: Params,
}

#[derive(Clone, Debug)]
pub(crate) struct PriceService {
    pub(crate) id: u64,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) unit: String,
    pub(crate) price: Decimal,
    pub(crate) nds: Option<u8>,
}

#[derive(Clone, Debug)]
pub(crate) struct IssueService {
    pub(crate) id: u64,
    pub(crate) service_id: u64,
    pub(crate) quantity: Decimal,
    /// Discount in percent.
    pub(crate) discount: Decimal,
    /// The line total with VAT (prices include VAT).
    pub(crate) total: Decimal,
    pub(crate) comment: Option<String>,
    pub(crate) performer_id: Option<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct ChecklistItem {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) checked: bool,
    pub(crate) checked_at: Option<NaiveDateTime>,
    pub(crate) position: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Issue {
    pub(crate) id: u64,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) status: String,
    pub(crate) old_status: Option<String>,
    pub(crate) type_code: String,
    pub(crate) priority: String,
    pub(crate) company_id: Option<u64>,
    pub(crate) contact_id: Option<u64>,
    pub(crate) agreement_id: Option<u64>,
    pub(crate) maintenance_entity_id: Option<u64>,
    pub(crate) equipment_ids: Vec<u64>,
    pub(crate) assignee_id: Option<u64>,
    pub(crate) author: Actor,
    /// The card shows the author as `{"id","name"}` without `type`, as the documentation's
    /// sample of the card does; comment authors always carry `type`.
    pub(crate) author_untyped: bool,
    pub(crate) created_at: NaiveDateTime,
    pub(crate) updated_at: NaiveDateTime,
    pub(crate) completed_at: Option<NaiveDateTime>,
    pub(crate) deadline_at: Option<NaiveDateTime>,
    pub(crate) delayed_to: Option<NaiveDateTime>,
    pub(crate) parent_id: Option<u64>,
    /// Nested issues, kept here so that the card does not scan every issue.
    pub(crate) child_ids: Vec<u64>,
    pub(crate) params: Params,
    pub(crate) comment_ids: Vec<u64>,
    /// Files attached to the issue itself (not to a comment).
    pub(crate) attachment_ids: Vec<u64>,
    pub(crate) time_entries: Vec<TimeEntry>,
    pub(crate) services: Vec<IssueService>,
    pub(crate) checklist: Vec<ChecklistItem>,
}
