//! Issues: the card, create, status change, custom parameters, attachments, time entries and the
//! specification. Counting and listing live in `issues/query.rs`, comments in `issues/comments.rs`.

mod comments;
mod query;

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::upload::{form_fields, Upload};
use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{
    AgreementId, AttachmentId, CompanyId, ContactId, EmployeeId, EquipmentId, GroupId, IssueId,
    MaintenanceEntityId, PriceListId,
};
use crate::models::{Attachment, Issue, IssueService, TimeEntry};
use crate::query::Query;

pub use comments::{CommentFields, CommentHandler, CreateComment};
pub use query::{CountIssues, ListIssues};

/// Calls under `/api/v1/issues`.
#[derive(Debug, Clone, Copy)]
pub struct IssueHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Issues (Заявки).
    pub fn issues(&self) -> IssueHandler<'_> {
        IssueHandler { client: self }
    }
}

impl<'c> IssueHandler<'c> {
    /// The issue card (`GET /issues/{id}`).
    ///
    /// A deleted, merged or hidden issue is [`Error::NotFound`], whether Okdesk answers 404, a 200
    /// with an error body, a redirect, or the card of another issue.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let issue = client.issues().get(okdesk_client::IssueId(153)).await?;
    /// println!("{} {}", issue.title, issue.status_code());
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: IssueId) -> Result<Issue> {
        let path = format!("issues/{id}");
        match self.client.get::<Issue>(&path, &Query::new()).await {
            Ok(issue) if issue.id == id => Ok(issue),
            Ok(other) => Err(Error::NotFound {
                endpoint: format!("GET /api/v1/{path}"),
                message: Some(format!(
                    "okdesk answered with issue {} (merged or moved)",
                    other.id
                )),
            }),
            Err(Error::UnexpectedStatus {
                endpoint, status, ..
            }) if (300..400).contains(&status) => Err(Error::NotFound {
                endpoint,
                message: Some(format!("HTTP {status}: merged or moved")),
            }),
            Err(e) => Err(e),
        }
    }

    /// Counts issues: `GET /issues/count` returns every matching id.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let since = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let ids = client.issues().count().updated_since(since).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn count(&self) -> CountIssues<'c> {
        CountIssues::new(self.client)
    }

    /// Lists issues page by page (`GET /issues/list`, `page[number]`, at most 50 per page).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use futures::TryStreamExt;
    /// let since = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let mut issues = client.issues().list().updated_since(since).stream();
    /// while let Some(item) = issues.try_next().await? {
    ///     println!("{} {}", item.id, item.title);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListIssues<'c> {
        ListIssues::new(self.client)
    }

    /// Starts creating an issue (`POST /issues/`, `{"issue": {…}}`; multipart when files are added).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let issue = client.issues().create("Не печатает принтер")
    ///     .company_id(okdesk_client::CompanyId(1040))
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, title: impl Into<String>) -> CreateIssue<'c> {
        let fields = IssueFields {
            title: Some(title.into()),
            ..IssueFields::default()
        };
        CreateIssue {
            client: self.client,
            fields,
            files: Vec::new(),
        }
    }

    /// Comments of an issue.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let comments = client.issues().comments(okdesk_client::IssueId(153)).list().await?;
    /// # Ok(()) }
    /// ```
    pub fn comments(&self, issue: IssueId) -> CommentHandler<'c> {
        CommentHandler::new(self.client, issue)
    }

    /// The issue's time entries (`GET /issues/{id}/time_entries`, unpaginated).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let hours: f64 = client.issues().time_entries(okdesk_client::IssueId(153)).await?
    ///     .iter().filter_map(|t| t.spent_time).sum();
    /// # Ok(()) }
    /// ```
    pub async fn time_entries(&self, issue: IssueId) -> Result<Vec<TimeEntry>> {
        self.client
            .get_one_or_many(&format!("issues/{issue}/time_entries"), &Query::new())
            .await
    }

    /// The issue's specification (`GET /issues/{id}/services`): paid services, works, products.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let lines = client.issues().services(okdesk_client::IssueId(153)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn services(&self, issue: IssueId) -> Result<Vec<IssueService>> {
        self.client
            .get_one_or_many(&format!("issues/{issue}/services"), &Query::new())
            .await
    }

    /// Starts adding a specification line (`POST /issues/{id}/services`, `{"issue_service": {…}}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.issues().add_service(okdesk_client::IssueId(153), "timerateservice", 1.5).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn add_service(
        &self,
        issue: IssueId,
        code: impl Into<String>,
        quantity: f64,
    ) -> AddIssueService<'c> {
        AddIssueService {
            client: self.client,
            issue,
            fields: IssueServiceFields {
                code: code.into(),
                quantity,
                ..IssueServiceFields::default()
            },
        }
    }

    /// An attachment's metadata with its temporary `attachment_url` (valid about 30 s).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::{AttachmentId, IssueId};
    /// let a = client.issues().attachment(IssueId(153), AttachmentId(8)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn attachment(&self, issue: IssueId, attachment: AttachmentId) -> Result<Attachment> {
        self.client
            .get(
                &format!("issues/{issue}/attachments/{attachment}"),
                &Query::new(),
            )
            .await
    }

    /// Downloads an attachment: fetches the temporary link, then the file (without the token).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::{AttachmentId, IssueId};
    /// let (meta, bytes) = client.issues().download_attachment(IssueId(153), AttachmentId(8)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn download_attachment(
        &self,
        issue: IssueId,
        attachment: AttachmentId,
    ) -> Result<(Attachment, Bytes)> {
        let meta = self.attachment(issue, attachment).await?;
        let url = meta.attachment_url.clone().ok_or_else(|| Error::Decode {
            endpoint: format!("GET /api/v1/issues/{issue}/attachments/{attachment}"),
            path: ".attachment_url".to_owned(),
            message: "the answer has no download link".to_owned(),
        })?;
        let bytes = self.client.download(&url).await?;
        Ok((meta, bytes))
    }

    /// Starts a status change (`POST /issues/{id}/statuses`, flat body). The transition must be
    /// allowed from the current status, or Okdesk answers 422.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.issues().change_status(okdesk_client::IssueId(153), "completed")
    ///     .comment("Счёт выставлен")
    ///     .skip_webhooks()
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn change_status(&self, issue: IssueId, code: impl Into<String>) -> ChangeStatus<'c> {
        ChangeStatus {
            client: self.client,
            issue,
            fields: StatusFields {
                code: code.into(),
                ..StatusFields::default()
            },
        }
    }

    /// Sets custom parameters (`POST /issues/{id}/parameters`, `{"custom_parameters": {…}}`). The
    /// answer may be empty.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let mut values = std::collections::BTreeMap::new();
    /// values.insert("invoice_no".to_owned(), serde_json::json!("СЧ-000123"));
    /// client.issues().set_parameters(okdesk_client::IssueId(153), values).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_parameters(&self, issue: IssueId, values: CustomParameters) -> Result<()> {
        let body = serde_json::json!({ "custom_parameters": values });
        self.client
            .send_json_lenient(Method::POST, &format!("issues/{issue}/parameters"), &body)
            .await
            .map(|_| ())
    }
}

