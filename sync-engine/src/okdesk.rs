//! The real `OkdeskPort`: engine records written through `okdesk_client`'s typed handlers.
//!
//! Every write builds the client's `…Fields` body itself, so that a failure can carry exactly the
//! JSON that was sent (wrapped in its resource key, as the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`) quotes it; the token travels in the
//! query string and is never part of a body). Client errors become [`PortError`]s with the class
//! that decides whether the run goes on, the HTTP status, Okdesk's own `{"errors":…}` text, the
//! field at fault and whether a POST may have been committed although its answer was lost.
//!
//! Lookups before a create compare keys exactly: Okdesk's `crm_1c_id` search matches substrings
//! (and its search answers one object, so keys are looked up through the lists), and agreements,
//! maintenance entities and equipment have no `crm_1c_id` at all, so they are found by natural keys
//! (title or name within the company, serial or inventory number).
//!
//! Fields that are empty in 1C are not sent: a phone or address typed into Okdesk by hand is not
//! wiped by a 1C record that lacks it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_trait::async_trait;
use okdesk_client::api::agreements as oa;
use okdesk_client::api::companies as oc;
use okdesk_client::api::contacts as op;
use okdesk_client::api::equipment as oe;
use okdesk_client::api::maintenance_entities as om;
use okdesk_client::models::Parameter;
use okdesk_client::{
    AgreementId, CompanyId, ContactId, EquipmentId, EquipmentKindId, MaintenanceEntityId,
    ManufacturerId, OkdeskClient,
};
use serde::Serialize;
use serde_json::Value;

use crate::kinds::{EntityKind, OkdeskId};
use crate::ports::{
    ErrorClass, Lookup, ObservedCompany, ObservedContact, ObservedDirectoryItem, OkdeskPort,
    Parent, PortError, Record,
};

/// Okdesk contact ids by `crm_1c_id`.
type ContactIndex = HashMap<String, Vec<u64>>;

/// [`OkdeskPort`] over an [`OkdeskClient`]; the client's rate limiter, concurrency bound and
/// retries apply to every call.
#[derive(Clone, Debug)]
pub struct OkdeskApiPort {
    client: OkdeskClient,
    /// Contacts by `crm_1c_id`, from one whole listing. Okdesk documents no `crm_1c_id` filter
    /// for contacts and no public client uses one (okdesk-api.md, corrections), so a lookup
    /// compares exactly over the documented listing, read once and kept up to date with this
    /// port's own writes; a write that may or may not have landed drops it.
    contacts_by_key: Arc<tokio::sync::Mutex<Option<ContactIndex>>>,
}

