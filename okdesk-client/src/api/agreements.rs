//! Agreements: list, get, by company, create, update.
//!
//! Paths follow the only public client that covers them (`GET /agreements`, `GET /agreements/{id}`,
//! `GET /companies/{id}/agreements`); create and update follow the other resources' pattern
//! (`POST /agreements/`, `PATCH /agreements/{id}` with `{"agreement": {…}}`). The listing is read
//! with keyset parameters, which a server that does not page simply ignores.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{AgreementId, CompanyId, EmployeeId, GroupId};
use crate::models::Agreement;
use crate::page::{self, RecordStream};
use crate::query::Query;

/// Calls under `/api/v1/agreements`.
#[derive(Debug, Clone, Copy)]
pub struct AgreementHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Agreements (Договоры).
    pub fn agreements(&self) -> AgreementHandler<'_> {
        AgreementHandler { client: self }
    }
}

impl<'c> AgreementHandler<'c> {
    /// Starts a listing (`GET /agreements`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let all = client.agreements().list().collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListAgreements<'c> {
        ListAgreements {
            client: self.client,
            query: Query::new(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }

    /// One agreement (`GET /agreements/{id}`); `Ok(None)` when it does not exist.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let a = client.agreements().get(okdesk_client::AgreementId(2)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: AgreementId) -> Result<Option<Agreement>> {
        match self
            .client
            .get::<Agreement>(&format!("agreements/{id}"), &Query::new())
            .await
        {
            Ok(a) => Ok(Some(a)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The agreements of a company (`GET /companies/{id}/agreements`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let of_company = client.agreements().by_company(okdesk_client::CompanyId(1040)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn by_company(&self, company: CompanyId) -> Result<Vec<Agreement>> {
        self.client
            .get_one_or_many(&format!("companies/{company}/agreements"), &Query::new())
            .await
    }

    /// Starts creating an agreement.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::CompanyId;
    /// let a = client.agreements().create("Договор № 15 от 01.02.2024")
    ///     .company_ids(vec![CompanyId(1040)])
    ///     .start_date(chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap())
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, title: impl Into<String>) -> WriteAgreement<'c> {
        let fields = AgreementFields {
            title: Some(title.into()),
            ..AgreementFields::default()
        };
        WriteAgreement {
            client: self.client,
            target: None,
            fields,
        }
    }

    /// Starts updating an agreement.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.agreements().update(okdesk_client::AgreementId(2)).title("Договор № 15/1").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: AgreementId) -> WriteAgreement<'c> {
        WriteAgreement {
            client: self.client,
            target: Some(id),
            fields: AgreementFields::default(),
        }
    }
}

/// The fields of an agreement create or update, serialised inside `{"agreement": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AgreementFields {
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The companies it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_ids: Option<Vec<CompanyId>>,
    /// The first day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// The default assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_assignee_id: Option<EmployeeId>,
    /// The default assignee group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_assignee_group_id: Option<GroupId>,
    /// Observers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observer_ids: Option<Vec<EmployeeId>>,
    /// Custom parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// An agreement create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteAgreement<'c> {
    client: &'c OkdeskClient,
    target: Option<AgreementId>,
    fields: AgreementFields,
}

impl WriteAgreement<'_> {
    setters! {
        /// The title.
        title: String;
        /// The companies.
        company_ids: Vec<CompanyId>;
        /// The first day.
        start_date: NaiveDate;
        /// The last day.
        end_date: NaiveDate;
        /// The default assignee.
        default_assignee_id: EmployeeId;
        /// The default assignee group.
        default_assignee_group_id: GroupId;
        /// Observers.
        observer_ids: Vec<EmployeeId>;
    }
    extra_setters!();

    /// Replaces all fields at once.
    pub fn fields(mut self, fields: AgreementFields) -> Self {
        self.fields = fields;
        self
    }

    /// Sends the create or update.
    pub async fn send(self) -> Result<Agreement> {
        let body = wrap("agreement", &self.fields);
        match self.target {
            None => {
                self.client
                    .send_json(Method::POST, "agreements", &body)
                    .await
            }
            Some(id) => {
                self.client
                    .send_json(Method::PATCH, &format!("agreements/{id}"), &body)
                    .await
            }
        }
    }
}

/// A listing of agreements.
#[derive(Debug, Clone)]
pub struct ListAgreements<'c> {
    client: &'c OkdeskClient,
    query: Query,
    page_size: u32,
}

impl ListAgreements<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only agreements of these companies.
    pub fn company_ids(mut self, ids: impl IntoIterator<Item = CompanyId>) -> Self {
        self.query.push_array("company_ids", ids);
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Streams every agreement in ascending id order.
    pub fn stream(self) -> RecordStream<Agreement> {
        page::keyset(
            self.client.clone(),
            "agreements",
            self.query,
            self.page_size,
        )
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<Agreement>> {
        page::collect(self.stream()).await
    }
}