/// The fields of an issue create, inside `{"issue": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IssueFields {
    /// The title (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The description (HTML).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The client company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// The contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    /// The agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_id: Option<AgreementId>,
    /// The assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<EmployeeId>,
    /// The assignee group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// The maintenance entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance_entity_id: Option<MaintenanceEntityId>,
    /// The equipment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_ids: Option<Vec<EquipmentId>>,
    /// The type code.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub issue_type: Option<String>,
    /// The priority code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline_at: Option<DateTime<FixedOffset>>,
    /// The parent issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<IssueId>,
    /// Custom parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// An issue create.
#[derive(Debug, Clone)]
pub struct CreateIssue<'c> {
    client: &'c OkdeskClient,
    fields: IssueFields,
    files: Vec<Upload>,
}

impl CreateIssue<'_> {
    setters! {
        /// The description (HTML).
        description: String;
        /// The client company.
        company_id: CompanyId;
        /// The contact.
        contact_id: ContactId;
        /// The agreement.
        agreement_id: AgreementId;
        /// The assignee.
        assignee_id: EmployeeId;
        /// The assignee group.
        group_id: GroupId;
        /// The maintenance entity.
        maintenance_entity_id: MaintenanceEntityId;
        /// The equipment.
        equipment_ids: Vec<EquipmentId>;
        /// The type code.
        issue_type: String;
        /// The priority code.
        priority: String;
        /// The deadline.
        deadline_at: DateTime<FixedOffset>;
        /// The parent issue.
        parent_id: IssueId;
    }
    extra_setters!();

    /// Attaches a file (the create then goes out as multipart).
    pub fn attachment(mut self, file: Upload) -> Self {
        self.files.push(file);
        self
    }

    /// Sends the create. Not retried on 5xx or timeouts: see [`Error::MaybeCommitted`].
    pub async fn send(self) -> Result<Issue> {
        if self.files.is_empty() {
            return self
                .client
                .send_json(Method::POST, "issues", &wrap("issue", &self.fields))
                .await;
        }
        let body = serde_json::to_value(&self.fields).map_err(|e| Error::Request {
            endpoint: "POST /api/v1/issues".to_owned(),
            message: e.to_string(),
        })?;
        self.client
            .send_multipart(
                Method::POST,
                "issues",
                form_fields("issue", &body, &self.files),
            )
            .await
    }
}

