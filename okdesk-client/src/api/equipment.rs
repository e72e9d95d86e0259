//! Equipment (search by serial or inventory number, get, create, update, keyset listing) and its
//! directories: kinds, manufacturers, models (list, create, update).
//!
//! The doc table names the kind's code `equipment_type_code` on create, while answers say
//! `equipment_kind`; the builder sends the documented name, and [`WriteEquipment::field`] can add
//! the other spelling if an account wants it.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{
    AgreementId, CompanyId, EquipmentId, EquipmentKindId, MaintenanceEntityId, ManufacturerId,
};
use crate::models::{Equipment, EquipmentKind, EquipmentModel, Manufacturer};
use crate::page::{self, HasId, RecordStream};
use crate::query::{CustomParameterFilter, Query};
use crate::time::FilterTime;

/// Calls under `/api/v1/equipments`.
#[derive(Debug, Clone, Copy)]
pub struct EquipmentHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Equipment (Оборудование) and its directories.
    pub fn equipment(&self) -> EquipmentHandler<'_> {
        EquipmentHandler { client: self }
    }
}

impl<'c> EquipmentHandler<'c> {
    /// Starts a search (`GET /equipments/?…`). Okdesk answers one object for 0 or 1 match and an
    /// array otherwise; the result is always a `Vec`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let found = client.equipment().search().serial_number("SN-0042").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self) -> EquipmentSearch<'c> {
        EquipmentSearch {
            client: self.client,
            query: Query::new(),
        }
    }

    /// Equipment whose serial number is exactly `serial` (the answer is filtered here).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let found = client.equipment().find_by_serial_number("SN-0042").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_by_serial_number(&self, serial: &str) -> Result<Vec<Equipment>> {
        let found = self.search().serial_number(serial).send().await?;
        Ok(found
            .into_iter()
            .filter(|e| e.serial_number.as_deref() == Some(serial))
            .collect())
    }

    /// Equipment whose inventory number is exactly `number`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let found = client.equipment().find_by_inventory_number("ИНВ-0042").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_by_inventory_number(&self, number: &str) -> Result<Vec<Equipment>> {
        let found = self.search().inventory_number(number).send().await?;
        Ok(found
            .into_iter()
            .filter(|e| e.inventory_number.as_deref() == Some(number))
            .collect())
    }

    /// One piece of equipment (`GET /equipments/{id}`); `Ok(None)` when it does not exist.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let e = client.equipment().get(okdesk_client::EquipmentId(5)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: EquipmentId) -> Result<Option<Equipment>> {
        match self
            .client
            .get::<Equipment>(&format!("equipments/{id}"), &Query::new())
            .await
        {
            Ok(e) => Ok(Some(e)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Starts creating equipment of the kind with code `kind_code`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let e = client.equipment().create("printer")
    ///     .serial_number("SN-0042")
    ///     .company_id(okdesk_client::CompanyId(1040))
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn create(&self, kind_code: impl Into<String>) -> WriteEquipment<'c> {
        let fields = EquipmentFields {
            equipment_type_code: Some(kind_code.into()),
            ..EquipmentFields::default()
        };
        WriteEquipment {
            client: self.client,
            target: None,
            fields,
        }
    }

    /// Starts updating equipment.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.equipment().update(okdesk_client::EquipmentId(5)).inventory_number("ИНВ-0042").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: EquipmentId) -> WriteEquipment<'c> {
        WriteEquipment {
            client: self.client,
            target: Some(id),
            fields: EquipmentFields::default(),
        }
    }

    /// Starts a keyset listing (`GET /equipments/list/`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let all = client.equipment().list().collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListEquipment<'c> {
        ListEquipment {
            client: self.client,
            query: Query::new(),
            dates: Vec::new(),
            custom: Vec::new(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }

    /// Equipment kinds (`/equipments/kinds`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let kinds = client.equipment().kinds().list().await?;
    /// let printer = client.equipment().kinds().create("printer", "Принтер").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn kinds(&self) -> DirectoryHandler<'c, EquipmentKind> {
        DirectoryHandler::new(self.client, "equipments/kinds", "equipment_kind")
    }

    /// Equipment manufacturers (`/equipments/manufacturers`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let hp = client.equipment().manufacturers().create("hp", "HP").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn manufacturers(&self) -> DirectoryHandler<'c, Manufacturer> {
        DirectoryHandler::new(
            self.client,
            "equipments/manufacturers",
            "equipment_manufacturer",
        )
    }

    /// Equipment models (`/equipments/models`); creating one needs the kind and manufacturer ids.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::{EquipmentKindId, ManufacturerId};
    /// let m = client.equipment().models().create("lj1020", "LaserJet 1020")
    ///     .equipment_kind_id(EquipmentKindId(1))
    ///     .equipment_manufacturer_id(ManufacturerId(2))
    ///     .send().await?;
    /// # Ok(()) }
    /// ```
    pub fn models(&self) -> DirectoryHandler<'c, EquipmentModel> {
        DirectoryHandler::new(self.client, "equipments/models", "equipment_model")
    }
}

