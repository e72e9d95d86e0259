//! Agreements, maintenance entities (service objects) and employees.

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use serde_json::Value;

use super::{parse_date, set_text, AppState, JsonResult};
use crate::okdesk::body::{str_of, Body};
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::{Agreement, MaintenanceEntity};
use crate::okdesk::query::{check, list_date, Keyset, Params};
use crate::okdesk::store::{now, Store};

const AGREEMENT_NOT_FOUND: &str = "Договор не найден";
const ME_NOT_FOUND: &str = "Объект обслуживания не найден";

/// `GET /agreements` and `/agreements/list`: keyset pages, optionally of one company.
pub(crate) async fn agreements_list(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let companies = params.ids("company_ids", &mut errors);
    check(errors)?;
    let title = params.get("title");
    let store = app.store();
    let items = page.apply(&store.agreements, |a| {
        title.is_none_or(|t| a.title == t)
            && companies.as_ref().is_none_or(|(ids, none)| {
                a.company_ids.iter().any(|c| ids.contains(c)) || *none && a.company_ids.is_empty()
            })
    });
    Ok(Json(Value::Array(
        items.into_iter().map(|a| store.agreement_json(a)).collect(),
    )))
}

/// `GET /companies/{id}/agreements`.
pub(crate) async fn company_agreements(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    if !store.companies.contains_key(&id) {
        return Err(ApiError::NotFound("Компания не найдена"));
    }
    Ok(Json(Value::Array(
        store
            .agreements
            .values()
            .filter(|a| a.company_ids.contains(&id))
            .map(|a| store.agreement_json(a))
            .collect(),
    )))
}

/// `GET /agreements/{id}`.
pub(crate) async fn agreement_show(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let a = store
        .agreements
        .get(&id)
        .ok_or(ApiError::NotFound(AGREEMENT_NOT_FOUND))?;
    Ok(Json(store.agreement_json(a)))
}

fn apply_agreement(
    body: &Body,
    a: &mut Agreement,
    store: &Store,
    errors: &mut Errors,
    creating: bool,
) {
    if creating || body.has("title") {
        match body.str("title") {
            Some(t) => a.title = t.trim().to_owned(),
            None => errors.add("title", "не может быть пустым"),
        }
    }
    let ids = match body.ids("company_ids") {
        Ok(ids) => ids,
        Err(_) => {
            errors.add("company_ids", "должно иметь тип integer");
            None
        }
    };
    if let Some(ids) = ids {
        if ids.iter().any(|id| !store.companies.contains_key(id)) {
            errors.add("company_ids", "не существует");
        }
        a.company_ids = ids;
    }
    for (key, target) in [
        ("start_date", &mut a.start_date),
        ("end_date", &mut a.end_date),
    ] {
        if body.has(key) {
            match body.fields.get(key).and_then(str_of) {
                None => *target = None,
                Some(text) => match parse_date(&text) {
                    Some(d) => *target = Some(d),
                    None => errors.add(key, "Неверный формат даты"),
                },
            }
        }
    }
    if let (Some(s), Some(e)) = (a.start_date, a.end_date) {
        if e < s {
            errors.add("end_date", "должна быть больше даты начала");
        }
    }
    if let Ok(Some(id)) = body.u64("default_assignee_id") {
        a.default_assignee_id = Some(id);
    }
    // The account has no agreement attributes, so any code is unknown (422, as for companies).
    super::set_custom_parameters(body, &[], &mut Default::default(), errors);
}

/// `POST /agreements/`.
pub(crate) async fn agreement_create(
    axum::extract::State(app): AppState,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "agreement").await?;
    let mut store = app.store();
    let at = now();
    let mut a = Agreement {
        active: true,
        created_at: at,
        updated_at: at,
        ..Agreement::default()
    };
    let mut errors = Errors::default();
    apply_agreement(&body, &mut a, &store, &mut errors, true);
    errors.finish()?;
    a.id = store.next_id("agreement");
    let json = store.agreement_json(&a);
    store.agreements.insert(a.id, a);
    Ok(Json(json))
}

/// `PATCH /agreements/{id}`.
pub(crate) async fn agreement_update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "agreement").await?;
    let mut store = app.store();
    let mut a = store
        .agreements
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound(AGREEMENT_NOT_FOUND))?;
    let mut errors = Errors::default();
    apply_agreement(&body, &mut a, &store, &mut errors, false);
    errors.finish()?;
    a.updated_at = now();
    let json = store.agreement_json(&a);
    store.agreements.insert(id, a);
    Ok(Json(json))
}

/// `GET /maintenance_entities/?name=|comment=|search_string=`: always an array.
pub(crate) async fn me_search(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let store = app.store();
    let needle = params.get("search_string").map(str::to_lowercase);
    let name = params.get("name");
    let comment = params.get("comment");
    let found: Vec<Value> = store
        .maintenance_entities
        .values()
        .filter(|m| match &needle {
            Some(n) => {
                m.name.to_lowercase().contains(n)
                    || m.address
                        .as_deref()
                        .is_some_and(|a| a.to_lowercase().contains(n))
            }
            None => {
                (name.is_some() || comment.is_some())
                    && name.is_none_or(|v| m.name == v)
                    && comment.is_none_or(|v| m.comment.as_deref() == Some(v))
            }
        })
        .take(100)
        .map(|m| store.maintenance_entity_json(m, false))
        .collect();
    Ok(Json(Value::Array(found)))
}

