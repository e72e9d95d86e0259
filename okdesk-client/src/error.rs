//! The client's error type: what failed, where, and whether trying again can help.
//!
//! Every text in an error has passed through the token redaction, and endpoints are written as
//! `METHOD /api/v1/path` without the query string, so no `Display` or `Debug` output carries the
//! API token.

use std::time::Duration;

/// A `Result` with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Okdesk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Okdesk rejected the request's content (HTTP 422, 400, or a 200 whose body is `{"errors": …}`).
    #[error("okdesk rejected {endpoint} (HTTP {status}): {}", join_messages(.messages))]
    Validation {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The HTTP status (200 for a success status with an error body).
        status: u16,
        /// The nested `errors` map flattened to `field.path: message` lines, Russian text kept.
        messages: Vec<String>,
        /// The response body as received (redacted).
        body: String,
    },
    /// The token is wrong or inactive (HTTP 401).
    #[error("okdesk refused the API token for {endpoint} (HTTP 401){}", suffix(.message))]
    Unauthorized {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// Okdesk's own text, if it sent one.
        message: Option<String>,
    },
    /// The token's user lacks the right (HTTP 403).
    #[error("the API token's user may not call {endpoint} (HTTP 403){}", suffix(.message))]
    Forbidden {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// Okdesk's own text, if it sent one.
        message: Option<String>,
    },
    /// The record does not exist: HTTP 404, a 200 with an error body and no `id`, or an answer about
    /// another record (a merged issue).
    #[error("not found: {endpoint}{}", suffix(.message))]
    NotFound {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// Okdesk's own text or the reason the answer was treated as "not found".
        message: Option<String>,
    },
    /// Okdesk throttled the client (HTTP 429) and the retry budget ran out.
    #[error("okdesk rate limit hit on {endpoint}{}", .retry_after.map(|d| format!(", retry after {}s", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// Okdesk failed (HTTP 5xx).
    #[error("okdesk server error on {endpoint} (HTTP {status}): {}", snippet(.body))]
    Server {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The response body (redacted, possibly HTML).
        body: String,
    },
    /// Any other unexpected HTTP status (a redirect to another host, 405, 409, …).
    #[error("unexpected HTTP {status} from {endpoint}: {}", snippet(.body))]
    UnexpectedStatus {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The response body (redacted).
        body: String,
    },
    /// The request did not complete: connection refused or reset, timeout, TLS, a broken body.
    #[error("cannot reach okdesk for {endpoint}: {message}")]
    Transport {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The failure with its cause chain, redacted.
        message: String,
        /// Whether it was a timeout.
        timeout: bool,
        /// Whether the connection could not be opened at all (the request was never sent).
        connect: bool,
    },
    /// The response is not the JSON the client expected.
    #[error("cannot decode the answer of {endpoint} at `{path}`: {message}")]
    Decode {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The JSON path of the value that failed (`.[3].parameters[0].value`), `.` for the root.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The response body exceeds the configured limit.
    #[error("the answer of {endpoint} is larger than {limit} bytes; refusing to read it")]
    BodyTooLarge {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// A non-idempotent request (POST) failed after it may have reached Okdesk. It was not retried:
    /// look the record up by its key before trying again, or a duplicate may be created.
    #[error("{endpoint} may have been applied by okdesk before it failed; look the record up before retrying: {source}")]
    MaybeCommitted {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// What happened (a 5xx, a timeout, a reset connection).
        source: Box<Error>,
    },
    /// A paginated listing did not advance (the server repeated a page); the stream stopped.
    #[error("pagination of {endpoint} does not advance: {detail}")]
    PaginationLoop {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// What repeated.
        detail: String,
    },
    /// An exact lookup matched more than one record.
    #[error("{endpoint}: {count} records match {key}; expected at most one")]
    Ambiguous {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// The key looked up (for example `crm_1c_id = 5f0c…`).
        key: String,
        /// How many records matched.
        count: usize,
    },
    /// The client configuration is unusable (a bad base URL, an empty token, a zero limit).
    #[error("invalid okdesk client configuration: {0}")]
    Config(String),
    /// A file to upload or a request body could not be built.
    #[error("cannot build the request for {endpoint}: {message}")]
    Request {
        /// `METHOD /api/v1/path`.
        endpoint: String,
        /// What was wrong.
        message: String,
    },
}

impl Error {
    /// Whether trying the same call again later can succeed (throttling, server errors, transport
    /// failures). [`Error::MaybeCommitted`] is not retryable as is: look the record up first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Server { .. } | Self::Transport { .. } => true,
            Self::UnexpectedStatus { status, .. } => *status == 408,
            _ => false,
        }
    }

    /// The HTTP status behind the error, if there was a response.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Validation { status, .. }
            | Self::Server { status, .. }
            | Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::MaybeCommitted { source, .. } => source.http_status(),
            _ => None,
        }
    }

    /// Okdesk's own text for reports: the validation messages joined with `; `, or the message of
    /// an auth/not-found answer. `None` when Okdesk said nothing readable.
    pub fn okdesk_message(&self) -> Option<String> {
        match self {
            Self::Validation { messages, .. } if !messages.is_empty() => {
                Some(join_messages(messages))
            }
            Self::Unauthorized { message, .. }
            | Self::Forbidden { message, .. }
            | Self::NotFound { message, .. } => message.clone(),
            Self::Server { body, .. } | Self::UnexpectedStatus { body, .. } => {
                let messages = crate::errors_body::messages_from_body(body);
                (!messages.is_empty()).then(|| join_messages(&messages))
            }
            Self::MaybeCommitted { source, .. } => source.okdesk_message(),
            _ => None,
        }
    }

    /// The endpoint (`METHOD /api/v1/path`) the error is about, if any.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Self::Validation { endpoint, .. }
            | Self::Unauthorized { endpoint, .. }
            | Self::Forbidden { endpoint, .. }
            | Self::NotFound { endpoint, .. }
            | Self::RateLimited { endpoint, .. }
            | Self::Server { endpoint, .. }
            | Self::UnexpectedStatus { endpoint, .. }
            | Self::Transport { endpoint, .. }
            | Self::Decode { endpoint, .. }
            | Self::BodyTooLarge { endpoint, .. }
            | Self::MaybeCommitted { endpoint, .. }
            | Self::PaginationLoop { endpoint, .. }
            | Self::Ambiguous { endpoint, .. }
            | Self::Request { endpoint, .. } => Some(endpoint),
            Self::Config(_) => None,
        }
    }

    /// Whether this is a "not found" answer (also through [`Error::MaybeCommitted`]).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

fn join_messages(messages: &[String]) -> String {
    if messages.is_empty() {
        "no details given".to_owned()
    } else {
        messages.join("; ")
    }
}

fn suffix(message: &Option<String>) -> String {
    message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default()
}

/// The first 500 characters of a body, on one line, so an HTML error page does not flood a report.
fn snippet(body: &str) -> String {
    const MAX: usize = 500;
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}…")
    } else if one_line.is_empty() {
        "(empty body)".to_owned()
    } else {
        one_line
    }
}
