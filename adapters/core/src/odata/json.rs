//! The reader of 1C's `$format=json` answers: a collection `{"odata.metadata": "…#Set",
//! "value": [...]}` or a single entity (no `value` wrapper) into [`RawObject`]s.
//!
//! Values stay as they came (Int64 as text, dates as naive text, references as GUID text); arrays
//! of row objects are tabular sections; `@navigationLinkUrl`/`@odata.type` annotations and
//! `odata.*` keys are dropped. A BOM is skipped, and an `odata.error` (also inside a 200) or an HTML
//! page becomes a typed error.

use serde_json::{Map, Value};

use super::body::{html_error, json_error, looks_like_html, strip_bom};
use super::error::OdataError;
use crate::raw::{RawObject, RawRow, RawValue};

/// Reads a JSON answer for entity set `set` (the set named in `odata.metadata` is used when `set`
/// is empty).
///
/// Errors: [`OdataError::OData`] for an `odata.error` body (status 200: the caller replaces it
/// when it knows better), [`OdataError::Html`] for an HTML page, [`OdataError::Decode`] for a body
/// that is not 1C's JSON, with line and column.
pub fn parse_feed(body: &[u8], set: &str) -> Result<Vec<RawObject>, OdataError> {
    let body = strip_bom(body);
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) if looks_like_html(body) => {
            tracing::debug!(error = %e, "JSON expected, HTML received");
            return Err(html_error(200, body));
        }
        Err(e) => return Err(json_decode(body, &set_name(set), &e)),
    };
    if let Some(err) = json_error(200, &value) {
        return Err(err);
    }
    let Value::Object(mut top) = value else {
        return Err(decode(set, "the answer is not a JSON object"));
    };
    let set = if set.is_empty() {
        top.get("odata.metadata")
            .and_then(Value::as_str)
            .and_then(set_from_metadata_url)
            .unwrap_or_default()
    } else {
        set.to_owned()
    };
    match top.remove("value") {
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(map) => entity(&set, map),
                other => Err(decode(
                    &set,
                    &format!("item {i} of `value` is {}, not an object", kind(&other)),
                )),
            })
            .collect(),
        Some(other) if top.is_empty() || is_annotations_only(&top) => Err(decode(
            &set,
            &format!("`value` is {}, not an array", kind(&other)),
        )),
        Some(other) => {
            // A single entity that happens to have a property called `value`.
            top.insert("value".into(), other);
            Ok(vec![entity(&set, top)?])
        }
        None => Ok(vec![entity(&set, top)?]),
    }
}

/// Reads the `odata.count` of a `$inlinecount=allpages` answer (1C sends it as a string) or a bare
/// `/$count` body (sometimes BOM-prefixed).
pub fn parse_count(body: &[u8]) -> Result<u64, OdataError> {
    let body = strip_bom(body);
    let text = String::from_utf8_lossy(body);
    if let Ok(n) = text.trim().parse::<u64>() {
        return Ok(n);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| json_decode(body, "$count", &e))?;
    if let Some(err) = json_error(200, &value) {
        return Err(err);
    }
    match value.get("odata.count") {
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| decode("$count", "no `odata.count` in the answer"))
}

/// The entity set named after `#` in an `odata.metadata` URL (`…$metadata#Catalog_X/@Element`).
fn set_from_metadata_url(url: &str) -> Option<String> {
    let fragment = url.rsplit_once('#')?.1;
    let set = fragment.split('/').next()?;
    (!set.is_empty()).then(|| set.to_owned())
}

fn is_annotations_only(map: &Map<String, Value>) -> bool {
    map.keys()
        .all(|k| k.starts_with("odata.") || k.contains('@'))
}

fn set_name(set: &str) -> String {
    if set.is_empty() {
        "the requested set".into()
    } else {
        set.to_owned()
    }
}

/// A [`OdataError::Decode`] for a serde_json error, with the 1-based line and character column
/// the error type promises.
///
/// serde_json counts columns in bytes, and reports column 0 when the offending byte is the
/// newline just read (and line 1, column 0 for an empty body); the column is recounted in
/// characters of that line and never drops below 1.
fn json_decode(body: &[u8], set: &str, e: &serde_json::Error) -> OdataError {
    let line = e.line().max(1);
    let byte_column = e.column();
    let line_text = body.split(|&b| b == b'\n').nth(line - 1).unwrap_or(&[]);
    let prefix = &line_text[..byte_column.min(line_text.len())];
    let column = String::from_utf8_lossy(prefix).chars().count().max(1);
    OdataError::Decode {
        set: set.to_owned(),
        line,
        column,
        message: e.to_string(),
    }
}

