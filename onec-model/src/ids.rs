//! Typed 1C references: a `Ref` is the GUID of a catalog item or document (`Ref_Key` on the wire).
//!
//! 1C writes an empty reference as the zero GUID; it is parsed as `None`, never as a `Ref`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// The GUID of a 1C object. It is never the zero GUID: an empty reference is `Option::<Ref>::None`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ref(Uuid);

/// A string that is not a GUID where a 1C reference was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a 1C reference (a GUID like 8d04ce3c-0b8c-11e5-80c6-0050568b35ac)")]
pub struct RefError {
    /// The text that did not parse.
    pub value: String,
}

impl Ref {
    /// Parses a GUID as 1C writes it; the zero GUID (an empty reference) gives `Ok(None)`.
    pub fn parse(text: &str) -> Result<Option<Ref>, RefError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let uuid = Uuid::parse_str(trimmed).map_err(|_| RefError {
            value: text.to_owned(),
        })?;
        Ok(Ref::from_uuid(uuid))
    }

    /// Wraps a UUID; the nil UUID is the empty reference and gives `None`.
    pub fn from_uuid(uuid: Uuid) -> Option<Ref> {
        (!uuid.is_nil()).then_some(Ref(uuid))
    }

    /// A reference derived deterministically from a namespace and a name (UUID v5).
    ///
    /// Simulators and tests use it so that generated data is the same on every run.
    pub fn derived(namespace: &str, name: &str) -> Ref {
        let ns = Uuid::new_v5(&Uuid::NAMESPACE_OID, namespace.as_bytes());
        Ref(Uuid::new_v5(&ns, name.as_bytes()))
    }

    /// The underlying UUID.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // 1C writes GUIDs in lowercase hyphenated form; keeping that makes keys comparable as text.
        write!(f, "{}", self.0.hyphenated())
    }
}

impl fmt::Debug for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref({})", self.0.hyphenated())
    }
}

impl FromStr for Ref {
    type Err = RefError;

    /// Parses a non-empty reference; the zero GUID is an error here because a `Ref` is never empty.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ref::parse(s)?.ok_or_else(|| RefError {
            value: s.to_owned(),
        })
    }
}

impl Serialize for Ref {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_guid_is_empty() {
        assert_eq!(Ref::parse("00000000-0000-0000-0000-000000000000"), Ok(None));
        assert_eq!(Ref::parse(""), Ok(None));
    }

    #[test]
    fn guid_round_trips_in_lowercase() {
        let r = Ref::parse("8D04CE3C-0B8C-11E5-80C6-0050568B35AC")
            .unwrap()
            .unwrap();
        assert_eq!(r.to_string(), "8d04ce3c-0b8c-11e5-80c6-0050568b35ac");
        assert_eq!(r.to_string().parse::<Ref>().unwrap(), r);
    }

    #[test]
    fn garbage_is_an_error_naming_the_value() {
        let err = Ref::parse("not-a-guid").unwrap_err();
        assert!(err.to_string().contains("not-a-guid"));
    }

    #[test]
    fn derived_refs_are_stable() {
        assert_eq!(Ref::derived("cp", "1"), Ref::derived("cp", "1"));
        assert_ne!(Ref::derived("cp", "1"), Ref::derived("cp", "2"));
    }
}
