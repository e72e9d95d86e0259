//! One classifier per client error: `okdesk_client::Error` and `OdataError` become the engine's
//! [`PortError`] here and nowhere else, so that push, pull and bill agree on what aborts a run, what
//! fails one record, and what may have been written despite the error (`maybe_committed`).

use std::collections::BTreeSet;

use okdesk_client::Error;
use onec_adapter::odata::OdataError;
use serde_json::Value;

use crate::ports::{ErrorClass, PortError};

/// Maps a client error to a port error; `body` is the request body that was sent, if any.
pub fn okdesk(err: &Error, body: Option<&Value>) -> PortError {
    let (inner, maybe_committed) = match err {
        Error::MaybeCommitted { source, .. } => (source.as_ref(), true),
        other => (other, false),
    };
    let class = match inner {
        Error::Validation { .. } => ErrorClass::Validation,
        Error::Unauthorized { .. } | Error::Forbidden { .. } => ErrorClass::Auth,
        Error::NotFound { .. } => ErrorClass::NotFound,
        Error::RateLimited { .. } => ErrorClass::RateLimited,
        Error::Server { .. } | Error::PaginationLoop { .. } => ErrorClass::Server,
        Error::UnexpectedStatus { status, .. } if (400..500).contains(status) => {
            ErrorClass::Validation
        }
        Error::UnexpectedStatus { .. } => ErrorClass::Server,
        Error::Transport { .. } => ErrorClass::Transport,
        Error::Decode { .. } | Error::BodyTooLarge { .. } => ErrorClass::Decode,
        // Two Okdesk records answering to one exact key is a data problem of that record.
        Error::Ambiguous { .. } => ErrorClass::Validation,
        Error::Config(_) | Error::Request { .. } => ErrorClass::Config,
        // The client's error enum is non-exhaustive; an unknown failure is treated as the
        // server's, which fails the record and lets the run go on.
        _ => ErrorClass::Server,
    };
    let message = match inner {
        // Okdesk's own answer as it came, the way the ЭСТИ manual (`docs/seeds/001-esti-exchange-manual.txt`) quotes it.
        Error::Validation { body, .. } if !body.trim().is_empty() => compact_json(body),
        Error::Validation { messages, .. } if !messages.is_empty() => messages.join("; "),
        other => other
            .okdesk_message()
            .map(|m| format!("{m} ({other})"))
            .unwrap_or_else(|| other.to_string()),
    };
    PortError {
        class,
        status: inner.http_status(),
        message,
        field: single_field(inner),
        request_body: body.cloned(),
        maybe_committed,
    }
}

/// A JSON body on one line (Okdesk's answers are compact already; this undoes pretty-printing).
fn compact_json(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.trim().to_owned())
}

/// The field a validation error names, when it names exactly one.
fn single_field(err: &Error) -> Option<String> {
    let Error::Validation { messages, .. } = err else {
        return None;
    };
    let fields: BTreeSet<&str> = messages
        .iter()
        .filter_map(|m| m.split_once(": ").map(|(f, _)| f))
        .collect();
    if fields.len() == 1 && messages.iter().all(|m| m.contains(": ")) {
        fields.into_iter().next().map(str::to_owned)
    } else {
        None
    }
}