fn decode(set: &str, message: &str) -> OdataError {
    OdataError::Decode {
        set: set_name(set),
        line: 1,
        column: 1,
        message: message.to_owned(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether a key is metadata rather than a property.
fn is_annotation(key: &str) -> bool {
    key.contains('@') || key.starts_with("odata.")
}

/// Converts one entity object; consumes it so strings move instead of being copied.
pub(crate) fn entity(set: &str, map: Map<String, Value>) -> Result<RawObject, OdataError> {
    let mut obj = RawObject::new(set);
    for (key, value) in map {
        if is_annotation(&key) {
            continue;
        }
        match value {
            Value::Array(items) => {
                let mut rows = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let Value::Object(row) = item else {
                        return Err(decode(
                            set,
                            &format!(
                                "property `{key}`: element {i} is {}, not a tabular-section row",
                                kind(&item)
                            ),
                        ));
                    };
                    rows.push(row_of(set, &key, row)?);
                }
                obj.tables.insert(key, rows);
            }
            Value::Object(_) => {
                // An expanded reference (`X_Expanded`) or a complex value: the flat model has no
                // place for it, and the reference itself is kept as `X_Key`.
                tracing::trace!(set, property = %key, "nested object skipped");
            }
            scalar => {
                obj.props.insert(key, scalar_value(scalar));
            }
        }
    }
    Ok(obj)
}

fn row_of(set: &str, table: &str, map: Map<String, Value>) -> Result<RawRow, OdataError> {
    let mut row = RawRow::new();
    for (key, value) in map {
        if is_annotation(&key) {
            continue;
        }
        match value {
            Value::Array(_) => {
                return Err(decode(
                    set,
                    &format!("tabular section `{table}`: column `{key}` is an array"),
                ))
            }
            Value::Object(_) => {}
            scalar => {
                row.insert(key, scalar_value(scalar));
            }
        }
    }
    Ok(row)
}

fn scalar_value(v: Value) -> RawValue {
    match v {
        Value::Null => RawValue::Null,
        Value::Bool(b) => RawValue::Bool(b),
        // Every JSON number fits an f64 closely enough: 1C sends Int64 as text, so only
        // `Edm.Double` and small integers arrive as numbers.
        Value::Number(n) => RawValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => RawValue::Text(s),
        Value::Array(_) | Value::Object(_) => RawValue::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_entity_takes_the_set_from_metadata() {
        let body = r#"{"odata.metadata": "http://s/b/odata/standard.odata/$metadata#Catalog_Контрагенты/@Element",
          "Ref_Key": "1fa1a135-d89b-11e6-8343-40167e2531c3", "Комментарии": [{"LineNumber": "1", "Комментарий": "к1"}],
          "Договоры": [], "Город@navigationLinkUrl": "x"}"#;
        let objs = parse_feed(body.as_bytes(), "").unwrap();
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].set, "Catalog_Контрагенты");
        assert_eq!(objs[0].table("Комментарии").len(), 1);
        assert!(objs[0].tables.contains_key("Договоры"));
        assert!(objs[0].get("Город@navigationLinkUrl").is_none());
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(b"\xEF\xBB\xBF19").unwrap(), 19);
        assert_eq!(
            parse_count(br#"{"odata.count":"19","value":[]}"#).unwrap(),
            19
        );
    }

    #[test]
    fn broken_json_has_a_position() {
        let err = parse_feed(b"{\"value\": [\n{\"a\": }]}", "Catalog_X").unwrap_err();
        let OdataError::Decode {
            set, line, column, ..
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!((set.as_str(), line), ("Catalog_X", 2));
        assert!(column > 1);
    }

    fn position(body: &[u8]) -> (usize, usize) {
        match parse_feed(body, "Catalog_X") {
            Err(OdataError::Decode { line, column, .. }) => (line, column),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn positions_are_one_based_even_where_serde_json_says_column_0() {
        // A raw newline inside a string: serde_json says line 2, column 0.
        assert_eq!(position(b"{\"Description\": \"x\n\"}"), (2, 1));
        // An empty body: serde_json says line 1, column 0.
        assert_eq!(position(b""), (1, 1));
        assert_eq!(position(b"\xEF\xBB\xBF"), (1, 1));
        assert!(matches!(
            parse_count(b"\n"),
            Err(OdataError::Decode {
                line: 2,
                column: 1,
                ..
            })
        ));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // `}` is the 12th character but the 15th byte of the line: the column is the character.
        assert_eq!(position("{\"Имя\": 1, }".as_bytes()), (1, 12));
    }
}
