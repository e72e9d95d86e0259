//! Contacts: search, create, update, keyset listing.
//!
//! Okdesk's contact documentation is not public; paths and fields follow clients that use the real
//! API (`GET /contacts/?…`, `POST /contacts/`, `PATCH /contacts/{id}`, `GET /contacts/list`).

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::{extra_setters, setters, wrap, CustomParameters};
use crate::client::OkdeskClient;
use crate::error::{Error, Result};
use crate::ids::{CompanyId, ContactId, MaintenanceEntityId};
use crate::models::Contact;
use crate::page::{self, RecordStream};
use crate::query::Query;

/// Calls under `/api/v1/contacts`.
#[derive(Debug, Clone, Copy)]
pub struct ContactHandler<'c> {
    client: &'c OkdeskClient,
}

impl OkdeskClient {
    /// Contact persons (Контактные лица).
    pub fn contacts(&self) -> ContactHandler<'_> {
        ContactHandler { client: self }
    }
}

impl<'c> ContactHandler<'c> {
    /// Starts a search (`GET /contacts/?…`); one object or an array, the result is a `Vec`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let by_phone = client.contacts().search().phone("+79161234567").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn search(&self) -> ContactSearch<'c> {
        ContactSearch {
            client: self.client,
            query: Query::new(),
        }
    }

    /// The contact with `id`, or `None`.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let contact = client.contacts().get(okdesk_client::ContactId(3020)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: ContactId) -> Result<Option<Contact>> {
        let found = self.search().id(id).send().await?;
        Ok(found.into_iter().find(|c| c.id == id))
    }

    /// The contact whose `crm_1c_id` equals `key` exactly. No public client filters contacts by
    /// `crm_1c_id` and no documentation lists it (okdesk-api.md, corrections), so the server may
    /// ignore the filter: the documented keyset listing is read whole and compared here. Two exact
    /// matches are [`Error::Ambiguous`]. Callers looking up many keys should list once instead.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let linked = client.contacts().find_by_crm_1c_id("0a1b2c3d-0000-0000-0000-000000000001").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_by_crm_1c_id(&self, key: &str) -> Result<Option<Contact>> {
        let mut exact: Vec<Contact> = self
            .list()
            .collect_all()
            .await?
            .into_iter()
            .filter(|c| c.crm_1c_id.as_deref() == Some(key))
            .collect();
        match exact.len() {
            0 | 1 => Ok(exact.pop()),
            count => Err(Error::Ambiguous {
                endpoint: "GET /api/v1/contacts/list".to_owned(),
                key: format!("crm_1c_id = {key}"),
                count,
            }),
        }
    }

    /// Deactivates a contact (`PATCH /contacts/{id}/activations`, flat `{"active": false}`): how
    /// public clients that run against real accounts do it (okdesk_tools `archive_contact`). An
    /// `active` field in `PATCH /contacts/{id}` is not how it is done and would be ignored.
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.contacts().deactivate(okdesk_client::ContactId(3020)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn deactivate(&self, id: ContactId) -> Result<()> {
        self.set_active(id, false).await
    }

    /// Activates a contact again (`{"active": true}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.contacts().activate(okdesk_client::ContactId(3020)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn activate(&self, id: ContactId) -> Result<()> {
        self.set_active(id, true).await
    }

    async fn set_active(&self, id: ContactId, active: bool) -> Result<()> {
        let body = serde_json::json!({ "active": active });
        self.client
            .send_json_lenient(Method::PATCH, &format!("contacts/{id}/activations"), &body)
            .await
            .map(|_| ())
    }

    /// Starts creating a contact (`POST /contacts/`, body `{"contact": {…}}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// use okdesk_client::CompanyId;
    /// let c = client
    ///     .contacts()
    ///     .create("Иван", "Иванов")
    ///     .patronymic("Иванович")
    ///     .email("ivanov@example.ru")
    ///     .company_id(CompanyId(1040))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn create(
        &self,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
    ) -> WriteContact<'c> {
        let fields = ContactFields {
            first_name: Some(first_name.into()),
            last_name: Some(last_name.into()),
            ..ContactFields::default()
        };
        WriteContact {
            client: self.client,
            target: None,
            fields,
        }
    }

    /// Starts updating a contact (`PATCH /contacts/{id}`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// client.contacts().update(okdesk_client::ContactId(3020)).position("Главный бухгалтер").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn update(&self, id: ContactId) -> WriteContact<'c> {
        WriteContact {
            client: self.client,
            target: Some(id),
            fields: ContactFields::default(),
        }
    }

    /// Starts a keyset listing (`GET /contacts/list`).
    ///
    /// ```no_run
    /// # async fn run(client: okdesk_client::OkdeskClient) -> okdesk_client::Result<()> {
    /// let all = client.contacts().list().collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListContacts<'c> {
        ListContacts {
            client: self.client,
            query: Query::new(),
            page_size: page::MAX_KEYSET_PAGE,
        }
    }
}

