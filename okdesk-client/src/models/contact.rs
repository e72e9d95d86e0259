//! A contact person (Контактное лицо).
//!
//! Okdesk's contact documentation is not public; the fields come from clients that call the real
//! API. The company link arrives as `company_id` or as a nested `company: {id}`; both land in
//! [`Contact::company_id`].

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::common::{find_parameter, Named, Parameter};
use crate::ids::{CompanyId, ContactId, MaintenanceEntityId};
use crate::page::HasId;

/// A contact person.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contact {
    /// The id.
    pub id: ContactId,
    /// The first name.
    pub first_name: Option<String>,
    /// The last name.
    pub last_name: Option<String>,
    /// The patronymic.
    pub patronymic: Option<String>,
    /// The full name, as Okdesk composes it.
    pub name: Option<String>,
    /// The position.
    pub position: Option<String>,
    /// The e-mail.
    pub email: Option<String>,
    /// The phone.
    pub phone: Option<String>,
    /// The mobile phone.
    pub mobile_phone: Option<String>,
    /// The comment.
    pub comment: Option<String>,
    /// The portal login.
    pub login: Option<String>,
    /// The company the contact belongs to.
    pub company_id: Option<CompanyId>,
    /// The external key for 1C.
    pub crm_1c_id: Option<String>,
    /// `false` when deactivated; `None` when the answer omits it.
    pub active: Option<bool>,
    /// When it last changed.
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Maintenance entities the contact is linked to.
    pub maintenance_entity_ids: Vec<MaintenanceEntityId>,
    /// Portal access levels.
    pub access_level: Vec<String>,
    /// Custom parameters.
    pub parameters: Vec<Parameter>,
}

impl Contact {
    /// Whether the contact is active; an omitted flag counts as active.
    pub fn is_active(&self) -> bool {
        self.active.unwrap_or(true)
    }

    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }

    /// The full name: `name` if Okdesk sent it, else the parts joined.
    pub fn full_name(&self) -> String {
        if let Some(n) = self.name.as_deref().filter(|n| !n.trim().is_empty()) {
            return n.to_owned();
        }
        [&self.last_name, &self.first_name, &self.patronymic]
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl HasId for Contact {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// The wire form, normalised into [`Contact`].
#[derive(Deserialize)]
struct ContactWire {
    id: ContactId,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    first_name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    patronymic: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    position: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    email: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    phone: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    mobile_phone: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    comment: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    login: Option<String>,
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    company_id: Option<CompanyId>,
    #[serde(default)]
    company: Option<Named<CompanyId>>,
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    crm_1c_id: Option<String>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    updated_at: Option<DateTime<FixedOffset>>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    maintenance_entity_ids: Vec<MaintenanceEntityId>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    access_level: Vec<String>,
    #[serde(default, deserialize_with = "crate::de::null_default")]
    parameters: Vec<Parameter>,
}

impl<'de> Deserialize<'de> for Contact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = ContactWire::deserialize(d)?;
        Ok(Contact {
            id: w.id,
            first_name: w.first_name,
            last_name: w.last_name,
            patronymic: w.patronymic,
            name: w.name,
            position: w.position,
            email: w.email,
            phone: w.phone,
            mobile_phone: w.mobile_phone,
            comment: w.comment,
            login: w.login,
            company_id: w.company_id.or(w.company.map(|c| c.id)),
            crm_1c_id: w.crm_1c_id,
            active: w.active,
            updated_at: w.updated_at,
            maintenance_entity_ids: w.maintenance_entity_ids,
            access_level: w.access_level,
            parameters: w.parameters,
        })
    }
}
