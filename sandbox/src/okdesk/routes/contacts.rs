//! Contacts: exact search (one object) vs `search_string` (an array), keyset list, create and
//! update with the required names and e-mail validation, and (de)activation through
//! `/contacts/{id}/activations` (an update's `active` is ignored, as the real server ignores it).

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use serde_json::Value;

use super::{empty_object, set_custom_parameters, set_email, set_text, AppState, JsonResult};
use crate::okdesk::body::Body;
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::Contact;
use crate::okdesk::query::{check, Keyset, Params};
use crate::okdesk::store::{now, Store};

const NOT_FOUND: &str = "Контактное лицо не найдено";

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

/// `GET /contacts/?id=|phone=|email=|login=|search_string=`. A `crm_1c_id` never reaches here:
/// the gate drops it as a name this endpoint does not know (see `known.rs`).
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
    if id.is_none() && phone.is_none() && email.is_none() && login.is_none() {
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
    });
    Ok(Json(
        found.map_or_else(empty_object, |c| store.contact_json(c)),
    ))
}

/// `GET /contacts/list`: keyset pages of every contact, inactive ones included. No filter is
/// evidenced for this listing, so none narrows it.
pub(crate) async fn list(axum::extract::State(app): AppState, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    check(errors)?;
    let store = app.store();
    let items = page.apply(&store.contacts, |_| true);
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
    // The account has no contact attributes, so any code is unknown (422, as for companies).
    set_custom_parameters(body, &[], &mut Default::default(), errors);
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

/// `PATCH /contacts/{id}/activations` with the flat `{"active": bool}` (SpiritSmell/okdesk_tools
/// `archive_contact`, run against a live account); the wrapped form is read too.
pub(crate) async fn activation(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "contact").await?;
    let active = match body.fields.get("active") {
        None | Some(serde_json::Value::Null) => {
            return Err(ApiError::field("active", "не может быть пустым"))
        }
        Some(v) => crate::okdesk::body::bool_of(v)
            .ok_or_else(|| ApiError::field("active", "имеет неверное значение"))?,
    };
    let mut store = app.store();
    let c = store
        .contacts
        .get_mut(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    c.active = active;
    c.updated_at = now();
    let c = c.clone();
    Ok(Json(store.contact_json(&c)))
}