/// Maps an OData error to a port error. `write` says whether the call sent a document: a write
/// whose connection broke may have landed in 1C (`maybe_committed`), and the caller must look for
/// it before writing again.
pub fn onec(err: &OdataError, write: bool) -> PortError {
    let class = match err {
        OdataError::Unauthorized { .. } => ErrorClass::Auth,
        OdataError::Unreachable { .. } | OdataError::Transport { .. } => ErrorClass::Transport,
        OdataError::NotFound { .. } => ErrorClass::NotFound,
        OdataError::Decode { .. } | OdataError::BodyTooLarge { .. } => ErrorClass::Decode,
        // 1C's business refusals (ПередЗаписью, posting checks, closed periods) come as HTTP 500
        // with code -1 and must never be retried: they are the record's (onec-1c.md §1.9–1.10).
        OdataError::OData { code, .. } if code == "-1" => ErrorClass::Validation,
        OdataError::OData { status, .. } if *status < 500 => ErrorClass::Validation,
        OdataError::Http { status, .. } | OdataError::Html { status, .. } if *status < 500 => {
            ErrorClass::Validation
        }
        _ => ErrorClass::Server,
    };
    let mut p = PortError::new(class, err.to_string());
    p.status = err.status();
    // Only a broken connection leaves a write's fate unknown: an answer, even an error, says it
    // did not land.
    p.maybe_committed = write
        && matches!(
            err,
            OdataError::Transport { .. } | OdataError::Unreachable { .. }
        );
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_okdesk_error_has_one_class() {
        let e = || "POST /api/v1/companies".to_owned();
        let transport = || Error::Transport {
            endpoint: e(),
            message: "reset".into(),
            timeout: true,
            connect: false,
        };
        let cases: Vec<(Error, ErrorClass)> = vec![
            (
                Error::Validation {
                    endpoint: e(),
                    status: 422,
                    messages: vec!["inn: неверный".into()],
                    body: "{}".into(),
                },
                ErrorClass::Validation,
            ),
            (
                Error::Unauthorized {
                    endpoint: e(),
                    message: None,
                },
                ErrorClass::Auth,
            ),
            (
                Error::Forbidden {
                    endpoint: e(),
                    message: None,
                },
                ErrorClass::Auth,
            ),
            (
                Error::NotFound {
                    endpoint: e(),
                    message: None,
                },
                ErrorClass::NotFound,
            ),
            (
                Error::RateLimited {
                    endpoint: e(),
                    retry_after: None,
                },
                ErrorClass::RateLimited,
            ),
            (
                Error::Server {
                    endpoint: e(),
                    status: 502,
                    body: String::new(),
                },
                ErrorClass::Server,
            ),
            (
                Error::UnexpectedStatus {
                    endpoint: e(),
                    status: 409,
                    body: String::new(),
                },
                ErrorClass::Validation,
            ),
            (
                Error::UnexpectedStatus {
                    endpoint: e(),
                    status: 507,
                    body: String::new(),
                },
                ErrorClass::Server,
            ),
            (transport(), ErrorClass::Transport),
            (
                Error::Decode {
                    endpoint: e(),
                    path: ".id".into(),
                    message: "m".into(),
                },
                ErrorClass::Decode,
            ),
            (
                Error::BodyTooLarge {
                    endpoint: e(),
                    limit: 1,
                },
                ErrorClass::Decode,
            ),
            (
                Error::PaginationLoop {
                    endpoint: e(),
                    detail: "d".into(),
                },
                ErrorClass::Server,
            ),
            (
                Error::Ambiguous {
                    endpoint: e(),
                    key: "k".into(),
                    count: 2,
                },
                ErrorClass::Validation,
            ),
            (Error::Config("c".into()), ErrorClass::Config),
            (
                Error::Request {
                    endpoint: e(),
                    message: "m".into(),
                },
                ErrorClass::Config,
            ),
        ];
        for (err, class) in cases {
            let p = okdesk(&err, None);
            assert_eq!(p.class, class, "{err:?}");
            assert!(!p.maybe_committed, "{err:?}");
        }
        // A POST that may have landed keeps its inner class and says so.
        let maybe = Error::MaybeCommitted {
            endpoint: e(),
            source: Box::new(transport()),
        };
        let p = okdesk(&maybe, None);
        assert_eq!(p.class, ErrorClass::Transport);
        assert!(p.maybe_committed);
    }

    #[test]
    fn every_odata_error_has_one_class() {
        let cases: Vec<(OdataError, ErrorClass, bool)> = vec![
            (
                OdataError::Unreachable {
                    url: "u".into(),
                    message: "m".into(),
                },
                ErrorClass::Transport,
                true,
            ),
            (
                OdataError::Unauthorized {
                    status: 401,
                    user: "u".into(),
                    message: None,
                },
                ErrorClass::Auth,
                false,
            ),
            (
                OdataError::NotFound {
                    url: "u".into(),
                    message: None,
                },
                ErrorClass::NotFound,
                false,
            ),
            (
                OdataError::OData {
                    status: 500,
                    code: "-1".into(),
                    message: "Поле \"Организация\" не заполнено".into(),
                },
                ErrorClass::Validation,
                false,
            ),
            (
                OdataError::OData {
                    status: 400,
                    code: "10".into(),
                    message: "m".into(),
                },
                ErrorClass::Validation,
                false,
            ),
            (
                OdataError::OData {
                    status: 500,
                    code: "0".into(),
                    message: "m".into(),
                },
                ErrorClass::Server,
                false,
            ),
            (
                OdataError::Html {
                    status: 502,
                    title: "t".into(),
                },
                ErrorClass::Server,
                false,
            ),
            (
                OdataError::Http {
                    url: "u".into(),
                    status: 404,
                    message: "m".into(),
                },
                ErrorClass::Validation,
                false,
            ),
            (
                OdataError::Decode {
                    set: "s".into(),
                    line: 1,
                    column: 1,
                    message: "m".into(),
                },
                ErrorClass::Decode,
                false,
            ),
            (
                OdataError::BodyTooLarge {
                    url: "u".into(),
                    limit: 1,
                },
                ErrorClass::Decode,
                false,
            ),
            (
                OdataError::Transport {
                    url: "u".into(),
                    message: "m".into(),
                },
                ErrorClass::Transport,
                true,
            ),
        ];
        for (err, class, committed_if_write) in cases {
            let read = onec(&err, false);
            assert_eq!(read.class, class, "{err:?}");
            assert!(!read.maybe_committed, "a read never commits: {err:?}");
            assert_eq!(
                onec(&err, true).maybe_committed,
                committed_if_write,
                "{err:?}"
            );
        }
    }
}
