//! Contacts: exact search (one object) vs `search_string` (an array), keyset list, create and
//! update with the required names and e-mail validation.

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use serde_json::Value;

use super::{empty_object, set_email, set_text, AppState, JsonResult};
use crate::okdesk::body::Body;
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::Contact;
use crate::okdesk::query::{check, Keyset, Params};
use crate::okdesk::store::{now, Store};

const NOT_FOUND: &str = "Контактное лицо не найдено";

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

/// `GET /contacts/?id=|phone=|email=|login=|crm_1c_id=|search_string=`.
pub(crate) async fn search(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let store = app.store();
    if let Some(needle) = params.get("search_string") {
        let needle = needle.to_lowercase();
        let found: Vec<Value> = store
            .contacts
            .values()
            .filter(|c| {
                contains_ci(Some(&c.full_name()), &needle)
                    || contains_ci(c.email.as_deref(), &needle)
                    || contains_ci(c.phone.as_deref(), &needle)
                    || contains_ci(c.mobile_phone.as_deref(), &needle)
                    || contains_ci(c.crm_1c_id.as_deref(), &needle)
            })
            .take(100)
            .map(|c| store.contact_json(c))
            .collect();
        return Ok(Json(Value::Array(found)));
    }
    let id = params.get("id").map(|v| v.parse::<u64>().unwrap_or(0));
    let phone = params.get("phone");
    let email = params.get("email");
    let login = params.get("login");
    let crm = params.get("crm_1c_id");
    if id.is_none() && phone.is_none() && email.is_none() && login.is_none() && crm.is_none() {
        return Ok(Json(empty_object()));
    }
    let found = store.contacts.values().find(|c| {
        id.is_none_or(|id| c.id == id)
            && phone.is_none_or(|p| {
                c.phone.as_deref() == Some(p) || c.mobile_phone.as_deref() == Some(p)
            })
            && email.is_none_or(|e| {
                c.email
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(e))
            })
            && login.is_none_or(|l| c.login.as_deref() == Some(l))
            && crm.is_none_or(|s| c.crm_1c_id.as_deref().is_some_and(|v| v.contains(s)))
    });
    Ok(Json(
        found.map_or_else(empty_object, |c| store.contact_json(c)),
    ))
}

/// `GET /contacts/list`.
pub(crate) async fn list(axum::extract::State(app): AppState, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let companies = params.ids("company_ids", &mut errors);
    check(errors)?;
    let crm = params.get("crm_1c_id");
    let store = app.store();
    let items = page.apply(&store.contacts, |c| {
        crm.is_none_or(|s| c.crm_1c_id.as_deref().is_some_and(|v| v.contains(s)))
            && companies
                .as_ref()
                .is_none_or(|(ids, none)| match c.company_id {
                    Some(id) => ids.contains(&id),
                    None => *none,
                })
    });
    Ok(Json(Value::Array(
        items.into_iter().map(|c| store.contact_json(c)).collect(),
    )))
}

/// `GET /contacts/{id}`.
pub(crate) async fn show(axum::extract::State(app): AppState, Path(id): Path<u64>) -> JsonResult {
    let store = app.store();
    let c = store
        .contacts
        .get(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(store.contact_json(c)))
}

fn apply(body: &Body, c: &mut Contact, store: &Store, errors: &mut Errors, creating: bool) {
    for (key, target) in [
        ("first_name", &mut c.first_name),
        ("last_name", &mut c.last_name),
    ] {
        if creating || body.has(key) {
            match body.str(key) {
                Some(v) => *target = v.trim().to_owned(),
                None => errors.add(key, "не может быть пустым"),
            }
        }
    }
    set_text(body, "patronymic", &mut c.patronymic);
    set_text(body, "position", &mut c.position);
    set_text(body, "phone", &mut c.phone);
    set_text(body, "mobile_phone", &mut c.mobile_phone);
    set_text(body, "comment", &mut c.comment);
    set_text(body, "crm_1c_id", &mut c.crm_1c_id);
    set_email(body, "email", &mut c.email, errors);
    if body.has("login") {
        let login = body.str("login");
        if let Some(l) = &login {
            if store
                .contacts
                .values()
                .any(|other| other.id != c.id && other.login.as_deref() == Some(l))
            {
                errors.add("login", "уже существует");
            }
        }
        c.login = login;
    }
    match body.u64("company_id") {
        Ok(Some(id)) if !store.companies.contains_key(&id) => {
            errors.add("company_id", "не существует")
        }
        Ok(Some(id)) => c.company_id = Some(id),
        Ok(None) if body.has("company_id") => c.company_id = None,
        Ok(None) => {}
        Err(_) => errors.add("company_id", "должно иметь тип integer"),
    }
    match body.ids("maintenance_entity_ids") {
        Ok(Some(ids)) => {
            if ids
                .iter()
                .any(|id| !store.maintenance_entities.contains_key(id))
            {
                errors.add("maintenance_entity_ids", "не существует");
            }
            c.maintenance_entity_ids = ids;
        }
        Ok(None) => {}
        Err(_) => errors.add("maintenance_entity_ids", "должно иметь тип integer"),
    }
    if let Some(active) = body.bool("active") {
        c.active = active;
    }
}

/// `POST /contacts/`.
pub(crate) async fn create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    let body = Body::read(req, "contact").await?;
    let mut store = app.store();
    let at = now();
    let mut c = Contact {
        active: true,
        created_at: at,
        updated_at: at,
        ..Contact::default()
    };
    let mut errors = Errors::default();
    apply(&body, &mut c, &store, &mut errors, true);
    errors.finish()?;
    c.id = store.next_id("contact");
    let json = store.contact_json(&c);
    store.contacts.insert(c.id, c);
    Ok(Json(json))
}

/// `PATCH /contacts/{id}`.
pub(crate) async fn update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "contact").await?;
    let mut store = app.store();
    let mut c = store
        .contacts
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    let mut errors = Errors::default();
    apply(&body, &mut c, &store, &mut errors, false);
    errors.finish()?;
    c.updated_at = now();
    let json = store.contact_json(&c);
    store.contacts.insert(id, c);
    Ok(Json(json))
}
