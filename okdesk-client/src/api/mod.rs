//! One handler per Okdesk area, each with builders for the calls that take options.
//!
//! A write builder holds a `…Fields` struct whose serde form is exactly the JSON sent inside the
//! resource key (`{"company": {…}}`); setters fill it, [`field`](companies::WriteCompany::field)
//! adds a field this crate does not know, and `send()` performs the call.

pub mod agreements;
pub mod companies;
pub mod contacts;
pub mod employees;
pub mod equipment;
pub mod issues;
pub mod maintenance_entities;
pub mod parameters;
pub mod statuses;
pub mod upload;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// Custom parameter values to write: `{code: value}`.
pub type CustomParameters = BTreeMap<String, Value>;

/// Generates `pub fn name(self, value: impl Into<T>) -> Self` setters over `self.fields.name: Option<T>`.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.fields.$name = Some(value.into());
            self
        }
    )*};
}

/// Generates `custom_parameter` and `field` setters over `self.fields.custom_parameters` and
/// `self.fields.extra`.
macro_rules! extra_setters {
    () => {
        /// Sets a custom parameter (`custom_parameters: {code: value}`).
        pub fn custom_parameter(
            mut self,
            code: impl Into<String>,
            value: impl Into<serde_json::Value>,
        ) -> Self {
            self.fields
                .custom_parameters
                .get_or_insert_with(Default::default)
                .insert(code.into(), value.into());
            self
        }

        /// Sets a body field this crate does not model (sent inside the resource key as is).
        pub fn field(
            mut self,
            key: impl Into<String>,
            value: impl Into<serde_json::Value>,
        ) -> Self {
            self.fields.extra.insert(key.into(), value.into());
            self
        }
    };
}

pub(crate) use extra_setters;
pub(crate) use setters;

/// Wraps a body in its resource key: `{"company": {…}}`.
pub(crate) fn wrap<'a, T: Serialize>(key: &'static str, fields: &'a T) -> Wrapped<'a, T> {
    Wrapped { key, fields }
}

/// A body wrapped in its resource key.
pub(crate) struct Wrapped<'a, T> {
    key: &'static str,
    fields: &'a T,
}

impl<T: Serialize> Serialize for Wrapped<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.key, self.fields)?;
        map.end()
    }
}
