//! The real `IssuesPort`: pull's and bill's Okdesk side over `okdesk-client`.
//!
//! Changed issues come from `issues/list` (it carries `updated_at`, which `issues/count` does not),
//! paid-issue candidates from `issues/count` with the status filter, attachments are downloaded at
//! once through their 30-second links, and the invoice PDF goes up as a multipart comment. The
//! client does the rate limiting, retries of idempotent calls and token redaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate};
use okdesk_client::models::{Attachment, Person};
use okdesk_client::{AttachmentId, IssueId, OkdeskClient, Query};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::ports::issues::{
    AttachmentMeta, ChecklistItem, IssueCard, IssueComment, IssueStamp, IssuesPort, NewComment,
    OkdeskEmployee, PersonKind, PersonRef, ServiceLine, TimeEntryRecord,
};
use crate::ports::{ErrorClass, PortError};

/// Pull's and bill's Okdesk side over a client.
#[derive(Clone)]
pub struct OkdeskIssuesPort {
    client: OkdeskClient,
}

impl OkdeskIssuesPort {
    /// A port over a configured client.
    pub fn new(client: OkdeskClient) -> Self {
        OkdeskIssuesPort { client }
    }
}

/// Maps a client error to a port error: the engine's one classifier ([`crate::errors::okdesk`]).
pub fn port_error(e: okdesk_client::Error) -> PortError {
    crate::errors::okdesk(&e, None)
}

fn decimal(v: Option<f64>) -> Decimal {
    v.and_then(Decimal::from_f64)
        .map(|d| d.round_dp(4).normalize())
        .unwrap_or_default()
}

fn person(p: &Person, default: PersonKind) -> PersonRef {
    PersonRef {
        id: p.id,
        name: p.name.clone().unwrap_or_default(),
        kind: match p.kind.as_deref() {
            Some("contact") => PersonKind::Contact,
            Some("employee") => PersonKind::Employee,
            _ => default,
        },
    }
}

fn attachment(a: &Attachment) -> AttachmentMeta {
    AttachmentMeta {
        id: a.id.0,
        file_name: a
            .attachment_file_name
            .clone()
            .unwrap_or_else(|| format!("file-{}", a.id.0)),
        size: a.attachment_file_size,
        public: a.is_public.unwrap_or(false),
    }
}

fn missing(what: &str, id: u64) -> PortError {
    PortError::new(
        ErrorClass::Decode,
        format!("issue {id}: the answer has no {what}"),
    )
}

fn checklist_item(v: &Value) -> Option<ChecklistItem> {
    Some(ChecklistItem {
        id: v.get("id")?.as_u64()?,
        name: v.get("name")?.as_str()?.to_owned(),
        checked: v.get("checked").and_then(Value::as_bool).unwrap_or(false),
        header: v.get("item_type").and_then(Value::as_str) == Some("header"),
        parent_id: v.get("parent_id").and_then(Value::as_u64),
    })
}

#[async_trait]
impl IssuesPort for OkdeskIssuesPort {
    async fn changed_issues(&self, since: Option<NaiveDate>) -> Result<Vec<IssueStamp>, PortError> {
        let mut list = self.client.issues().list().sort(true, true);
        if let Some(d) = since {
            list = list.updated_since(d);
        }
        let items = list.collect_all().await.map_err(port_error)?;
        Ok(items
            .into_iter()
            .filter_map(|i| {
                Some(IssueStamp {
                    id: i.id.0,
                    updated_at: i.updated_at.or(i.created_at)?,
                })
            })
            .collect())
    }

    async fn issue_ids(
        &self,
        statuses: &[String],
        since: Option<NaiveDate>,
    ) -> Result<Vec<u64>, PortError> {
        let mut count = self.client.issues().count();
        if !statuses.is_empty() {
            count = count.status(statuses.iter());
        }
        if let Some(d) = since {
            count = count.updated_since(d);
        }
        Ok(count
            .send()
            .await
            .map_err(port_error)?
            .into_iter()
            .map(|i| i.0)
            .collect())
    }

    async fn issue(&self, id: u64) -> Result<IssueCard, PortError> {
        let i = self
            .client
            .issues()
            .get(IssueId(id))
            .await
            .map_err(port_error)?;
        let created_at: DateTime<FixedOffset> =
            i.created_at.ok_or_else(|| missing("created_at", id))?;
        Ok(IssueCard {
            id,
            title: i.title.clone(),
            description: i.description.clone().unwrap_or_default(),
            created_at,
            updated_at: i.updated_at.unwrap_or(created_at),
            status_code: i.status_code().to_owned(),
            status_name: i.status.as_ref().and_then(|s| s.name.clone()),
            assignee: i.assignee.as_ref().map(|p| person(p, PersonKind::Employee)),
            // The card's author may come without `type` (okdesk-api.md, corrections): unknown, not
            // a contact.
            author: i.author.as_ref().map(|p| person(p, PersonKind::Unknown)),
            company_id: i.company_id.map(|c| c.0),
            contact_id: i.contact.as_ref().map(|c| c.id.0),
            agreement_id: i.agreement.as_ref().map(|a| a.id.0),
            service_object_id: i.service_object_id.map(|o| o.0),
            equipment_ids: i.equipment_ids.iter().map(|e| e.0).collect(),
            parent_id: i.parent_id.map(|p| p.0),
            child_ids: i.child_ids.iter().map(|c| c.0).collect(),
            attachments: i.attachments.iter().map(attachment).collect(),
        })
    }

