//! Recognising what a 1C answer body really is before reading it as data: a UTF-8 BOM to skip,
//! an `odata.error` JSON, an XML `m:error`, an app-server exception JSON, or an HTML page.
//!
//! 1C sends all of these with error statuses and, on auth and proxy problems, with HTTP 200 too,
//! so every reader runs the body through here first.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;

use super::error::OdataError;

/// The body without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// The body without a BOM and leading whitespace.
fn trimmed(body: &[u8]) -> &[u8] {
    let body = strip_bom(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    &body[start..]
}

/// Whether the body looks like an HTML page rather than XML or JSON data.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let head = trimmed(body);
    let head = &head[..head.len().min(1024)];
    let lower = String::from_utf8_lossy(head).to_lowercase();
    lower.starts_with("<!doctype html") || lower.contains("<html") || lower.starts_with("<body")
}

/// The error an HTML page stands for: its `<title>`, or the start of its text.
pub(crate) fn html_error(status: u16, body: &[u8]) -> OdataError {
    let text = String::from_utf8_lossy(strip_bom(body));
    let lower = text.to_lowercase();
    let title = lower
        .find("<title")
        .and_then(|start| {
            let open_end = start + lower[start..].find('>')? + 1;
            let close = open_end + lower[open_end..].find("</title")?;
            Some(collapse(&text[open_end..close]))
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            let mut plain = collapse(&strip_tags(&text));
            if plain.chars().count() > 200 {
                plain = plain.chars().take(200).collect::<String>() + "…";
            }
            plain
        });
    OdataError::Html { status, title }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 1C error in a JSON value, if the value is one: `{"odata.error": {"code", "message":
/// {"value"}}}`, the v4-style `{"error": …}`, or the app-server `{"exception", "descr"}`.
pub(crate) fn json_error(status: u16, value: &Value) -> Option<OdataError> {
    let obj = value.as_object()?;
    if let Some(err) = obj.get("odata.error").or_else(|| obj.get("error")) {
        let code = match err.get("code") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let message = match err.get("message") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Object(m)) => m
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => String::new(),
        };
        return Some(OdataError::OData {
            status,
            code,
            message,
        });
    }
    if obj.contains_key("exception") && !obj.contains_key("value") {
        let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
        let message = text("descr")
            .or_else(|| text("exception"))
            .unwrap_or_default();
        return Some(OdataError::OData {
            status,
            code: text("exception").unwrap_or_else(|| "exception".into()),
            message,
        });
    }
    None
}

/// The 1C error in an XML body whose root is `<m:error>` (any prefix), if it is one.
pub(crate) fn xml_error(status: u16, body: &[u8]) -> Option<OdataError> {
    let mut reader = Reader::from_reader(strip_bom(body));
    let mut buf = Vec::new();
    let mut root_seen = false;
    let mut current: Option<&'static str> = None;
    let mut code = None;
    let mut message = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let local = e.local_name();
                if !root_seen {
                    if local.as_ref() != b"error" {
                        return None;
                    }
                    root_seen = true;
                } else if local.as_ref() == b"code" && code.is_none() {
                    current = Some("code");
                } else if local.as_ref() == b"message" && message.is_none() {
                    current = Some("message");
                }
            }
            Ok(Event::Text(t)) => {
                if let Some(which) = current {
                    let text = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                    if which == "code" {
                        code = Some(text.trim().to_owned());
                    } else {
                        message = Some(text.trim().to_owned());
                    }
                }
            }
            Ok(Event::End(_)) => current = None,
            Ok(Event::Eof) => break,
            Err(_) => break,
            Ok(Event::Empty(e)) if !root_seen && e.local_name().as_ref() != b"error" => {
                return None
            }
            _ => {}
        }
        buf.clear();
    }
    root_seen.then(|| OdataError::OData {
        status,
        code: code.unwrap_or_default(),
        message: message.unwrap_or_default(),
    })
}

/// The error an error-status (or suspicious) body stands for, whatever its format; `None` when the
/// body is none of the error shapes 1C is known to send.
pub(crate) fn error_in_body(status: u16, body: &[u8]) -> Option<OdataError> {
    let head = trimmed(body);
    match head.first() {
        Some(b'{') => {
            let value: Value = serde_json::from_slice(head).ok()?;
            json_error(status, &value)
        }
        Some(b'<') if looks_like_html(head) => Some(html_error(status, head)),
        Some(b'<') => xml_error(status, head),
        _ => None,
    }
}

/// A cheap look at the start of a successful answer for an error in disguise (an `odata.error`
/// or `m:error` inside a 200, an HTML page), without parsing a large data body twice.
pub(crate) fn sniff_error(status: u16, body: &[u8]) -> Option<OdataError> {
    let head = trimmed(body);
    let window = String::from_utf8_lossy(&head[..head.len().min(256)]);
    match head.first() {
        Some(b'{') => {
            let first_key = window[1..].trim_start();
            if first_key.starts_with("\"odata.error\"")
                || first_key.starts_with("\"error\"")
                || first_key.starts_with("\"exception\"")
            {
                error_in_body(status, head)
            } else {
                None
            }
        }
        Some(b'<') if looks_like_html(head) => Some(html_error(status, head)),
        Some(b'<') if window.contains("error") => xml_error(status, head),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_error_with_prefix() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><m:code>9</m:code><m:message>Экземпляр сущности не найден по переданному ключу.</m:message></m:error>"#;
        assert_eq!(
            error_in_body(404, body.as_bytes()),
            Some(OdataError::OData {
                status: 404,
                code: "9".into(),
                message: "Экземпляр сущности не найден по переданному ключу.".into()
            })
        );
    }

    #[test]
    fn html_page_gives_its_title() {
        let body = "\u{feff}<!DOCTYPE html><html><head><title>Ошибка\n авторизации</title></head><body>x</body></html>";
        assert_eq!(
            error_in_body(200, body.as_bytes()),
            Some(OdataError::Html {
                status: 200,
                title: "Ошибка авторизации".into()
            })
        );
        let untitled = "<html><body><h1>by reason: база заблокирована</h1></body></html>";
        let Some(OdataError::Html { title, .. }) = error_in_body(502, untitled.as_bytes()) else {
            panic!("not html");
        };
        assert_eq!(title, "by reason: база заблокирована");
    }

    #[test]
    fn app_server_exception_json() {
        let body =
            br#"{"exception":"WebServiceError","descr":"Infobase is locked","creationStack":""}"#;
        assert_eq!(
            error_in_body(500, body),
            Some(OdataError::OData {
                status: 500,
                code: "WebServiceError".into(),
                message: "Infobase is locked".into()
            })
        );
    }

    #[test]
    fn data_is_not_an_error() {
        assert_eq!(error_in_body(200, br#"{"value":[]}"#), None);
        assert_eq!(error_in_body(200, b"<feed></feed>"), None);
        assert_eq!(error_in_body(200, b"42"), None);
    }
}
