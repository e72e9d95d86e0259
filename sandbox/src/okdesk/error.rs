//! Errors: what handlers answer (Okdesk's `{"errors": …}` bodies) and what starting the
//! simulator can fail with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Starting the simulator failed.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error("cannot bind the Okdesk simulator to {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A direct change was rejected by the same validation the API applies.
    #[error("the Okdesk simulator rejected the change: {errors}")]
    Rejected {
        /// The `errors` object the API would have answered.
        errors: serde_json::Value,
    },
    /// A direct accessor named an object that does not exist.
    #[error("the Okdesk simulator has no {what} with id {id}")]
    NotFound {
        /// The kind of object.
        what: &'static str,
        /// The id asked for.
        id: u64,
    },
}

impl From<ApiError> for SandboxError {
    fn from(e: ApiError) -> Self {
        let errors = match e {
            ApiError::Validation(map) => serde_json::Value::Object(map),
            ApiError::NotFound(what) => json!(what),
            ApiError::Unauthorized => json!("unauthorized"),
            ApiError::BadRequest(m) => json!(m),
        };
        SandboxError::Rejected { errors }
    }
}

/// An API error answered the way Okdesk answers it.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// 401: missing or wrong `api_token`.
    Unauthorized,
    /// 404 with a message.
    NotFound(&'static str),
    /// 422 with the `errors` object (field → messages, nested where Okdesk nests).
    Validation(Map<String, Value>),
    /// 400: a body that is neither JSON nor multipart we can read.
    BadRequest(String),
}

impl ApiError {
    /// A 422 with one message for one field.
    pub(crate) fn field(field: &str, message: &str) -> ApiError {
        let mut map = Map::new();
        map.insert(field.to_owned(), json!([message]));
        ApiError::Validation(map)
    }
}

/// Collects validation messages per field, so that one answer names every bad field.
#[derive(Default)]
pub(crate) struct Errors(Map<String, Value>);

impl Errors {
    pub(crate) fn add(&mut self, field: &str, message: &str) {
        let entry = self
            .0
            .entry(field.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(message.to_owned()));
        }
    }

    /// Adds a message under a nested key, as `{"page":{"size":[…]}}`.
    pub(crate) fn add_nested(&mut self, outer: &str, field: &str, message: &str) {
        let entry = self
            .0
            .entry(outer.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(inner) = entry {
            let list = inner
                .entry(field.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                list.push(Value::String(message.to_owned()));
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, else the 422.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                Json(json!({"errors": "Вы не авторизованы для просмотра этой страницы"})),
            )
                .into_response(),
            ApiError::NotFound(what) => {
                (StatusCode::NOT_FOUND, Json(json!({ "errors": what }))).into_response()
            }
            ApiError::Validation(map) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "errors": map })),
            )
                .into_response(),
            ApiError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, Json(json!({ "errors": message }))).into_response()
            }
        }
    }
}