impl OkdeskApiPort {
    /// A port over `client` (clones share its limiter and counters).
    pub fn new(client: OkdeskClient) -> Self {
        OkdeskApiPort {
            client,
            contacts_by_key: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// Keeps the contacts index in step with a contact write: a success records the key, a
    /// failure (which may have landed) forgets the index.
    async fn note_contact_write(&self, key: Option<&str>, result: &Result<OkdeskId, PortError>) {
        let mut index = self.contacts_by_key.lock().await;
        match (result, index.as_mut(), key) {
            (Ok(id), Some(map), Some(key)) => {
                let ids = map.entry(key.to_owned()).or_default();
                if !ids.contains(&id.0) {
                    ids.push(id.0);
                }
            }
            (Ok(_), _, _) => {}
            (Err(_), _, _) => *index = None,
        }
    }

    /// The client, for callers that need more of the API (pull, bill, check).
    pub fn client(&self) -> &OkdeskClient {
        &self.client
    }
}

/// The request body as Okdesk receives it: the fields inside their resource key.
fn wrapped<T: Serialize>(key: &str, fields: &T) -> Value {
    let inner = serde_json::to_value(fields).unwrap_or(Value::Null);
    let mut outer = serde_json::Map::new();
    outer.insert(key.to_owned(), inner);
    Value::Object(outer)
}

pub(crate) use crate::errors::okdesk as port_error;

/// A parent's Okdesk id; apply resolves parents before calling the port, so a missing one is a
/// bug in the caller and fails as a configuration error.
fn parent_id(parent: &Parent) -> Result<u64, PortError> {
    parent.id.map(|id| id.0).ok_or_else(|| {
        PortError::new(
            ErrorClass::Config,
            format!(
                "{} {} has no Okdesk id yet; parents must be resolved before a write",
                parent.kind, parent.r#ref
            ),
        )
    })
}

fn opt_parent_id(parent: &Option<Parent>) -> Result<Option<u64>, PortError> {
    parent.as_ref().map(parent_id).transpose()
}

fn company_fields(c: &crate::ports::CompanyFields) -> oc::CompanyFields {
    let parameters: BTreeMap<String, Value> = c
        .parameters
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    oc::CompanyFields {
        name: Some(c.name.clone()),
        additional_name: c.additional_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        address: c.address.clone(),
        comment: c.comment.clone(),
        crm_1c_id: Some(c.crm_1c_id.clone()),
        custom_parameters: (!parameters.is_empty()).then_some(parameters),
        ..oc::CompanyFields::default()
    }
}

fn contact_fields(c: &crate::ports::ContactFields) -> Result<op::ContactFields, PortError> {
    Ok(op::ContactFields {
        first_name: Some(c.first_name.clone()),
        last_name: Some(c.last_name.clone()),
        patronymic: c.patronymic.clone(),
        position: c.position.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        comment: c.comment.clone(),
        company_id: opt_parent_id(&c.company)?.map(CompanyId),
        crm_1c_id: Some(c.crm_1c_id.clone()),
        ..op::ContactFields::default()
    })
}

fn agreement_fields(a: &crate::ports::AgreementFields) -> Result<oa::AgreementFields, PortError> {
    Ok(oa::AgreementFields {
        title: Some(a.title.clone()),
        company_ids: Some(vec![CompanyId(parent_id(&a.company)?)]),
        start_date: a.start_date,
        end_date: a.end_date,
        ..oa::AgreementFields::default()
    })
}

fn object_fields(o: &crate::ports::ObjectFields) -> Result<om::MaintenanceEntityFields, PortError> {
    Ok(om::MaintenanceEntityFields {
        name: Some(o.name.clone()),
        company_id: Some(CompanyId(parent_id(&o.company)?)),
        address: o.address.clone(),
        comment: o.comment.clone(),
        ..om::MaintenanceEntityFields::default()
    })
}

fn equipment_fields(e: &crate::ports::EquipmentFields) -> Result<oe::EquipmentFields, PortError> {
    // Apply resolves every parent before a write; the ids of kind, manufacturer and model are not
    // needed here because equipment names them by code, but their presence proves the order held.
    parent_id(&e.kind)?;
    opt_parent_id(&e.manufacturer)?;
    opt_parent_id(&e.model)?;
    Ok(oe::EquipmentFields {
        equipment_type_code: Some(e.kind_code.clone()),
        equipment_manufacturer_code: e.manufacturer.as_ref().and(e.manufacturer_code.clone()),
        equipment_model_code: e.model.as_ref().and(e.model_code.clone()),
        serial_number: e.serial_number.clone(),
        inventory_number: e.inventory_number.clone(),
        comment: e.comment.clone(),
        company_id: opt_parent_id(&e.company)?.map(CompanyId),
        maintenance_entity_id: opt_parent_id(&e.object)?.map(MaintenanceEntityId),
        ..oe::EquipmentFields::default()
    })
}

/// The body of a directory entry (kind, manufacturer or model).
fn directory_fields(record: &Record) -> Result<oe::DirectoryFields, PortError> {
    let mut f = oe::DirectoryFields::default();
    match record {
        Record::EquipmentKind(d) | Record::Manufacturer(d) => {
            f.code = Some(d.code.clone());
            f.name = Some(d.name.clone());
        }
        Record::Model(m) => {
            f.code = Some(m.code.clone());
            f.name = Some(m.name.clone());
            f.equipment_kind_id = Some(EquipmentKindId(parent_id(&m.kind)?));
            f.equipment_manufacturer_id = Some(ManufacturerId(parent_id(&m.manufacturer)?));
        }
        other => {
            return Err(PortError::new(
                ErrorClass::Config,
                format!("{} is not an equipment directory", other.kind()),
            ))
        }
    }
    Ok(f)
}

/// Sends a directory entry create (`id == None`) or update through the client's setters.
async fn write_directory<T>(
    handler: oe::DirectoryHandler<'_, T>,
    id: Option<OkdeskId>,
    f: &oe::DirectoryFields,
) -> okdesk_client::Result<T>
where
    T: serde::de::DeserializeOwned + okdesk_client::HasId + Send + 'static,
{
    let code = f.code.clone().unwrap_or_default();
    let name = f.name.clone().unwrap_or_default();
    // A directory's code is set on create only: an update documents `name, description,
    // visible` (okdesk-api.md, corrections), and a code it does not take would be ignored.
    let mut w = match id {
        None => handler.create(code, name),
        Some(id) => handler.update(id.0).name(name),
    };
    if let Some(k) = f.equipment_kind_id {
        w = w.equipment_kind_id(k);
    }
    if let Some(m) = f.equipment_manufacturer_id {
        w = w.equipment_manufacturer_id(m);
    }
    w.send().await
}

/// String-valued custom parameters by code (selects and dates come out as their text too, which
/// is what matching by INN looks at).
fn string_parameters(params: &[Parameter]) -> BTreeMap<String, String> {
    params
        .iter()
        .filter_map(|p| p.value_text().map(|v| (p.code.clone(), v)))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

/// The one record whose `crm_1c_id` is exactly the key; two are a data problem to report.
///
/// Lookups go through the keyset lists with the `crm_1c_id` filter, not the search endpoint:
/// Okdesk's search matches `crm_1c_id` as a substring and answers with ONE object, so a key that is
/// a prefix of another record's key can come back as that other record and the exact one is never
/// seen. A list answers every match (or everything, where the filter is not supported) and the
/// comparison here is exact either way.
fn one_exact(
    what: &str,
    key: &str,
    ids: impl Iterator<Item = u64>,
) -> Result<Option<OkdeskId>, PortError> {
    let mut ids: Vec<u64> = ids.collect();
    ids.sort_unstable();
    match ids.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(OkdeskId(*one))),
        many => Err(PortError::new(
            ErrorClass::Validation,
            format!(
                "в Okdesk несколько записей ({what}) с crm_1c_id = {key} (id {}): удалите дубликаты",
                many.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn directory_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::EquipmentKinds => "equipment_kind",
        EntityKind::Manufacturers => "equipment_manufacturer",
        _ => "equipment_model",
    }
}

impl OkdeskApiPort {
    /// Creates (`id == None`) or updates a record; returns its id.
    async fn write(&self, id: Option<OkdeskId>, record: &Record) -> Result<OkdeskId, PortError> {
        let client = &self.client;
        match record {
            Record::Company(c) => {
                let f = company_fields(c);
                let body = wrapped("company", &f);
                let w = match id {
                    None => client.companies().create(c.name.clone()),
                    Some(id) => client.companies().update(CompanyId(id.0)),
                };
                w.fields(f)
                    .send()
                    .await
                    .map(|r| OkdeskId(r.id.0))
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            Record::Contact(c) => {
                let f = contact_fields(c)?;
                let body = wrapped("contact", &f);
                let w = match id {
                    None => client
                        .contacts()
                        .create(c.first_name.clone(), c.last_name.clone()),
                    Some(id) => client.contacts().update(ContactId(id.0)),
                };
                w.fields(f)
                    .send()
                    .await
                    .map(|r| OkdeskId(r.id.0))
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            Record::Agreement(a) => {
                let f = agreement_fields(a)?;
                let body = wrapped("agreement", &f);
                let w = match id {
                    None => client.agreements().create(a.title.clone()),
                    Some(id) => client.agreements().update(AgreementId(id.0)),
                };
                w.fields(f)
                    .send()
                    .await
                    .map(|r| OkdeskId(r.id.0))
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            Record::Object(o) => {
                let f = object_fields(o)?;
                let body = wrapped("maintenance_entity", &f);
                let company = CompanyId(parent_id(&o.company)?);
                let w = match id {
                    None => client
                        .maintenance_entities()
                        .create(o.name.clone(), company),
                    Some(id) => client
                        .maintenance_entities()
                        .update(MaintenanceEntityId(id.0)),
                };
                w.fields(f)
                    .send()
                    .await
                    .map(|r| OkdeskId(r.id.0))
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            Record::Equipment(e) => {
                let f = equipment_fields(e)?;
                let body = wrapped("equipment", &f);
                let w = match id {
                    None => client.equipment().create(e.kind_code.clone()),
                    Some(id) => client.equipment().update(EquipmentId(id.0)),
                };
                w.fields(f)
                    .send()
                    .await
                    .map(|r| OkdeskId(r.id.0))
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            Record::EquipmentKind(_) | Record::Manufacturer(_) | Record::Model(_) => {
                let f = directory_fields(record)?;
                let body = wrapped(directory_name(record.kind()), &f);
                let eq = client.equipment();
                let result = match record {
                    Record::EquipmentKind(_) => {
                        write_directory(eq.kinds(), id, &f).await.map(|r| r.id.0)
                    }
                    Record::Manufacturer(_) => write_directory(eq.manufacturers(), id, &f)
                        .await
                        .map(|r| r.id.0),
                    _ => write_directory(eq.models(), id, &f).await.map(|r| r.id.0),
                };
                result
                    .map(OkdeskId)
                    .map_err(|e| port_error(&e, Some(&body)))
            }
        }
    }

    /// Finds an agreement by exact title among the company's agreements.
    async fn find_agreement(
        &self,
        title: &str,
        company: CompanyId,
    ) -> Result<Vec<OkdeskId>, PortError> {
        let all = self
            .client
            .agreements()
            .by_company(company)
            .await
            .map_err(|e| port_error(&e, None))?;
        let mut ids: Vec<u64> = all
            .iter()
            .filter(|a| a.title.as_deref().map(str::trim) == Some(title.trim()))
            .map(|a| a.id.0)
            .collect();
        ids.sort_unstable();
        Ok(ids.into_iter().map(OkdeskId).collect())
    }

    /// Finds a maintenance entity by exact name within the company.
    async fn find_object(
        &self,
        name: &str,
        company: CompanyId,
    ) -> Result<Vec<OkdeskId>, PortError> {
        let found = self
            .client
            .maintenance_entities()
            .search()
            .name(name)
            .send()
            .await
            .map_err(|e| port_error(&e, None))?;
        let mut ids: Vec<u64> = found
            .iter()
            .filter(|m| m.name.trim() == name.trim() && m.company_id == Some(company))
            .map(|m| m.id.0)
            .collect();
        ids.sort_unstable();
        Ok(ids.into_iter().map(OkdeskId).collect())
    }

    /// Finds equipment by serial number, else by inventory number, within the company if given.
    async fn find_equipment(
        &self,
        serial: Option<&str>,
        inventory: Option<&str>,
        company: Option<CompanyId>,
    ) -> Result<Vec<OkdeskId>, PortError> {
        let eq = self.client.equipment();
        let found = match (serial, inventory) {
            (Some(s), _) => eq.find_by_serial_number(s).await,
            (None, Some(i)) => eq.find_by_inventory_number(i).await,
            (None, None) => return Ok(vec![]),
        }
        .map_err(|e| port_error(&e, None))?;
        let mut ids: Vec<u64> = found
            .iter()
            .filter(|e| company.is_none() || e.company_id == company)
            .map(|e| e.id.0)
            .collect();
        ids.sort_unstable();
        Ok(ids.into_iter().map(OkdeskId).collect())
    }
}

/// A company as matching sees it.
fn observed_company(c: okdesk_client::models::Company) -> ObservedCompany {
    ObservedCompany {
        id: OkdeskId(c.id.0),
        active: c.is_active(),
        parameters: string_parameters(&c.parameters),
        name: c.name,
        additional_name: c.additional_name,
        crm_1c_id: c.crm_1c_id,
    }
}

/// A contact as matching sees it.
fn observed_contact(c: okdesk_client::models::Contact) -> ObservedContact {
    ObservedContact {
        id: OkdeskId(c.id.0),
        name: c.full_name(),
        email: c.email.clone(),
        crm_1c_id: c.crm_1c_id.clone(),
        company_id: c.company_id.map(|id| OkdeskId(id.0)),
    }
}

#[async_trait]
impl OkdeskPort for OkdeskApiPort {
    async fn list_companies(&self) -> Result<Vec<ObservedCompany>, PortError> {
        let all = self
            .client
            .companies()
            .list()
            .collect_all()
            .await
            .map_err(|e| port_error(&e, None))?;
        Ok(all.into_iter().map(observed_company).collect())
    }

    async fn list_contacts(&self) -> Result<Vec<ObservedContact>, PortError> {
        let all = self
            .client
            .contacts()
            .list()
            .collect_all()
            .await
            .map_err(|e| port_error(&e, None))?;
        Ok(all.into_iter().map(observed_contact).collect())
    }

    async fn get_companies(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedCompany>, PortError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let found = self
                .client
                .companies()
                .get(CompanyId(id.0))
                .await
                .map_err(|e| port_error(&e, None))?;
            out.extend(found.map(observed_company));
        }
        Ok(out)
    }

    async fn get_contacts(&self, ids: &[OkdeskId]) -> Result<Vec<ObservedContact>, PortError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let found = self
                .client
                .contacts()
                .get(ContactId(id.0))
                .await
                .map_err(|e| port_error(&e, None))?;
            out.extend(found.map(observed_contact));
        }
        Ok(out)
    }

    async fn list_directory(
        &self,
        kind: EntityKind,
    ) -> Result<Vec<ObservedDirectoryItem>, PortError> {
        let eq = self.client.equipment();
        let items: Vec<(u64, String, String)> = match kind {
            EntityKind::EquipmentKinds => eq
                .kinds()
                .list()
                .await
                .map(|v| v.into_iter().map(|d| (d.id.0, d.code, d.name)).collect()),
            EntityKind::Manufacturers => eq
                .manufacturers()
                .list()
                .await
                .map(|v| v.into_iter().map(|d| (d.id.0, d.code, d.name)).collect()),
            EntityKind::Models => eq
                .models()
                .list()
                .await
                .map(|v| v.into_iter().map(|d| (d.id.0, d.code, d.name)).collect()),
            other => {
                return Err(PortError::new(
                    ErrorClass::Config,
                    format!("{other} is not an equipment directory"),
                ))
            }
        }
        .map_err(|e| port_error(&e, None))?;
        Ok(items
            .into_iter()
            .map(|(id, code, name)| ObservedDirectoryItem {
                id: OkdeskId(id),
                code,
                name,
            })
            .collect())
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<OkdeskId>, PortError> {
        match lookup {
            Lookup::Crm1cId {
                kind: EntityKind::Companies,
                crm_1c_id,
            } => {
                let listed = self
                    .client
                    .companies()
                    .list()
                    .crm_1c_id(crm_1c_id.clone())
                    .collect_all()
                    .await
                    .map_err(|e| port_error(&e, None))?;
                let exact = listed
                    .iter()
                    .filter(|c| c.crm_1c_id.as_deref() == Some(crm_1c_id.as_str()))
                    .map(|c| c.id.0);
                one_exact("companies", crm_1c_id, exact).map(Vec::from_iter)
            }
            Lookup::Crm1cId {
                kind: EntityKind::Contacts,
                crm_1c_id,
            } => {
                let mut index = self.contacts_by_key.lock().await;
                if index.is_none() {
                    let listed = self
                        .client
                        .contacts()
                        .list()
                        .collect_all()
                        .await
                        .map_err(|e| port_error(&e, None))?;
                    let mut map: HashMap<String, Vec<u64>> = HashMap::new();
                    for c in listed {
                        if let Some(key) = c.crm_1c_id.filter(|k| !k.is_empty()) {
                            map.entry(key).or_default().push(c.id.0);
                        }
                    }
                    *index = Some(map);
                }
                let exact = index
                    .as_ref()
                    .and_then(|m| m.get(crm_1c_id.as_str()))
                    .cloned()
                    .unwrap_or_default();
                one_exact("contacts", crm_1c_id, exact.into_iter()).map(Vec::from_iter)
            }
            Lookup::Crm1cId { kind, .. } => Err(PortError::new(
                ErrorClass::Config,
                format!("Okdesk {kind} have no crm_1c_id to look up"),
            )),
            Lookup::Code { kind, code } => Ok(self
                .list_directory(*kind)
                .await?
                .into_iter()
                .filter(|d| d.code == *code)
                .map(|d| d.id)
                .collect()),
            Lookup::NameInCompany {
                kind: EntityKind::Agreements,
                name,
                company_id,
            } => self.find_agreement(name, CompanyId(company_id.0)).await,
            Lookup::NameInCompany {
                kind: EntityKind::Objects,
                name,
                company_id,
            } => self.find_object(name, CompanyId(company_id.0)).await,
            Lookup::NameInCompany { kind, .. } => Err(PortError::new(
                ErrorClass::Config,
                format!("{kind} are not looked up by name within a company"),
            )),
            Lookup::Equipment {
                serial_number,
                inventory_number,
                company_id,
            } => {
                self.find_equipment(
                    serial_number.as_deref(),
                    inventory_number.as_deref(),
                    company_id.map(|c| CompanyId(c.0)),
                )
                .await
            }
        }
    }

    async fn create(&self, record: &Record) -> Result<OkdeskId, PortError> {
        let result = self.write(None, record).await;
        if let Record::Contact(c) = record {
            self.note_contact_write(Some(&c.crm_1c_id), &result).await;
        }
        result
    }

    async fn update(&self, id: OkdeskId, record: &Record) -> Result<(), PortError> {
        let result = self.write(Some(id), record).await;
        if let Record::Contact(c) = record {
            self.note_contact_write(Some(&c.crm_1c_id), &result).await;
        }
        result.map(|_| ())
    }

    async fn set_crm_1c_id(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        crm_1c_id: &str,
    ) -> Result<(), PortError> {
        match kind {
            EntityKind::Companies => {
                let f = oc::CompanyFields {
                    crm_1c_id: Some(crm_1c_id.to_owned()),
                    ..oc::CompanyFields::default()
                };
                let body = wrapped("company", &f);
                self.client
                    .companies()
                    .update(CompanyId(id.0))
                    .fields(f)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            EntityKind::Contacts => {
                let f = op::ContactFields {
                    crm_1c_id: Some(crm_1c_id.to_owned()),
                    ..op::ContactFields::default()
                };
                let body = wrapped("contact", &f);
                self.client
                    .contacts()
                    .update(ContactId(id.0))
                    .fields(f)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| port_error(&e, Some(&body)))
            }
            other => Err(PortError::new(
                ErrorClass::Config,
                format!("Okdesk {other} have no crm_1c_id"),
            )),
        }
    }

    async fn set_active(
        &self,
        kind: EntityKind,
        id: OkdeskId,
        active: bool,
    ) -> Result<(), PortError> {
        match kind {
            EntityKind::Companies => {
                let body = serde_json::json!({ "active": active });
                let companies = self.client.companies();
                let result = if active {
                    companies.activate(CompanyId(id.0)).await
                } else {
                    companies.archive(CompanyId(id.0)).await
                };
                result.map_err(|e| port_error(&e, Some(&body)))
            }
            EntityKind::Contacts => {
                // `PATCH /contacts/{id}/activations` with the flat body, as clients that run
                // against real accounts do; `active` in a contact update would be ignored.
                let body = serde_json::json!({ "active": active });
                let contacts = self.client.contacts();
                let result = if active {
                    contacts.activate(ContactId(id.0)).await
                } else {
                    contacts.deactivate(ContactId(id.0)).await
                };
                result.map_err(|e| port_error(&e, Some(&body)))
            }
            other => Err(PortError::new(
                ErrorClass::Config,
                format!("Okdesk {other} cannot be archived or deactivated"),
            )),
        }
    }

    fn requests(&self) -> u64 {
        self.client.stats().total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use okdesk_client::Error;

    fn validation(body: &str, messages: &[&str]) -> Error {
        Error::Validation {
            endpoint: "POST /api/v1/contacts".into(),
            status: 422,
            messages: messages.iter().map(|m| (*m).to_owned()).collect(),
            body: body.into(),
        }
    }

    #[test]
    fn a_422_keeps_okdesk_body_field_and_request() {
        let sent = serde_json::json!({"contact": {"email": "<ivanii@mail.okdesk.com>"}});
        let e = port_error(
            &validation(
                r#"{"errors":{"email":"имеет неверное значение"}}"#,
                &["email: имеет неверное значение"],
            ),
            Some(&sent),
        );
        assert_eq!(e.class, ErrorClass::Validation);
        assert_eq!(e.status, Some(422));
        assert_eq!(e.field.as_deref(), Some("email"));
        assert_eq!(
            e.message,
            r#"{"errors":{"email":"имеет неверное значение"}}"#
        );
        assert_eq!(e.request_body, Some(sent));
        assert!(!e.maybe_committed && !e.aborts_run());
    }

    #[test]
    fn several_fields_name_none() {
        let e = port_error(
            &validation(
                r#"{"errors":{"first_name":["не может быть пустым"],"email":["имеет неверное значение"]}}"#,
                &[
                    "first_name: не может быть пустым",
                    "email: имеет неверное значение",
                ],
            ),
            None,
        );
        assert_eq!(e.field, None);
    }

    #[test]
    fn a_lost_post_answer_may_be_committed() {
        let e = port_error(
            &Error::MaybeCommitted {
                endpoint: "POST /api/v1/companies".into(),
                source: Box::new(Error::Transport {
                    endpoint: "POST /api/v1/companies".into(),
                    message: "operation timed out".into(),
                    timeout: true,
                    connect: false,
                }),
            },
            None,
        );
        assert_eq!(e.class, ErrorClass::Transport);
        assert!(e.maybe_committed);
        assert!(e.message.contains("timed out"), "{}", e.message);
        let e = port_error(
            &Error::MaybeCommitted {
                endpoint: "POST /api/v1/companies".into(),
                source: Box::new(Error::Server {
                    endpoint: "POST /api/v1/companies".into(),
                    status: 502,
                    body: "<html>Bad Gateway</html>".into(),
                }),
            },
            None,
        );
        assert_eq!(
            (e.class, e.status, e.maybe_committed),
            (ErrorClass::Server, Some(502), true)
        );
    }

    #[test]
    fn classes_decide_whether_the_run_goes_on() {
        let auth = port_error(
            &Error::Unauthorized {
                endpoint: "GET /api/v1/companies/list".into(),
                message: Some("Токен неактивен".into()),
            },
            None,
        );
        assert_eq!((auth.class, auth.status), (ErrorClass::Auth, Some(401)));
        assert!(auth.aborts_run());
        assert!(auth.message.contains("Токен неактивен"));
        let gone = port_error(
            &Error::NotFound {
                endpoint: "PATCH /api/v1/companies/5".into(),
                message: Some("Компания не найдена".into()),
            },
            None,
        );
        assert_eq!((gone.class, gone.status), (ErrorClass::NotFound, Some(404)));
        let twice = port_error(
            &Error::Ambiguous {
                endpoint: "GET /api/v1/companies".into(),
                key: "crm_1c_id = x".into(),
                count: 2,
            },
            None,
        );
        assert_eq!(twice.class, ErrorClass::Validation);
        assert!(!twice.aborts_run());
    }
}
