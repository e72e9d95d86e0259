//! Companies: exact search (one object) vs `search_string` (an array), `crm_1c_id` substring
//! match, keyset list, create and update with the INN custom attribute, archiving.

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use serde_json::Value;

use super::{empty_object, set_custom_parameters, set_email, set_text, AppState, JsonResult};
use crate::okdesk::body::Body;
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::{Company, COMPANY_PARAMS};
use crate::okdesk::query::{check, list_date, Keyset, Params};
use crate::okdesk::store::{now, Store};

const NOT_FOUND: &str = "Компания не найдена";

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

fn matches_search(c: &Company, needle: &str) -> bool {
    contains_ci(Some(&c.name), needle)
        || contains_ci(c.additional_name.as_deref(), needle)
        || contains_ci(c.phone.as_deref(), needle)
        || contains_ci(c.email.as_deref(), needle)
        || contains_ci(c.crm_1c_id.as_deref(), needle)
        || contains_ci(c.site.as_deref(), needle)
}

/// `GET /companies/?name=|phone=|id=|crm_1c_id=|search_string=`.
pub(crate) async fn search(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let store = app.store();
    if let Some(needle) = params.get("search_string") {
        // "остальные параметры не учитываются": only the substring search applies.
        let needle = needle.to_lowercase();
        let found: Vec<Value> = store
            .companies
            .values()
            .filter(|c| matches_search(c, &needle))
            .take(100)
            .map(|c| store.company_json(c, false))
            .collect();
        return Ok(Json(Value::Array(found)));
    }
    let id = params.get("id").map(|v| v.parse::<u64>().unwrap_or(0));
    let name = params.get("name");
    let additional = params.get("additional_name");
    let phone = params.get("phone");
    let crm = params.get("crm_1c_id");
    if id.is_none() && name.is_none() && additional.is_none() && phone.is_none() && crm.is_none() {
        return Ok(Json(empty_object()));
    }
    // An id narrows the search to one record; other parameters must then match it too.
    let mut candidates: Box<dyn Iterator<Item = &Company>> = match id {
        Some(id) => Box::new(store.companies.get(&id).into_iter()),
        None => Box::new(store.companies.values()),
    };
    let found = candidates.find(|c| {
        id.is_none_or(|id| c.id == id)
            && name.is_none_or(|n| c.name == n)
            && additional.is_none_or(|n| c.additional_name.as_deref() == Some(n))
            && phone.is_none_or(|p| c.phone.as_deref() == Some(p))
            && crm.is_none_or(|s| c.crm_1c_id.as_deref().is_some_and(|v| v.contains(s)))
    });
    Ok(Json(found.map_or_else(empty_object, |c| {
        store.company_json(c, true)
    })))
}

/// `GET /companies/list`.
pub(crate) async fn list(axum::extract::State(app): AppState, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let since = list_date(&params, "created_since", false, &mut errors);
    let until = list_date(&params, "created_until", true, &mut errors);
    let assignees = params.ids("default_assignee_ids", &mut errors);
    let categories = params.ids("category_ids", &mut errors);
    let observers = params.ids("observer_ids", &mut errors);
    // The account keeps no assignee or observer groups on companies, so these filters match
    // only their "without" value, `0`.
    let assignee_groups = params.ids("default_assignee_group_ids", &mut errors);
    let observer_groups = params.ids("observer_group_ids", &mut errors);
    check(errors)?;
    let single = |f: &Option<(Vec<u64>, bool)>, v: Option<u64>| {
        f.as_ref().is_none_or(|(ids, none)| match v {
            Some(id) => ids.contains(&id),
            None => *none,
        })
    };
    let name = params.get("name");
    let additional = params.get("additional_name");
    let crm = params.get("crm_1c_id");
    let custom = params.custom_parameters();
    let store = app.store();
    let items = page.apply(&store.companies, |c| {
        name.is_none_or(|n| c.name == n)
            && additional.is_none_or(|n| c.additional_name.as_deref() == Some(n))
            && crm.is_none_or(|s| c.crm_1c_id.as_deref().is_some_and(|v| v.contains(s)))
            && since.is_none_or(|t| c.created_at >= t)
            && until.is_none_or(|t| c.created_at <= t)
            && single(&assignees, c.default_assignee_id)
            // Every category renders with id 1 (see `company_json`).
            && single(&categories, c.category_code.as_ref().map(|_| 1))
            && single(&assignee_groups, None)
            && single(&observer_groups, None)
            && observers.as_ref().is_none_or(|(ids, none)| {
                c.observer_ids.iter().any(|o| ids.contains(o))
                    || *none && c.observer_ids.is_empty()
            })
            && custom.iter().all(|(code, value)| {
                c.params.get(code).is_some_and(|v| match v {
                    Value::String(s) => s == value,
                    other => value.parse::<Value>().is_ok_and(|parsed| parsed == *other),
                })
            })
    });
    Ok(Json(Value::Array(
        items
            .into_iter()
            .map(|c| store.company_json(c, false))
            .collect(),
    )))
}

