//! The typed errors of the OData transport: what went wrong talking to 1C, with 1C's own error
//! code and message where the server sent one, and the position of a body that could not be read.
//!
//! Credentials never appear here: URLs carry none (Basic auth travels in a header) and the user
//! name is the only part of the login an error may name.

/// An error of the OData transport.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OdataError {
    /// The server could not be reached at all (DNS, refused connection, TLS, timeout).
    #[error("1C at {url} is unreachable: {message}")]
    Unreachable {
        /// The URL that was requested (no credentials).
        url: String,
        /// What the HTTP stack said.
        message: String,
    },
    /// The server rejected the login (HTTP 401/403, or a 1C access-rights error).
    #[error(
        "1C rejected the login of user `{user}` (HTTP {status}){}",
        fmt_detail(message)
    )]
    Unauthorized {
        /// The HTTP status (401 or 403).
        status: u16,
        /// The user name that was rejected (never the password).
        user: String,
        /// 1C's message, when it sent one.
        message: Option<String>,
    },
    /// The entity set or object does not exist (HTTP 404, or 1C code 9).
    #[error("not found in 1C: {url}{}", fmt_detail(message))]
    NotFound {
        /// The URL that was requested.
        url: String,
        /// 1C's message, when it sent one.
        message: Option<String>,
    },
    /// 1C answered with its own `odata.error` / `m:error` (also inside an HTTP 200).
    #[error("1C error {code} (HTTP {status}): {message}")]
    OData {
        /// The HTTP status the error came with.
        status: u16,
        /// 1C's error code as sent (a string: `"-1"`, `"9"`, `"14"`, …).
        code: String,
        /// 1C's message text.
        message: String,
    },
    /// The server (or a proxy in front of it) answered with an HTML page instead of OData.
    #[error("1C answered with an HTML page (HTTP {status}): {title}")]
    Html {
        /// The HTTP status of the page (1C sends some of them with 200).
        status: u16,
        /// The page title, or the start of its text when it has none.
        title: String,
    },
    /// An unexpected HTTP status whose body is none of the error shapes 1C sends (a proxy's
    /// plain-text 502, a bare 500).
    #[error("1C answered HTTP {status} to {url}: {message}")]
    Http {
        /// The URL that was requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        message: String,
    },
    /// A body could not be read as the expected format.
    #[error("cannot read the answer for {set} at line {line}, column {column}: {message}")]
    Decode {
        /// The entity set (or `$metadata`) whose answer this was.
        set: String,
        /// The 1-based line of the problem.
        line: usize,
        /// The 1-based column (in characters) of the problem.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// The answer was longer than [`super::ClientOptions::max_response_bytes`]; reading stopped
    /// at the limit. Not retried: the same request would bring the same body.
    #[error("1C's answer to {url} is larger than the limit of {limit} bytes (max_response_bytes); reading stopped there")]
    BodyTooLarge {
        /// The URL that was requested.
        url: String,
        /// The limit in bytes that was passed.
        limit: u64,
    },
    /// Any other transport failure: a connection broken in the middle of a body, a bad URL in
    /// the settings.
    #[error("OData request {url} failed: {message}")]
    Transport {
        /// The URL that was requested (or the configured one, for settings errors).
        url: String,
        /// What happened.
        message: String,
    },
}

fn fmt_detail(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(": {m}"),
        _ => String::new(),
    }
}

impl OdataError {
    /// Whether repeating the same GET may succeed: 5xx without a 1C business error, timeouts and
    /// unreachable servers. 1C's business failures (code `-1`) are never retried.
    pub fn is_retryable(&self) -> bool {
        match self {
            OdataError::Unreachable { .. } => true,
            OdataError::OData { status, code, .. } => *status >= 500 && code != "-1",
            OdataError::Html { status, .. } | OdataError::Http { status, .. } => *status >= 500,
            OdataError::Transport { .. } => true,
            _ => false,
        }
    }

    /// The HTTP status the error came with, if it came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            OdataError::Unauthorized { status, .. }
            | OdataError::OData { status, .. }
            | OdataError::Html { status, .. }
            | OdataError::Http { status, .. } => Some(*status),
            OdataError::NotFound { .. } => Some(404),
            _ => None,
        }
    }
}

/// The 1-based line and column (in characters) of a byte offset in a body.
pub(crate) fn line_column(body: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(body.len());
    let before = &body[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let body = "ab\nИНН x".as_bytes();
        let offset = "ab\nИНН ".len();
        assert_eq!(line_column(body, offset), (2, 5));
        assert_eq!(line_column(body, 0), (1, 1));
    }

    #[test]
    fn business_errors_are_not_retried() {
        let business = OdataError::OData {
            status: 500,
            code: "-1".into(),
            message: "Дата запрета изменения".into(),
        };
        assert!(!business.is_retryable());
        let tmp = OdataError::OData {
            status: 500,
            code: "0".into(),
            message: "tmp".into(),
        };
        assert!(tmp.is_retryable());
    }
}
