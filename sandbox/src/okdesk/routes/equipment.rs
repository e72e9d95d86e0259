//! Equipment and its directories (kinds, manufacturers, models). Equipment search answers a single
//! object for zero or one match and an array otherwise, as the real API does.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, Request};
use axum::Json;
use serde_json::Value;

use super::{empty_object, set_text, AppState, JsonResult};
use crate::okdesk::body::Body;
use crate::okdesk::error::{ApiError, Errors};
use crate::okdesk::model::{Directory, Equipment};
use crate::okdesk::query::{check, list_date, Keyset, Params};
use crate::okdesk::store::{now, Store};

const NOT_FOUND: &str = "Оборудование не найдено";

/// `GET /equipments/?inventory_number=|serial_number=|search_string=`.
pub(crate) async fn search(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let store = app.store();
    let needle = params.get("search_string").map(str::to_lowercase);
    let inventory = params.get("inventory_number");
    let serial = params.get("serial_number");
    let found: Vec<&Equipment> = store
        .equipment
        .values()
        .filter(|e| match &needle {
            Some(n) => [&e.serial_number, &e.inventory_number, &e.comment]
                .iter()
                .any(|f| f.as_deref().is_some_and(|v| v.to_lowercase().contains(n))),
            None => {
                (inventory.is_some() || serial.is_some())
                    && inventory.is_none_or(|v| e.inventory_number.as_deref() == Some(v))
                    && serial.is_none_or(|v| e.serial_number.as_deref() == Some(v))
            }
        })
        .take(100)
        .collect();
    Ok(Json(match found.as_slice() {
        [] => empty_object(),
        [one] => store.equipment_json(one),
        many => Value::Array(many.iter().map(|e| store.equipment_json(e)).collect()),
    }))
}

/// `GET /equipments/list/`.
pub(crate) async fn list(axum::extract::State(app): AppState, RawQuery(q): RawQuery) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    let companies = params.ids("company_ids", &mut errors);
    let objects = params.ids("maintenance_entity_ids", &mut errors);
    let agreements = params.ids("agreement_ids", &mut errors);
    let since = list_date(&params, "created_since", false, &mut errors);
    let until = list_date(&params, "created_until", true, &mut errors);
    check(errors)?;
    let kinds = params.list("equipment_kind_codes");
    let makers = params.list("equipment_manufacturer_codes");
    let models = params.list("equipment_model_codes");
    // The account has no equipment attributes: an attribute filter matches nothing.
    let by_attribute = !params.custom_parameters().is_empty();
    let store = app.store();
    let code_of = |map: &BTreeMap<u64, Directory>, id: Option<u64>| {
        id.and_then(|id| map.get(&id)).map(|d| d.code.clone())
    };
    let items = page.apply(&store.equipment, |e| {
        let by = |f: &Option<(Vec<u64>, bool)>, v: Option<u64>| {
            f.as_ref().is_none_or(|(ids, none)| match v {
                Some(id) => ids.contains(&id),
                None => *none,
            })
        };
        !by_attribute
            && by(&companies, e.company_id)
            && by(&objects, e.maintenance_entity_id)
            && agreements.as_ref().is_none_or(|(ids, none)| {
                e.agreement_ids.iter().any(|a| ids.contains(a))
                    || *none && e.agreement_ids.is_empty()
            })
            && since.is_none_or(|t| e.created_at >= t)
            && until.is_none_or(|t| e.created_at <= t)
            && (kinds.is_empty()
                || code_of(&store.kinds, Some(e.kind_id))
                    .is_some_and(|c| kinds.contains(&c.as_str())))
            && (makers.is_empty()
                || code_of(&store.manufacturers, e.manufacturer_id)
                    .is_some_and(|c| makers.contains(&c.as_str())))
            && (models.is_empty()
                || code_of(&store.models, e.model_id).is_some_and(|c| models.contains(&c.as_str())))
    });
    Ok(Json(Value::Array(
        items.into_iter().map(|e| store.equipment_json(e)).collect(),
    )))
}

/// `GET /equipments/{id}`.
pub(crate) async fn show(axum::extract::State(app): AppState, Path(id): Path<u64>) -> JsonResult {
    let store = app.store();
    let e = store
        .equipment
        .get(&id)
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    Ok(Json(store.equipment_json(e)))
}

fn by_code(map: &BTreeMap<u64, Directory>, code: &str) -> Option<u64> {
    map.values().find(|d| d.code == code).map(|d| d.id)
}

