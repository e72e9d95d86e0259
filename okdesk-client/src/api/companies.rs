//! Companies: search, create, update, keyset listing, archive.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{CompanyId, EmployeeId};
use crate::models::Company;
use crate::page::{self, RecordStream};
use crate::query::{CustomParameterFilter, Query};
use crate::time::FilterTime;

/// Calls under `/api/v1/companies`.
#[derive(Debug, Clone, Copy)]
pub struct CompanyHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Companies (Компании).
    pub fn companies(&self) -> CompanyHandler<'_> {
        CompanyHandler { client: self }
    }
}

impl<'c> CompanyHandler<'c> {
    /// Starts a search (`GET /companies/?…`). Whether Okdesk answers one object or an array, the
    /// result is a `Vec`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let found = client.companies().search().search_string("Ромашка").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self) -> CompanySearch<'c> {
        CompanySearch {
            client: self.client,
            query: Query::new(),
        }
    }

    /// The company with `id`, or `None`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::CompanyId;
    /// if let Some(c) = client.companies().get(CompanyId(1040)).await? {
    ///     println!("{} {:?}", c.name, c.crm_1c_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: CompanyId) -> Result<Option<Company>> {
        let found = self.search().id(id).send().await?;
        Ok(found.into_iter().find(|c| c.id == id))
    }

    /// Companies whose name or additional name is exactly `name`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let same_name = client.companies().find_by_name("ООО «Ромашка»").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_by_name(&self, name: &str) -> Result<Vec<Company>> {
        self.search().name(name).send().await
    }

    /// The company whose `crm_1c_id` equals `key` exactly. Okdesk's `crm_1c_id` search matches
    /// substrings, so the answer is filtered here; two exact matches are [`Error::Ambiguous`].
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let linked = client.companies().find_by_crm_1c_id("5f0c7d4e-2b1a-11ee-9a0b-0050569f1c2d").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_by_crm_1c_id(&self, key: &str) -> Result<Option<Company>> {
        let found = self.search().crm_1c_id(key).send().await?;
        let mut exact: Vec<Company> = found
            .iter()
            .filter(|c| c.crm_1c_id.as_deref() == Some(key))
            .cloned()
            .collect();
        // Okdesk matches `crm_1c_id` as a substring and the exact search answers with one object,
        // so a longer key ("abc-12" for "abc-1") can hide the exact record. When the search found
        // something else, the filtered listing is read whole and compared exactly.
        if exact.is_empty() && !found.is_empty() {
            exact = self
                .list()
                .crm_1c_id(key)
                .collect_all()
                .await?
                .into_iter()
                .filter(|c| c.crm_1c_id.as_deref() == Some(key))
                .collect();
        }
        match exact.len() {
            0 | 1 => Ok(exact.pop()),
            count => Err(Error::Ambiguous {
                endpoint: "GET /api/v1/companies".to_owned(),
                key: format!("crm_1c_id = {key}"),
                count,
            }),
        }
    }

    /// Starts creating a company (`POST /companies/`, body `{"company": {…}}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let created = client
    ///     .companies()
    ///     .create("ООО «Ромашка»")
    ///     .crm_1c_id("5f0c7d4e-2b1a-11ee-9a0b-0050569f1c2d")
    ///     .custom_parameter("inn", "7707083893")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, name: impl Into<String>) -> WriteCompany<'c> {
        let fields = CompanyFields {
            name: Some(name.into()),
            ..CompanyFields::default()
        };
        WriteCompany {
            client: self.client,
            target: None,
            fields,
        }
    }

    /// Starts updating a company (`PATCH /companies/{id}`); only the fields set are sent.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::CompanyId;
    /// client.companies().update(CompanyId(1040)).phone("+7 499 703-47-20").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: CompanyId) -> WriteCompany<'c> {
        WriteCompany {
            client: self.client,
            target: Some(id),
            fields: CompanyFields::default(),
        }
    }

    /// Starts a keyset listing (`GET /companies/list`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut companies = client.companies().list().stream();
    /// while let Some(company) = companies.try_next().await? {
    ///     println!("{} {}", company.id, company.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListCompanies<'c> {
        ListCompanies {
            client: self.client,
            filters: CompanyListFilters::default(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }

    /// Archives a company (`PATCH /companies/{id}/activations`, `{"active": false}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.companies().archive(okdesk_client::CompanyId(1040)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn archive(&self, id: CompanyId) -> Result<()> {
        self.set_active(id, false).await
    }

    /// Brings an archived company back (`{"active": true}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.companies().activate(okdesk_client::CompanyId(1040)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn activate(&self, id: CompanyId) -> Result<()> {
        self.set_active(id, true).await
    }

    async fn set_active(&self, id: CompanyId, active: bool) -> Result<()> {
        let body = serde_json::json!({ "active": active });
        self.client
            .send_json_lenient(Method::PATCH, &format!("companies/{id}/activations"), &body)
            .await
            .map(|_| ())
    }
}

/// A company search; every parameter is optional.
#[derive(Debug, Clone)]
pub struct CompanySearch<'c> {
    client: &'c OkdeskClient,
    query: Query,
}

