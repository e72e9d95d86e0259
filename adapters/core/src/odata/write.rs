//! Writes: create (POST, 201 with the created object), partial update (PATCH), posting a document
//! and setting the deletion mark, with bodies in JSON or Atom.
//!
//! 1C replaces tabular sections wholesale and fails with an internal error unless every row has
//! `LineNumber`, so rows without one are numbered here. Writes are never retried: POST is not
//! idempotent, and a business failure (code `-1`) would only fail again.

use std::fmt::Write as _;

use onec_model::Ref;
use reqwest::Method;
use serde_json::{Map, Number, Value};

use super::client::{Format, OdataClient, Request, Retry};
use super::error::OdataError;
use super::query::{accept, format_option, parse_objects};
use crate::raw::{RawObject, RawRow, RawValue};

impl OdataClient {
    /// Creates the object in its entity set and returns it as 1C stored it (with `Ref_Key`,
    /// `DataVersion`, `Number`, …).
    pub async fn create(&self, object: &RawObject) -> Result<RawObject, OdataError> {
        let format = self.options().format;
        let response = self
            .send(Request {
                method: Method::POST,
                resource: object.set.clone(),
                query: format_option(format),
                body: Some(body(format, object)),
                accept: accept(format),
                retry: Retry::Never,
            })
            .await?;
        single(format, &response.body, &object.set, &response.url)
    }

    /// Updates the given properties (and replaces the given tabular sections whole) of an object;
    /// returns the object as 1C stored it.
    pub async fn patch(
        &self,
        set: &str,
        reference: Ref,
        changes: &RawObject,
    ) -> Result<RawObject, OdataError> {
        let format = self.options().format;
        let mut object = changes.clone();
        object.set = set.to_owned();
        let response = self
            .send(Request {
                method: Method::PATCH,
                resource: format!("{set}(guid'{reference}')"),
                query: format_option(format),
                body: Some(body(format, &object)),
                accept: accept(format),
                retry: Retry::Never,
            })
            .await?;
        if super::body::strip_bom(&response.body)
            .iter()
            .all(u8::is_ascii_whitespace)
        {
            // Some platforms answer 204 without a body: read the object back.
            return self.get(set, reference).await;
        }
        single(format, &response.body, set, &response.url)
    }

    /// Posts a document (`…/Post?PostingModeOperational=false`).
    pub async fn post_document(&self, set: &str, reference: Ref) -> Result<(), OdataError> {
        let mut query = format_option(self.options().format);
        query.push(("PostingModeOperational".into(), "false".into()));
        self.send(Request {
            method: Method::POST,
            resource: format!("{set}(guid'{reference}')/Post"),
            query,
            body: None,
            accept: accept(self.options().format),
            retry: Retry::Never,
        })
        .await?;
        Ok(())
    }

    /// Sets or clears the deletion mark (1C's DELETE would delete physically).
    pub async fn set_deletion_mark(
        &self,
        set: &str,
        reference: Ref,
        mark: bool,
    ) -> Result<RawObject, OdataError> {
        let change = RawObject::new(set).with("DeletionMark", RawValue::Bool(mark));
        self.patch(set, reference, &change).await
    }
}

fn single(format: Format, body: &[u8], set: &str, url: &str) -> Result<RawObject, OdataError> {
    let mut objects = parse_objects(format, body, set)?;
    if objects.len() != 1 {
        return Err(OdataError::Decode {
            set: set.to_owned(),
            line: 1,
            column: 1,
            message: format!(
                "{url} answered with {} objects instead of the written one",
                objects.len()
            ),
        });
    }
    Ok(objects.remove(0))
}

/// The request body of a write in the given format.
pub(crate) fn body(format: Format, object: &RawObject) -> (&'static str, Vec<u8>) {
    match format {
        Format::Json => ("application/json", json_body(object).into_bytes()),
        Format::Atom => (
            "application/atom+xml;type=entry;charset=utf-8",
            atom_body(object).into_bytes(),
        ),
    }
}

/// The rows of a tabular section, each with a `LineNumber` (1-based, as text like 1C sends it).
fn numbered(rows: &[RawRow]) -> Vec<RawRow> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let mut row = row.clone();
            let missing = row.get("LineNumber").and_then(RawValue::as_text).is_none();
            if missing {
                row.insert("LineNumber".into(), RawValue::Text((i + 1).to_string()));
            }
            row
        })
        .collect()
}

fn json_value(v: &RawValue) -> Value {
    match v {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(*b),
        RawValue::Number(n) => Number::from_f64(*n).map_or(Value::Null, Value::Number),
        RawValue::Text(s) => Value::String(s.clone()),
    }
}