/// `GET /maintenance_entities/list`.
pub(crate) async fn me_list(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let companies = params.ids("company_ids", &mut errors);
    let assignees = params.ids("default_assignee_ids", &mut errors);
    // Maintenance entities keep no assignee group here, so only "without" (`0`) matches.
    let assignee_groups = params.ids("default_assignee_group_ids", &mut errors);
    let created_since = list_date(&params, "created_since", false, &mut errors);
    let created_until = list_date(&params, "created_until", true, &mut errors);
    let updated_since = list_date(&params, "updated_since", false, &mut errors);
    let updated_until = list_date(&params, "updated_until", true, &mut errors);
    check(errors)?;
    let store = app.store();
    let items = page.apply(&store.maintenance_entities, |m| {
        companies
            .as_ref()
            .is_none_or(|(ids, _)| ids.contains(&m.company_id))
            && assignees
                .as_ref()
                .is_none_or(|(ids, none)| match m.default_assignee_id {
                    Some(a) => ids.contains(&a),
                    None => *none,
                })
            && assignee_groups.as_ref().is_none_or(|(_, none)| *none)
            && created_since.is_none_or(|t| m.created_at >= t)
            && created_until.is_none_or(|t| m.created_at <= t)
            && updated_since.is_none_or(|t| m.updated_at >= t)
            && updated_until.is_none_or(|t| m.updated_at <= t)
    });
    Ok(Json(Value::Array(
        items
            .into_iter()
            .map(|m| store.maintenance_entity_json(m, false))
            .collect(),
    )))
}

/// `GET /maintenance_entities/{id}`.
pub(crate) async fn me_show(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let m = store
        .maintenance_entities
        .get(&id)
        .ok_or(ApiError::NotFound(ME_NOT_FOUND))?;
    Ok(Json(store.maintenance_entity_json(m, true)))
}

fn apply_me(
    body: &Body,
    m: &mut MaintenanceEntity,
    store: &Store,
    errors: &mut Errors,
    creating: bool,
) {
    if creating || body.has("name") {
        match body.str("name") {
            Some(n) => m.name = n.trim().to_owned(),
            None => errors.add("name", "не может быть пустым"),
        }
    }
    if creating || body.has("company_id") {
        match body.u64("company_id") {
            Ok(Some(id)) if store.companies.contains_key(&id) => m.company_id = id,
            Ok(Some(_)) => errors.add("company_id", "не существует"),
            Ok(None) => errors.add("company_id", "не может быть пустым"),
            Err(_) => errors.add("company_id", "должно иметь тип integer"),
        }
    }
    set_text(body, "address", &mut m.address);
    set_text(body, "comment", &mut m.comment);
    if body.has("coordinates") {
        m.coordinates = body
            .fields
            .get("coordinates")
            .cloned()
            .filter(|v| !v.is_null());
    }
    match body.ids("agreement_ids") {
        Ok(Some(ids)) => {
            if ids.iter().any(|id| !store.agreements.contains_key(id)) {
                errors.add("agreement_ids", "не существует");
            }
            m.agreement_ids = ids;
        }
        Ok(None) => {}
        Err(_) => errors.add("agreement_ids", "должно иметь тип integer"),
    }
    if let Ok(Some(id)) = body.u64("default_assignee_id") {
        m.default_assignee_id = Some(id);
    }
    if let Ok(Some(ids)) = body.ids("observer_ids") {
        m.observer_ids = ids;
    }
    // The account has no maintenance-entity attributes, so any code is unknown (422).
    super::set_custom_parameters(body, &[], &mut Default::default(), errors);
}

/// `POST /maintenance_entities/`.
pub(crate) async fn me_create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    let body = Body::read(req, "maintenance_entity").await?;
    let mut store = app.store();
    let at = now();
    let mut m = MaintenanceEntity {
        active: true,
        created_at: at,
        updated_at: at,
        ..MaintenanceEntity::default()
    };
    let mut errors = Errors::default();
    apply_me(&body, &mut m, &store, &mut errors, true);
    errors.finish()?;
    m.id = store.next_id("maintenance_entity");
    let json = store.maintenance_entity_json(&m, true);
    store.maintenance_entities.insert(m.id, m);
    Ok(Json(json))
}

/// `PATCH /maintenance_entities/{id}`.
pub(crate) async fn me_update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "maintenance_entity").await?;
    let mut store = app.store();
    let mut m = store
        .maintenance_entities
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound(ME_NOT_FOUND))?;
    let mut errors = Errors::default();
    apply_me(&body, &mut m, &store, &mut errors, false);
    errors.finish()?;
    m.updated_at = now();
    let json = store.maintenance_entity_json(&m, true);
    store.maintenance_entities.insert(id, m);
    Ok(Json(json))
}

/// `GET /employees/list`: keyset pages, inactive employees included.
pub(crate) async fn employees_list(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    check(errors)?;
    let store = app.store();
    let items = page.apply(&store.employees, |_| true);
    Ok(Json(Value::Array(
        items.into_iter().map(|e| store.employee_json(e)).collect(),
    )))
}

/// `GET /employees/{id}`.
pub(crate) async fn employee_show(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
) -> JsonResult {
    let store = app.store();
    let e = store
        .employees
        .get(&id)
        .ok_or(ApiError::NotFound("Сотрудник не найден"))?;
    Ok(Json(store.employee_json(e)))
}