    async fn comments(&self, id: u64) -> Result<Vec<IssueComment>, PortError> {
        let list = self
            .client
            .issues()
            .comments(IssueId(id))
            .list()
            .await
            .map_err(port_error)?;
        list.into_iter()
            .map(|c| {
                Ok(IssueComment {
                    id: c.id.0,
                    content: c.content,
                    public: c.public.unwrap_or(false),
                    published_at: c.published_at.ok_or_else(|| missing("comment date", id))?,
                    author: c.author.as_ref().map(|p| person(p, PersonKind::Employee)),
                    attachments: c.attachments.iter().map(attachment).collect(),
                })
            })
            .collect()
    }

    async fn checklist(&self, id: u64) -> Result<Vec<ChecklistItem>, PortError> {
        let v = self
            .client
            .get_json(&format!("issues/{id}/check_lists/items"), &Query::new())
            .await
            .map_err(port_error)?;
        let items = match &v {
            Value::Array(a) => a.clone(),
            Value::Object(o) => o
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(items.iter().filter_map(checklist_item).collect())
    }

    async fn time_entries(&self, id: u64) -> Result<Vec<TimeEntryRecord>, PortError> {
        let list = self
            .client
            .issues()
            .time_entries(IssueId(id))
            .await
            .map_err(port_error)?;
        list.into_iter()
            .map(|t| {
                let employee = t
                    .employee
                    .clone()
                    .ok_or_else(|| missing("time entry employee", id))?;
                Ok(TimeEntryRecord {
                    id: t.id.0,
                    spent_hours: decimal(t.spent_time),
                    logged_at: t.logged_at.ok_or_else(|| missing("time entry date", id))?,
                    employee_id: employee.id,
                    employee_login: employee.login.clone(),
                    employee_name: employee.name.clone().unwrap_or_default(),
                    comment: t.comment.clone(),
                    parameters: t
                        .parameters
                        .iter()
                        .filter_map(|p| Some((p.code.clone(), p.value_text()?)))
                        .collect::<BTreeMap<_, _>>(),
                })
            })
            .collect()
    }

    async fn services(&self, id: u64) -> Result<Vec<ServiceLine>, PortError> {
        let list = self
            .client
            .issues()
            .services(IssueId(id))
            .await
            .map_err(port_error)?;
        Ok(list
            .into_iter()
            .map(|s| ServiceLine {
                id: s.id.0,
                code: s
                    .service
                    .as_ref()
                    .and_then(|i| i.code.clone())
                    .unwrap_or_default(),
                name: s.name,
                kind: s.service.as_ref().and_then(|i| i.kind.clone()),
                unit: s.service.as_ref().and_then(|i| i.unit.clone()),
                quantity: decimal(s.quantity),
                total: decimal(s.total),
                total_vat: s
                    .total_vat
                    .and_then(Decimal::from_f64)
                    .map(|d| d.round_dp(2)),
                vat_percent: None,
            })
            .collect())
    }

    async fn download_attachment(
        &self,
        issue_id: u64,
        attachment_id: u64,
    ) -> Result<Vec<u8>, PortError> {
        let (_, bytes) = self
            .client
            .issues()
            .download_attachment(IssueId(issue_id), AttachmentId(attachment_id))
            .await
            .map_err(port_error)?;
        Ok(bytes.to_vec())
    }

    async fn employees(&self) -> Result<Vec<OkdeskEmployee>, PortError> {
        let list = self
            .client
            .employees()
            .list()
            .collect_all()
            .await
            .map_err(port_error)?;
        Ok(list
            .into_iter()
            .map(|e| {
                let name = [&e.last_name, &e.first_name, &e.patronymic]
                    .iter()
                    .filter_map(|p| p.as_deref())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                OkdeskEmployee {
                    id: e.id.0,
                    name,
                    email: e.email,
                    login: e.login,
                    active: e.active.unwrap_or(true),
                }
            })
            .collect())
    }

    async fn add_comment(&self, issue_id: u64, comment: &NewComment) -> Result<u64, PortError> {
        let upload = okdesk_client::api::upload::Upload {
            file_name: comment.file.file_name.clone(),
            content_type: comment.file.content_type.clone(),
            bytes: comment.file.bytes.clone().into(),
            description: None,
            is_public: Some(comment.public),
        };
        let created = self
            .client
            .issues()
            .comments(IssueId(issue_id))
            .create(comment.content.clone(), comment.author_id)
            .public(comment.public)
            .attachment(upload)
            .send()
            .await
            .map_err(port_error)?;
        Ok(created.id.0)
    }

    fn requests(&self) -> u64 {
        self.client.stats().total
    }
}