/// The JSON body: header properties, then each tabular section as an array of rows with its
/// `@odata.type` annotation.
pub(crate) fn json_body(object: &RawObject) -> String {
    let mut map = Map::new();
    for (k, v) in &object.props {
        map.insert(k.clone(), json_value(v));
    }
    for (name, rows) in &object.tables {
        map.insert(
            format!("{name}@odata.type"),
            Value::String(format!(
                "Collection(StandardODATA.{}_{name}_RowType)",
                object.set
            )),
        );
        let rows = numbered(rows)
            .into_iter()
            .map(|row| {
                Value::Object(
                    row.iter()
                        .map(|(k, v)| (k.clone(), json_value(v)))
                        .collect(),
                )
            })
            .collect();
        map.insert(name.clone(), Value::Array(rows));
    }
    Value::Object(map).to_string()
}

/// The Atom entry body.
pub(crate) fn atom_body(object: &RawObject) -> String {
    let mut xml = String::with_capacity(1024);
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    xml.push_str(
        r#"<entry xmlns="http://www.w3.org/2005/Atom" xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">"#,
    );
    let _ = write!(
        xml,
        r#"<category term="StandardODATA.{}" scheme="http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"/>"#,
        escape(&object.set)
    );
    xml.push_str(r#"<content type="application/xml"><m:properties>"#);
    for (k, v) in &object.props {
        atom_property(&mut xml, k, v);
    }
    for (name, rows) in &object.tables {
        let row_type = format!("StandardODATA.{}_{name}_RowType", object.set);
        let _ = write!(
            xml,
            r#"<d:{n} m:type="Collection({t})">"#,
            n = escape(name),
            t = escape(&row_type)
        );
        for row in numbered(rows) {
            let _ = write!(xml, r#"<d:element m:type="{}">"#, escape(&row_type));
            for (k, v) in &row {
                atom_property(&mut xml, k, v);
            }
            xml.push_str("</d:element>");
        }
        let _ = write!(xml, "</d:{}>", escape(name));
    }
    xml.push_str("</m:properties></content></entry>");
    xml
}

fn atom_property(xml: &mut String, name: &str, value: &RawValue) {
    let name = escape(name);
    let _ = match value {
        RawValue::Null => write!(xml, r#"<d:{name} m:null="true"/>"#),
        RawValue::Bool(b) => write!(xml, r#"<d:{name} m:type="Edm.Boolean">{b}</d:{name}>"#),
        RawValue::Number(n) => write!(xml, r#"<d:{name} m:type="Edm.Double">{n}</d:{name}>"#),
        RawValue::Text(s) => write!(xml, "<d:{name}>{}</d:{name}>", escape(s)),
    };
}

fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::atom;

    fn invoice() -> RawObject {
        let mut o = RawObject::new("Document_СчетНаОплату")
            .with("Комментарий", RawValue::Text("a < b & \"c\"".into()))
            .with("Posted", RawValue::Bool(false))
            .with("СуммаДокумента", RawValue::Number(1500.5))
            .with("ДатаОплаты", RawValue::Null);
        o.tables.insert(
            "Запасы".into(),
            vec![
                RawRow::from([("Цена".into(), RawValue::Number(1000.0))]),
                RawRow::from([
                    ("LineNumber".into(), RawValue::Text("2".into())),
                    ("Цена".into(), RawValue::Number(500.5)),
                ]),
            ],
        );
        o
    }

    #[test]
    fn json_rows_all_have_line_numbers() {
        let body: Value = serde_json::from_str(&json_body(&invoice())).unwrap();
        assert_eq!(body["Запасы"][0]["LineNumber"], "1");
        assert_eq!(body["Запасы"][1]["LineNumber"], "2");
        assert_eq!(
            body["Запасы@odata.type"],
            "Collection(StandardODATA.Document_СчетНаОплату_Запасы_RowType)"
        );
        assert_eq!(body["ДатаОплаты"], Value::Null);
    }

    #[test]
    fn atom_body_reads_back_the_same() {
        let xml = atom_body(&invoice());
        let back = atom::parse_feed(xml.as_bytes()).unwrap();
        assert_eq!(back.len(), 1);
        let o = &back[0];
        assert_eq!(o.set, "Document_СчетНаОплату");
        assert_eq!(o.text("Комментарий").unwrap(), "a < b & \"c\"");
        assert_eq!(o.get("Posted"), Some(&RawValue::Bool(false)));
        assert_eq!(o.get("СуммаДокумента"), Some(&RawValue::Number(1500.5)));
        assert_eq!(o.get("ДатаОплаты"), Some(&RawValue::Null));
        let rows = o.table("Запасы");
        assert_eq!(rows[0]["LineNumber"], RawValue::Text("1".into()));
        assert_eq!(rows[1]["Цена"], RawValue::Number(500.5));
    }
}
