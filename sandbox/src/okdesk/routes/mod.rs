//! The `/api/v1` routes and the helpers their handlers share: field setters, e-mail and date
//! validation, custom attributes.

use std::sync::Arc;

use axum::routing::{get, patch, post};
use axum::Json;
use axum::Router;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;

use super::app::App;
use super::body::{str_of, Body};
use super::error::{ApiError, Errors};
use super::model::{ParamDef, Params};

mod companies;
mod contacts;
mod equipment;
mod issue_parts;
mod issues;
pub(crate) mod known;
mod objects;

pub(crate) use issue_parts::add_comment as issue_parts_add_comment;
pub(crate) use issue_parts::download as issue_parts_download;
pub(crate) use issues::create_issue as issues_create;

pub(crate) type JsonResult = Result<Json<Value>, ApiError>;
pub(crate) type AppState = axum::extract::State<Arc<App>>;

/// Every documented route, relative to `/api/v1`.
pub(crate) fn api() -> Router<Arc<App>> {
    Router::new()
        .route("/companies", get(companies::search).post(companies::create))
        .route(
            "/companies/",
            get(companies::search).post(companies::create),
        )
        .route("/companies/list", get(companies::list))
        .route(
            "/companies/{id}",
            get(companies::show).patch(companies::update),
        )
        .route("/companies/{id}/activations", patch(companies::activation))
        .route(
            "/companies/{id}/agreements",
            get(objects::company_agreements),
        )
        .route("/contacts", get(contacts::search).post(contacts::create))
        .route("/contacts/", get(contacts::search).post(contacts::create))
        .route("/contacts/list", get(contacts::list))
        .route(
            "/contacts/{id}",
            get(contacts::show).patch(contacts::update),
        )
        .route("/contacts/{id}/activations", patch(contacts::activation))
        .route(
            "/agreements",
            get(objects::agreements_list).post(objects::agreement_create),
        )
        .route(
            "/agreements/",
            get(objects::agreements_list).post(objects::agreement_create),
        )
        .route("/agreements/list", get(objects::agreements_list))
        .route(
            "/agreements/{id}",
            get(objects::agreement_show).patch(objects::agreement_update),
        )
        .route(
            "/maintenance_entities",
            get(objects::me_search).post(objects::me_create),
        )
        .route(
            "/maintenance_entities/",
            get(objects::me_search).post(objects::me_create),
        )
        .route("/maintenance_entities/list", get(objects::me_list))
        .route(
            "/maintenance_entities/{id}",
            get(objects::me_show).patch(objects::me_update),
        )
        .route(
            "/equipments",
            get(equipment::search).post(equipment::create),
        )
        .route(
            "/equipments/",
            get(equipment::search).post(equipment::create),
        )
        .route("/equipments/list", get(equipment::list))
        .route("/equipments/list/", get(equipment::list))
        .route(
            "/equipments/{id}",
            get(equipment::show).patch(equipment::update),
        )
        .route(
            "/equipments/kinds",
            get(equipment::kinds).post(equipment::kind_create),
        )
        .route(
            "/equipments/kinds/",
            get(equipment::kinds).post(equipment::kind_create),
        )
        .route("/equipments/kinds/{id}", patch(equipment::kind_update))
        .route(
            "/equipments/manufacturers",
            get(equipment::manufacturers).post(equipment::manufacturer_create),
        )
        .route(
            "/equipments/manufacturers/",
            get(equipment::manufacturers).post(equipment::manufacturer_create),
        )
        .route(
            "/equipments/manufacturers/{id}",
            patch(equipment::manufacturer_update),
        )
        .route(
            "/equipments/models",
            get(equipment::models).post(equipment::model_create),
        )
        .route(
            "/equipments/models/",
            get(equipment::models).post(equipment::model_create),
        )
        .route("/equipments/models/{id}", patch(equipment::model_update))
        .route("/employees/list", get(objects::employees_list))
        .route("/employees/{id}", get(objects::employee_show))
        .route("/issues", post(issues::create))
        .route("/issues/", post(issues::create))
        .route("/issues/count", get(issues::count))
        .route("/issues/list", get(issues::list))
        .route("/issues/statuses", get(issues::statuses))
        .route("/issues/priorities", get(issues::priorities))
        .route("/issues/priorities/", get(issues::priorities))
        .route("/issues/types", get(issues::types))
        .route("/dictionaries/issues/types", get(issues::types_tree))
        .route("/dictionaries/issues/types/", get(issues::types_tree))
        .route("/issues/parameters/list", get(issues::parameters_schema))
        .route(
            "/time_entries/parameters",
            get(issue_parts::time_entry_schema),
        )
        .route("/issues/{id}", get(issues::show).delete(issues::delete))
        .route("/issues/{id}/statuses", post(issues::change_status))
        .route("/issues/{id}/assignees", patch(issues::assign))
        .route("/issues/{id}/types", patch(issues::change_type))
        .route(
            "/issues/{id}/parameters",
            post(issues::set_parameters).patch(issues::set_parameters),
        )
        .route(
            "/issues/{id}/comments",
            get(issue_parts::comments).post(issue_parts::comment_create),
        )
        .route(
            "/issues/{id}/time_entries",
            get(issue_parts::time_entries).post(issue_parts::time_entry_create),
        )
        .route(
            "/issues/{id}/services",
            get(issue_parts::services).post(issue_parts::service_create),
        )
        .route(
            "/issues/{id}/available_services",
            get(issue_parts::available_services),
        )
        .route(
            "/issues/{id}/attachments/{attachment_id}",
            get(issue_parts::attachment),
        )
        .route(
            "/issues/{id}/check_lists/items",
            get(issue_parts::checklist),
        )
        .route(
            "/issues/{id}/check_lists/items/{item_id}/check",
            patch(issue_parts::checklist_check),
        )
        .route("/price_lists", get(issue_parts::price_lists))
        .route(
            "/price_lists/{id}/services",
            get(issue_parts::price_list_services),
        )
}

