//! Loading layouts from TOML: whole files, and custom files that override a base layout key by key
//! while reporting every key the layout does not know.

use serde_json::{Map, Value};

use super::Layout;

/// Why a layout file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The text is not TOML, or a value has the wrong type or a required key is missing.
    #[error("layout file: {0}")]
    Toml(String),
    /// Keys that no layout field has, each with its dotted path.
    #[error("unknown layout keys: {}", .0.join(", "))]
    UnknownKeys(Vec<String>),
    /// A value at a path that cannot be read.
    #[error("layout key `{path}`: {message}")]
    Invalid {
        /// The dotted path of the key.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A custom layout file lacks `base = "…"`.
    #[error(
        "custom layout has no `base = \"…\"` key naming the adapter it extends (one of: {known})"
    )]
    MissingBase {
        /// The adapter ids that can be bases.
        known: String,
    },
    /// `base` names no known adapter.
    #[error("custom layout names unknown base adapter `{base}` (known: {known})")]
    UnknownBase {
        /// The name given.
        base: String,
        /// The adapter ids that can be bases.
        known: String,
    },
}

/// Keys whose tables are free-form maps (fixed values, enum spellings), not layout fields.
const FREE_MAPS: &[&str] = &["header", "constants", "values"];

pub(super) fn from_toml(text: &str) -> Result<Layout, LayoutError> {
    let value = parse(text)?;
    let unknown = Vec::new();
    finish(value, unknown)
}

pub(super) fn base_of_toml(text: &str) -> Result<Option<String>, LayoutError> {
    let value = parse(text)?;
    match value.get("base") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(LayoutError::Invalid {
            path: "base".into(),
            message: format!("expected an adapter id string, found `{other}`"),
        }),
    }
}

pub(super) fn from_toml_with_base(text: &str, base: &Layout) -> Result<Layout, LayoutError> {
    let overrides = parse(text)?;
    let mut merged = serde_json::to_value(base).map_err(|e| LayoutError::Invalid {
        path: String::new(),
        message: format!("base layout cannot be represented: {e}"),
    })?;
    let mut unknown = Vec::new();
    collect_unknown(&overrides, &merged, "", &mut unknown);
    merge(&mut merged, overrides);
    finish(merged, unknown)
}

fn parse(text: &str) -> Result<Value, LayoutError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| LayoutError::Toml(e.to_string()))?;
    serde_json::to_value(table).map_err(|e| LayoutError::Toml(e.to_string()))
}

fn finish(value: Value, unknown: Vec<String>) -> Result<Layout, LayoutError> {
    if !unknown.is_empty() {
        return Err(LayoutError::UnknownKeys(unknown));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            // The path already ends with the unknown key; older versions stopped at its table.
            let key = rest.split('`').next().unwrap_or_default();
            let full = if path.ends_with(key) {
                path
            } else if path == "." || path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            };
            return LayoutError::UnknownKeys(vec![full]);
        }
        LayoutError::Invalid { path, message }
    })
}

/// Walks the override tree against the base: a key absent from a base table is unknown. Where the
/// base has no section (`null`), the section is checked later by `deny_unknown_fields`.
fn collect_unknown(over: &Value, base: &Value, path: &str, out: &mut Vec<String>) {
    let (Value::Object(o), Value::Object(b)) = (over, base) else {
        return;
    };
    for (key, value) in o {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if path.is_empty() && key == "base" {
            continue;
        }
        match b.get(key) {
            None => out.push(here),
            Some(base_value) => {
                if !FREE_MAPS.contains(&key.as_str()) {
                    collect_unknown(value, base_value, &here, out);
                }
            }
        }
    }
}

/// Deep-merges `over` into `base`: tables merge, everything else replaces.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => merge_maps(b, o),
        (slot, other) => *slot = other,
    }
}

fn merge_maps(base: &mut Map<String, Value>, over: Map<String, Value>) {
    for (key, value) in over {
        match base.get_mut(&key) {
            Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
            _ => {
                base.insert(key, value);
            }
        }
    }
}