/// The fields of a status change (flat body).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StatusFields {
    /// The target status code.
    pub code: String,
    /// The comment (required by default for `delayed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Whether the comment is public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_public: Option<bool>,
    /// Postpone until (required for `delayed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_to: Option<DateTime<FixedOffset>>,
    /// Custom parameters set with the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// `skip_notifications`, `skip_webhooks`, `skip_triggers`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skip_options: Vec<String>,
    /// Fields this crate does not model (`time_entry`, …).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A status change.
#[derive(Debug, Clone)]
pub struct ChangeStatus<'c> {
    client: &'c OkdeskClient,
    issue: IssueId,
    fields: StatusFields,
}

impl ChangeStatus<'_> {
    setters! {
        /// The comment.
        comment: String;
        /// Whether the comment is public.
        comment_public: bool;
        /// Postpone until.
        delay_to: DateTime<FixedOffset>;
    }
    extra_setters!();

    /// Suppresses webhooks for this change (avoids echo loops with a webhook receiver).
    pub fn skip_webhooks(mut self) -> Self {
        self.fields.skip_options.push("skip_webhooks".to_owned());
        self
    }

    /// Suppresses notifications for this change.
    pub fn skip_notifications(mut self) -> Self {
        self.fields
            .skip_options
            .push("skip_notifications".to_owned());
        self
    }

    /// Suppresses triggers for this change.
    pub fn skip_triggers(mut self) -> Self {
        self.fields.skip_options.push("skip_triggers".to_owned());
        self
    }

    /// Sends the change; returns the card when Okdesk answers with one.
    pub async fn send(self) -> Result<Option<Issue>> {
        let answer = self
            .client
            .send_json_lenient(
                Method::POST,
                &format!("issues/{}/statuses", self.issue),
                &self.fields,
            )
            .await?;
        Ok(answer.and_then(|v| serde_json::from_value::<Issue>(v).ok()))
    }
}

/// The fields of a specification line, inside `{"issue_service": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IssueServiceFields {
    /// The price-list line code.
    pub code: String,
    /// The quantity (≥ 0).
    pub quantity: f64,
    /// Who performed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performer_id: Option<EmployeeId>,
    /// The price list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_list_id: Option<PriceListId>,
    /// The comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The line total (≥ 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// The discount, percent (0..100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
}

/// Adding a specification line.
#[derive(Debug, Clone)]
pub struct AddIssueService<'c> {
    client: &'c OkdeskClient,
    issue: IssueId,
    fields: IssueServiceFields,
}

impl AddIssueService<'_> {
    setters! {
        /// Who performed it.
        performer_id: EmployeeId;
        /// The price list.
        price_list_id: PriceListId;
        /// The comment.
        comment: String;
        /// The line total.
        total: f64;
        /// The discount, percent.
        discount: f64;
    }

    /// Sends it and returns the line.
    pub async fn send(self) -> Result<IssueService> {
        let body = wrap("issue_service", &self.fields);
        self.client
            .send_json(
                Method::POST,
                &format!("issues/{}/services", self.issue),
                &body,
            )
            .await
    }
}
