//! The writer of universal exchange files for the documents the product creates (invoices,
//! employee tasks, time sheets): any [`RawObject`] an adapter's builder returns, written as the
//! XDTO objects «Выгрузка и загрузка данных XML» loads.
//!
//! Without a server to assign `Ref_Key`s, the writer assigns them: an update keeps its ref, a new
//! document gets one from the caller's generator, and `{{ref:N}}` placeholders (УТ 11's invoice
//! based on its order) are filled with the refs of the same batch. Loading an object with an
//! existing ref replaces that object whole, as the processing does.
//!
//! The shape is the platform's XDTO serialization (what «Выгрузка и загрузка данных XML» writes and
//! reads): a single-typed reference is a bare GUID (`<Контрагент>…</Контрагент>`, `<Ref>…</Ref>`),
//! only a composite value carries `xsi:type`; a tabular section is its element holding one `<Row>`
//! per row (the real export quoted in issue 17). Empty tabular sections write an empty element, and
//! `LineNumber` is implied by row order (the processing numbers rows as it loads them), so a read
//! back gives the same object.

use std::io::Write;

use onec_model::Ref;
use quick_xml::escape::escape;

use super::error::XmlWriteError;
use super::names;
use crate::documents::DocumentWrite;
use crate::raw::{RawObject, RawRow, RawValue};

const HEADER: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
    "<V8Exch:_1CV8DtUD xmlns:V8Exch=\"http://www.1c.ru/V8/1CV8DtUD/\" ",
    "xmlns:core=\"http://v8.1c.ru/data\" ",
    "xmlns:v8=\"http://v8.1c.ru/8.1/data/enterprise/current-config\" ",
    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" ",
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
    "\t<V8Exch:Data>\n"
);
const FOOTER: &str = "\t</V8Exch:Data>\n\t<PredefinedData/>\n</V8Exch:_1CV8DtUD>\n";

/// Standard attributes first, in the order 1C's own exports use; the rest follow by name.
const STANDARD_ORDER: &[&str] = &[
    "IsFolder",
    "Ref_Key",
    "DeletionMark",
    "Owner",
    "Owner_Key",
    "Parent",
    "Parent_Key",
    "Date",
    "Number",
    "Posted",
    "Code",
    "Description",
];

/// Properties OData has that XDTO objects do not.
const NOT_IN_XDTO: &[&str] = &["DataVersion", "Predefined", "LineNumber"];

/// Writes objects into one exchange file.
pub struct XmlWriter<W: Write> {
    out: W,
    line: String,
}

impl<W: Write> XmlWriter<W> {
    /// Starts a file: the declaration, the root with 1C's namespace prefixes and `V8Exch:Data`.
    pub fn new(mut out: W) -> Result<Self, XmlWriteError> {
        out.write_all(HEADER.as_bytes())?;
        Ok(XmlWriter {
            out,
            line: String::new(),
        })
    }

    /// Writes one object (catalog item or document) with its tabular sections.
    pub fn write_object(&mut self, obj: &RawObject) -> Result<(), XmlWriteError> {
        let unsupported = || XmlWriteError::UnsupportedSet {
            set: obj.set.clone(),
        };
        let (element, record_set) = names::object_element(&obj.set).ok_or_else(unsupported)?;
        if record_set {
            return Err(unsupported());
        }
        let mut s = std::mem::take(&mut self.line);
        s.clear();
        s.push_str("\t\t<v8:");
        s.push_str(&element);
        s.push_str(">\n");
        let result = self.body(&mut s, obj);
        if result.is_ok() {
            s.push_str("\t\t</v8:");
            s.push_str(&element);
            s.push_str(">\n");
            self.out.write_all(s.as_bytes())?;
        }
        self.line = s;
        result
    }

    fn body(&self, s: &mut String, obj: &RawObject) -> Result<(), XmlWriteError> {
        for name in ordered(&obj.props) {
            let value = &obj.props[name];
            if name == "Ref_Key" {
                let text = value.as_text().unwrap_or_default();
                element(s, 3, "Ref", None, &RawValue::Text(text));
                continue;
            }
            self.property(s, 3, &obj.set, &obj.props, name, value)?;
        }
        for (table, rows) in &obj.tables {
            check_name(&obj.set, table)?;
            indent(s, 3);
            s.push_str("<v8:");
            s.push_str(table);
            if rows.is_empty() {
                s.push_str("/>\n");
                continue;
            }
            s.push_str(">\n");
            for row in rows {
                indent(s, 4);
                s.push_str("<v8:Row>\n");
                for name in ordered(row) {
                    self.property(s, 5, &obj.set, row, name, &row[name])?;
                }
                indent(s, 4);
                s.push_str("</v8:Row>\n");
            }
            indent(s, 3);
            s.push_str("</v8:");
            s.push_str(table);
            s.push_str(">\n");
        }
        Ok(())
    }