/// A contact search.
#[derive(Debug, Clone)]
pub struct ContactSearch<'c> {
    client: &'c OkdeskClient,
    query: Query,
}

impl ContactSearch<'_> {
    /// Exact id.
    pub fn id(mut self, id: ContactId) -> Self {
        self.query.set("id", id);
        self
    }

    /// Phone.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.query.set("phone", phone.into());
        self
    }

    /// E-mail.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.query.set("email", email.into());
        self
    }

    /// Portal login.
    pub fn login(mut self, login: impl Into<String>) -> Self {
        self.query.set("login", login.into());
        self
    }

    /// Substring search.
    pub fn search_string(mut self, s: impl Into<String>) -> Self {
        self.query.set("search_string", s.into());
        self
    }

    /// Any other parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Runs the search.
    pub async fn send(self) -> Result<Vec<Contact>> {
        self.client.get_one_or_many("contacts", &self.query).await
    }
}

/// The fields of a contact create or update, serialised inside `{"contact": …}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContactFields {
    /// The first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The patronymic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// The position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// The e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The mobile phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// The comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<CompanyId>,
    /// Linked maintenance entities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maintenance_entity_ids: Option<Vec<MaintenanceEntityId>>,
    /// The external key for 1C.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crm_1c_id: Option<String>,
    /// Custom parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_parameters: Option<CustomParameters>,
    /// Fields this crate does not model (`login`, `password`, `access_level`, …).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A contact create (`target == None`) or update.
#[derive(Debug, Clone)]
pub struct WriteContact<'c> {
    client: &'c OkdeskClient,
    target: Option<ContactId>,
    fields: ContactFields,
}

impl WriteContact<'_> {
    setters! {
        /// The first name.
        first_name: String;
        /// The last name.
        last_name: String;
        /// The patronymic.
        patronymic: String;
        /// The position.
        position: String;
        /// The e-mail.
        email: String;
        /// The phone.
        phone: String;
        /// The mobile phone.
        mobile_phone: String;
        /// The comment.
        comment: String;
        /// The company.
        company_id: CompanyId;
        /// Linked maintenance entities.
        maintenance_entity_ids: Vec<MaintenanceEntityId>;
        /// The external key for 1C.
        crm_1c_id: String;
    }
    extra_setters!();

    /// Replaces all fields at once.
    pub fn fields(mut self, fields: ContactFields) -> Self {
        self.fields = fields;
        self
    }

    /// The body that `send` will wrap in `{"contact": …}`.
    pub fn body(&self) -> &ContactFields {
        &self.fields
    }

    /// Sends the create or update and returns the contact as stored.
    pub async fn send(self) -> Result<Contact> {
        let body = wrap("contact", &self.fields);
        match self.target {
            None => self.client.send_json(Method::POST, "contacts", &body).await,
            Some(id) => {
                self.client
                    .send_json(Method::PATCH, &format!("contacts/{id}"), &body)
                    .await
            }
        }
    }
}

/// A keyset listing of contacts.
#[derive(Debug, Clone)]
pub struct ListContacts<'c> {
    client: &'c OkdeskClient,
    query: Query,
    page_size: u32,
}

impl ListContacts<'_> {
    /// Records per request (1..=100, default 100).
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = n;
        self
    }

    /// Only contacts of these companies (if the server supports the filter).
    pub fn company_ids(mut self, ids: impl IntoIterator<Item = CompanyId>) -> Self {
        self.query.push_array("company_ids", ids);
        self
    }

    /// Any other query parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push(key, value);
        self
    }

    /// Streams every contact in ascending id order.
    pub fn stream(self) -> RecordStream<Contact> {
        page::keyset(
            self.client.clone(),
            "contacts/list",
            self.query,
            self.page_size,
        )
    }

    /// Reads the whole listing into memory.
    pub async fn collect_all(self) -> Result<Vec<Contact>> {
        page::collect(self.stream()).await
    }
}
