//! Shapes shared by many resources: references, custom parameters, attachments.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{AgreementId, AttachmentId};

/// A custom parameter (дополнительный атрибут) as read: `{code, name, field_type, value}`.
///
/// `field_type` is one of `ftstring`, `ftdate`, `ftdatetime`, `ftcheckbox`, `ftselect`,
/// `ftmultiselect` (or something newer); `value` is kept as JSON because its type follows it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Parameter {
    /// The account-defined code, the key used to write it (`custom_parameters: {code: value}`).
    pub code: String,
    /// The display name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The type (`ftstring`, …).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub field_type: String,
    /// The value (`null` when unset).
    #[serde(default)]
    pub value: Value,
}

impl Parameter {
    /// The value as text: strings as they are, numbers and booleans printed, arrays joined with `, `.
    pub fn value_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            other => Some(other.to_string()),
        }
    }
}

/// Finds a custom parameter by code.
pub(crate) fn find_parameter<'a>(params: &'a [Parameter], code: &str) -> Option<&'a Parameter> {
    params.iter().find(|p| p.code == code)
}

/// The schema of a custom parameter (`issues/parameters`, `time_entries/parameters`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct ParameterSchema {
    /// The code.
    pub code: String,
    /// The display name.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub name: String,
    /// The type (`ftstring`, `ftselect`, …).
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub field_type: String,
    /// Whether it must be filled.
    #[serde(default)]
    pub required: Option<bool>,
    /// Allowed values of a select, when the API lists them.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub field_values: Vec<Value>,
}

/// A reference `{id, name}` with a typed id.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Named<I> {
    /// The id.
    pub id: I,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
}

/// A person reference `{id, name, type}` where `type` is `employee` or `contact`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Person {
    /// The employee's or contact's id.
    #[serde(deserialize_with = "crate::de::flexible_u64")]
    pub id: u64,
    /// The full name.
    #[serde(default)]
    pub name: Option<String>,
    /// `employee` or `contact`, when given.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The login, when given (time entries).
    #[serde(default)]
    pub login: Option<String>,
}

/// A `{code, name, color}` reference (status, priority).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CodeName {
    /// The account-specific code.
    #[serde(default, deserialize_with = "crate::de::null_default")]
    pub code: String,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// A colour like `#5cb85c`.
    #[serde(default)]
    pub color: Option<String>,
}

/// A company category `{id, code, name, color}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Category {
    /// The id.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub id: Option<u64>,
    /// The code.
    #[serde(default)]
    pub code: Option<String>,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The colour.
    #[serde(default)]
    pub color: Option<String>,
}

/// An agreement reference `{id, title}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct AgreementRef {
    /// The id.
    pub id: AgreementId,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
}

/// A file attached to an issue, a comment, a company or a maintenance entity.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Attachment {
    /// The id.
    pub id: AttachmentId,
    /// The file name.
    #[serde(default)]
    pub attachment_file_name: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The size in bytes.
    #[serde(default, deserialize_with = "crate::de::opt_id")]
    pub attachment_file_size: Option<u64>,
    /// Whether clients see it.
    #[serde(default)]
    pub is_public: Option<bool>,
    /// When it was attached.
    #[serde(default, deserialize_with = "crate::de::opt_datetime")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// A temporary download link (about 30 s), present on the single-attachment answer only.
    #[serde(default)]
    pub attachment_url: Option<String>,
}
