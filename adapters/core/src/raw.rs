//! The raw 1C value model: what every transport (OData JSON or Atom, XML exchange files, XLSX)
//! produces and what every adapter maps from.
//!
//! Values are kept close to the wire: 1C sends Int64 as strings, dates as naive local
//! `YYYY-MM-DDTHH:MM:SS` strings, references as `X_Key` GUIDs, so this layer stores text, numbers
//! and booleans as they came and offers typed accessors that apply 1C's emptiness rules
//! (`0001-01-01T00:00:00` is no date, the zero GUID is no reference, `""` is no enum value).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use onec_model::Ref;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// One property value as a transport received it.
///
/// It serializes as the bare JSON value (`null`, `true`, `1.5`, `"text"`); it deserializes from
/// one through a direct visitor rather than `#[serde(untagged)]`, which tries each variant in turn
/// and formats an error message for every miss (most of the time spent reading the raw cache).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawValue {
    /// JSON `null`, an Atom `m:null="true"` element, or an absent XML element.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number sent as a JSON number (`Edm.Double`, `Edm.Int16`/`Int32`).
    Number(f64),
    /// Text: strings, and everything 1C sends as text (Int64, GUIDs, dates, enum names).
    Text(String),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawValueVisitor)
    }
}

/// Reads any scalar the way the untagged form did: null, boolean, number (as `f64`) or text.
struct RawValueVisitor;

impl<'de> Visitor<'de> for RawValueVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("null, a boolean, a number or a string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Text(v))
    }
}

/// A row of a tabular section (or a register record): property name → value.
pub type RawRow = BTreeMap<String, RawValue>;

/// One 1C object (catalog item, document, register record set) as read from a transport, or a
/// document to write through one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawObject {
    /// The OData entity set name, e.g. `Catalog_Контрагенты` or `Document_СчетНаОплату`.
    pub set: String,
    /// Header properties by their OData names (`Ref_Key`, `Description`, `ИНН`, `Партнер_Key`, …).
    pub props: RawRow,
    /// Tabular sections by name (`КонтактнаяИнформация`, `Товары`, …), rows in `LineNumber` order.
    pub tables: BTreeMap<String, Vec<RawRow>>,
}

/// Everything read from one source, grouped by entity set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawDataset {
    /// Objects by entity set name, each list in the order the source gave it.
    pub sets: BTreeMap<String, Vec<RawObject>>,
}

/// The 1C "empty date".
const EMPTY_DATE: &str = "0001-01-01T00:00:00";

impl RawValue {
    /// The value as text, if it is text or a number or a boolean; `None` for null and empty text.
    pub fn as_text(&self) -> Option<String> {
        match self {
            RawValue::Null => None,
            RawValue::Bool(b) => Some(b.to_string()),
            RawValue::Number(n) => Some(format_number(*n)),
            RawValue::Text(s) if s.is_empty() => None,
            RawValue::Text(s) => Some(s.clone()),
        }
    }
}

/// Formats a number without a trailing `.0` for integers, the way 1C prints it.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A value that is present but cannot be read as the type asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("property `{property}` of {set}: `{value}` is not {expected}")]
pub struct ValueError {
    /// The entity set of the object.
    pub set: String,
    /// The property name.
    pub property: String,
    /// The value as received.
    pub value: String,
    /// What was expected ("a GUID", "a date", "a number", "a boolean").
    pub expected: &'static str,
}

impl RawObject {
    /// Creates an empty object of the given entity set.
    pub fn new(set: impl Into<String>) -> Self {
        RawObject {
            set: set.into(),
            ..RawObject::default()
        }
    }

    /// Sets a header property (builder style, for writers and tests).
    pub fn with(mut self, name: impl Into<String>, value: RawValue) -> Self {
        self.props.insert(name.into(), value);
        self
    }

    /// The raw property, if present.
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        self.props.get(name)
    }

    /// The object's own reference (`Ref_Key`).
    pub fn ref_key(&self) -> Result<Option<Ref>, ValueError> {
        row_ref(&self.set, &self.props, "Ref_Key")
    }

    /// A text property; empty text and null are `None`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.props.get(name).and_then(RawValue::as_text)
    }

    /// A reference property given by its attribute name: reads `{name}_Key` (or `name` itself when
    /// it already ends in `_Key`). The zero GUID is `None`.
    pub fn reference(&self, name: &str) -> Result<Option<Ref>, ValueError> {
        row_ref(&self.set, &self.props, name)
    }

    /// A boolean property; text `"true"`/`"false"` is accepted (Atom and XML send text).
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ValueError> {
        row_bool(&self.set, &self.props, name)
    }

    /// A date property; 1C's empty date is `None`.
    pub fn datetime(&self, name: &str) -> Result<Option<NaiveDateTime>, ValueError> {
        row_datetime(&self.set, &self.props, name)
    }

    /// A date property truncated to the day; 1C's empty date is `None`.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ValueError> {
        Ok(self.datetime(name)?.map(|d| d.date()))
    }

    /// A numeric property as a decimal; Int64 sent as text is accepted.
    pub fn decimal(&self, name: &str) -> Result<Option<Decimal>, ValueError> {
        row_decimal(&self.set, &self.props, name)
    }

    /// The rows of a tabular section (empty when the object has none).
    pub fn table(&self, name: &str) -> &[RawRow] {
        self.tables.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Reads a reference from a row: `{name}_Key`, or `name` when it already ends in `_Key`.
pub fn row_ref(set: &str, row: &RawRow, name: &str) -> Result<Option<Ref>, ValueError> {
    let key = if name.ends_with("_Key") {
        name.to_owned()
    } else {
        format!("{name}_Key")
    };
    match row.get(&key).and_then(RawValue::as_text) {
        None => Ok(None),
        Some(text) => Ref::parse(&text).map_err(|_| ValueError {
            set: set.to_owned(),
            property: key,
            value: text,
            expected: "a GUID",
        }),
    }
}

/// Reads a boolean from a row.
pub fn row_bool(set: &str, row: &RawRow, name: &str) -> Result<Option<bool>, ValueError> {
    match row.get(name) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Bool(b)) => Ok(Some(*b)),
        Some(other) => {
            let text = other.as_text().unwrap_or_default();
            match text.as_str() {
                "" => Ok(None),
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(ValueError {
                    set: set.to_owned(),
                    property: name.to_owned(),
                    value: text,
                    expected: "a boolean",
                }),
            }
        }
    }
}