/// An equipment search.
#[derive(Debug, Clone)]
pub struct EquipmentSearch<'c> {
    client: &'c OkdeskClient,
    query: Query,
}

impl EquipmentSearch<'_> {
    /// By serial number.
    pub fn serial_number(mut self, s: impl Into<String>) -> Self {
        self.query.set("serial_number", s.into());
        self
    }

    /// By inventory number.
    pub fn inventory_number(mut self, s: impl Into<String>) -> Self {
        self.query.set("inventory_number", s.into());
        self
    }

    /// Substring search.
    pub fn search_string(mut self, s: impl Into<String>) -> Self {
        self.query.set("search_string", s.into());
        self
    }

    /// Runs the search.
    pub async fn send(self) -> Result<Vec<Equipment>> {
        self.client.get_one_or_many("equipments", &self.query).await
    }
}

/// The fields of an equipment create or update, inside `{"equipment": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EquipmentFields {
    /// The kind's code (required on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_type_code: Option<String>,
    /// The manufacturer's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_manufacturer_code: Option<String>,
    /// The model's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_model_code: Option<String>,
    /// The serial number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// The inventory number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory_number: Option<String>,
    /// The comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The owning company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// The maintenance entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance_entity_id: Option<MaintenanceEntityId>,
    /// The parent equipment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<EquipmentId>,
    /// Agreements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement_ids: Option<Vec<AgreementId>>,
    /// Custom parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// An equipment create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteEquipment<'c> {
    client: &'c OkdeskClient,
    target: Option<EquipmentId>,
    fields: EquipmentFields,
}

impl WriteEquipment<'_> {
    setters! {
        /// The kind's code.
        equipment_type_code: String;
        /// The manufacturer's code.
        equipment_manufacturer_code: String;
        /// The model's code.
        equipment_model_code: String;
        /// The serial number.
        serial_number: String;
        /// The inventory number.
        inventory_number: String;
        /// The comment.
        comment: String;
        /// The owning company.
        company_id: CompanyId;
        /// The maintenance entity.
        maintenance_entity_id: MaintenanceEntityId;
        /// The parent equipment.
        parent_id: EquipmentId;
        /// Agreements.
        agreement_ids: Vec<AgreementId>;
    }
    extra_setters!();

    /// Replaces all fields at once.
    pub fn fields(mut self, fields: EquipmentFields) -> Self {
        self.fields = fields;
        self
    }

    /// Sends the create or update.
    pub async fn send(self) -> Result<Equipment> {
        let body = wrap("equipment", &self.fields);
        match self.target {
            None => {
                self.client
                    .send_json(Method::POST, "equipments", &body)
                    .await
            }
            Some(id) => {
                self.client
                    .send_json(Method::PATCH, &format!("equipments/{id}"), &body)
                    .await
            }
        }
    }
}

/// A keyset listing of equipment.
#[derive(Debug, Clone)]
pub struct ListEquipment<'c> {
    client: &'c OkdeskClient,
    query: Query,
    dates: Vec<(&'static str, FilterTime)>,
    custom: Vec<(String, CustomParameterFilter)>,
    page_size: u32,
}

