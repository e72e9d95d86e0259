//! A maintenance entity (Объект обслуживания), called `service_object` in issues.

use serde::{Deserialize, Serialize};

use super::common::{find_parameter, AgreementRef, Attachment, Named, Parameter, Person};
use crate::ids::{CompanyId, ContactId, EmployeeId, EquipmentId, GroupId, MaintenanceEntityId};
use crate::page::HasId;

/// A maintenance entity.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct MaintenanceEntity {
    /// The id.
    pub id: MaintenanceEntityId,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The address.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub address: Option<String>,
    /// The comment.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub comment: Option<String>,
    /// The owning company.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub company_id: Option<CompanyId>,
    /// The default assignee.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub default_assignee_id: Option<EmployeeId>,
    /// The default assignee group.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub default_assignee_group_id: Option<GroupId>,
    /// The time zone.
    #[serde(default)]
    pub timezone: Option<TimeZoneRef>,
    /// Linked contacts.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub contacts_ids: Vec<ContactId>,
    /// Equipment at this entity.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub equipments_ids: Vec<EquipmentId>,
    /// `[latitude, longitude]`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub coordinates: Vec<f64>,
    /// Whether it is active, if the answer says.
    #[serde(default)]
    pub active: Option<bool>,
    /// The work schedule.
    #[serde(default)]
    pub schedule: Option<Named<u64>>,
    /// Observers.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub observers: Vec<Person>,
    /// Agreements.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub agreements: Vec<AgreementRef>,
    /// Attached files.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attachments: Vec<Attachment>,
    /// Custom parameters.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<Parameter>,
}

impl MaintenanceEntity {
    /// The custom parameter with `code`.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }
}

impl HasId for MaintenanceEntity {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}

/// A time zone reference `{code, name, gmt}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct TimeZoneRef {
    /// The code (`Moscow`).
    #[serde(default)]
    pub code: Option<String>,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The offset (`+03:00`).
    #[serde(default)]
    pub gmt: Option<String>,
}
