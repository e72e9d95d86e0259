//! Maintenance entities: search, get, create, update, keyset listing.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{AgreementId, CompanyId, EmployeeId, GroupId, MaintenanceEntityId};
use crate::models::MaintenanceEntity;
use crate::page::{self, RecordStream};
use crate::query::Query;
use crate::time::FilterTime;

/// Calls under `/api/v1/maintenance_entities`.
#[derive(Debug, Clone, Copy)]
pub struct MaintenanceEntityHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Maintenance entities (Объекты обслуживания).
    pub fn maintenance_entities(&self) -> MaintenanceEntityHandler<'_> {
        MaintenanceEntityHandler { client: self }
    }
}

impl<'c> MaintenanceEntityHandler<'c> {
    /// Searches by `name`, `comment` or `search_string` (`GET /maintenance_entities/?…`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let found = client.maintenance_entities().search().name("Склад № 2").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self) -> MaintenanceEntitySearch<'c> {
        MaintenanceEntitySearch {
            client: self.client,
            query: Query::new(),
        }
    }

    /// One maintenance entity (`GET /maintenance_entities/{id}`); `Ok(None)` when it does not exist.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let m = client.maintenance_entities().get(okdesk_client::MaintenanceEntityId(7)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: MaintenanceEntityId) -> Result<Option<MaintenanceEntity>> {
        match self
            .client
            .get::<MaintenanceEntity>(&format!("maintenance_entities/{id}"), &Query::new())
            .await
        {
            Ok(m) => Ok(Some(m)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts creating one (`name` and `company_id` are required).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let m = client.maintenance_entities()
    ///     .create("Склад № 2", okdesk_client::CompanyId(1040))
    ///     .address("г. Пенза, ул. Гагарина, 13")
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        name: impl Into<String>,
        company_id: CompanyId,
    ) -> WriteMaintenanceEntity<'c> {
        let fields = MaintenanceEntityFields {
            name: Some(name.into()),
            company_id: Some(company_id),
            ..MaintenanceEntityFields::default()
        };
        WriteMaintenanceEntity {
            client: self.client,
            target: None,
            fields,
        }
    }

    /// Starts updating one.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.maintenance_entities().update(okdesk_client::MaintenanceEntityId(7)).comment("ключ у охраны").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: MaintenanceEntityId) -> WriteMaintenanceEntity<'c> {
        WriteMaintenanceEntity {
            client: self.client,
            target: Some(id),
            fields: MaintenanceEntityFields::default(),
        }
    }

    /// Starts a keyset listing (`GET /maintenance_entities/list`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let of_company = client.maintenance_entities().list()
    ///     .company_ids([okdesk_client::CompanyId(1040)]).collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListMaintenanceEntities<'c> {
        ListMaintenanceEntities {
            client: self.client,
            query: Query::new(),
            dates: Vec::new(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }
}

/// A maintenance-entity search (answers are arrays, or one object; the result is a `Vec`).
#[derive(Debug, Clone)]
pub struct MaintenanceEntitySearch<'c> {
    client: &'c OkdeskClient,
    query: Query,
}

impl MaintenanceEntitySearch<'_> {
    /// By name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.query.set("name", name.into());
        self
    }

    /// By comment.
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.query.set("comment", comment.into());
        self
    }

    /// Substring search.
    pub fn search_string(mut self, s: impl Into<String>) -> Self {
        self.query.set("search_string", s.into());
        self
    }

    /// Runs the search.
    pub async fn send(self) -> Result<Vec<MaintenanceEntity>> {
        self.client
            .get_one_or_many("maintenance_entities", &self.query)
            .await
    }
}

/// The fields of a maintenance-entity create or update, inside `{"maintenance_entity": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MaintenanceEntityFields {
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The owning company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// Agreements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_ids: Option<Vec<AgreementId>>,
    /// The address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `[latitude, longitude]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<[f64; 2]>,
    /// The time zone code (`Moscow`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
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

/// A maintenance-entity create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteMaintenanceEntity<'c> {
    client: &'c OkdeskClient,
    target: Option<MaintenanceEntityId>,
    fields: MaintenanceEntityFields,
}

impl WriteMaintenanceEntity<'_> {
    setters! {
        /// The name.
        name: String;
        /// The owning company.
        company_id: CompanyId;
        /// Agreements.
        agreement_ids: Vec<AgreementId>;
        /// The address.
        address: String;
        /// `[latitude, longitude]`.
        coordinates: [f64; 2];
        /// The time zone code.
        timezone: String;
        /// The comment.
        comment: String;
        /// The default assignee.
        default_assignee_id: EmployeeId;
        /// The default assignee group.
        default_assignee_group_id: GroupId;
        /// Observers.
        observer_ids: Vec<EmployeeId>;
    }
    extra_setters!();

    /// Replaces all fields at once.
    pub fn fields(mut self, fields: MaintenanceEntityFields) -> Self {
        self.fields = fields;
        self
    }

    /// Sends the create or update.
    pub async fn send(self) -> Result<MaintenanceEntity> {
        let body = wrap("maintenance_entity", &self.fields);
        match self.target {
            None => {
                self.client
                    .send_json(Method::POST, "maintenance_entities", &body)
                    .await
            }
            Some(id) => {
                self.client
                    .send_json(Method::PATCH, &format!("maintenance_entities/{id}"), &body)
                    .await
            }
        }
    }
}

/// A keyset listing of maintenance entities.
#[derive(Debug, Clone)]
pub struct ListMaintenanceEntities<'c> {
    client: &'c OkdeskClient,
    query: Query,
    dates: Vec<(&'static str, FilterTime)>,
    page_size: u32,
}

impl ListMaintenanceEntities<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only these companies' entities.
    pub fn company_ids(mut self, ids: impl IntoIterator<Item = CompanyId>) -> Self {
        self.query.push_array("company_ids", ids);
        self
    }

    /// Changed on or after this day (account zone).
    pub fn updated_since(mut self, t: impl Into<FilterTime>) -> Self {
        self.dates.push(("updated_since", t.into()));
        self
    }

    /// Created on or after this day (account zone).
    pub fn created_since(mut self, t: impl Into<FilterTime>) -> Self {
        self.dates.push(("created_since", t.into()));
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Streams every matching entity in ascending id order.
    pub fn stream(self) -> RecordStream<MaintenanceEntity> {
        let tz = self.client.account_time_zone();
        let mut q = self.query;
        for (key, t) in self.dates {
            q.push(key, tz.list_filter(t));
        }
        page::keyset(
            self.client.clone(),
            "maintenance_entities/list",
            q,
            self.page_size,
        )
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<MaintenanceEntity>> {
        page::collect(self.stream()).await
    }
}