impl ListEquipment<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only these companies' equipment (`0` = without a company).
    pub fn company_ids(mut self, ids: impl IntoIterator<Item = CompanyId>) -> Self {
        self.query.push_array("company_ids", ids);
        self
    }

    /// Only equipment at these maintenance entities.
    pub fn maintenance_entity_ids(
        mut self,
        ids: impl IntoIterator<Item = MaintenanceEntityId>,
    ) -> Self {
        self.query.push_array("maintenance_entity_ids", ids);
        self
    }

    /// Only these kinds (by code).
    pub fn equipment_kind_codes(mut self, codes: impl IntoIterator<Item = impl ToString>) -> Self {
        self.query.push_array("equipment_kind_codes", codes);
        self
    }

    /// Created on or after this day (account zone).
    pub fn created_since(mut self, t: impl Into<FilterTime>) -> Self {
        self.dates.push(("created_since", t.into()));
        self
    }

    /// A custom-parameter filter.
    pub fn custom_parameter(
        mut self,
        code: impl Into<String>,
        filter: CustomParameterFilter,
    ) -> Self {
        self.custom.push((code.into(), filter));
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Streams every matching piece of equipment in ascending id order.
    pub fn stream(self) -> RecordStream<Equipment> {
        let tz = self.client.account_time_zone();
        let mut q = self.query;
        for (key, t) in self.dates {
            q.push(key, tz.list_filter(t));
        }
        for (code, f) in &self.custom {
            f.append(code, &mut q, &tz, false);
        }
        page::keyset(self.client.clone(), "equipments/list", q, self.page_size)
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<Equipment>> {
        page::collect(self.stream()).await
    }
}

/// An equipment directory (kinds, manufacturers or models): keyset list, create, update.
#[derive(Debug)]
pub struct DirectoryHandler<'c, T> {
    client: &'c OkdeskClient,
    path: &'static str,
    key: &'static str,
    _entry: PhantomData<fn() -> T>,
}

impl<T> Clone for DirectoryHandler<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for DirectoryHandler<'_, T> {}

impl<'c, T> DirectoryHandler<'c, T>
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    fn new(client: &'c OkdeskClient, path: &'static str, key: &'static str) -> Self {
        Self {
            client,
            path,
            key,
            _entry: PhantomData,
        }
    }

    /// Streams every entry in ascending id order (keyset, 100 per request).
    pub fn stream(&self) -> RecordStream<T> {
        page::keyset(
            self.client.clone(),
            self.path,
            Query::new(),
            page::MAX_KEYSET_PAGE,
        )
    }

    /// Reads the whole directory.
    pub async fn list(&self) -> Result<Vec<T>> {
        page::collect(self.stream()).await
    }

    /// Starts creating an entry with `code` and `name` (both required).
    pub fn create(
        &self,
        code: impl Into<String>,
        name: impl Into<String>,
    ) -> WriteDirectoryEntry<'c, T> {
        let fields = DirectoryFields {
            code: Some(code.into()),
            name: Some(name.into()),
            ..DirectoryFields::default()
        };
        WriteDirectoryEntry {
            handler: *self,
            target: None,
            fields,
        }
    }

    /// Starts updating the entry with `id`.
    pub fn update(&self, id: u64) -> WriteDirectoryEntry<'c, T> {
        WriteDirectoryEntry {
            handler: *self,
            target: Some(id),
            fields: DirectoryFields::default(),
        }
    }
}

/// The fields of a directory entry (`equipment_kind`, `equipment_manufacturer`, `equipment_model`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DirectoryFields {
    /// The code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it is offered in the UI (manufacturers, models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// The kind (models only, required there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_kind_id: Option<EquipmentKindId>,
    /// The manufacturer (models only, required there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equipment_manufacturer_id: Option<ManufacturerId>,
    /// Custom parameter codes equipment of this kind has (kinds only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter_codes: Option<Vec<String>>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A directory entry create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteDirectoryEntry<'c, T> {
    handler: DirectoryHandler<'c, T>,
    target: Option<u64>,
    fields: DirectoryFields,
}

impl<T> WriteDirectoryEntry<'_, T>
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    setters! {
        /// The code.
        code: String;
        /// The name.
        name: String;
        /// The description.
        description: String;
        /// Visibility.
        visible: bool;
        /// The kind (models).
        equipment_kind_id: EquipmentKindId;
        /// The manufacturer (models).
        equipment_manufacturer_id: ManufacturerId;
        /// Parameter codes (kinds).
        parameter_codes: Vec<String>;
    }

    /// Sets a body field this crate does not model.
    pub fn field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.extra.insert(key.into(), value.into());
        self
    }

    /// Sends the create or update.
    pub async fn send(self) -> Result<T> {
        let h = self.handler;
        let body = wrap(h.key, &self.fields);
        match self.target {
            None => h.client.send_json(Method::POST, h.path, &body).await,
            Some(id) => {
                h.client
                    .send_json(Method::PATCH, &format!("{}/{id}", h.path), &body)
                    .await
            }
        }
    }
}