/// Whether Okdesk would accept this as an e-mail: one ASCII address, no brackets, no lists.
pub(crate) fn email_ok(text: &str) -> bool {
    let text = text.trim();
    if !text.is_ascii()
        || text
            .chars()
            .any(|c| c.is_whitespace() || "<>;,()[]\"".contains(c))
    {
        return false;
    }
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    if local.is_empty() || domain.contains('@') || local.starts_with('.') || local.ends_with('.') {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Sets an optional text field when the body has it (`null` or `""` clears it).
pub(crate) fn set_text(body: &Body, key: &str, target: &mut Option<String>) {
    if body.has(key) {
        *target = body.fields.get(key).and_then(str_of);
    }
}

/// Sets and validates an e-mail field.
pub(crate) fn set_email(body: &Body, key: &str, target: &mut Option<String>, errors: &mut Errors) {
    if !body.has(key) {
        return;
    }
    match body.fields.get(key).and_then(str_of) {
        Some(email) if !email_ok(&email) => errors.add(key, "имеет неверное значение"),
        email => *target = email.map(|e| e.trim().to_owned()),
    }
}

/// Applies `custom_parameters` against the entity's attribute schema.
pub(crate) fn set_custom_parameters(
    body: &Body,
    defs: &[ParamDef],
    target: &mut Params,
    errors: &mut Errors,
) {
    let Some(values) = body.object("custom_parameters") else {
        return;
    };
    for (code, value) in values {
        let Some(def) = defs.iter().find(|d| d.code == code) else {
            errors.add_nested(
                "custom_parameters",
                code,
                "неизвестный код дополнительного атрибута",
            );
            continue;
        };
        if value.is_null() || value.as_str() == Some("") {
            if def.required {
                errors.add_nested("custom_parameters", code, "не может быть пустым");
            } else {
                target.remove(code);
            }
            continue;
        }
        let text = str_of(value);
        match (def.field_type, text) {
            ("ftselect", Some(t)) if !def.values.contains(&t.as_str()) => {
                errors.add_nested("custom_parameters", code, "имеет неверное значение")
            }
            (_, Some(t)) => {
                target.insert(code.clone(), Value::String(t));
            }
            (_, None) => {
                target.insert(code.clone(), value.clone());
            }
        }
    }
}

/// A date in a request body: `yyyy-mm-dd`, `dd.mm.yyyy` or `dd-mm-yyyy`.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text.trim(), f).ok())
}

/// A date-time in a request body, read in the account's time zone: ISO 8601 with an offset,
/// `yyyy-mm-dd HH:MM`, `dd-mm-yyyy HH:MM`, or a bare date (midnight).
pub(crate) fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let account =
            chrono::FixedOffset::east_opt(super::store::ACCOUNT_OFFSET_HOURS as i32 * 3600)
                .expect("the account offset is within a day");
        return Some(t.with_timezone(&account).naive_local());
    }
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%d-%m-%Y %H:%M",
        "%d.%m.%Y %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .or_else(|| parse_date(text).map(|d| d.and_time(NaiveTime::MIN)))
}

/// A `{}` for exact searches that found nothing, as Okdesk answers.
pub(crate) fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_as_okdesk_judges_them() {
        assert!(email_ok("ivan.petrov@romashka-1.ru"));
        assert!(!email_ok("<ivanii@mail.ru>"));
        assert!(!email_ok("ivаnov@mail.ru"));
        assert!(!email_ok("a@x.ru; b@y.ru"));
        assert!(!email_ok("no-at-sign"));
        assert!(!email_ok("a@localhost"));
    }

    #[test]
    fn body_dates_in_all_formats() {
        assert_eq!(
            parse_datetime("2025-03-01 10:30").unwrap().to_string(),
            "2025-03-01 10:30:00"
        );
        assert_eq!(
            parse_datetime("2025-03-01T07:30:00Z").unwrap().to_string(),
            "2025-03-01 10:30:00"
        );
        assert_eq!(parse_date("01.03.2025").unwrap().to_string(), "2025-03-01");
    }
}