fn apply(body: &Body, e: &mut Equipment, store: &Store, errors: &mut Errors, creating: bool) {
    // The documentation names the kind `equipment_type_code`; the response and the filters say
    // "kind", so both spellings are accepted.
    let kind_key = if body.has("equipment_kind_code") {
        "equipment_kind_code"
    } else {
        "equipment_type_code"
    };
    if creating || body.has(kind_key) {
        match body.str(kind_key) {
            None => errors.add("equipment_type_code", "не может быть пустым"),
            Some(code) => match by_code(&store.kinds, &code) {
                Some(id) => e.kind_id = id,
                None => errors.add("equipment_type_code", "имеет неверное значение"),
            },
        }
    }
    if body.has("equipment_manufacturer_code") {
        e.manufacturer_id = match body.str("equipment_manufacturer_code") {
            None => None,
            Some(code) => {
                let id = by_code(&store.manufacturers, &code);
                if id.is_none() {
                    errors.add("equipment_manufacturer_code", "имеет неверное значение");
                }
                id
            }
        };
    }
    if body.has("equipment_model_code") {
        e.model_id = match body.str("equipment_model_code") {
            None => None,
            Some(code) => {
                let id = by_code(&store.models, &code);
                if id.is_none() {
                    errors.add("equipment_model_code", "имеет неверное значение");
                }
                id
            }
        };
    }
    set_text(body, "serial_number", &mut e.serial_number);
    set_text(body, "inventory_number", &mut e.inventory_number);
    set_text(body, "comment", &mut e.comment);
    set_ref(
        body,
        "company_id",
        &mut e.company_id,
        |id| store.companies.contains_key(&id),
        errors,
    );
    set_ref(
        body,
        "maintenance_entity_id",
        &mut e.maintenance_entity_id,
        |id| store.maintenance_entities.contains_key(&id),
        errors,
    );
    set_ref(
        body,
        "parent_id",
        &mut e.parent_id,
        |id| store.equipment.contains_key(&id),
        errors,
    );
    match body.ids("agreement_ids") {
        Ok(Some(ids)) => {
            if ids.iter().any(|id| !store.agreements.contains_key(id)) {
                errors.add("agreement_ids", "не существует");
            }
            e.agreement_ids = ids;
        }
        Ok(None) => {}
        Err(_) => errors.add("agreement_ids", "должно иметь тип integer"),
    }
    // The account has no equipment attributes, so any code is unknown (422, as for companies).
    super::set_custom_parameters(body, &[], &mut Default::default(), errors);
}

/// Sets a reference field that must name an existing object (`null` clears it).
fn set_ref(
    body: &Body,
    key: &str,
    target: &mut Option<u64>,
    exists: impl Fn(u64) -> bool,
    errors: &mut Errors,
) {
    match body.u64(key) {
        Ok(Some(id)) if !exists(id) => errors.add(key, "не существует"),
        Ok(Some(id)) => *target = Some(id),
        Ok(None) if body.has(key) => *target = None,
        Ok(None) => {}
        Err(_) => errors.add(key, "должно иметь тип integer"),
    }
}

/// `POST /equipments/`.
pub(crate) async fn create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    let body = Body::read(req, "equipment").await?;
    let mut store = app.store();
    let at = now();
    let mut e = Equipment {
        created_at: at,
        updated_at: at,
        ..Equipment::default()
    };
    let mut errors = Errors::default();
    apply(&body, &mut e, &store, &mut errors, true);
    errors.finish()?;
    e.id = store.next_id("equipment");
    let json = store.equipment_json(&e);
    store.equipment.insert(e.id, e);
    Ok(Json(json))
}

/// `PATCH /equipments/{id}`.
pub(crate) async fn update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    let body = Body::read(req, "equipment").await?;
    let mut store = app.store();
    let mut e = store
        .equipment
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound(NOT_FOUND))?;
    let mut errors = Errors::default();
    apply(&body, &mut e, &store, &mut errors, false);
    errors.finish()?;
    e.updated_at = now();
    let json = store.equipment_json(&e);
    store.equipment.insert(id, e);
    Ok(Json(json))
}

#[derive(Clone, Copy)]
enum Dir {
    Kind,
    Manufacturer,
    Model,
}

impl Dir {
    fn wrapper(self) -> &'static str {
        match self {
            Dir::Kind => "equipment_kind",
            Dir::Manufacturer => "equipment_manufacturer",
            Dir::Model => "equipment_model",
        }
    }

    fn map(self, store: &Store) -> &BTreeMap<u64, Directory> {
        match self {
            Dir::Kind => &store.kinds,
            Dir::Manufacturer => &store.manufacturers,
            Dir::Model => &store.models,
        }
    }

    fn map_mut(self, store: &mut Store) -> &mut BTreeMap<u64, Directory> {
        match self {
            Dir::Kind => &mut store.kinds,
            Dir::Manufacturer => &mut store.manufacturers,
            Dir::Model => &mut store.models,
        }
    }
}