impl CompanySearch<'_> {
    /// Exact match on the id.
    pub fn id(mut self, id: CompanyId) -> Self {
        self.query.set("id", id);
        self
    }

    /// Exact match on the name or the additional name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.set("name", name.into());
        self
    }

    /// Exact match on the phone.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.query.set("phone", phone.into());
        self
    }

    /// Substring match on `crm_1c_id`.
    pub fn crm_1c_id(mut self, key: impl Into<String>) -> Self {
        self.query.set("crm_1c_id", key.into());
        self
    }

    /// Substring search; Okdesk then ignores the other parameters.
    pub fn search_string(mut self, s: impl Into<String>) -> Self {
        self.query.set("search_string", s.into());
        self
    }

    /// Runs the search.
    pub async fn send(self) -> Result<Vec<Company>> {
        self.client.get_one_or_many("companies", &self.query).await
    }
}

/// The fields of a company create or update, serialised inside `{"company": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CompanyFields {
    /// The name (required on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The additional (legal) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_name: Option<String>,
    /// The web site.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// The e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The address (not geocoded; pass `coordinates` too for a map point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `[latitude, longitude]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<[f64; 2]>,
    /// The comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Observers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observer_ids: Option<Vec<EmployeeId>>,
    /// The default assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_assignee_id: Option<EmployeeId>,
    /// The category code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
    /// The external key for 1C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crm_1c_id: Option<String>,
    /// Custom parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A company create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteCompany<'c> {
    client: &'c OkdeskClient,
    target: Option<CompanyId>,
    fields: CompanyFields,
}

impl WriteCompany<'_> {
    setters! {
        /// The name.
        name: String;
        /// The additional (legal) name.
        additional_name: String;
        /// The web site.
        site: String;
        /// The e-mail.
        email: String;
        /// The phone.
        phone: String;
        /// The address.
        address: String;
        /// `[latitude, longitude]`.
        coordinates: [f64; 2];
        /// The comment.
        comment: String;
        /// Observers.
        observer_ids: Vec<EmployeeId>;
        /// The default assignee.
        default_assignee_id: EmployeeId;
        /// The category code.
        category_code: String;
        /// The external key for 1C.
        crm_1c_id: String;
    }
    extra_setters!();

    /// Replaces all fields at once.
    pub fn fields(mut self, fields: CompanyFields) -> Self {
        self.fields = fields;
        self
    }

    /// The body that `send` will wrap in `{"company": …}`.
    pub fn body(&self) -> &CompanyFields {
        &self.fields
    }

    /// Sends the create or update and returns the company as Okdesk stored it.
    pub async fn send(self) -> Result<Company> {
        let body = wrap("company", &self.fields);
        match self.target {
            None => {
                self.client
                    .send_json(Method::POST, "companies", &body)
                    .await
            }
            Some(id) => {
                self.client
                    .send_json(Method::PATCH, &format!("companies/{id}"), &body)
                    .await
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct CompanyListFilters {
    query: Query,
    created_since: Option<FilterTime>,
    created_until: Option<FilterTime>,
    custom: Vec<(String, CustomParameterFilter)>,
}

/// A keyset listing of companies with filters.
#[derive(Debug, Clone)]
pub struct ListCompanies<'c> {
    client: &'c OkdeskClient,
    filters: CompanyListFilters,
    page_size: u32,
}

impl ListCompanies<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only these categories (`0` = without a category).
    pub fn category_ids(mut self, ids: impl IntoIterator<Item = u64>) -> Self {
        self.filters.query.push_array("category_ids", ids);
        self
    }

    /// Only these default assignees.
    pub fn default_assignee_ids(mut self, ids: impl IntoIterator<Item = EmployeeId>) -> Self {
        self.filters.query.push_array("default_assignee_ids", ids);
        self
    }

    /// Exact name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.filters.query.set("name", name.into());
        self
    }

    /// `crm_1c_id` filter.
    pub fn crm_1c_id(mut self, key: impl Into<String>) -> Self {
        self.filters.query.set("crm_1c_id", key.into());
        self
    }

    /// Created on or after (day granularity, account zone).
    pub fn created_since(mut self, t: impl Into<FilterTime>) -> Self {
        self.filters.created_since = Some(t.into());
        self
    }

    /// Created on or before (day granularity, account zone).
    pub fn created_until(mut self, t: impl Into<FilterTime>) -> Self {
        self.filters.created_until = Some(t.into());
        self
    }

    /// A custom-parameter filter.
    pub fn custom_parameter(
        mut self,
        code: impl Into<String>,
        filter: CustomParameterFilter,
    ) -> Self {
        self.filters.custom.push((code.into(), filter));
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.filters.query.push(key, value);
        self
    }

    /// Streams every matching company in ascending id order.
    pub fn stream(self) -> RecordStream<Company> {
        let tz = self.client.account_time_zone();
        let mut q = self.filters.query;
        q.push_opt(
            "created_since",
            self.filters.created_since.map(|t| tz.list_filter(t)),
        );
        q.push_opt(
            "created_until",
            self.filters.created_until.map(|t| tz.list_filter(t)),
        );
        for (code, f) in &self.filters.custom {
            f.append(code, &mut q, &tz, false);
        }
        page::keyset(self.client.clone(), "companies/list", q, self.page_size)
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<Company>> {
        page::collect(self.stream()).await
    }
}
