//! Request bodies: JSON wrapped in a resource key (`{"company":{…}}`) or flat, and multipart
//! forms (`comment[content]`, `comment[attachments][0][attachment]`) with their files. Fields
//! an endpoint does not take are dropped here, before a handler can apply them.

use axum::body::Bytes;
use axum::extract::{FromRequest, MatchedPath, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

use super::app::note_dropped_fields;
use super::error::ApiError;
use super::routes::known;

/// A file uploaded in a multipart form.
#[derive(Clone, Debug)]
pub(crate) struct Upload {
    pub(crate) file_name: String,
    pub(crate) bytes: Bytes,
    pub(crate) description: Option<String>,
    pub(crate) is_public: Option<bool>,
}

/// The fields of a request body with the wrapper removed, and any uploaded files.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub(crate) fields: Map<String, Value>,
    pub(crate) files: Vec<Upload>,
}

impl Body {
    /// Reads the body of `req`, unwrapping `{"<wrapper>":{…}}` when present, and drops (and
    /// notes for `/sandbox/stats`) the fields the endpoint does not take, as the real server
    /// ignores them.
    pub(crate) async fn read(req: Request, wrapper: &str) -> Result<Body, ApiError> {
        let method = req.method().as_str().to_owned();
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| known::template(m.as_str()));
        let (mut body, mut dropped) = Body::read_all(req, wrapper).await?;
        if let Some(names) = template.and_then(|t| known::body(&method, &t)) {
            dropped.extend(known::strip(&mut body.fields, names));
        }
        note_dropped_fields(dropped);
        Ok(body)
    }

    /// The whole body, and the names of keys beside the wrapper (which a wrapped body's
    /// endpoint does not read).
    async fn read_all(req: Request, wrapper: &str) -> Result<(Body, Vec<String>), ApiError> {
        let is_multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if is_multipart {
            return Ok((read_multipart(req, wrapper).await?, Vec::new()));
        }
        let bytes = Bytes::from_request(req, &())
            .await
            .map_err(|e| ApiError::BadRequest(format!("cannot read the body: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok((Body::default(), Vec::new()));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
        let Value::Object(mut outer) = value else {
            return Err(ApiError::BadRequest(
                "the body must be a JSON object".to_owned(),
            ));
        };
        // Rails `wrap_parameters`: the wrapped form wins, the flat form is accepted too. Beside
        // a wrapper, the other top-level keys are not the resource's and are not read.
        let (fields, beside) = match outer.remove(wrapper) {
            Some(Value::Object(inner)) => (inner, outer.keys().cloned().collect()),
            Some(other) => {
                outer.insert(wrapper.to_owned(), other);
                (outer, Vec::new())
            }
            None => (outer, Vec::new()),
        };
        Ok((
            Body {
                fields,
                files: Vec::new(),
            },
            beside,
        ))
    }

    pub(crate) fn str(&self, key: &str) -> Option<String> {
        str_of(self.fields.get(key)?)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    pub(crate) fn u64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => u64_of(v)
                .map(Some)
                .ok_or_else(|| ApiError::field(key, "должно иметь тип integer")),
        }
    }

    pub(crate) fn bool(&self, key: &str) -> Option<bool> {
        bool_of(self.fields.get(key)?)
    }

    pub(crate) fn ids(&self, key: &str) -> Result<Option<Vec<u64>>, ApiError> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| u64_of(v).ok_or_else(|| ApiError::field(key, "должно иметь тип integer")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => u64_of(v)
                .map(|id| Some(vec![id]))
                .ok_or_else(|| ApiError::field(key, "должно иметь тип integer")),
        }
    }

    pub(crate) fn object(&self, key: &str) -> Option<&Map<String, Value>> {
        self.fields.get(key)?.as_object()
    }
}

/// A string value; numbers are accepted as their text, empty strings are `None`.
pub(crate) fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn u64_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_u64().map(|n| n != 0),
        _ => None,
    }
}

/// Splits `comment[attachments][0][attachment]` into `["comment","attachments","0","attachment"]`.
fn path_of(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (head, rest) = name.split_once('[').unwrap_or((name, ""));
    parts.push(head.to_owned());
    for piece in rest.split('[') {
        let piece = piece.trim_end_matches(']');
        if !piece.is_empty() || !rest.is_empty() {
            parts.push(piece.to_owned());
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

async fn read_multipart(req: Request, wrapper: &str) -> Result<Body, ApiError> {
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(|e| ApiError::BadRequest(format!("cannot read the multipart body: {e}")))?;
    let mut body = Body::default();
    // Files by their index in `…[attachments][i]`, with their sibling fields.
    let mut files: std::collections::BTreeMap<String, Upload> = Default::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(format!("a broken multipart field: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let mut path = path_of(&name);
        if path.first().map(String::as_str) == Some(wrapper) {
            path.remove(0);
        }
        let file_name = field.file_name().map(str::to_owned);
        let data = field
            .bytes()
            .await
            .map_err(|e| ApiError::BadRequest(format!("cannot read field `{name}`: {e}")))?;
        match path.as_slice() {
            [list, index, leaf] if list == "attachments" || list == "files_attributes" => {
                let upload = files.entry(index.clone()).or_insert_with(|| Upload {
                    file_name: String::new(),
                    bytes: Bytes::new(),
                    description: None,
                    is_public: None,
                });
                let text = || String::from_utf8_lossy(&data).into_owned();
                match leaf.as_str() {
                    "attachment" | "file" => {
                        upload.file_name = file_name.unwrap_or_else(|| format!("file{index}"));
                        upload.bytes = data.clone();
                    }
                    "description" => upload.description = Some(text()),
                    "is_public" => upload.is_public = bool_of(&Value::String(text())),
                    _ => {}
                }
            }
            [key] => {
                body.fields.insert(
                    key.clone(),
                    Value::String(String::from_utf8_lossy(&data).into_owned()),
                );
            }
            [key, empty] if empty.is_empty() => {
                body.fields.insert(
                    key.clone(),
                    Value::String(String::from_utf8_lossy(&data).into_owned()),
                );
            }
            [outer, inner] => {
                // `custom_parameters[code]=value` and array fields like `observer_ids[]`.
                let entry = body
                    .fields
                    .entry(outer.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = entry {
                    map.insert(
                        inner.clone(),
                        Value::String(String::from_utf8_lossy(&data).into_owned()),
                    );
                }
            }
            _ => {}
        }
    }
    body.files = files
        .into_values()
        .filter(|f| !f.file_name.is_empty())
        .collect();
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn rails_names_split_into_paths() {
        assert_eq!(
            path_of("comment[attachments][0][attachment]"),
            ["comment", "attachments", "0", "attachment"]
        );
        assert_eq!(path_of("content"), ["content"]);
        assert_eq!(path_of("comment[content]"), ["comment", "content"]);
    }
}
