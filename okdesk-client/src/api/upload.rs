//! Files to upload and the multipart form Okdesk expects for them.
//!
//! A write with files goes out as `multipart/form-data` with Rails-style field names: the JSON body
//! flattened under its resource key (`comment[content]`, `issue[equipment_ids][]`) plus
//! `comment[attachments][0][attachment]` (the file), `[description]` and `[is_public]`.

use bytes::Bytes;
use serde_json::Value;

use crate::client::{FormField, FormValue};

/// A file to attach to an issue or a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The file name Okdesk shows.
    pub file_name: String,
    /// The MIME type.
    pub content_type: String,
    /// The content.
    pub bytes: Bytes,
    /// The description.
    pub description: Option<String>,
    /// Whether clients see it.
    pub is_public: Option<bool>,
}

impl Upload {
    /// A file with its content type guessed from the extension (PDF, images, text, office files;
    /// anything else is `application/octet-stream`).
    pub fn new(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let file_name = file_name.into();
        let content_type = guess_content_type(&file_name).to_owned();
        Self {
            file_name,
            content_type,
            bytes: bytes.into(),
            description: None,
            is_public: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets whether clients see it.
    pub fn public(mut self, public: bool) -> Self {
        self.is_public = Some(public);
        self
    }

    /// Sets the MIME type.
    pub fn content_type(mut self, ct: impl Into<String>) -> Self {
        self.content_type = ct.into();
        self
    }
}

fn guess_content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" | "log" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "json" => "application/json",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Builds the multipart fields: `body` flattened under `key`, then the files.
pub(crate) fn form_fields(key: &str, body: &Value, files: &[Upload]) -> Vec<FormField> {
    let mut out = Vec::new();
    flatten(key, body, &mut out);
    for (i, f) in files.iter().enumerate() {
        let base = format!("{key}[attachments][{i}]");
        out.push(FormField {
            name: format!("{base}[attachment]"),
            value: FormValue::File {
                file_name: f.file_name.clone(),
                content_type: f.content_type.clone(),
                bytes: f.bytes.clone(),
            },
        });
        if let Some(d) = &f.description {
            out.push(text(format!("{base}[description]"), d.clone()));
        }
        if let Some(p) = f.is_public {
            out.push(text(format!("{base}[is_public]"), p.to_string()));
        }
    }
    out
}

fn text(name: String, value: String) -> FormField {
    FormField {
        name,
        value: FormValue::Text(value),
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<FormField>) {
    match v {
        Value::Null => {}
        Value::Object(map) => {
            for (k, child) in map {
                flatten(&format!("{prefix}[{k}]"), child, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if matches!(item, Value::Object(_) | Value::Array(_)) {
                    flatten(&format!("{prefix}[{i}]"), item, out);
                } else {
                    flatten(&format!("{prefix}[]"), item, out);
                }
            }
        }
        Value::String(s) => out.push(text(prefix.to_owned(), s.clone())),
        other => out.push(text(prefix.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_and_files_flatten_rails_style() {
        let body = serde_json::json!({"content": "Счёт", "author_id": 3, "public": false, "ids": [1, 2], "skip": null});
        let fields = form_fields(
            "comment",
            &body,
            &[Upload::new("счёт.pdf", b"%PDF".to_vec()).description("Счёт № 5")],
        );
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "comment[author_id]",
                "comment[content]",
                "comment[ids][]",
                "comment[ids][]",
                "comment[public]",
                "comment[attachments][0][attachment]",
                "comment[attachments][0][description]"
            ]
        );
        assert!(
            matches!(&fields[5].value, FormValue::File { content_type, .. } if content_type == "application/pdf")
        );
    }
}