/// `GET /companies/{id}`.
pub(crate) async fn show(axum::extract::State(app): AppState, Path(id): Path<u64>) -> JsonResult {
    let store = app.store();
    let c = store
        .companies
        .get(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(store.company_json(c, true)))
}

fn apply(body: &Body, c: &mut Company, store: &Store, errors: &mut Errors, creating: bool) {
    if creating || body.has("name") {
        match body.str("name") {
            Some(name) => c.name = name.trim().to_owned(),
            None => errors.add("name", "не может быть пустым"),
        }
    }
    set_text(body, "additional_name", &mut c.additional_name);
    set_text(body, "site", &mut c.site);
    set_text(body, "phone", &mut c.phone);
    set_text(body, "address", &mut c.address);
    set_text(body, "comment", &mut c.comment);
    set_text(body, "crm_1c_id", &mut c.crm_1c_id);
    set_text(body, "category_code", &mut c.category_code);
    set_email(body, "email", &mut c.email, errors);
    if body.has("coordinates") {
        match body.fields.get("coordinates") {
            Some(Value::Array(xs)) if xs.len() == 2 && xs.iter().all(Value::is_number) => {
                c.coordinates = Some(Value::Array(xs.clone()));
            }
            Some(Value::Null) => c.coordinates = None,
            _ => errors.add("coordinates", "имеет неверное значение"),
        }
    }
    match body.u64("default_assignee_id") {
        Ok(Some(id)) if !store.employees.contains_key(&id) => {
            errors.add("default_assignee_id", "не существует")
        }
        Ok(Some(id)) => c.default_assignee_id = Some(id),
        Ok(None) => {}
        Err(_) => errors.add("default_assignee_id", "должно иметь тип integer"),
    }
    match body.ids("observer_ids") {
        Ok(Some(ids)) => c.observer_ids = ids,
        Ok(None) => {}
        Err(_) => errors.add("observer_ids", "должно иметь тип integer"),
    }
    set_custom_parameters(body, COMPANY_PARAMS, &mut c.params, errors);
}

/// `POST /companies/`.
pub(crate) async fn create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    let body = Body::read(req, "company").await?;
    let mut store = app.store();
    let at = now();
    let mut c = Company {
        active: true,
        created_at: at,
        updated_at: at,
        ..Company::default()
    };
    let mut errors = Errors::default();
    apply(&body, &mut c, &store, &mut errors, true);
    errors.finish()?;
    c.id = store.next_id("company");
    let json = store.company_json(&c, true);
    store.companies.insert(c.id, c);
    Ok(Json(json))
}

/// `PATCH /companies/{id}`.
pub(crate) async fn update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "company").await?;
    let mut store = app.store();
    let mut c = store
        .companies
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    let mut errors = Errors::default();
    apply(&body, &mut c, &store, &mut errors, false);
    errors.finish()?;
    c.updated_at = now();
    let json = store.company_json(&c, true);
    store.companies.insert(id, c);
    Ok(Json(json))
}

/// `PATCH /companies/{id}/activations`: «Архивация компании» is documented, and apepenkov/okdesk_api
/// sends it with no body, so no body (or no `active`) archives the company; `{"active": bool}`
/// (flat or wrapped) is accepted by analogy with contacts and employees (low confidence).
pub(crate) async fn activation(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "company").await?;
    let active = match body.fields.get("active") {
        None | Some(Value::Null) => false,
        Some(v) => crate::okdesk::body::bool_of(v)
            .ok_or_else(|| ApiError::field("active", "имеет неверное значение"))?,
    };
    let mut store = app.store();
    let c = store
        .companies
        .get_mut(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    c.active = active;
    c.updated_at = now();
    let c = c.clone();
    Ok(Json(store.company_json(&c, true)))
}