fn dir_list(app: &crate::okdesk::app::App, dir: Dir, q: Option<String>) -> JsonResult {
    let params = Params::parse(q.as_deref());
    let mut errors = Errors::default();
    let page = Keyset::parse(&params, &mut errors);
    check(errors)?;
    let needle = params.get("search_string").map(str::to_lowercase);
    let store = app.store();
    let items = page.apply(dir.map(&store), |d| {
        needle
            .as_ref()
            .is_none_or(|n| d.name.to_lowercase().contains(n) || d.code.to_lowercase().contains(n))
    });
    Ok(Json(Value::Array(
        items.into_iter().map(|d| store.directory_json(d)).collect(),
    )))
}

fn dir_apply(
    body: &Body,
    dir: Dir,
    d: &mut Directory,
    store: &Store,
    errors: &mut Errors,
    creating: bool,
) {
    // On an update `code` never gets here: it is not updatable, and `Body::read` has dropped it.
    for key in ["name", "code"] {
        if creating || body.has(key) {
            match body.str(key) {
                None => errors.add(key, "не может быть пустым"),
                Some(v) => {
                    let v = v.trim().to_owned();
                    if key == "code" {
                        if dir.map(store).values().any(|o| o.id != d.id && o.code == v) {
                            errors.add("code", "уже существует");
                        }
                        d.code = v;
                    } else {
                        d.name = v;
                    }
                }
            }
        }
    }
    set_text(body, "description", &mut d.description);
    if let Some(v) = body.bool("visible") {
        d.visible = v;
    }
    if let Dir::Model = dir {
        // Ids, as the documentation has them (codes are not read).
        for (id_key, target, map) in [
            ("equipment_kind_id", &mut d.kind_id, &store.kinds),
            (
                "equipment_manufacturer_id",
                &mut d.manufacturer_id,
                &store.manufacturers,
            ),
        ] {
            match body.u64(id_key).ok().flatten() {
                Some(id) if map.contains_key(&id) => *target = Some(id),
                Some(_) => errors.add(id_key, "не существует"),
                None if creating => errors.add(id_key, "не может быть пустым"),
                None => {}
            }
        }
    }
}

async fn dir_create(app: &crate::okdesk::app::App, dir: Dir, req: Request) -> JsonResult {
    let body = Body::read(req, dir.wrapper()).await?;
    let mut store = app.store();
    let mut d = Directory {
        visible: true,
        ..Directory::default()
    };
    let mut errors = Errors::default();
    dir_apply(&body, dir, &mut d, &store, &mut errors, true);
    errors.finish()?;
    d.id = store.next_id(dir.wrapper());
    let json = store.directory_json(&d);
    dir.map_mut(&mut store).insert(d.id, d);
    Ok(Json(json))
}

async fn dir_update(app: &crate::okdesk::app::App, dir: Dir, id: u64, req: Request) -> JsonResult {
    let body = Body::read(req, dir.wrapper()).await?;
    let mut store = app.store();
    let mut d = dir
        .map(&store)
        .get(&id)
        .cloned()
        .ok_or(ApiError::NotFound("Запись справочника не найдена"))?;
    let mut errors = Errors::default();
    dir_apply(&body, dir, &mut d, &store, &mut errors, false);
    errors.finish()?;
    let json = store.directory_json(&d);
    dir.map_mut(&mut store).insert(id, d);
    Ok(Json(json))
}

pub(crate) async fn kinds(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    dir_list(&app, Dir::Kind, q)
}
pub(crate) async fn manufacturers(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    dir_list(&app, Dir::Manufacturer, q)
}
pub(crate) async fn models(
    axum::extract::State(app): AppState,
    RawQuery(q): RawQuery,
) -> JsonResult {
    dir_list(&app, Dir::Model, q)
}
pub(crate) async fn kind_create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    dir_create(&app, Dir::Kind, req).await
}
pub(crate) async fn manufacturer_create(
    axum::extract::State(app): AppState,
    req: Request,
) -> JsonResult {
    dir_create(&app, Dir::Manufacturer, req).await
}
pub(crate) async fn model_create(axum::extract::State(app): AppState, req: Request) -> JsonResult {
    dir_create(&app, Dir::Model, req).await
}
pub(crate) async fn kind_update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    dir_update(&app, Dir::Kind, id, req).await
}
pub(crate) async fn manufacturer_update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    dir_update(&app, Dir::Manufacturer, id, req).await
}
pub(crate) async fn model_update(
    axum::extract::State(app): AppState,
    Path(id): Path<u64>,
    req: Request,
) -> JsonResult {
    dir_update(&app, Dir::Model, id, req).await
}
