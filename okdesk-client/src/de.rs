//! Tolerant serde helpers for Okdesk's loosely typed JSON.
//!
//! Okdesk (and its webhooks) send ids as numbers or strings, `null` where an array is expected, and
//! numbers where a string is documented. These helpers accept all of those so one odd record never
//! fails a whole page.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// Deserialises a non-negative integer given as a number, an integral float or a numeric string.
pub(crate) fn flexible_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(U64Visitor)
}

struct U64Visitor;

impl Visitor<'_> for U64Visitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer id (number or string)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
            // The check above guarantees the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(v as u64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Deserialises `null` (or a missing field, with `#[serde(default)]`) as `T::default()`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Deserialises an optional text field that may arrive as a string, a number or a boolean.
/// Empty strings stay empty strings: whether "" means "unset" is the caller's business.
pub(crate) fn opt_lossy_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
            Some(other.to_string())
        }
        Some(other) => {
            return Err(de::Error::invalid_type(
                unexpected(&other),
                &"a string, a number or null",
            ))
        }
    })
}

/// Deserialises an optional number that may arrive as a number or a string (`"1.5"`, `"1,5"`).
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => Ok(n.as_f64()),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .replace(',', ".")
            .parse()
            .map(Some)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&s), &"a number")),
        Some(other) => Err(de::Error::invalid_type(unexpected(&other), &"a number")),
    }
}

/// Deserialises an optional id (number or string; `null`, `""` and `0` mean none).
pub(crate) fn opt_id<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<u64>,
{
    let v = Option::<serde_json::Value>::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => {
            let n = flexible_u64(v).map_err(de::Error::custom)?;
            Ok((n != 0).then(|| T::from(n)))
        }
    }
}

/// Deserialises an optional timestamp in any of the forms Okdesk uses (see [`crate::time::parse_datetime`]).
pub(crate) fn opt_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => crate::time::parse_datetime(&s).map(Some).ok_or_else(|| {
            de::Error::invalid_value(de::Unexpected::Str(&s), &"an Okdesk date-time")
        }),
    }
}

/// Deserialises an optional calendar date (`2019-02-06`, `06-02-2019` or a full timestamp).
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => crate::time::parse_date(&s)
            .map(Some)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&s), &"a date")),
    }
}

fn unexpected(v: &serde_json::Value) -> de::Unexpected<'_> {
    match v {
        serde_json::Value::Null => de::Unexpected::Unit,
        serde_json::Value::Bool(b) => de::Unexpected::Bool(*b),
        serde_json::Value::Number(_) => de::Unexpected::Other("a number"),
        serde_json::Value::String(s) => de::Unexpected::Str(s),
        serde_json::Value::Array(_) => de::Unexpected::Seq,
        serde_json::Value::Object(_) => de::Unexpected::Map,
    }
}
