//! A company (Компания), as returned by search, list, create and update.

use serde::{Deserialize, Serialize};

use super::common::{find_parameter, Attachment, Category, Named, Parameter, Person};
use crate::ids::{CompanyId, EmployeeId};
use crate::page::HasId;

/// A company. INN and KPP are not Okdesk fields; accounts keep them in custom parameters.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Company {
    /// The id.
    pub id: CompanyId,
    /// The name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The additional (full or legal) name.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub additional_name: Option<String>,
    /// The external key for 1C (hidden in the web UI).
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub crm_1c_id: Option<String>,
    /// `false` once archived. `None` when the answer omits it (treat as active).
    #[serde(default)]
    pub active: Option<bool>,
    /// The web site.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub site: Option<String>,
    /// The e-mail.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub email: Option<String>,
    /// The phone.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub phone: Option<String>,
    /// The address text.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub address: Option<String>,
    /// `[latitude, longitude]`.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub coordinates: Vec<f64>,
    /// The comment.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub comment: Option<String>,
    /// The category.
    #[serde(default)]
    pub category: Option<Category>,
    /// The default assignee.
    #[serde(default)]
    pub default_assignee: Option<Named<EmployeeId>>,
    /// Observers.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub observers: Vec<Person>,
    /// Contacts, as the API lists them (shape not documented; kept raw).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub contacts: Vec<serde_json::Value>,
    /// Attached files.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub attachments: Vec<Attachment>,
    /// Custom parameters.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub parameters: Vec<Parameter>,
}

impl Company {
    /// Whether the company is active (not archived); an omitted flag counts as active.
    pub fn is_active(&self) -> bool {
        self.active.unwrap_or(true)
    }

    /// The custom parameter with `code`, if the company has it.
    pub fn parameter(&self, code: &str) -> Option<&Parameter> {
        find_parameter(&self.parameters, code)
    }
}

impl HasId for Company {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}
