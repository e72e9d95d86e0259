//! Errors: what handlers answer (1C's `odata.error` JSON or `m:error` XML with its string code)
//! and what starting or driving the simulator in-process can fail with.

use axum::http::{header, StatusCode};
use axum::response::Response;

use super::query::Format;
use super::value::json_string;

/// An OData error as 1C answers it: an HTTP status plus 1C's internal code (a string: `"9"`,
/// `"-1"`) and a Russian message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OdataError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl OdataError {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        OdataError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// 404, code 9.
    pub(crate) fn not_found(set: &str, key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "9",
            format!("Экземпляр сущности \"{set}\" не найден по переданному ключу ({key})."),
        )
    }

    /// 404, code 6: the URL names no published resource.
    pub(crate) fn no_resource(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "6",
            format!("Неправильный адрес ресурса: сущность «{name}» не опубликована"),
        )
    }

    /// 400, code 10.
    pub(crate) fn unknown_property(set: &str, prop: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "10",
            format!("Не найдено свойство «{prop}» у сущности «{set}»"),
        )
    }

    /// 400, code 14.
    pub(crate) fn bad_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "14", message)
    }

    /// 500, code -1: a business or internal failure.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "-1", message)
    }

    /// The `odata.error` JSON body.
    pub(crate) fn json_body(&self) -> String {
        let mut out = String::from("{\"odata.error\":{\"code\":");
        json_string(&mut out, &self.code);
        out.push_str(",\"message\":{\"lang\":\"ru\",\"value\":");
        json_string(&mut out, &self.message);
        out.push_str("}}}");
        out
    }

    /// The `m:error` XML body.
    pub(crate) fn xml_body(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<m:error xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\">\r\n<m:code>{}</m:code>\r\n<m:message xml:lang=\"ru\">{}</m:message>\r\n</m:error>",
            quick_xml::escape::escape(&self.code),
            quick_xml::escape::escape(&self.message)
        )
    }

    /// The response in the requested format.
    pub(crate) fn response(&self, format: Format) -> Response {
        let (body, ctype) = match format {
            Format::Json => (
                self.json_body(),
                "application/json;odata=minimalmetadata;charset=utf-8",
            ),
            Format::Atom => (self.xml_body(), "application/xml;charset=utf-8"),
        };
        Response::builder()
            .status(self.status)
            .header(header::CONTENT_TYPE, ctype)
            .body(body.into())
            .expect("a response from valid parts")
    }
}

/// Starting the simulator or a direct in-process change failed.
#[derive(Debug, thiserror::Error)]
pub enum OnecSandboxError {
    /// The listen address could not be bound.
    #[error("cannot bind the 1C simulator to {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A direct accessor named a set the configuration does not publish.
    #[error("the simulated configuration publishes no entity set `{0}`")]
    UnknownSet(String),
    /// A direct accessor named an object that does not exist.
    #[error("{set} has no object with Ref_Key {key}")]
    NotFound {
        /// The entity set.
        set: String,
        /// The key asked for.
        key: String,
    },
    /// A direct change was rejected by the same validation the OData writes apply.
    #[error("the 1C simulator rejected the change to {set}: {message} (code {code})")]
    Rejected {
        /// The entity set.
        set: String,
        /// 1C's error code.
        code: String,
        /// The message.
        message: String,
    },
}
