//! Custom-parameter schemas: which additional attributes the account defines for issues and time
//! entries. The answer is an array or `{"parameters": [...]}` (unverified), and both are accepted.

use serde::Deserialize;

use crate::client::OkdeskClient;
use crate::error::Result;
use crate::models::ParameterSchema;
use crate::query::Query;

/// Calls for custom-parameter schemas.
#[derive(Debug, Clone, Copy)]
pub struct ParameterHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Custom-parameter schemas.
    pub fn parameters(&self) -> ParameterHandler<'_> {
        ParameterHandler { client: self }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SchemaAnswer {
    List(Vec<ParameterSchema>),
    Wrapped { parameters: Vec<ParameterSchema> },
}

impl ParameterHandler<'_> {
    /// The issue custom parameters (`GET /issues/parameters/list`, the path public clients that
    /// run against real accounts call: go-okdesk, okdesk-phone-sync).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// for p in client.parameters().issues().await? {
    ///     println!("{} {} {}", p.code, p.name, p.field_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn issues(&self) -> Result<Vec<ParameterSchema>> {
        self.fetch("issues/parameters/list").await
    }

    /// The time-entry custom parameters (`GET /time_entries/parameters`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let schema = client.parameters().time_entries().await?;
    /// # Ok(()) }
    /// ```
    pub async fn time_entries(&self) -> Result<Vec<ParameterSchema>> {
        self.fetch("time_entries/parameters").await
    }

    async fn fetch(&self, path: &str) -> Result<Vec<ParameterSchema>> {
        let answer: SchemaAnswer = self.client.get(path, &Query::new()).await?;
        Ok(match answer {
            SchemaAnswer::List(v) | SchemaAnswer::Wrapped { parameters: v } => v,
        })
    }
}