/// Reads a date-time from a row; `0001-01-01T00:00:00` is `None`.
pub fn row_datetime(
    set: &str,
    row: &RawRow,
    name: &str,
) -> Result<Option<NaiveDateTime>, ValueError> {
    let Some(text) = row.get(name).and_then(RawValue::as_text) else {
        return Ok(None);
    };
    if text.starts_with(EMPTY_DATE) {
        return Ok(None);
    }
    // 1C sends naive local time; some proxies append `Z` or an offset, which is dropped on purpose
    // because the server's time zone is configured separately.
    let core = text.get(..19).unwrap_or(&text);
    NaiveDateTime::parse_from_str(core, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| {
            NaiveDate::parse_from_str(core, "%Y-%m-%d").map(|d| d.and_time(Default::default()))
        })
        .map(Some)
        .map_err(|_| ValueError {
            set: set.to_owned(),
            property: name.to_owned(),
            value: text.clone(),
            expected: "a date",
        })
}

/// Reads a decimal from a row; numbers sent as text (Int64) are accepted.
pub fn row_decimal(set: &str, row: &RawRow, name: &str) -> Result<Option<Decimal>, ValueError> {
    match row.get(name) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Number(n)) => Decimal::try_from(*n).map(Some).map_err(|_| ValueError {
            set: set.to_owned(),
            property: name.to_owned(),
            value: n.to_string(),
            expected: "a number",
        }),
        Some(other) => {
            let text = other.as_text().unwrap_or_default();
            if text.is_empty() {
                return Ok(None);
            }
            text.trim()
                .parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(text.trim()))
                .map(Some)
                .map_err(|_| ValueError {
                    set: set.to_owned(),
                    property: name.to_owned(),
                    value: text,
                    expected: "a number",
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> RawObject {
        RawObject::new("Catalog_Контрагенты")
            .with(
                "Ref_Key",
                RawValue::Text("8d04ce3c-0b8c-11e5-80c6-0050568b35ac".into()),
            )
            .with(
                "Партнер_Key",
                RawValue::Text("00000000-0000-0000-0000-000000000000".into()),
            )
            .with("ДатаСоздания", RawValue::Text("0001-01-01T00:00:00".into()))
            .with("Дата", RawValue::Text("2024-03-01T10:20:30".into()))
            .with("Количество", RawValue::Text("12".into()))
            .with("Цена", RawValue::Number(1500.5))
            .with("DeletionMark", RawValue::Text("false".into()))
            .with("ИНН", RawValue::Text(String::new()))
    }

    #[test]
    fn emptiness_rules() {
        let o = obj();
        assert!(o.ref_key().unwrap().is_some());
        assert_eq!(o.reference("Партнер").unwrap(), None);
        assert_eq!(o.datetime("ДатаСоздания").unwrap(), None);
        assert_eq!(o.text("ИНН"), None);
    }

    #[test]
    fn typed_accessors() {
        let o = obj();
        assert_eq!(o.date("Дата").unwrap().unwrap().to_string(), "2024-03-01");
        assert_eq!(o.decimal("Количество").unwrap(), Some(Decimal::from(12)));
        assert_eq!(o.decimal("Цена").unwrap().unwrap().to_string(), "1500.5");
        assert_eq!(o.boolean("DeletionMark").unwrap(), Some(false));
    }

    #[test]
    fn values_round_trip_through_json_as_bare_values() {
        let o = obj()
            .with("Пусто", RawValue::Null)
            .with("Флаг", RawValue::Bool(true))
            .with("Целое", RawValue::Number(7.0));
        let json = serde_json::to_string(&o).unwrap();
        assert!(json.contains(r#""Флаг":true"#), "{json}");
        assert!(json.contains(r#""Пусто":null"#), "{json}");
        assert_eq!(serde_json::from_str::<RawObject>(&json).unwrap(), o);
        let v: Vec<RawValue> =
            serde_json::from_str(r#"[null, false, -3, 18446744073709551615, 2.5, "x"]"#).unwrap();
        assert_eq!(
            v,
            vec![
                RawValue::Null,
                RawValue::Bool(false),
                RawValue::Number(-3.0),
                RawValue::Number(18446744073709551615.0),
                RawValue::Number(2.5),
                RawValue::Text("x".into()),
            ]
        );
        let err = serde_json::from_str::<RawValue>("[1]").unwrap_err();
        assert!(err.to_string().contains("a number or a string"), "{err}");
    }

    #[test]
    fn bad_values_name_the_property() {
        let o = RawObject::new("Catalog_X").with("Дата", RawValue::Text("вчера".into()));
        let err = o.datetime("Дата").unwrap_err();
        assert!(err.to_string().contains("Дата"), "{err}");
        assert!(err.to_string().contains("вчера"), "{err}");
    }
}
