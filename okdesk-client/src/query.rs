//! Rails-style query strings: `key[]=a&key[]=b`, `page[size]=30`, `custom_parameters[code]=v`.
//!
//! Pairs are kept in order and percent-encoded by `url` when the URL is built (a literal `+` goes
//! out as `%2B`, as Okdesk requires).

use crate::time::{AccountTimeZone, FilterTime};

/// An ordered list of query pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `key=value`.
    pub fn push(&mut self, key: impl Into<String>, value: impl ToString) -> &mut Self {
        self.pairs.push((key.into(), value.to_string()));
        self
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn push_opt<V: ToString>(&mut self, key: &str, value: Option<V>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, v);
        }
        self
    }

    /// Appends `key[]=v` for each value.
    pub fn push_array<V: ToString>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        for v in values {
            self.push(format!("{key}[]"), v);
        }
        self
    }

    /// Replaces every pair named `key` with one `key=value`.
    pub fn set(&mut self, key: &str, value: impl ToString) -> &mut Self {
        self.pairs.retain(|(k, _)| k != key);
        self.push(key, value)
    }

    /// Appends the other query's pairs.
    pub fn extend(&mut self, other: &Query) -> &mut Self {
        self.pairs.extend(other.pairs.iter().cloned());
        self
    }

    /// The pairs in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The value of the first pair named `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A filter on a custom parameter (дополнительный атрибут) of a list endpoint.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomParameterFilter {
    /// String or checkbox: `custom_parameters[code]=value`.
    Equals(String),
    /// Select or multiselect: `custom_parameters[code][]=v` for each value.
    AnyOf(Vec<String>),
    /// Date or datetime range: `custom_parameters[code_since]`, `custom_parameters[code_until]`.
    Between(Option<FilterTime>, Option<FilterTime>),
    /// The parameter is empty: `custom_parameters[code]=#null` (seen in clients, unverified).
    IsEmpty,
}

impl CustomParameterFilter {
    /// Appends this filter for `code` to `q`; dates use the list format of `tz` unless `issue_dates`.
    pub(crate) fn append(
        &self,
        code: &str,
        q: &mut Query,
        tz: &AccountTimeZone,
        issue_dates: bool,
    ) {
        let fmt = |t: FilterTime| {
            if issue_dates {
                tz.issue_filter(t)
            } else {
                tz.list_filter(t)
            }
        };
        match self {
            Self::Equals(v) => {
                q.push(format!("custom_parameters[{code}]"), v);
            }
            Self::AnyOf(vs) => {
                q.push_array(&format!("custom_parameters[{code}]"), vs);
            }
            Self::Between(since, until) => {
                if let Some(s) = since {
                    q.push(format!("custom_parameters[{code}_since]"), fmt(*s));
                }
                if let Some(u) = until {
                    q.push(format!("custom_parameters[{code}_until]"), fmt(*u));
                }
            }
            Self::IsEmpty => {
                q.push(format!("custom_parameters[{code}]"), "#null");
            }
        }
    }
}
