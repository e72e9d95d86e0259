//! Issue directories: statuses (and types and priorities, which come with them).

use crate::client::OkdeskClient;
use crate::error::Result;
use crate::models::{CodeName, IssueStatus, IssueType};
use crate::query::Query;

/// Calls for the account's issue statuses, types and priorities.
#[derive(Debug, Clone, Copy)]
pub struct IssueStatusHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Issue statuses (codes are account-specific).
    pub fn issue_statuses(&self) -> IssueStatusHandler<'_> {
        IssueStatusHandler { client: self }
    }
}

impl IssueStatusHandler<'_> {
    /// Every status (`GET /issues/statuses`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// for s in client.issue_statuses().list().await? {
    ///     println!("{} {:?}", s.code, s.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<IssueStatus>> {
        self.client
            .get_one_or_many("issues/statuses", &Query::new())
            .await
    }

    /// Every issue type (`GET /issues/types`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let types = client.issue_statuses().types().await?;
    /// # Ok(()) }
    /// ```
    pub async fn types(&self) -> Result<Vec<IssueType>> {
        self.client
            .get_one_or_many("issues/types", &Query::new())
            .await
    }

    /// Every priority (`GET /issues/priorities`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let priorities = client.issue_statuses().priorities().await?;
    /// # Ok(()) }
    /// ```
    pub async fn priorities(&self) -> Result<Vec<CodeName>> {
        self.client
            .get_one_or_many("issues/priorities", &Query::new())
            .await
    }
}
