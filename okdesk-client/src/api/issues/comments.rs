//! Issue comments: list, and create as JSON or, with files, as multipart.

use reqwest::Method;
use serde::Serialize;

use crate::api::upload::{form_fields, Upload};
use crate::api::wrap;
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::IssueId;
use crate::models::Comment;
use crate::query::Query;

/// Comments of one issue.
#[derive(Debug, Clone, Copy)]
pub struct CommentHandler<'c> {
    client: &'c OkdeskClient,
    issue: IssueId,
}

impl<'c> CommentHandler<'c> {
    pub(super) fn new(client: &'c OkdeskClient, issue: IssueId) -> Self {
        Self { client, issue }
    }

    /// All comments, public and private (`GET /issues/{id}/comments`, unpaginated).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// for c in client.issues().comments(okdesk_client::IssueId(153)).list().await? {
    ///     println!("{:?}: {}", c.author.map(|a| a.name), c.content);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Comment>> {
        self.client
            .get_one_or_many(&format!("issues/{}/comments", self.issue), &Query::new())
            .await
    }

    /// Starts a comment by an employee (`author_id` is required by Okdesk). `content` is HTML.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::{api::upload::Upload, IssueId};
    /// let pdf = std::fs::read("invoice.pdf").unwrap();
    /// client.issues().comments(IssueId(153))
    ///     .create("Счёт на оплату во вложении", 1)
    ///     .public(true)
    ///     .attachment(Upload::new("Счёт № 123.pdf", pdf))
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, content: impl Into<String>, author_id: u64) -> CreateComment<'c> {
        CreateComment {
            handler: *self,
            fields: CommentFields {
                content: content.into(),
                author_id,
                author_type: None,
                public: None,
            },
            files: Vec::new(),
        }
    }
}

/// The fields of a comment, inside `{"comment": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentFields {
    /// The HTML content.
    pub content: String,
    /// The author's id.
    pub author_id: u64,
    /// `employee` (default) or `contact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_type: Option<String>,
    /// Whether the client sees it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

/// A comment create.
#[derive(Debug, Clone)]
pub struct CreateComment<'c> {
    handler: CommentHandler<'c>,
    fields: CommentFields,
    files: Vec<Upload>,
}

impl CreateComment<'_> {
    /// Whether the client sees it.
    pub fn public(mut self, public: bool) -> Self {
        self.fields.public = Some(public);
        self
    }

    /// The author is a contact, not an employee.
    pub fn by_contact(mut self) -> Self {
        self.fields.author_type = Some("contact".to_owned());
        self
    }

    /// Attaches a file (the comment then goes out as multipart).
    pub fn attachment(mut self, file: Upload) -> Self {
        self.files.push(file);
        self
    }

    /// Sends the comment. Not retried on 5xx or timeouts: see [`Error::MaybeCommitted`].
    pub async fn send(self) -> Result<Comment> {
        let path = format!("issues/{}/comments", self.handler.issue);
        let client = self.handler.client;
        if self.files.is_empty() {
            return client
                .send_json(Method::POST, &path, &wrap("comment", &self.fields))
                .await;
        }
        let body = serde_json::to_value(&self.fields).map_err(|e| Error::Request {
            endpoint: format!("POST /api/v1/{path}"),
            message: e.to_string(),
        })?;
        client
            .send_multipart(
                Method::POST,
                &path,
                form_fields("comment", &body, &self.files),
            )
            .await
    }
}
