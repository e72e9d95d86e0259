//! Reading Okdesk's error bodies: the nested `{"errors": …}` map flattened into readable lines.
//!
//! `errors` may be a map of field to a list of messages, nested to any depth
//! (`{"page":{"size":["должно быть меньше или равно 100"]}}`), a map of field to a plain string, a
//! list, or a string. Each message becomes one `field.path: message` line.

use serde_json::Value;

/// Flattens a parsed error body. Looks at `errors`, then `error`, then `message`.
pub(crate) fn messages_from_value(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match body {
        Value::Object(map) => {
            if let Some(errors) = map.get("errors") {
                flatten(errors, "", &mut out);
            } else if let Some(error) = map.get("error") {
                flatten(error, "", &mut out);
            } else if let Some(message) = map.get("message") {
                flatten(message, "", &mut out);
            }
        }
        Value::Array(_) | Value::String(_) => flatten(body, "", &mut out),
        _ => {}
    }
    out
}

/// Flattens a raw body; an unparsable body gives no messages.
pub(crate) fn messages_from_body(body: &str) -> Vec<String> {
    serde_json::from_str::<Value>(body)
        .map(|v| messages_from_value(&v))
        .unwrap_or_default()
}

/// Whether a successful answer is really an error: a JSON object with `errors` and no `id`.
pub(crate) fn is_error_shaped(body: &Value) -> bool {
    matches!(body, Value::Object(map) if map.contains_key("errors") && !map.contains_key("id"))
}

fn flatten(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(child, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    // A list of messages belongs to the field itself.
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                        flatten(item, path, out)
                    }
                    _ => {
                        let p = if path.is_empty() {
                            i.to_string()
                        } else {
                            format!("{path}.{i}")
                        };
                        flatten(item, &p, out);
                    }
                }
            }
        }
        Value::Null => {}
        Value::String(s) => push(out, path, s),
        other => push(out, path, &other.to_string()),
    }
}

fn push(out: &mut Vec<String>, path: &str, message: &str) {
    if path.is_empty() {
        out.push(message.to_owned());
    } else {
        out.push(format!("{path}: {message}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_errors_flatten_to_lines() {
        let body = json!({"errors":{"created_until":["Неверный формат даты"],
            "observer_ids":{"1":["должно иметь тип integer"]},
            "page":{"size":["должно быть меньше или равно 100"],"direction":["должен быть одним из: reverse, forward"]}}});
        let lines = messages_from_value(&body);
        assert!(lines.contains(&"created_until: Неверный формат даты".to_owned()));
        assert!(lines.contains(&"observer_ids.1: должно иметь тип integer".to_owned()));
        assert!(lines.contains(&"page.size: должно быть меньше или равно 100".to_owned()));
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn strings_and_lists_flatten() {
        assert_eq!(
            messages_from_value(&json!({"errors":{"company_id":"не найдена"}})),
            vec!["company_id: не найдена"]
        );
        assert_eq!(
            messages_from_value(&json!({"errors":["a","b"]})),
            vec!["a", "b"]
        );
        assert_eq!(
            messages_from_value(&json!({"errors":"Заявка не найдена"})),
            vec!["Заявка не найдена"]
        );
        assert!(is_error_shaped(&json!({"errors":"x"})));
        assert!(!is_error_shaped(&json!({"id":1,"errors":[]})));
    }
}
