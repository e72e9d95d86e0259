//! Values stored in the simulated infobase and their wire forms: 1C's empty values (`""`,
//! the zero GUID, `0001-01-01T00:00:00`), Int64 written as strings in JSON, doubles without a
//! trailing `.0`, and the coercion of incoming JSON or Atom text by the property's EDM type.

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::schema::{Edm, Prop};

/// One stored value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Int(i64),
    /// An `Edm.Int16`, which JSON carries as a number (only Int64 goes as a string).
    Short(i16),
    Num(f64),
    Str(String),
    Guid(Uuid),
    Date(NaiveDateTime),
}

/// The type name 1C gives an empty composite.
pub(crate) const UNDEFINED: &str = "StandardODATA.Undefined";

/// The empty date on the wire.
pub(crate) const EMPTY_DATE: &str = "0001-01-01T00:00:00";

impl Val {
    /// What an unset property of this type reads as.
    pub(crate) fn empty_for(prop: &Prop) -> Val {
        if prop.type_of {
            return Val::Str(UNDEFINED.to_owned());
        }
        match prop.edm {
            Edm::String => Val::Str(String::new()),
            Edm::Guid => Val::Guid(Uuid::nil()),
            Edm::DateTime => Val::Date(empty_date()),
            Edm::Boolean => Val::Bool(false),
            Edm::Double => Val::Num(0.0),
            Edm::Int16 => Val::Short(0),
            Edm::Int64 => Val::Int(0),
            Edm::Binary => Val::Str(String::new()),
        }
    }

    /// The text form used in Atom and for string comparisons.
    pub(crate) fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Short(i) => i.to_string(),
            Val::Num(n) => format_double(*n),
            Val::Str(s) => s.clone(),
            Val::Guid(g) => g.hyphenated().to_string(),
            Val::Date(d) => format_date(d),
        }
    }

    /// Appends the JSON form: Int64 as a string, doubles as numbers, dates naive.
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Val::Null => out.push_str("null"),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Int(i) => {
                out.push('"');
                out.push_str(&i.to_string());
                out.push('"');
            }
            Val::Short(i) => out.push_str(&i.to_string()),
            Val::Num(n) => out.push_str(&format_double(*n)),
            Val::Str(s) => json_string(out, s),
            Val::Guid(g) => {
                out.push('"');
                out.push_str(g.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
                out.push('"');
            }
            Val::Date(d) => {
                out.push('"');
                out.push_str(&format_date(d));
                out.push('"');
            }
        }
    }

    /// True for 1C's "empty" of any type.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Val::Null => true,
            Val::Bool(b) => !b,
            Val::Int(i) => *i == 0,
            Val::Short(i) => *i == 0,
            Val::Num(n) => *n == 0.0,
            Val::Str(s) => s.is_empty(),
            Val::Guid(g) => g.is_nil(),
            Val::Date(d) => *d == empty_date(),
        }
    }
}

pub(crate) fn empty_date() -> NaiveDateTime {
    NaiveDateTime::parse_from_str(EMPTY_DATE, "%Y-%m-%dT%H:%M:%S")
        .expect("the constant empty date parses")
}

pub(crate) fn format_date(d: &NaiveDateTime) -> String {
    d.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Doubles as 1C prints them: `20`, `3333.33`, never `20.0`.
pub(crate) fn format_double(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Appends a JSON string literal.
pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses a 1C date-time literal: `2025-03-01T12:30:00`, with optional fractions, or a bare date.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    let t = t.strip_suffix('Z').unwrap_or(t);
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M"))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
}

/// An incoming value: a JSON value or the text of an Atom element (`None` for `m:null`).
pub(crate) enum Incoming<'a> {
    Json(&'a serde_json::Value),
    Text(Option<&'a str>),
}

/// Why an incoming value does not fit its property.
pub(crate) fn coerce(prop: &Prop, value: Incoming<'_>) -> Result<Val, String> {
    let expected = || format!("ожидается {}", prop.edm.name());
    let text: Option<String> = match value {
        Incoming::Json(serde_json::Value::Null) | Incoming::Text(None) => return Ok(Val::Null),
        Incoming::Json(serde_json::Value::String(s)) => Some(s.clone()),
        Incoming::Text(Some(s)) => Some(s.to_owned()),
        Incoming::Json(serde_json::Value::Bool(b)) => {
            return match prop.edm {
                Edm::Boolean => Ok(Val::Bool(*b)),
                Edm::String => Ok(Val::Str(b.to_string())),
                _ => Err(expected()),
            }
        }
        Incoming::Json(serde_json::Value::Number(n)) => {
            return match prop.edm {
                Edm::Double => n.as_f64().map(Val::Num).ok_or_else(expected),
                Edm::Int64 => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                    .map(Val::Int)
                    .ok_or_else(|| "ожидается целое число".to_owned()),
                Edm::Int16 => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                    .and_then(|i| i16::try_from(i).ok())
                    .map(Val::Short)
                    .ok_or_else(|| "ожидается целое число Edm.Int16".to_owned()),
                Edm::String => Ok(Val::Str(n.to_string())),
                _ => Err(expected()),
            }
        }
        Incoming::Json(_) => return Err(format!("{} (пришел объект или массив)", expected())),
    };
    let text = text.unwrap_or_default();
    let t = text.trim();
    let val = match prop.edm {
        Edm::String | Edm::Binary => Val::Str(text.clone()),
        Edm::Guid => {
            if t.is_empty() {
                Val::Guid(Uuid::nil())
            } else {
                Val::Guid(Uuid::parse_str(t).map_err(|_| expected())?)
            }
        }
        Edm::DateTime => {
            if t.is_empty() {
                Val::Date(empty_date())
            } else {
                Val::Date(parse_date(t).ok_or_else(expected)?)
            }
        }
        Edm::Boolean => match t {
            "true" => Val::Bool(true),
            "false" => Val::Bool(false),
            _ => return Err(expected()),
        },
        Edm::Double => Val::Num(t.parse::<f64>().map_err(|_| expected())?),
        Edm::Int64 => Val::Int(
            t.parse::<i64>()
                .or_else(|_| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.fract() == 0.0)
                        .map(|f| f as i64)
                        .ok_or(())
                })
                .map_err(|_| "ожидается целое число".to_owned())?,
        ),
        Edm::Int16 => Val::Short(
            t.parse::<i16>()
                .or_else(|_| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.fract() == 0.0 && f.abs() <= f64::from(i16::MAX))
                        .map(|f| f as i16)
                        .ok_or(())
                })
                .map_err(|_| "ожидается целое число Edm.Int16".to_owned())?,
        ),
    };
    if let Val::Str(s) = &val {
        if !prop.allowed.is_empty() && !s.is_empty() && !prop.allowed.iter().any(|a| a == s) {
            return Err(format!(
                "нет такого значения перечисления (допустимы: {})",
                prop.allowed.join(", ")
            ));
        }
    }
    Ok(val)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_1c() {
        assert_eq!(format_double(20.0), "20");
        assert_eq!(format_double(3333.33), "3333.33");
        assert_eq!(format_double(0.0), "0");
    }

    #[test]
    fn int64_is_a_json_string() {
        let mut out = String::new();
        Val::Int(1).write_json(&mut out);
        assert_eq!(out, "\"1\"");
    }
}
