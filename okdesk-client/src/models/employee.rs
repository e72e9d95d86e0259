//! An employee (Сотрудник) as `employees/list` returns it. The list includes inactive employees.

use serde::{Deserialize, Serialize};

use super::common::Named;
use crate::ids::{EmployeeId, GroupId};
use crate::page::HasId;

/// An employee.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Employee {
    /// The id.
    pub id: EmployeeId,
    /// The last name.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub last_name: Option<String>,
    /// The first name.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub first_name: Option<String>,
    /// The patronymic.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub patronymic: Option<String>,
    /// The position.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub position: Option<String>,
    /// Whether the employee is active.
    #[serde(default)]
    pub active: Option<bool>,
    /// The e-mail (how employees are matched to 1C).
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub email: Option<String>,
    /// The login.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub login: Option<String>,
    /// The phone.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub phone: Option<String>,
    /// The comment.
    #[serde(default, deserialize_with = "crate::de::opt_lossy_string")]
    pub comment: Option<String>,
    /// Groups.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub groups: Vec<Named<GroupId>>,
    /// Roles.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub roles: Vec<Named<u64>>,
}

impl Employee {
    /// Whether the employee is active; an omitted flag counts as active.
    pub fn is_active(&self) -> bool {
        self.active.unwrap_or(true)
    }

    /// "Last First Patronymic", skipping empty parts.
    pub fn full_name(&self) -> String {
        [&self.last_name, &self.first_name, &self.patronymic]
            .iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl HasId for Employee {
    fn page_id(&self) -> u64 {
        self.id.0
    }
}