    /// Writes one property: `X_Key` as `<X>` holding the bare GUID, `X` with `X_Type` as a typed
    /// composite, anything else as text.
    fn property(
        &self,
        s: &mut String,
        depth: usize,
        set: &str,
        row: &RawRow,
        name: &str,
        value: &RawValue,
    ) -> Result<(), XmlWriteError> {
        if NOT_IN_XDTO.contains(&name) {
            return Ok(());
        }
        if let Some(base) = name.strip_suffix("_Type") {
            if row.contains_key(base) {
                return Ok(());
            }
        }
        if let Some(base) = name.strip_suffix("_Key") {
            check_name(set, base)?;
            element(s, depth, base, None, value);
            return Ok(());
        }
        check_name(set, name)?;
        match row.get(&format!("{name}_Type")).and_then(RawValue::as_text) {
            Some(t) => match names::xsi_type_of(&t) {
                Some(xsi) => element(s, depth, name, Some(&xsi), value),
                None => element(s, depth, name, None, &RawValue::Null),
            },
            None => element(s, depth, name, None, value),
        }
        Ok(())
    }

    /// Closes `V8Exch:Data` and the root, flushes, and gives the output back.
    pub fn finish(mut self) -> Result<W, XmlWriteError> {
        self.out.write_all(FOOTER.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a builder's documents as one exchange file, assigning refs to new documents with
/// `new_ref` and filling `{{ref:N}}` placeholders; returns the ref of every write, in order.
pub fn write_documents<W: Write>(
    out: W,
    writes: &[DocumentWrite],
    new_ref: &mut dyn FnMut() -> Ref,
) -> Result<(Vec<Ref>, W), XmlWriteError> {
    let mut writer = XmlWriter::new(out)?;
    let mut created = Vec::with_capacity(writes.len());
    for write in writes {
        let mut write = write.clone();
        write.fill_placeholders(&created)?;
        let r = write.r#ref.unwrap_or_else(&mut *new_ref);
        write
            .object
            .props
            .insert("Ref_Key".into(), RawValue::Text(r.to_string()));
        writer.write_object(&write.object)?;
        created.push(r);
    }
    let out = writer.finish()?;
    Ok((created, out))
}

/// Property names in the order to write them: standard attributes first, then by name.
fn ordered(row: &RawRow) -> Vec<&str> {
    let mut names: Vec<&str> = STANDARD_ORDER
        .iter()
        .copied()
        .filter(|n| row.contains_key(*n))
        .collect();
    names.extend(
        row.keys()
            .map(String::as_str)
            .filter(|n| !STANDARD_ORDER.contains(n)),
    );
    names
}

fn check_name(set: &str, name: &str) -> Result<(), XmlWriteError> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(XmlWriteError::BadName {
            set: set.to_owned(),
            property: name.to_owned(),
        })
    }
}

fn indent(s: &mut String, depth: usize) {
    for _ in 0..depth {
        s.push('\t');
    }
}

fn element(s: &mut String, depth: usize, name: &str, xsi_type: Option<&str>, value: &RawValue) {
    indent(s, depth);
    s.push_str("<v8:");
    s.push_str(name);
    if let Some(t) = xsi_type {
        s.push_str(" xsi:type=\"");
        s.push_str(&escape(t));
        s.push('"');
    }
    let text = match value {
        RawValue::Null => {
            s.push_str(" xsi:nil=\"true\"/>\n");
            return;
        }
        RawValue::Bool(b) => b.to_string(),
        RawValue::Number(_) | RawValue::Text(_) => value.as_text().unwrap_or_default(),
    };
    if text.is_empty() {
        s.push_str("/>\n");
        return;
    }
    s.push('>');
    s.push_str(&escape(text.as_str()));
    s.push_str("</v8:");
    s.push_str(name);
    s.push_str(">\n");
}
